#include "tests/harness/adminprocess.h"

#include <QDir>
#include <QProcess>

#include <memory>

QString AdminProcess::path()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
}

QProcessEnvironment AdminProcess::environmentFor(int port)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=5&pool_timeout=20")
                   .arg(port));
    return env;
}

QProcess *AdminProcess::start(const QStringList &args, const QProcessEnvironment &env, QObject *parent)
{
    auto *p = new QProcess(parent);
    p->setProcessEnvironment(env);
    p->start(path(), args);
    return p;
}

AdminProcess::Run AdminProcess::finish(QProcess *p, int timeoutMs)
{
    Run r;
    if (!p->waitForFinished(timeoutMs)) {
        p->kill();
        p->waitForFinished();
    }
    r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
    r.out = p->readAllStandardOutput();
    r.err = p->readAllStandardError();
    return r;
}

AdminProcess::Run AdminProcess::run(const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    const std::unique_ptr<QProcess> p(start(args, env, nullptr));
    return finish(p.get(), timeoutMs);
}
