#include "tests/harness/pgbouncerprocess.h"

#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpSocket>

#include <pwd.h>
#include <unistd.h>

namespace {

QString findPgBouncer()
{
    // Debian installs it in /usr/sbin, which is not on every user's PATH.
    QString path = QStandardPaths::findExecutable(QStringLiteral("pgbouncer"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            QStringLiteral("pgbouncer"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
    return path;
}

bool writeFile(const QString &path, const QByteArray &content, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

PgBouncerProcess::PgBouncerProcess(const PgTestCluster &cluster)
    : m_cluster(cluster)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

PgBouncerProcess::~PgBouncerProcess()
{
    stop();
}

bool PgBouncerProcess::start(QString *error)
{
    QString ignored;
    QString &message = error ? *error : ignored;
    if (isRunning())
        return true;
    const QString program = findPgBouncer();
    if (program.isEmpty()) {
        message = QStringLiteral("pgbouncer not found; install the pgbouncer package");
        return false;
    }
    m_folder = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/carwash-pgbouncer-XXXXXX"));
    if (!m_folder->isValid()) {
        message = QStringLiteral("cannot create a temporary folder: ") + m_folder->errorString();
        return false;
    }
    // A restart keeps the port: the programs under test reconnect to it.
    if (m_port == 0)
        m_port = PgTestCluster::freePort();
    const QString dir = m_folder->path();
    const QString authFile = QDir(dir).filePath(QStringLiteral("userlist.txt"));
    const QString iniFile = QDir(dir).filePath(QStringLiteral("pgbouncer.ini"));
    QString ini = QStringLiteral("[databases]\n"
                                 "carwash = host=127.0.0.1 port=%1 dbname=carwash user=carwash\n"
                                 "\n"
                                 "[pgbouncer]\n"
                                 "listen_addr = 127.0.0.1\n"
                                 "listen_port = %2\n"
                                 "unix_socket_dir =\n"
                                 "auth_type = trust\n"
                                 "auth_file = %3\n"
                                 "pool_mode = transaction\n"
                                 "default_pool_size = %4\n"
                                 "max_client_conn = 200\n")
                      .arg(m_cluster.port())
                      .arg(m_port)
                      .arg(authFile)
                      .arg(kServerPoolSize);
    const bool root = ::geteuid() == 0;
    if (root)
        ini += QStringLiteral("user = postgres\n");
    if (!writeFile(authFile, QByteArrayLiteral("\"carwash\" \"\"\n"), &message)
        || !writeFile(iniFile, ini.toUtf8(), &message))
        return false;
    if (root) {
        // After dropping to postgres it still re-reads the auth file.
        if (const passwd *pw = ::getpwnam("postgres")) {
            for (const QString &path : {dir, authFile, iniFile}) {
                if (::chown(QFile::encodeName(path).constData(), pw->pw_uid, pw->pw_gid) != 0)
                    qWarning("PgBouncerProcess: cannot hand %s to postgres", qPrintable(path));
            }
        }
    }

    // A file, not a pipe: nobody reads a pipe while the test thread waits on
    // a QFuture, and a full pipe would stall PgBouncer.
    m_process.setStandardOutputFile(QDir(dir).filePath(QStringLiteral("pgbouncer.log")));
    m_process.setWorkingDirectory(dir);
    m_process.start(program, {iniFile});
    if (!m_process.waitForStarted(10000)) {
        message = QStringLiteral("pgbouncer did not start: ") + m_process.errorString();
        return false;
    }
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 15000) {
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_port));
        if (probe.waitForConnected(500))
            return true;
        // Also notices an early exit (a bad ini), which state() alone would
        // not see without an event loop.
        if (m_process.waitForFinished(50)) {
            message = QStringLiteral("pgbouncer exited: ") + output();
            return false;
        }
    }
    message = QStringLiteral("pgbouncer did not listen on port %1 within 15 s: %2").arg(m_port).arg(output());
    stop();
    return false;
}

void PgBouncerProcess::stop()
{
    if (!isRunning())
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

DatabaseConfig PgBouncerProcess::config(const QString &applicationName) const
{
    DatabaseConfig c = m_cluster.config(applicationName);
    c.port = m_port;
    return c;
}

QString PgBouncerProcess::output() const
{
    if (!m_folder)
        return {};
    QFile log(QDir(m_folder->path()).filePath(QStringLiteral("pgbouncer.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString();
}
