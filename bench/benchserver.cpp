#include "bench/benchserver.h"

#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/harness/pgtestcluster.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QString kUser = QStringLiteral("carwash");
const QString kDatabase = QStringLiteral("carwash");
const QString kApplicationName = QStringLiteral("carwash-bench");

bool isRoot()
{
    return ::geteuid() == 0;
}

} // namespace

BenchServer::~BenchServer()
{
    stop();
}

QString BenchServer::binDirectory()
{
    QProcess pgConfig;
    pgConfig.start(QStringLiteral("pg_config"), {QStringLiteral("--bindir")});
    if (pgConfig.waitForFinished(10000) && pgConfig.exitCode() == 0) {
        const QString dir = QString::fromLocal8Bit(pgConfig.readAllStandardOutput()).trimmed();
        if (QFileInfo(QDir(dir).filePath(QStringLiteral("initdb"))).isExecutable())
            return dir;
    }
    // Debian's pg_config may belong to libpq-dev alone and name /usr/bin.
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

bool BenchServer::versionThrough(ConnectionPool &pool, QString *version, QString *error)
{
    const DbResult<QString> answer
        = pool.withConnection(QStringLiteral("bench.version"), [](QSqlDatabase &db) {
              return Sql::scalar(db, QStringLiteral("SHOW server_version")).toString();
          }).result();
    if (!answer.ok()) {
        *error = answer.error().toLogString();
        return false;
    }
    *version = answer.value();
    return true;
}

bool BenchServer::start(QString *error)
{
    m_binDirectory = binDirectory();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (env.value(QStringLiteral("DATABASE_URL")).trimmed().isEmpty()) {
        if (!startCluster(error))
            return false;
        // Through the loader like any URL, so DB_MAX_CONNECTIONS,
        // ENABLE_DB_MONITORING and the rest apply as they do in the programs.
        env.insert(QStringLiteral("DATABASE_URL"),
                   QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(kUser).arg(m_port).arg(kDatabase));
    }
    const DatabaseConfigLoader::Result loaded = DatabaseConfigLoader::load(env, nullptr);
    if (!loaded.ok()) {
        *error = loaded.errors.join(QLatin1Char('\n'));
        return false;
    }
    m_config = loaded.config;
    // Fixed, so pg_stat_activity can count the pool's connections and no one
    // else's.
    m_config.applicationName = kApplicationName;
    return true;
}

QString BenchServer::dataDirectory() const
{
    return QDir(m_folder->path()).filePath(QStringLiteral("data"));
}

bool BenchServer::runTool(const QString &tool, const QStringList &arguments, QString *output,
                          int timeoutMs) const
{
    const QString program = QDir(m_binDirectory).filePath(tool);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The postgres user may not enter the caller's working directory.
    process.setWorkingDirectory(m_folder->path());
    if (isRoot())
        process.start(
            QStringLiteral("runuser"),
            QStringList {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program}
                + arguments);
    else
        process.start(program, arguments);
    if (!process.waitForStarted(10000)) {
        *output = QStringLiteral("%1 did not start: %2").arg(tool, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        *output = QStringLiteral("%1 did not finish within %2 s").arg(tool).arg(timeoutMs / 1000);
        return false;
    }
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

bool BenchServer::startCluster(QString *error)
{
    if (m_binDirectory.isEmpty()) {
        *error = QStringLiteral(
            "no PostgreSQL server binaries (initdb) were found; install the postgresql package "
            "or set DATABASE_URL");
        return false;
    }
    m_folder = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/carwash-bench-XXXXXX"));
    if (!m_folder->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: ") + m_folder->errorString();
        return false;
    }
    if (isRoot()) {
        // PostgreSQL refuses to run as root; its user must own the folder.
        const passwd *pw = ::getpwnam("postgres");
        const QByteArray path = QFile::encodeName(m_folder->path());
        if (!pw || ::chown(path.constData(), pw->pw_uid, pw->pw_gid) != 0
            || ::chmod(path.constData(), 0700) != 0) {
            *error
                = QStringLiteral("running as root needs the postgres user to own %1").arg(m_folder->path());
            return false;
        }
    }
    QString output;
    if (!runTool(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-U"), kUser,
                  QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                  QStringLiteral("--locale=C"), QStringLiteral("--no-sync"),
                  QStringLiteral("--no-instructions")},
                 &output, 120000)) {
        *error = QStringLiteral("initdb failed: ") + output;
        return false;
    }

    // A free port may be taken between the probe and the start: try again.
    for (int attempt = 0; attempt < 3 && !m_running; ++attempt) {
        m_port = PgTestCluster::freePort();
        const QStringList options {
            QStringLiteral("-c listen_addresses=127.0.0.1"),
            QStringLiteral("-p %1").arg(m_port),
            QStringLiteral("-k '%1'").arg(m_folder->path()),
            // Throwaway data: commit latency would measure the shared disk,
            // not the pool. Both sides of every comparison see the same server.
            QStringLiteral("-c fsync=off -c synchronous_commit=off -c full_page_writes=off"),
        };
        m_running = runTool(QStringLiteral("pg_ctl"),
                            {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-l"),
                             QDir(m_folder->path()).filePath(QStringLiteral("server.log")),
                             QStringLiteral("-o"), options.join(QLatin1Char(' ')), QStringLiteral("-w"),
                             QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
                            &output, 90000);
    }
    if (!m_running) {
        *error = QStringLiteral("pg_ctl start failed: ") + output;
        return false;
    }
    m_ownCluster = true;

    const QString setupName = QStringLiteral("carwash-bench-setup");
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), setupName);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_port);
        db.setDatabaseName(QStringLiteral("postgres"));
        db.setUserName(kUser);
        if (!db.open()) {
            failure = db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("CREATE DATABASE ") + kDatabase))
                failure = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(setupName);
    if (!failure.isEmpty()) {
        *error = QStringLiteral("cannot create the database %1: %2").arg(kDatabase, failure);
        return false;
    }
    return true;
}

bool BenchServer::execOn(const QString &database, const QString &sql, QString *error) const
{
    const QString name = QStringLiteral("carwash-bench-admin");
    bool ok = false;
    {
        QSqlDatabase db = addConnection(name, kApplicationName);
        db.setDatabaseName(database);
        if (!db.open()) {
            *error = db.lastError().text();
        } else {
            QSqlQuery query(db);
            ok = query.exec(sql);
            if (!ok)
                *error = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

bool BenchServer::useScratchDatabase(const QString &name, QString *error)
{
    if (m_ownCluster)
        return true;
    const QString quoted = QLatin1Char('"') + name + QLatin1Char('"');
    QString why;
    if (!execOn(m_config.database, QStringLiteral("DROP DATABASE IF EXISTS ") + quoted, &why)
        || !execOn(m_config.database, QStringLiteral("CREATE DATABASE ") + quoted, &why)) {
        *error = QStringLiteral(
                     "cannot create the benchmark's own database %1 (it needs the CREATEDB right): %2")
                     .arg(name, why);
        return false;
    }
    m_originalDatabase = m_config.database;
    m_scratchDatabase = name;
    m_config.database = name;
    return true;
}

void BenchServer::stop()
{
    if (!m_scratchDatabase.isEmpty()) {
        QString why;
        if (!execOn(m_originalDatabase,
                    QStringLiteral("DROP DATABASE IF EXISTS \"%1\"").arg(m_scratchDatabase), &why))
            qWarning("carwash-bench: could not drop the database %s: %s", qPrintable(m_scratchDatabase),
                     qPrintable(why));
        m_config.database = m_originalDatabase;
        m_scratchDatabase.clear();
    }
    if (!m_running)
        return;
    QString output;
    if (!runTool(QStringLiteral("pg_ctl"),
                 {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-m"), QStringLiteral("fast"),
                  QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("stop")},
                 &output, 90000))
        qWarning("carwash-bench: could not stop the PostgreSQL in %s: %s", qPrintable(m_folder->path()),
                 qPrintable(output));
    m_running = false;
    m_folder.reset();
}

QString BenchServer::description() const
{
    if (m_ownCluster)
        return QStringLiteral("throwaway cluster on 127.0.0.1:%1 (fsync off)").arg(m_port);
    DatabaseConfig shown = m_config;
    shown.applicationName.clear();
    return shown.redactedUrl();
}

QString BenchServer::pgbenchProgram() const
{
    const QString beside = QDir(m_binDirectory).filePath(QStringLiteral("pgbench"));
    if (!m_binDirectory.isEmpty() && QFileInfo(beside).isExecutable())
        return beside;
    return QStringLiteral("pgbench");
}

QStringList BenchServer::clientArguments() const
{
    return {QStringLiteral("-h"), m_config.host, QStringLiteral("-p"), QString::number(m_config.port),
            QStringLiteral("-U"), m_config.user, m_config.database};
}

QProcessEnvironment BenchServer::clientEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Through the environment, never on a command line others can read.
    if (!m_config.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), m_config.password);
    if (!m_config.sslMode.isEmpty())
        env.insert(QStringLiteral("PGSSLMODE"), m_config.sslMode);
    env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QString::number(m_config.connectTimeoutS));
    return env;
}

QSqlDatabase BenchServer::addConnection(const QString &connectionName, const QString &applicationName) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(m_config.host);
    db.setPort(m_config.port);
    db.setDatabaseName(m_config.database);
    db.setUserName(m_config.user);
    db.setPassword(m_config.password);
    QStringList options {QStringLiteral("connect_timeout=%1").arg(m_config.connectTimeoutS),
                         QStringLiteral("application_name=") + applicationName};
    if (!m_config.sslMode.isEmpty())
        options << QStringLiteral("sslmode=") + m_config.sslMode;
    db.setConnectOptions(options.join(QLatin1Char(';')));
    return db;
}
