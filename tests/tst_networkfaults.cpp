// The pool when the network between a desk and PostgreSQL fails: a real
// server behind a real TCP proxy that delays, silently drops (no RST ever
// arrives, as with a kiosk's Wi-Fi or a NAT that forgot the connection) and
// resets. Time is only ever a bound ("not a hang"), never a measure of speed.
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/harness/faultproxy.h"
#include "tests/harness/pgbouncerprocess.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/poolwarnings.h"
#include "tests/harness/testnames.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

#include <memory>

namespace {

using TestWaits::kNoHangMs;

using TestNames::backendPid;
using TestNames::describe;

QString applicationNameForThisTest()
{
    return TestNames::applicationName(QStringLiteral("tst_faults"));
}

} // namespace

class TestNetworkFaults : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void workThroughASlowLinkSucceeds();
    void resetMidRunRetriesCriticalWorkAndFailsPlainWork();
    void deadLinkDuringAStatementFailsInsteadOfHanging();
    void deadLinkDuringCriticalWorkIsRetriedOnAFreshConnection();
    void connectingThroughADeadLinkGivesUpAfterTheConnectTimeout();
    void statementTimeoutIsInForceAndACancelledStatementIsNotRetried_data();
    void statementTimeoutIsInForceAndACancelledStatementIsNotRetried();
    void longWorkMayLiftTheStatementTimeoutForItsTransaction();

private:
    DatabaseConfig configThroughProxy() const;

    PgTestCluster m_cluster;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<PoolWarnings> m_warnings;
};

void TestNetworkFaults::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_warnings = std::make_unique<PoolWarnings>(PoolWarnings::Mode::Echo);
}

void TestNetworkFaults::init()
{
    m_proxy = std::make_unique<FaultProxy>(m_cluster);
    QString error;
    QVERIFY2(m_proxy->start(&error), qPrintable(error));
    m_warnings->clear();
}

void TestNetworkFaults::cleanup()
{
    m_proxy.reset();
}

DatabaseConfig TestNetworkFaults::configThroughProxy() const
{
    DatabaseConfig c = m_proxy->config(applicationNameForThisTest());
    c.connectTimeoutS = 2; // libpq's smallest
    c.maxConnections = 3;
    return c;
}

void TestNetworkFaults::workThroughASlowLinkSucceeds()
{
    m_proxy->delay(50);
    ConnectionPool pool(configThroughProxy());
    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 6; ++i)
        jobs << pool.withConnection(QStringLiteral("tst.slow"), [i](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT ?::int + 1"), {i}).toInt();
        });
    for (int i = 0; i < jobs.size(); ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(jobs[i].isFinished(), kNoHangMs);
        QVERIFY2(jobs[i].result().ok(), describe(jobs[i].result()));
        QCOMPARE(jobs[i].result().value(), i + 1);
    }
    const FaultProxy::Counters c = m_proxy->counters();
    QVERIFY(c.accepted >= 1);
    QVERIFY(c.bytesToServer > 0);
    QVERIFY(c.bytesToClient > 0);
}

void TestNetworkFaults::resetMidRunRetriesCriticalWorkAndFailsPlainWork()
{
    const DatabaseConfig config = configThroughProxy();
    auto pool = std::make_unique<ConnectionPool>(config);

    // Plain work that is surely on the wire when the resets come.
    QList<QFuture<DbResult<int>>> plain;
    for (int i = 0; i < config.maxConnections; ++i)
        plain << pool->withConnection(QStringLiteral("tst.plain"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(5)"));
            return 1;
        });
    QTRY_COMPARE_WITH_TIMEOUT(pool->stats().active, config.maxConnections, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(config.applicationName), config.maxConnections,
                              kNoHangMs);

    // Critical work queued behind it, and some more submitted during the resets.
    QList<QFuture<DbResult<int>>> critical;
    for (int i = 0; i < 10; ++i)
        critical << pool->withRetry(QStringLiteral("tst.critical"), RetryPolicy::critical(),
                                    [i](QSqlDatabase &db) {
                                        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.02)"));
                                        return i;
                                    });
    m_proxy->reset();
    for (int i = 10; i < 20; ++i)
        critical << pool->withRetry(QStringLiteral("tst.critical"), RetryPolicy::critical(),
                                    [i](QSqlDatabase &db) {
                                        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.02)"));
                                        return i;
                                    });
    QTest::qWait(100);
    m_proxy->pass();

    for (const auto &job : plain) {
        QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), kNoHangMs);
        QVERIFY(!job.result().ok());
        QCOMPARE(job.result().error().kind(), DbError::Kind::Unavailable);
        QCOMPARE(job.result().error().attempts(), 1);
    }
    for (int i = 0; i < critical.size(); ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(critical[i].isFinished(), kNoHangMs);
        QVERIFY2(critical[i].result().ok(), describe(critical[i].result()));
        QCOMPARE(critical[i].result().value(), i);
    }

    // Nothing leaked: the gauges come back to idle and the server never held
    // more than the limit for us; the backends of the reset connections went.
    QTRY_COMPARE_WITH_TIMEOUT(pool->stats().active, 0, kNoHangMs);
    QCOMPARE(pool->stats().waiting, 0);
    QVERIFY(pool->stats().total <= config.maxConnections);
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(config.applicationName), pool->stats().total,
                              kNoHangMs);
    pool.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(config.applicationName), 0, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_proxy->counters().open, 0, kNoHangMs);
}

void TestNetworkFaults::deadLinkDuringAStatementFailsInsteadOfHanging()
{
    DatabaseConfig config = configThroughProxy();
    config.statementTimeoutMs = 1000;
    config.watchdogGraceMs = 1000;
    ConnectionPool pool(config);

    const auto first
        = pool.withConnection(QStringLiteral("tst.pid"), [](QSqlDatabase &db) { return backendPid(db); });
    QTRY_VERIFY_WITH_TIMEOUT(first.isFinished(), kNoHangMs);
    QVERIFY2(first.result().ok(), describe(first.result()));
    const qint64 closedBefore = pool.stats().connectionsClosed;

    // The link dies while the unit of work is between two statements.
    auto started = std::make_shared<QSemaphore>();
    auto goOn = std::make_shared<QSemaphore>();
    const auto stuck = pool.withConnection(QStringLiteral("tst.stuck"), [started, goOn](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT 1"));
        started->release();
        goOn->acquire();
        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.2)"));
        return 1;
    });
    QVERIFY(started->tryAcquire(1, kNoHangMs));
    m_proxy->blackhole();
    goOn->release();

    // The GUI thread's event loop keeps turning while the pool sorts it out.
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(50);
    QTRY_VERIFY_WITH_TIMEOUT(stuck.isFinished(), kNoHangMs);
    ticker.stop();
    QVERIFY(ticks > 0);

    const DbResult<int> result = stuck.result();
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), DbError::Kind::Unavailable);
    QCOMPARE(result.error().sqlState(), QStringLiteral("08006"));
    QVERIFY2(result.error().detail().contains(QLatin1String("watchdog")),
             qPrintable(result.error().detail()));
    QVERIFY(!result.error().message().isEmpty());
    QVERIFY(m_warnings->contains(QStringLiteral("dead link: \"tst.stuck\"")));

    // Evicted and replaced: once the path heals, the next job gets a fresh
    // connection and the gauges are back to idle.
    m_proxy->pass();
    QCOMPARE(pool.stats().connectionsClosed, closedBefore + 1);
    const auto next
        = pool.withConnection(QStringLiteral("tst.pid"), [](QSqlDatabase &db) { return backendPid(db); });
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), kNoHangMs);
    QVERIFY2(next.result().ok(), describe(next.result()));
    QVERIFY(next.result().value() != first.result().value());
    QTRY_COMPARE_WITH_TIMEOUT(pool.stats().active, 0, kNoHangMs);
    QVERIFY(pool.stats().total <= config.maxConnections);
}

void TestNetworkFaults::deadLinkDuringCriticalWorkIsRetriedOnAFreshConnection()
{
    DatabaseConfig config = configThroughProxy();
    config.statementTimeoutMs = 1000;
    config.watchdogGraceMs = 1000;
    ConnectionPool pool(config);

    auto started = std::make_shared<QSemaphore>();
    auto goOn = std::make_shared<QSemaphore>();
    auto attempts = std::make_shared<std::atomic<int>>(0);
    const auto critical = pool.withRetry(QStringLiteral("tst.critical.stuck"), RetryPolicy::critical(),
                                         [=](QSqlDatabase &db) {
                                             const int pid = backendPid(db);
                                             if (attempts->fetch_add(1) == 0) {
                                                 started->release();
                                                 goOn->acquire();
                                             }
                                             Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.2)"));
                                             return pid;
                                         });
    QVERIFY(started->tryAcquire(1, kNoHangMs));
    m_proxy->blackhole();
    goOn->release();

    // Healed once the watchdog has given up on the dead connection.
    QTRY_VERIFY_WITH_TIMEOUT(m_warnings->contains(QStringLiteral("dead link: \"tst.critical.stuck\"")),
                             kNoHangMs);
    QVERIFY(!critical.isFinished());
    m_proxy->pass();
    QTRY_VERIFY_WITH_TIMEOUT(critical.isFinished(), kNoHangMs);
    QVERIFY2(critical.result().ok(), describe(critical.result()));
    QVERIFY(attempts->load() >= 2);
    QVERIFY(pool.stats().connectionsClosed >= 1);
    QTRY_COMPARE_WITH_TIMEOUT(pool.stats().active, 0, kNoHangMs);
}

void TestNetworkFaults::connectingThroughADeadLinkGivesUpAfterTheConnectTimeout()
{
    m_proxy->blackhole();
    const DatabaseConfig config = configThroughProxy();
    ConnectionPool pool(config);
    QElapsedTimer waited;
    waited.start();
    const auto job = pool.withConnection(QStringLiteral("tst.connect"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
    });
    QTRY_VERIFY_WITH_TIMEOUT(job.isFinished(), kNoHangMs);
    const qint64 elapsed = waited.elapsed();
    QVERIFY(!job.result().ok());
    QCOMPARE(job.result().error().kind(), DbError::Kind::Unavailable);
    // The answer is libpq's connect timeout, not an instant refusal: the
    // proxy took the connection and the server never spoke.
    QVERIFY2(elapsed >= 1000, qPrintable(QStringLiteral("after %1 ms").arg(elapsed)));
    QVERIFY(m_proxy->counters().accepted >= 1);
    QCOMPARE(pool.stats().total, 0);
}

void TestNetworkFaults::statementTimeoutIsInForceAndACancelledStatementIsNotRetried_data()
{
    QTest::addColumn<bool>("throughPgBouncer");
    QTest::newRow("direct") << false;
    QTest::newRow("pgbouncer") << true;
}

void TestNetworkFaults::statementTimeoutIsInForceAndACancelledStatementIsNotRetried()
{
    QFETCH(bool, throughPgBouncer);
    PgBouncerProcess bouncer(m_cluster);
    DatabaseConfig config = m_cluster.config(applicationNameForThisTest());
    if (throughPgBouncer) {
        QString error;
        if (!bouncer.start(&error))
            QFAIL(qPrintable(error));
        config = bouncer.config(applicationNameForThisTest());
        config.pgbouncer = true;
    }
    config.statementTimeoutMs = 1000;
    ConnectionPool pool(config);

    const auto shown = pool.withConnection(QStringLiteral("tst.show"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SHOW statement_timeout")).toString();
    });
    QTRY_VERIFY_WITH_TIMEOUT(shown.isFinished(), kNoHangMs);
    QVERIFY2(shown.result().ok(), describe(shown.result()));
    QCOMPARE(shown.result().value(), QStringLiteral("1s"));

    const auto tooLong
        = pool.withRetry(QStringLiteral("tst.too_long"), RetryPolicy::critical(), [](QSqlDatabase &db) {
              Sql::exec(db, QStringLiteral("SELECT pg_sleep(5)"));
              return 1;
          });
    QTRY_VERIFY_WITH_TIMEOUT(tooLong.isFinished(), kNoHangMs);
    const DbResult<int> result = tooLong.result();
    QVERIFY(!result.ok());
    QCOMPARE(result.error().sqlState(), QStringLiteral("57014"));
    QCOMPARE(result.error().kind(), DbError::Kind::Fatal);
    QVERIFY(!result.error().isTransient());
    QCOMPARE(result.error().attempts(), 1); // not retried like a lost connection
    QVERIFY(result.error().message().contains(QLatin1String("too long")));

    // The connection was not thrown away for it.
    const auto after = pool.withConnection(QStringLiteral("tst.after"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT 7")).toInt();
    });
    QTRY_VERIFY_WITH_TIMEOUT(after.isFinished(), kNoHangMs);
    QVERIFY2(after.result().ok(), describe(after.result()));
    QCOMPARE(pool.stats().connectionsClosed, 0);
}

void TestNetworkFaults::longWorkMayLiftTheStatementTimeoutForItsTransaction()
{
    DatabaseConfig config = configThroughProxy();
    config.statementTimeoutMs = 1000;
    config.watchdogGraceMs = 200; // shorter than the statement: only the lift saves it
    ConnectionPool pool(config);

    const auto longWork = pool.withConnection(QStringLiteral("tst.long"), [](QSqlDatabase &db) {
        Transaction tx(db);
        Sql::setLocalStatementTimeout(db, 0);
        Sql::exec(db, QStringLiteral("SELECT pg_sleep(1.6)"));
        tx.commit();
        return Sql::scalar(db, QStringLiteral("SHOW statement_timeout")).toString();
    });
    QTRY_VERIFY_WITH_TIMEOUT(longWork.isFinished(), kNoHangMs);
    QVERIFY2(longWork.result().ok(), describe(longWork.result()));
    // SET LOCAL ended with the transaction.
    QCOMPARE(longWork.result().value(), QStringLiteral("1s"));
    QCOMPARE(pool.stats().connectionsClosed, 0);
    QVERIFY(!m_warnings->contains(QStringLiteral("dead link")));

    // Outside a transaction it would do nothing, so it is refused.
    const auto outside = pool.withConnection(QStringLiteral("tst.outside"), [](QSqlDatabase &db) {
        Sql::setLocalStatementTimeout(db, 0);
        return 1;
    });
    QTRY_VERIFY_WITH_TIMEOUT(outside.isFinished(), kNoHangMs);
    QVERIFY(!outside.result().ok());
    QCOMPARE(outside.result().error().kind(), DbError::Kind::Fatal);
}

QTEST_GUILESS_MAIN(TestNetworkFaults)
#include "tst_networkfaults.moc"
