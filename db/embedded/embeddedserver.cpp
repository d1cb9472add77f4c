#include "db/embedded/embeddedserver.h"

#include "db/embedded/embeddedposix_p.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <optional>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcEmbedded, "carwash.db.embedded", QtWarningMsg)

using namespace EmbeddedPosix;

namespace {

// PostgreSQL refuses to run as root, and the postgres user cannot enter
// root's home: under root the cluster lives here instead, owned by postgres.
const QString RootClusterBase = QStringLiteral("/var/lib/carwash-desk");
const QString LocationNoteName = QStringLiteral("cluster-location.txt");
const QString LockFileName = QStringLiteral("server.lock");
const QString SettingsFileName = QStringLiteral("carwash.conf");
const QString SocketFileName = QStringLiteral(".s.PGSQL.5432");

// sun_path holds 108 bytes; staying under 100 leaves room for the ".lock"
// PostgreSQL puts beside the socket.
constexpr int MaxSocketPathBytes = 99;
constexpr qint64 MaxLogBytes = 10 * 1024 * 1024;
// Generous: the holder may be running initdb and a crash-recovery start. A
// dead holder is detected by its pid long before this.
constexpr int StaleLockMs = 10 * 60 * 1000;
constexpr int LockWaitMs = 5 * 60 * 1000;
constexpr int StartTimeoutS = 120;
constexpr int StopTimeoutS = 60;
constexpr int InitdbTimeoutMs = 5 * 60 * 1000;
constexpr int ReadyTimeoutMs = 60 * 1000;
constexpr int OrphanWaitMs = 30 * 1000;

std::atomic<int> g_setupConnectionCounter {0};

QString shortHash(const QString &path)
{
    const QByteArray digest = QCryptographicHash::hash(QFile::encodeName(path), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex().left(12));
}

QString quotedConfigString(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

} // namespace

EmbeddedServer::EmbeddedServer(const QString &dataRoot)
    : m_dataRoot(QDir::cleanPath(QFileInfo(dataRoot).absoluteFilePath()))
{
    m_runAsPostgres = ::geteuid() == 0;
    m_serverRoot = m_runAsPostgres ? RootClusterBase + QLatin1Char('/') + shortHash(m_dataRoot) : m_dataRoot;
    m_socketDirectory = m_serverRoot + QStringLiteral("/run");
    const qsizetype socketPathBytes = QFile::encodeName(m_socketDirectory).size() + 1 + SocketFileName.size();
    if (socketPathBytes > MaxSocketPathBytes) {
        const std::optional<Account> owner = serverAccount(m_runAsPostgres);
        m_socketDirectory = QStringLiteral("/tmp/carwash-%1-%2")
                                .arg(owner ? owner->uid : ::geteuid())
                                .arg(shortHash(m_serverRoot));
    }
}

QString EmbeddedServer::defaultDataRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/postgres");
}

DbResult<EmbeddedConnection> EmbeddedServer::ensureRunningBlocking()
{
    if (DbError error = findBinaries(); error.isError())
        return error;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        return DbError(
            DbError::Kind::Configuration,
            tr("The Qt PostgreSQL driver is missing; install it with: apt-get install libqt6sql6-psql"),
            QStringLiteral("drivers: ") + QSqlDatabase::drivers().join(QStringLiteral(", ")));
    }
    if (!QDir().mkpath(m_dataRoot)) {
        return DbError(DbError::Kind::Configuration,
                       tr("Cannot create the folder %1 for the private database; check that it is writable.")
                           .arg(m_dataRoot));
    }

    // Serialises check-and-start across our processes: the second one waits
    // here and then finds the server running.
    QLockFile lock(m_dataRoot + QLatin1Char('/') + LockFileName);
    lock.setStaleLockTime(StaleLockMs);
    if (!lock.tryLock(LockWaitMs))
        return lockError(lock.error());

    if (DbError error = prepareFolders(); error.isError())
        return error;
    if (!QFileInfo::exists(dataDirectory() + QStringLiteral("/PG_VERSION"))) {
        if (DbError error = initializeCluster(); error.isError())
            return error;
    }

    const qint64 pid = postmasterPid();
    if (postmasterServes(pid, dataDirectory())) {
        qCDebug(lcEmbedded) << "reusing the running server, pid" << pid;
    } else {
        removeStaleFiles(pid);
        if (DbError error = writeServerSettings(); error.isError())
            return error;
        if (DbError error = startServer(); error.isError())
            return error;
    }
    if (DbError error = waitUntilAccepting(); error.isError())
        return error;
    if (DbError error = createApplicationDatabase(); error.isError())
        return error;

    return EmbeddedConnection {m_socketDirectory, Port, QString::fromLatin1(UserName),
                               QString::fromLatin1(DatabaseName)};
}

DbResult<Done> EmbeddedServer::stopBlocking()
{
    if (!isRunningBlocking())
        return Done {};
    // Under root the cluster outlives a deleted caller's folder; the lock
    // still belongs there.
    QDir().mkpath(m_dataRoot);
    QLockFile lock(m_dataRoot + QLatin1Char('/') + LockFileName);
    lock.setStaleLockTime(StaleLockMs);
    if (!lock.tryLock(LockWaitMs))
        return lockError(lock.error());
    // Another process may have stopped it while we waited for the lock.
    if (!isRunningBlocking())
        return Done {};
    if (DbError error = findBinaries(); error.isError())
        return error;

    const ToolResult stopped
        = runTool(QStringLiteral("pg_ctl"),
                  {QStringLiteral("stop"), QStringLiteral("-D"), dataDirectory(), QStringLiteral("-m"),
                   QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"),
                   QString::number(StopTimeoutS), QStringLiteral("-s")},
                  true, (StopTimeoutS + 30) * 1000);
    if ((!stopped.finished || stopped.exitCode != 0) && isRunningBlocking()) {
        return DbError(DbError::Kind::Unavailable,
                       tr("The private database server did not stop. Read %1 for the reason, then try again.")
                           .arg(logFile()),
                       stopped.output + QLatin1Char('\n') + logTail());
    }
    qCInfo(lcEmbedded).noquote() << "stopped the server in" << dataDirectory();
    return Done {};
}

bool EmbeddedServer::isRunningBlocking() const
{
    return postmasterServes(postmasterPid(), dataDirectory());
}

DbError EmbeddedServer::prepareFolders()
{
    const std::optional<Account> owner = serverAccount(m_runAsPostgres);
    Q_ASSERT(owner); // findBinaries() has checked the account
    const Account self {::geteuid(), ::getegid()};
    QString why;
    QString failed;
    auto make = [&](const QString &path, const Account &account, mode_t mode, bool mustBeOwned) {
        if (!failed.isEmpty())
            return;
        if (!makeDirectory(path, account, mode, mustBeOwned, &why))
            failed = path;
    };

    if (m_runAsPostgres) {
        // The base must let postgres through; each cluster in it is private.
        make(RootClusterBase, self, 0755, false);
        make(m_serverRoot, *owner, 0700, false);
    } else {
        make(m_serverRoot, *owner, 0700, false);
    }
    make(m_serverRoot + QStringLiteral("/log"), *owner, 0700, false);
    // Trust authentication is safe only because nobody else can reach the
    // socket: its folder belongs to the server's user alone.
    const bool socketInTmp = !m_socketDirectory.startsWith(m_serverRoot + QLatin1Char('/'));
    make(m_socketDirectory, *owner, 0700, socketInTmp);
    if (!failed.isEmpty()) {
        return DbError(DbError::Kind::Configuration,
                       tr("Cannot prepare the folder %1 for the private database; check its owner and "
                          "permissions, or remove it and start the program again.")
                           .arg(failed),
                       why);
    }

    if (m_runAsPostgres) {
        // Say in the caller's folder where the cluster went, so nobody has to
        // guess why it is empty.
        const QString note = m_serverRoot + QStringLiteral("\n\n")
            + tr("CarWash Desk keeps its private PostgreSQL database in the folder above. "
                 "PostgreSQL refuses to run as root, so the server runs as the postgres "
                 "system user, which cannot enter this folder.")
            + QLatin1Char('\n');
        QFile file(m_dataRoot + QLatin1Char('/') + LocationNoteName);
        const bool current = file.open(QIODevice::ReadOnly) && QString::fromUtf8(file.readAll()) == note;
        file.close();
        if (!current
            && (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(note.toUtf8()) < 0)) {
            qCWarning(lcEmbedded).noquote() << "cannot write" << file.fileName() << file.errorString();
        }
    }
    return {};
}

DbError EmbeddedServer::initializeCluster()
{
    // initdb writes into a staging folder that becomes data/ only when
    // complete, so an interrupted first start never leaves a half cluster.
    const QString staging = m_serverRoot + QStringLiteral("/data.initdb");
    QDir(staging).removeRecursively();
    if (QFileInfo::exists(dataDirectory()) && !QDir().rmdir(dataDirectory())) {
        return DbError(DbError::Kind::Configuration,
                       tr("The folder %1 is not empty but holds no PostgreSQL database; move it away and "
                          "start the program again.")
                           .arg(dataDirectory()));
    }

    QString output;
    bool created = false;
    // C.UTF-8 sorts predictably everywhere it exists; plain C is the fallback.
    for (const QString &locale : {QStringLiteral("C.UTF-8"), QStringLiteral("C")}) {
        const ToolResult result
            = runTool(QStringLiteral("initdb"),
                      {QStringLiteral("-D"), staging, QStringLiteral("-U"), QString::fromLatin1(UserName),
                       QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                       QStringLiteral("--locale=") + locale},
                      true, InitdbTimeoutMs);
        output += result.output + QLatin1Char('\n');
        if (result.finished && result.exitCode == 0) {
            created = true;
            break;
        }
        QDir(staging).removeRecursively();
    }
    if (!created) {
        return DbError(DbError::Kind::Unavailable,
                       tr("The private database could not be created in %1. Check that the disk has free "
                          "space and the folder is writable, then start the program again.")
                           .arg(dataDirectory()),
                       output.trimmed());
    }

    // The socket-only settings live in a file of their own, rewritten at every
    // start; postgresql.conf only includes it, last, so it wins.
    QFile conf(staging + QStringLiteral("/postgresql.conf"));
    const QByteArray include = "\n# CarWash Desk: socket-only settings, rewritten at every start.\n"
                               "include_if_exists = '"
        + SettingsFileName.toUtf8() + "'\n";
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Append) || conf.write(include) != include.size()
        || !conf.flush()) {
        return DbError(DbError::Kind::Configuration,
                       tr("Cannot write the settings of the private database in %1; check that the disk has "
                          "free space.")
                           .arg(conf.fileName()),
                       conf.errorString());
    }
    conf.close();
    if (!QDir().rename(staging, dataDirectory())) {
        return DbError(
            DbError::Kind::Configuration,
            tr("Cannot move the new database into %1; check the folder's permissions.").arg(dataDirectory()));
    }
    qCInfo(lcEmbedded).noquote() << "initdb: created a cluster in" << dataDirectory() << "with"
                                 << m_binDirectory;
    return {};
}

DbError EmbeddedServer::writeServerSettings()
{
    QString directory = m_socketDirectory;
    directory.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    const QString settings
        = QStringLiteral("# Written by CarWash Desk before every start; changes here are overwritten.\n"
                         "listen_addresses = ''\n"
                         "unix_socket_directories = %1\n"
                         "unix_socket_permissions = 0700\n"
                         "port = %2\n"
                         "max_connections = 100\n"
                         "shared_buffers = 32MB\n")
              .arg(quotedConfigString(QLatin1Char('"') + directory + QLatin1Char('"')))
              .arg(Port);
    QFile file(dataDirectory() + QLatin1Char('/') + SettingsFileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(settings.toUtf8()) < 0
        || !file.flush()) {
        return DbError(DbError::Kind::Configuration,
                       tr("Cannot write the settings of the private database in %1; check that the disk has "
                          "free space.")
                           .arg(file.fileName()),
                       file.errorString());
    }
    file.close();
    const QByteArray native = QFile::encodeName(file.fileName());
    if (m_runAsPostgres) {
        const std::optional<Account> owner = serverAccount(true);
        if (!owner || ::chown(native.constData(), owner->uid, owner->gid) != 0) {
            return DbError(DbError::Kind::Configuration,
                           tr("Cannot give the settings file %1 to the postgres user.").arg(file.fileName()),
                           errnoText());
        }
    }
    ::chmod(native.constData(), 0600);
    return {};
}

void EmbeddedServer::removeStaleFiles(qint64 stalePid)
{
    const QString pidFile = dataDirectory() + QStringLiteral("/postmaster.pid");
    if (QFile::exists(pidFile)) {
        // PostgreSQL would refuse to start if the stale pid now belongs to
        // another process, which is common after a reboot.
        qCInfo(lcEmbedded).noquote() << "removing a stale postmaster.pid: pid" << stalePid
                                     << "is not a server of this cluster";
        QFile::remove(pidFile);
    }
    const QString socket = m_socketDirectory + QLatin1Char('/') + SocketFileName;
    for (const QString &path : {socket + QStringLiteral(".lock"), socket}) {
        if (QFileInfo(path).exists() || QFileInfo(path).isSymLink()) {
            qCInfo(lcEmbedded).noquote() << "removing a stale" << path;
            QFile::remove(path);
        }
    }
}

DbError EmbeddedServer::startServer()
{
    QElapsedTimer waited;
    waited.start();
    QList<qint64> orphans = processesIn(dataDirectory());
    while (!orphans.isEmpty() && waited.elapsed() < OrphanWaitMs) {
        QThread::msleep(200);
        orphans = processesIn(dataDirectory());
    }
    if (!orphans.isEmpty()) {
        QStringList pids;
        for (qint64 pid : std::as_const(orphans))
            pids << QString::number(pid);
        return DbError(DbError::Kind::Unavailable,
                       tr("Processes of an earlier database server are still running in %1; wait a moment or "
                          "end them, then start the program again.")
                           .arg(dataDirectory()),
                       QStringLiteral("pids: ") + pids.join(QStringLiteral(", ")));
    }

    // pg_ctl appends to the log forever; keep one previous generation.
    if (QFileInfo(logFile()).size() > MaxLogBytes) {
        QFile::remove(logFile() + QStringLiteral(".1"));
        QFile::rename(logFile(), logFile() + QStringLiteral(".1"));
    }

    const ToolResult started = runTool(
        QStringLiteral("pg_ctl"),
        {QStringLiteral("start"), QStringLiteral("-D"), dataDirectory(), QStringLiteral("-l"), logFile(),
         QStringLiteral("-w"), QStringLiteral("-t"), QString::number(StartTimeoutS), QStringLiteral("-s")},
        true, (StartTimeoutS + 30) * 1000);
    if (!started.finished || started.exitCode != 0) {
        return DbError(DbError::Kind::Unavailable,
                       tr("The private database server did not start. Read %1 for the reason; if the disk is "
                          "full or the folder is not writable, fix that and start the program again.")
                           .arg(logFile()),
                       (started.output + QLatin1Char('\n') + logTail()).trimmed());
    }
    qCInfo(lcEmbedded).noquote() << "started the server in" << dataDirectory() << "on the socket in"
                                 << m_socketDirectory << "pid" << postmasterPid();
    return {};
}

DbError EmbeddedServer::waitUntilAccepting()
{
    QElapsedTimer timer;
    timer.start();
    ToolResult last;
    for (;;) {
        last = runTool(QStringLiteral("pg_isready"),
                       {QStringLiteral("-h"), m_socketDirectory, QStringLiteral("-p"), QString::number(Port),
                        QStringLiteral("-U"), QString::fromLatin1(UserName), QStringLiteral("-d"),
                        QStringLiteral("postgres"), QStringLiteral("-t"), QStringLiteral("5")},
                       false, 15000);
        if (last.finished && last.exitCode == 0)
            return {};
        if (timer.elapsed() > ReadyTimeoutMs)
            break;
        QThread::msleep(250);
    }
    return DbError(DbError::Kind::Unavailable,
                   tr("The private database server is running but does not accept connections. Read %1 for "
                      "the reason, then start the program again.")
                       .arg(logFile()),
                   (last.output + QLatin1Char('\n') + logTail()).trimmed());
}

DbError EmbeddedServer::createApplicationDatabase()
{
    const QString connectionName
        = QStringLiteral("carwash-embedded-setup-%1").arg(++g_setupConnectionCounter);
    DbError result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(m_socketDirectory);
        db.setPort(Port);
        db.setUserName(QString::fromLatin1(UserName));
        db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=carwash-embedded-setup"));

        auto connectTo = [&](const QString &database) {
            db.close();
            db.setDatabaseName(database);
            if (!db.open())
                result = DbError::fromSqlError(db.lastError(),
                                               QStringLiteral("embedded: connect to ") + database);
            return !result.isError();
        };
        auto run = [&](const QString &sql, QSqlQuery &query) {
            if (!query.exec(sql))
                result = DbError::fromSqlError(query.lastError(), QStringLiteral("embedded: ") + sql);
            return !result.isError();
        };

        if (connectTo(QStringLiteral("postgres"))) {
            QSqlQuery query(db);
            const QString name = QString::fromLatin1(DatabaseName);
            if (run(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = '%1'").arg(name), query)
                && !query.next()) {
                // Not in a transaction: CREATE DATABASE refuses to run in one.
                // We hold the start lock, so nobody else creates it meanwhile.
                if (run(QStringLiteral("CREATE DATABASE %1").arg(name), query))
                    qCInfo(lcEmbedded).noquote() << "created the database" << name;
            }
        }
        if (!result.isError() && connectTo(QString::fromLatin1(DatabaseName))) {
            // Asking first keeps the server's "already exists, skipping"
            // notice off our stderr at every start.
            QSqlQuery query(db);
            if (run(QStringLiteral("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'"), query)
                && !query.next() && !run(QStringLiteral("CREATE EXTENSION IF NOT EXISTS btree_gist"), query)
                && (result.sqlState() == u"0A000" || result.sqlState() == u"58P01")) {
                // The extension's files are not installed: PostgreSQL 15 says
                // 0A000 "is not available", older servers 58P01 "no such file".
                result = DbError(DbError::Kind::Configuration,
                                 tr("The PostgreSQL extension btree_gist is missing; install it with: "
                                    "apt-get install postgresql-contrib"),
                                 result.detail(), result.sqlState());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    return result;
}

DbError EmbeddedServer::lockError(int error) const
{
    const QString lockPath = m_dataRoot + QLatin1Char('/') + LockFileName;
    if (error == QLockFile::PermissionError) {
        return DbError(
            DbError::Kind::Configuration,
            tr("Cannot create the lock file %1; check that the folder is writable.").arg(lockPath));
    }
    return DbError(
        DbError::Kind::Unavailable,
        tr("Another CarWash Desk program is still starting or stopping the private database. Wait a "
           "moment and try again; if this persists, close the other programs and remove %1.")
            .arg(lockPath),
        QStringLiteral("QLockFile error %1").arg(error));
}

qint64 EmbeddedServer::postmasterPid() const
{
    return firstLine(dataDirectory() + QStringLiteral("/postmaster.pid")).toLongLong();
}

EmbeddedServer::ToolResult EmbeddedServer::runTool(const QString &tool, const QStringList &arguments,
                                                   bool asServerUser, int timeoutMs) const
{
    QString program = m_binDirectory + QLatin1Char('/') + tool;
    QStringList programArguments = arguments;
    if (asServerUser && m_runAsPostgres) {
        programArguments
            = QStringList {QStringLiteral("-u"), ServerUserName, QStringLiteral("--"), program} + arguments;
        program = runuserProgram();
    }

    // The user's PGHOST, PGPORT, PGDATA… must not redirect our tools.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QStringList keys = environment.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("PG")))
            environment.remove(key);
    }

    QProcess process;
    process.setProcessEnvironment(environment);
    // The postgres user may not be able to enter our working directory, and
    // initdb fails when it cannot.
    process.setWorkingDirectory(QDir::rootPath());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, programArguments);

    ToolResult result;
    if (!process.waitForStarted(10000)) {
        result.output = QStringLiteral("%1: %2").arg(program, process.errorString());
        return result;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        result.output = QStringLiteral("%1 %2: timed out after %3 s\n")
                            .arg(tool, arguments.join(QLatin1Char(' ')))
                            .arg(timeoutMs / 1000)
            + QString::fromLocal8Bit(process.readAll()).trimmed();
        return result;
    }
    result.finished = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.output = QString::fromLocal8Bit(process.readAll()).trimmed();
    return result;
}

QString EmbeddedServer::logTail(int lines) const
{
    QFile file(logFile());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    constexpr qint64 TailBytes = 16 * 1024;
    if (file.size() > TailBytes)
        file.seek(file.size() - TailBytes);
    const QStringList all
        = QString::fromLocal8Bit(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(qMax(qsizetype(0), all.size() - lines)).join(QLatin1Char('\n'));
}
