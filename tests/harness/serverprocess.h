#pragma once

#include <QHash>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

// carwash-server as a real process for the e2e tests: started from
// CARWASH_BIN_DIR with the environment given, ready once it printed the
// address it listens on. The destructor kills a server still running.
// Blocking helpers: the test thread only.
class ServerProcess
{
public:
    ServerProcess();
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    static QString programPath();

    // Starts it listening on 127.0.0.1 and a free port (unless arguments
    // hold a --listen) and waits for its "listening on" line; false with
    // what it said otherwise.
    bool start(const QProcessEnvironment &environment, const QStringList &arguments = {},
               QString *error = nullptr);
    // Waits until GET /health answers 200 and lists this process: migrated
    // and publishing.
    bool waitUntilHealthy(QString *error = nullptr);
    // SIGTERM, then waits for the exit; the exit code, or -1 when it crashed
    // or had to be killed.
    int terminate();
    bool sendTerminate();
    int waitForExit();

    qint64 pid() const;
    int port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    // What it wrote on stderr so far (its log).
    QString log();

    struct Response
    {
        int status = 0; // 0: no answer
        QByteArray body;
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    };
    // One request, waiting for the answer in a local event loop.
    Response get(const QString &path);
    Response post(const QString &path, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers);
    // Any method, with its headers (a JSON body's Content-Type set when
    // there is a body).
    Response send(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stderr;
    int m_port = 0;
};
