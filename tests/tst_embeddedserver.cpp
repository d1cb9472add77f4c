// The embedded default database as a program meets it: a real initdb and
// pg_ctl in a temporary data root, shared by several EmbeddedServer objects the
// way the GUI and the CLI share it, surviving a killed postmaster. Under root
// the cluster is relocated to /var/lib/carwash-desk/<hash> and run as postgres;
// the test checks that too and removes the relocated folder at the end.
#include "db/embedded/embeddedserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <csignal>
#include <thread>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

template<typename T> QByteArray describe(const DbResult<T> &result)
{
    return result.ok()
        ? QByteArrayLiteral("ok")
        : (result.error().toLogString() + QLatin1Char('\n') + result.error().message()).toUtf8();
}

// The first column of every row, over a short-lived connection on the
// calling thread; a failure is returned as a single "ERROR: …" row.
QStringList queryColumn(const QString &socketDir, const QString &sql,
                        const QString &database = QStringLiteral("carwash"))
{
    static std::atomic<int> counter {0};
    const QString name = QStringLiteral("tst_embeddedserver-%1").arg(++counter);
    QStringList values;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(socketDir);
        db.setPort(EmbeddedServer::Port);
        db.setUserName(QString::fromLatin1(EmbeddedServer::UserName));
        db.setDatabaseName(database);
        if (!db.open()) {
            values << QStringLiteral("ERROR: ") + db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(sql))
                values << QStringLiteral("ERROR: ") + query.lastError().text();
            while (query.next())
                values << query.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return values;
}

qint64 pidInFile(const QString &dataDirectory)
{
    QFile file(dataDirectory + QStringLiteral("/postmaster.pid"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readLine().trimmed().toLongLong();
}

mode_t modeOf(const QString &path)
{
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

uid_t ownerOf(const QString &path)
{
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return uid_t(-1);
    return info.st_uid;
}

int readyLinesInLog(const QString &logFile)
{
    QFile file(logFile);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readAll().count("database system is ready to accept connections");
}

} // namespace

class TestEmbeddedServer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void missingBinariesGiveConfigurationError();
    void firstStartInitializesAndStartsOnAPrivateSocket();
    void secondProgramReusesTheRunningServer();
    void applicationDatabaseHasBtreeGist();
    void killedPostmasterLeavesStalePidFileAndRecovers();
    void stopStopsTheServerAndIsIdempotent();
    void pidFileNamingAnotherProcessIsTreatedAsStale();
    void concurrentStartsShareOneServer();
    void deepDataRootStillGetsAShortSocketPath();
    void cleanupTestCase();

private:
    QTemporaryDir m_folder;
    QString m_root;
    QString m_serverRoot; // differs from m_root under root
    qint64 m_firstPid = 0;
    QString m_systemIdentifier;
};

void TestEmbeddedServer::initTestCase()
{
    QVERIFY2(QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")), "the QPSQL driver is needed");
    QVERIFY(m_folder.isValid());
    m_root = m_folder.path() + QStringLiteral("/postgres");
    // The test must not depend on the machine's own PostgreSQL settings.
    qunsetenv("CARWASH_PG_BINDIR");
    qunsetenv("PGHOST");
    qunsetenv("PGPORT");
}

void TestEmbeddedServer::missingBinariesGiveConfigurationError()
{
    QTemporaryDir emptyBinDir;
    QVERIFY(emptyBinDir.isValid());
    const QString root = m_folder.path() + QStringLiteral("/never-created");
    qputenv("CARWASH_PG_BINDIR", QFile::encodeName(emptyBinDir.path()));
    EmbeddedServer server(root);
    const DbResult<EmbeddedConnection> result = server.ensureRunningBlocking();
    qunsetenv("CARWASH_PG_BINDIR");

    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), DbError::Kind::Configuration);
    QVERIFY2(
        result.error().message().contains(QStringLiteral("apt-get install postgresql postgresql-contrib")),
        qPrintable(result.error().message()));
    QVERIFY2(result.error().detail().contains(emptyBinDir.path()), qPrintable(result.error().detail()));
    // Nothing is created before the binaries are known to exist.
    QVERIFY(!QFileInfo::exists(root));
    QVERIFY(!server.isRunningBlocking());
}

void TestEmbeddedServer::firstStartInitializesAndStartsOnAPrivateSocket()
{
    EmbeddedServer server(m_root);
    QVERIFY(!server.isRunningBlocking());
    QVERIFY(!QFileInfo::exists(server.dataDirectory()));

    const DbResult<EmbeddedConnection> result = server.ensureRunningBlocking();
    QVERIFY2(result.ok(), describe(result).constData());
    m_serverRoot = QFileInfo(server.dataDirectory()).path();

    QCOMPARE(result->socketDir, server.socketDirectory());
    QCOMPARE(result->port, 5432);
    QCOMPARE(result->user, QStringLiteral("carwash"));
    QCOMPARE(result->database, QStringLiteral("carwash"));
    QVERIFY(server.isRunningBlocking());
    QVERIFY(QFileInfo::exists(server.dataDirectory() + QStringLiteral("/PG_VERSION")));
    QVERIFY(QFileInfo::exists(server.socketDirectory() + QStringLiteral("/.s.PGSQL.5432")));
    QVERIFY(QFileInfo::exists(server.logFile()));
    QVERIFY(!QFileInfo::exists(m_serverRoot + QStringLiteral("/data.initdb")));
    // Trust authentication is safe only because the socket's folder is private.
    QCOMPARE(modeOf(server.socketDirectory()), mode_t(0700));
    QCOMPARE(modeOf(server.dataDirectory()), mode_t(0700));
    QCOMPARE(queryColumn(result->socketDir, QStringLiteral("SHOW listen_addresses")),
             QStringList {QString()});

    if (::geteuid() == 0) {
        const struct passwd *postgres = ::getpwnam("postgres");
        QVERIFY(postgres);
        QVERIFY2(m_serverRoot.startsWith(QStringLiteral("/var/lib/carwash-desk/")), qPrintable(m_serverRoot));
        QCOMPARE(ownerOf(m_serverRoot), postgres->pw_uid);
        QCOMPARE(ownerOf(server.dataDirectory()), postgres->pw_uid);
        QCOMPARE(ownerOf(server.socketDirectory()), postgres->pw_uid);
        QCOMPARE(modeOf(m_serverRoot), mode_t(0700));
        // PostgreSQL refuses root: the postmaster runs as postgres.
        QCOMPARE(ownerOf(QStringLiteral("/proc/%1").arg(pidInFile(server.dataDirectory()))),
                 postgres->pw_uid);
        QCOMPARE(queryColumn(result->socketDir, QStringLiteral("SELECT current_setting('data_directory')")),
                 QStringList {server.dataDirectory()});
        QFile note(m_root + QStringLiteral("/cluster-location.txt"));
        QVERIFY(note.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(note.readLine()).trimmed(), m_serverRoot);
    } else {
        QCOMPARE(m_serverRoot, m_root);
        QCOMPARE(modeOf(m_root), mode_t(0700));
    }

    m_firstPid = pidInFile(server.dataDirectory());
    QVERIFY(m_firstPid > 0);
    const QStringList identifier
        = queryColumn(result->socketDir, QStringLiteral("SELECT system_identifier FROM pg_control_system()"));
    QCOMPARE(identifier.size(), 1);
    QVERIFY2(!identifier.first().startsWith(QStringLiteral("ERROR")), qPrintable(identifier.first()));
    m_systemIdentifier = identifier.first();
}

void TestEmbeddedServer::secondProgramReusesTheRunningServer()
{
    EmbeddedServer first(m_root);
    EmbeddedServer second(m_root);
    QVERIFY(second.isRunningBlocking());
    const DbResult<EmbeddedConnection> result = second.ensureRunningBlocking();
    QVERIFY2(result.ok(), describe(result).constData());

    QCOMPARE(result->socketDir, first.socketDirectory());
    QCOMPARE(second.dataDirectory(), first.dataDirectory());
    // Same postmaster, same cluster: no restart and no second initdb.
    QCOMPARE(pidInFile(second.dataDirectory()), m_firstPid);
    QCOMPARE(
        queryColumn(result->socketDir, QStringLiteral("SELECT system_identifier FROM pg_control_system()")),
        QStringList {m_systemIdentifier});
}

void TestEmbeddedServer::applicationDatabaseHasBtreeGist()
{
    EmbeddedServer server(m_root);
    const QStringList extensions
        = queryColumn(server.socketDirectory(), QStringLiteral("SELECT extname FROM pg_extension"));
    QVERIFY2(extensions.contains(QStringLiteral("btree_gist")),
             qPrintable(extensions.join(QLatin1Char(','))));
    QCOMPARE(queryColumn(server.socketDirectory(), QStringLiteral("SELECT current_database()")),
             QStringList {QStringLiteral("carwash")});
    QCOMPARE(queryColumn(server.socketDirectory(), QStringLiteral("SHOW server_encoding")),
             QStringList {QStringLiteral("UTF8")});
}

void TestEmbeddedServer::killedPostmasterLeavesStalePidFileAndRecovers()
{
    EmbeddedServer server(m_root);
    const qint64 pid = pidInFile(server.dataDirectory());
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    // A killed postmaster is a zombie until something reaps it; the server
    // counts as stopped as soon as it no longer serves the data directory.
    QTRY_VERIFY_WITH_TIMEOUT(!server.isRunningBlocking(), 20000);
    QVERIFY2(QFileInfo::exists(server.dataDirectory() + QStringLiteral("/postmaster.pid")),
             "SIGKILL leaves the pid file behind: the case under test");

    const DbResult<EmbeddedConnection> result = server.ensureRunningBlocking();
    QVERIFY2(result.ok(), describe(result).constData());
    QVERIFY(server.isRunningBlocking());
    const qint64 newPid = pidInFile(server.dataDirectory());
    QVERIFY(newPid > 0);
    QVERIFY(newPid != pid);
    QCOMPARE(
        queryColumn(result->socketDir, QStringLiteral("SELECT system_identifier FROM pg_control_system()")),
        QStringList {m_systemIdentifier});
}

void TestEmbeddedServer::stopStopsTheServerAndIsIdempotent()
{
    EmbeddedServer server(m_root);
    QVERIFY(server.isRunningBlocking());
    const DbResult<Done> stopped = server.stopBlocking();
    QVERIFY2(stopped.ok(), describe(stopped).constData());
    QVERIFY(!server.isRunningBlocking());
    QVERIFY(!QFileInfo::exists(server.dataDirectory() + QStringLiteral("/postmaster.pid")));
    QVERIFY(!QFileInfo::exists(server.socketDirectory() + QStringLiteral("/.s.PGSQL.5432")));

    const DbResult<Done> again = server.stopBlocking();
    QVERIFY2(again.ok(), describe(again).constData());
}

void TestEmbeddedServer::pidFileNamingAnotherProcessIsTreatedAsStale()
{
    // After a reboot the recorded pid often belongs to some other process;
    // PostgreSQL alone would refuse to start ("is another postmaster running?").
    EmbeddedServer server(m_root);
    QVERIFY(!server.isRunningBlocking());
    const QByteArray ourPid = QByteArray::number(QCoreApplication::applicationPid());
    QFile pidFile(server.dataDirectory() + QStringLiteral("/postmaster.pid"));
    QVERIFY(pidFile.open(QIODevice::WriteOnly));
    pidFile.write(ourPid + '\n' + QFile::encodeName(server.dataDirectory()) + "\n");
    pidFile.close();
    QFile socketLock(server.socketDirectory() + QStringLiteral("/.s.PGSQL.5432.lock"));
    QVERIFY(socketLock.open(QIODevice::WriteOnly));
    socketLock.write(ourPid + '\n');
    socketLock.close();
    QVERIFY(!server.isRunningBlocking());

    const DbResult<EmbeddedConnection> result = server.ensureRunningBlocking();
    QVERIFY2(result.ok(), describe(result).constData());
    QVERIFY(server.isRunningBlocking());
    QVERIFY(pidInFile(server.dataDirectory()) != QCoreApplication::applicationPid());
    QCOMPARE(queryColumn(result->socketDir, QStringLiteral("SELECT 1")), QStringList {QStringLiteral("1")});
}

void TestEmbeddedServer::concurrentStartsShareOneServer()
{
    EmbeddedServer server(m_root);
    QVERIFY2(server.stopBlocking().ok(), "stop before the race");
    QVERIFY(!server.isRunningBlocking());
    const int readyBefore = readyLinesInLog(server.logFile());

    // Two programs (here: two threads with their own objects) start at once;
    // the lock lets one start the server and the other reuse it.
    DbResult<EmbeddedConnection> results[2];
    std::thread starters[2];
    for (int i = 0; i < 2; ++i) {
        starters[i] = std::thread([this, i, &results] {
            EmbeddedServer own(m_root);
            results[i] = own.ensureRunningBlocking();
        });
    }
    for (std::thread &starter : starters)
        starter.join();

    QVERIFY2(results[0].ok(), describe(results[0]).constData());
    QVERIFY2(results[1].ok(), describe(results[1]).constData());
    QCOMPARE(results[0]->socketDir, results[1]->socketDir);
    QVERIFY(server.isRunningBlocking());
    QCOMPARE(readyLinesInLog(server.logFile()), readyBefore + 1);
}

void TestEmbeddedServer::deepDataRootStillGetsAShortSocketPath()
{
    // A unix socket path must fit in sun_path; a deep home folder must not
    // make the server unreachable.
    const QString deepRoot = m_folder.path() + QLatin1Char('/') + QString(60, QLatin1Char('d'))
        + QLatin1Char('/') + QString(60, QLatin1Char('e')) + QStringLiteral("/postgres");
    EmbeddedServer server(deepRoot);
    const QString socketPath = server.socketDirectory() + QStringLiteral("/.s.PGSQL.5432");
    QVERIFY2(QFile::encodeName(socketPath).size() < 100, qPrintable(socketPath));
    auto cleanup = qScopeGuard([&server] {
        server.stopBlocking();
        const QString serverRoot = QFileInfo(server.dataDirectory()).path();
        if (serverRoot.startsWith(QStringLiteral("/var/lib/carwash-desk/")))
            QDir(serverRoot).removeRecursively();
        if (!server.socketDirectory().startsWith(serverRoot + QLatin1Char('/')))
            QDir(server.socketDirectory()).removeRecursively();
    });

    const DbResult<EmbeddedConnection> result = server.ensureRunningBlocking();
    QVERIFY2(result.ok(), describe(result).constData());
    QCOMPARE(modeOf(server.socketDirectory()), mode_t(0700));
    QCOMPARE(queryColumn(result->socketDir, QStringLiteral("SELECT current_database()")),
             QStringList {QStringLiteral("carwash")});
    QVERIFY2(server.stopBlocking().ok(), "stop");
}

void TestEmbeddedServer::cleanupTestCase()
{
    if (m_root.isEmpty())
        return;
    EmbeddedServer server(m_root);
    const DbResult<Done> stopped = server.stopBlocking();
    QVERIFY2(stopped.ok(), describe(stopped).constData());
    QVERIFY(!server.isRunningBlocking());
    // Under root the cluster lives outside the temporary folder.
    const QString serverRoot = QFileInfo(server.dataDirectory()).path();
    if (serverRoot.startsWith(QStringLiteral("/var/lib/carwash-desk/")))
        QVERIFY(QDir(serverRoot).removeRecursively());
    if (!server.socketDirectory().startsWith(serverRoot + QLatin1Char('/')))
        QDir(server.socketDirectory()).removeRecursively();
}

QTEST_GUILESS_MAIN(TestEmbeddedServer)
#include "tst_embeddedserver.moc"
