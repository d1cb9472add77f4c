#include "tests/harness/pgtestcluster.h"

#include "tests/harness/testnames.h"

#include <QAtomicInt>
#include <QCollator>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>

#include <algorithm>
#include <csignal>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QString kUser = QStringLiteral("carwash");
const QString kDatabase = QStringLiteral("carwash");
// The harness's own connections, so they never count as the pool's.
const QString kHarnessApplicationName = QStringLiteral("carwash-test-harness");

bool isRoot()
{
    return ::geteuid() == 0;
}

// The parent's pid and state letter of a process from /proc/<pid>/stat;
// false when it is gone. The name in parentheses may hold spaces.
bool processStat(qint64 pid, qint64 *parent, char *state)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = file.readAll();
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return false;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 2)
        return false;
    *state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
    *parent = fields.at(1).toLongLong();
    return true;
}

// Running, as opposed to gone or a zombie nobody reaped yet.
bool isAlive(qint64 pid)
{
    qint64 parent = 0;
    char state = '?';
    return processStat(pid, &parent, &state) && state != 'Z' && state != 'X';
}

struct ProcessOutcome
{
    bool ok = false;
    QString output;
};

// Runs a PostgreSQL tool to completion, as the postgres user under root.
ProcessOutcome runTool(const QString &program, const QStringList &arguments, const QString &workingDirectory,
                       int timeoutMs)
{
    QString runner;
    const QStringList args = PgTestCluster::asServerUser(program, arguments, &runner);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The postgres user may not be able to enter the caller's directory.
    process.setWorkingDirectory(workingDirectory);
    process.start(runner, args);
    ProcessOutcome outcome;
    if (!process.waitForStarted(10000)) {
        outcome.output = QStringLiteral("%1 did not start: %2").arg(runner, process.errorString());
        return outcome;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        outcome.output = QStringLiteral("%1 did not finish within %2 ms").arg(program).arg(timeoutMs);
        return outcome;
    }
    outcome.output = QString::fromLocal8Bit(process.readAll());
    outcome.ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return outcome;
}

// One statement on a connection opened and closed around it, on the calling
// thread (QSqlDatabase's rule).
QVariant runBlocking(int port, const QString &database, const QString &sql, const QVariantList &binds,
                     QString *error)
{
    static QAtomicInt counter;
    const QString name = QStringLiteral("carwash-test-harness-%1").arg(counter.fetchAndAddRelaxed(1));
    QVariant value;
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(port);
        db.setDatabaseName(database);
        db.setUserName(kUser);
        // connect_timeout bounds the start-up only; a peer that stops
        // answering later (a chaos test seen hanging in QPSQL's own queries
        // at open) is given up by TCP after 10 s.
        db.setConnectOptions(QStringLiteral("connect_timeout=5;tcp_user_timeout=10000;keepalives_idle=5;"
                                            "keepalives_interval=1;keepalives_count=5;application_name=")
                             + kHarnessApplicationName);
        if (!db.open()) {
            failure = db.lastError().text();
        } else {
            QSqlQuery query(db);
            bool ok = false;
            if (binds.isEmpty()) {
                ok = query.exec(sql);
            } else {
                ok = query.prepare(sql);
                for (const QVariant &v : binds)
                    query.addBindValue(v);
                ok = ok && query.exec();
            }
            if (!ok)
                failure = query.lastError().text();
            else if (query.isSelect() && query.next())
                value = query.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (error)
        *error = failure;
    return value;
}

} // namespace

PgTestCluster::PgTestCluster() = default;

PgTestCluster::~PgTestCluster()
{
    if (m_running)
        stop(Mode::Immediate);
}

QStringList PgTestCluster::asServerUser(const QString &program, const QStringList &arguments, QString *runner)
{
    if (!isRoot()) {
        *runner = program;
        return arguments;
    }
    *runner = QStringLiteral("runuser");
    return QStringList {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program}
    + arguments;
}

QString PgTestCluster::binDirectory()
{
    QProcess pgConfig;
    pgConfig.start(QStringLiteral("pg_config"), {QStringLiteral("--bindir")});
    if (pgConfig.waitForFinished(10000) && pgConfig.exitCode() == 0) {
        const QString dir = QString::fromLocal8Bit(pgConfig.readAllStandardOutput()).trimmed();
        if (QFileInfo(QDir(dir).filePath(QStringLiteral("initdb"))).isExecutable())
            return dir;
    }
    QStringList versions
        = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(),
              [&](const QString &a, const QString &b) { return numeric.compare(a, b) > 0; });
    for (const QString &version : std::as_const(versions)) {
        const QString dir = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(version);
        if (QFileInfo(QDir(dir).filePath(QStringLiteral("initdb"))).isExecutable())
            return dir;
    }
    return {};
}

int PgTestCluster::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = server.serverPort();
    server.close();
    return port;
}

QString PgTestCluster::dataDirectory() const
{
    return QDir(folder()).filePath(QStringLiteral("data"));
}

bool PgTestCluster::makeFolder(QString *error)
{
    m_folder = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/carwash-pgtest-XXXXXX"));
    if (!m_folder->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: ") + m_folder->errorString();
        return false;
    }
    if (isRoot()) {
        // The server runs as postgres and must own its folder.
        const passwd *pw = ::getpwnam("postgres");
        const QByteArray path = QFile::encodeName(folder());
        if (!pw || ::chown(path.constData(), pw->pw_uid, pw->pw_gid) != 0
            || ::chmod(path.constData(), 0700) != 0) {
            *error = QStringLiteral("cannot hand %1 to the postgres user").arg(folder());
            return false;
        }
    }
    return true;
}

bool PgTestCluster::initialize(QString *error)
{
    if (!makeFolder(error))
        return false;
    m_binDirectory = binDirectory();
    if (m_binDirectory.isEmpty()) {
        *error = QStringLiteral("no PostgreSQL server binaries (initdb); install the postgresql package");
        return false;
    }
    const ProcessOutcome initdb = runTool(QDir(m_binDirectory).filePath(QStringLiteral("initdb")),
                                          {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-U"), kUser,
                                           QStringLiteral("--auth=trust"), QStringLiteral("-E"),
                                           QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
                                           QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
                                          folder(), 120000);
    if (!initdb.ok) {
        *error = QStringLiteral("initdb failed: ") + initdb.output;
        return false;
    }
    QFile conf(QDir(dataDirectory()).filePath(QStringLiteral("postgresql.conf")));
    if (!conf.open(QIODevice::Append | QIODevice::Text)) {
        *error = QStringLiteral("cannot extend postgresql.conf: ") + conf.errorString();
        return false;
    }
    conf.write("\ninclude_if_exists = 'carwash_test.conf'\n");
    conf.close();
    m_initialized = true;
    return true;
}

bool PgTestCluster::writeSettings(QString *error)
{
    QFile file(QDir(dataDirectory()).filePath(QStringLiteral("carwash_test.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        *error = QStringLiteral("cannot write carwash_test.conf: ") + file.errorString();
        return false;
    }
    // Durability is worthless for a throwaway cluster; speed is not.
    const QString settings = QStringLiteral("listen_addresses = '127.0.0.1'\n"
                                            "port = %1\n"
                                            "unix_socket_directories = %2\n"
                                            "max_connections = %3\n"
                                            "shared_buffers = 32MB\n"
                                            "fsync = off\n"
                                            "synchronous_commit = %4\n"
                                            "full_page_writes = off\n")
                                 .arg(m_port)
                                 .arg(TestNames::quoted(folder()))
                                 .arg(m_maxConnections)
                                 .arg(m_crashSafeCommits ? QStringLiteral("on") : QStringLiteral("off"));
    file.write(settings.toUtf8());
    // Written by root under root: the server (postgres) only has to read it.
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    return true;
}

bool PgTestCluster::setHostRules(const QStringList &hostLines, QString *error)
{
    QFile file(QDir(dataDirectory()).filePath(QStringLiteral("pg_hba.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        if (error)
            *error = QStringLiteral("cannot write pg_hba.conf: ") + file.errorString();
        return false;
    }
    file.write(QStringLiteral("local all all trust\n%1\n").arg(hostLines.join(u'\n')).toUtf8());
    file.close();
    // A restart rather than a reload: pg_ctl reload returns before the
    // server has read the file, and a test must not race it.
    if (!m_running)
        return true;
    return stop(Mode::Fast) && start(error);
}

bool PgTestCluster::pgCtl(const QStringList &arguments, QString *error, int timeoutMs)
{
    const ProcessOutcome outcome
        = runTool(QDir(m_binDirectory).filePath(QStringLiteral("pg_ctl")),
                  QStringList {QStringLiteral("-D"), dataDirectory()} + arguments, folder(), timeoutMs);
    if (!outcome.ok && error)
        *error
            = QStringLiteral("pg_ctl %1 failed: %2\n%3").arg(arguments.join(u' '), outcome.output, logTail());
    return outcome.ok;
}

bool PgTestCluster::start(QString *error)
{
    QString ignored;
    QString &message = error ? *error : ignored;
    if (m_running)
        return true;
    const bool firstStart = !m_initialized;
    if (firstStart && !initialize(&message))
        return false;
    const QStringList startArguments {
        QStringLiteral("-l"), QDir(folder()).filePath(QStringLiteral("server.log")),
        QStringLiteral("-w"), QStringLiteral("-t"),
        QStringLiteral("60"), QStringLiteral("start")};
    // The free port may be taken between the probe and the start; a restart
    // keeps the port, since clients (the pool under test) reconnect to it.
    const int tries = m_port == 0 ? 3 : 1;
    bool started = false;
    for (int i = 0; i < tries && !started; ++i) {
        if (m_port == 0 || i > 0) {
            m_port = freePort();
            if (!writeSettings(&message))
                return false;
        }
        started = pgCtl(startArguments, &message, 90000);
    }
    if (!started)
        return false;
    m_running = true;
    if (firstStart) {
        QString failure;
        runBlocking(m_port, QStringLiteral("postgres"), QStringLiteral("CREATE DATABASE ") + kDatabase, {},
                    &failure);
        if (failure.isEmpty())
            queryBlocking(QStringLiteral("CREATE EXTENSION IF NOT EXISTS btree_gist"), kDatabase, &failure);
        if (!failure.isEmpty()) {
            message = QStringLiteral("cannot create database %1: %2").arg(kDatabase, failure);
            return false;
        }
    }
    return true;
}

bool PgTestCluster::startAsStandbyOf(PgTestCluster &primary, bool synchronous, QString *error)
{
    QString ignored;
    QString &message = error ? *error : ignored;
    if (m_initialized || !primary.isRunning()) {
        message = QStringLiteral("a standby needs a fresh cluster object and a running primary");
        return false;
    }
    if (synchronous && !primary.m_crashSafeCommits) {
        message = QStringLiteral("a synchronous standby needs the primary's setCrashSafeCommits(true)");
        return false;
    }
    if (!makeFolder(&message))
        return false;
    m_binDirectory = primary.m_binDirectory;
    // A hot standby needs at least the primary's max_connections.
    m_maxConnections = primary.m_maxConnections;
    // initdb's pg_hba.conf lets replication in over 127.0.0.1 (trust).
    const ProcessOutcome backup
        = runTool(QDir(m_binDirectory).filePath(QStringLiteral("pg_basebackup")),
                  {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                   QString::number(primary.port()), QStringLiteral("-U"), kUser, QStringLiteral("-D"),
                   dataDirectory(), QStringLiteral("-R"), QStringLiteral("-X"), QStringLiteral("stream"),
                   QStringLiteral("-c"), QStringLiteral("fast"), QStringLiteral("--no-sync")},
                  folder(), 120000);
    if (!backup.ok) {
        message = QStringLiteral("pg_basebackup failed: ") + backup.output;
        return false;
    }
    // The copied carwash_test.conf is the primary's: start() writes this one's.
    m_initialized = true;
    if (!start(&message))
        return false;
    if (synchronous) {
        primary.queryBlocking(QStringLiteral("ALTER SYSTEM SET synchronous_standby_names = '*'"), kDatabase,
                              &message);
        if (message.isEmpty())
            primary.queryBlocking(QStringLiteral("SELECT pg_reload_conf()"), kDatabase, &message);
        if (!message.isEmpty())
            return false;
    }
    const QString streaming = synchronous
        ? QStringLiteral(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'")
        : QStringLiteral("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
    for (int waited = 0; waited < 600; ++waited) {
        if (primary.queryBlocking(streaming).toInt() > 0)
            return true;
        ::usleep(100000);
    }
    message = QStringLiteral("the standby on port %1 did not start streaming%2:\n%3")
                  .arg(m_port)
                  .arg(synchronous ? QStringLiteral(" synchronously") : QString())
                  .arg(logTail());
    return false;
}

bool PgTestCluster::promote(QString *error)
{
    return m_running
        && pgCtl(
               {QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("promote")},
               error, 90000);
}

bool PgTestCluster::stop(Mode mode)
{
    if (!m_running)
        return true;
    QString error;
    const bool ok = pgCtl(
        {QStringLiteral("-m"), mode == Mode::Fast ? QStringLiteral("fast") : QStringLiteral("immediate"),
         QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("stop")},
        &error, 90000);
    if (!ok)
        qWarning("PgTestCluster: %s", qPrintable(error));
    else
        m_running = false;
    return ok;
}

bool PgTestCluster::kill()
{
    if (!m_running)
        return false;
    QFile pidFile(QDir(dataDirectory()).filePath(QStringLiteral("postmaster.pid")));
    if (!pidFile.open(QIODevice::ReadOnly))
        return false;
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    if (postmaster <= 0)
        return false;
    // Stopped first, the postmaster cannot fork a backend between the list
    // below and the kill: such a child would be left running, and would end
    // its client's connection only when it noticed, some time later.
    ::kill(pid_t(postmaster), SIGSTOP);
    QList<qint64> processes {postmaster};
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        qint64 parent = 0;
        char state = '?';
        if (number && processStat(pid, &parent, &state) && parent == postmaster)
            processes << pid;
    }
    for (const qint64 pid : processes) {
        ::kill(-pid_t(pid), SIGKILL);
        ::kill(pid_t(pid), SIGKILL);
    }
    m_running = false;
    for (int waited = 0; waited < 200; ++waited) {
        if (std::none_of(processes.cbegin(), processes.cend(), isAlive)) {
            // A dead postmaster nobody has reaped yet still answers kill(pid,
            // 0), and the next postmaster would take it for a live one: its
            // lock files go (the socket's too).
            pidFile.close();
            QFile socketLock(QDir(socketDirectory()).filePath(QStringLiteral(".s.PGSQL.%1.lock").arg(m_port)));
            return pidFile.remove() && (!socketLock.exists() || socketLock.remove());
        }
        ::usleep(50000);
    }
    return false;
}

bool PgTestCluster::restart()
{
    return stop(Mode::Fast) && start();
}

DatabaseConfig PgTestCluster::config(const QString &applicationName) const
{
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = m_port;
    c.database = kDatabase;
    c.user = kUser;
    c.applicationName = applicationName;
    return c;
}

QString PgTestCluster::url() const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(kUser).arg(m_port).arg(kDatabase);
}

QString PgTestCluster::logTail(int lines) const
{
    if (!m_folder)
        return {};
    QFile log(QDir(folder()).filePath(QStringLiteral("server.log")));
    if (!log.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QStringList all = QString::fromLocal8Bit(log.readAll()).split(QLatin1Char('\n'));
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(QLatin1Char('\n'));
}

int PgTestCluster::countConnections(const QString &applicationName)
{
    QString error;
    const QVariant n = runBlocking(
        m_port, kDatabase, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"),
        {applicationName}, &error);
    return error.isEmpty() && n.isValid() ? n.toInt() : -1;
}

QVariant PgTestCluster::queryBlocking(const QString &sql, const QString &database, QString *error)
{
    QString failure;
    const QVariant value = runBlocking(m_port, database, sql, {}, &failure);
    if (!failure.isEmpty())
        qWarning("PgTestCluster: %s: %s", qPrintable(sql.left(200)), qPrintable(failure));
    if (error)
        *error = failure;
    return value;
}
