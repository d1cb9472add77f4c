#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QObject;
class QProcess;

// carwash-admin as the CLI tests run it: the real binary (CARWASH_BIN_DIR)
// as a child process, its exit code and both outputs kept whole.
namespace AdminProcess {

struct Run
{
    int exitCode = -1; // -1: it crashed or did not end in time (then killed)
    QByteArray out;
    QByteArray err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
};

QString path();
// The test's own environment with DATABASE_URL naming the carwash database
// of the cluster on 127.0.0.1:port.
QProcessEnvironment environmentFor(int port);
// Started with args in env, owned by parent; for tests that run several at once.
QProcess *start(const QStringList &args, const QProcessEnvironment &env, QObject *parent);
// Waits for p to end (at most timeoutMs, then kills it) and collects its run.
Run finish(QProcess *p, int timeoutMs = 120000);
// start then finish.
Run run(const QStringList &args, const QProcessEnvironment &env, int timeoutMs = 120000);

} // namespace AdminProcess
