// The connection pool's bounds as the desks, kiosks and the webhook receiver
// meet them: never more server connections than the limit, a pool timeout
// that names its gauges, connections closed when the pool goes, when idle
// and at the end of their lifetime (the spare ones of a light load too), and
// work holding one too long named in a warning. A real PostgreSQL on a free
// port, real threads. Time is only ever a bound ("not before the pool
// timeout", "not a hang"), never a measure of speed.
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/connectionpoolfixture.h"
#include "tests/harness/poolwarnings.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSet>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

using namespace PoolTest;

class TestConnectionPoolLimits : public QObject, protected ConnectionPoolFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startCluster(); }
    void cleanup() { restartIfStopped(); }

    void neverHoldsMoreServerConnectionsThanTheLimit();
    void answersPoolTimeoutWhenEveryConnectionIsHeld();
    void destroyedPoolLeavesNoServerConnections();
    void idleConnectionsAreClosedAfterTheIdleTimeout();
    void aLightLoadKeepsOneConnectionAndTheRestClose();
    void connectionsAreRecycledAfterTheirMaximumLifetime();
    void workHoldingAConnectionTooLongIsNamedInALeakWarning();
};

void TestConnectionPoolLimits::neverHoldsMoreServerConnectionsThanTheLimit()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 5;
    ConnectionPool pool(c);

    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 50; ++i) {
        jobs << pool.withConnection(QStringLiteral("tst.sleep"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.05)"));
            return 1;
        });
    }

    // Watch from outside, as a DBA would, while the 50 jobs compete for 5.
    int maxSeen = 0;
    int samples = 0;
    const QDeadlineTimer deadline(kNoHangMs);
    while (!allFinished(jobs) && !deadline.hasExpired()) {
        const int n = m_cluster.countConnections(c.applicationName);
        QVERIFY(n >= 0);
        maxSeen = std::max(maxSeen, n);
        ++samples;
        QVERIFY(pool.stats().total <= c.maxConnections);
    }
    for (const auto &job : jobs) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }
    QVERIFY2(maxSeen <= c.maxConnections,
             qPrintable(QStringLiteral("saw %1 server connections").arg(maxSeen)));
    // The bound above means something only if the sampling saw the pool at work.
    QVERIFY2(maxSeen >= 1, qPrintable(QStringLiteral("%1 samples saw no connection").arg(samples)));
    QVERIFY(pool.stats().connectionsOpened <= c.maxConnections);
    // The pool's own gauge agrees with the server.
    QCOMPARE(m_cluster.countConnections(c.applicationName), pool.stats().total);
}

void TestConnectionPoolLimits::answersPoolTimeoutWhenEveryConnectionIsHeld()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 2;
    c.poolTimeoutMs = 500;
    ConnectionPool pool(c);

    HeldLock lock(m_cluster.config(applicationNameForThisTest() + QStringLiteral("-lock")));
    QVERIFY(lock.isHeld());
    QList<QFuture<DbResult<int>>> holders;
    for (int i = 0; i < 2; ++i) {
        holders << pool.withConnection(QStringLiteral("tst.hold"), [](QSqlDatabase &db) {
            HeldLock::waitFor(db);
            return 1;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(pool.stats().active, 2, kNoHangMs);

    QElapsedTimer waited;
    waited.start();
    const QFuture<DbResult<int>> third
        = pool.withConnection(QStringLiteral("tst.third"), [](QSqlDatabase &db) {
              return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
          });
    QVERIFY(waitFor(third));
    const qint64 elapsed = waited.elapsed();
    // Both holders still wait for the lock: the answer is a timeout, never a
    // turn, however slow this machine is.
    QVERIFY(!holders[0].isFinished() && !holders[1].isFinished());

    const DbResult<int> result = third.result();
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), DbError::Kind::PoolTimeout);
    QVERIFY(!result.error().message().isEmpty());
    const QString detail = result.error().detail();
    for (const char *gauge : {"total=2", "active=2", "idle=0", "waiting="})
        QVERIFY2(detail.contains(QLatin1String(gauge)), qPrintable(detail));
    // Not before the pool timeout (a bound, not a speed). QElapsedTimer
    // truncates to whole milliseconds.
    QVERIFY2(elapsed >= c.poolTimeoutMs - 1, qPrintable(QStringLiteral("after %1 ms").arg(elapsed)));

    QCOMPARE(pool.stats().waiting, 0);
    QCOMPARE(pool.stats().timeouts, 1);
    lock.release();
    for (const auto &holder : holders) {
        QVERIFY(waitFor(holder));
        QVERIFY2(holder.result().ok(), describe(holder.result()));
    }
    // No deadlock: the pool serves again.
    const auto after = pool.withConnection(QStringLiteral("tst.after"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT 2")).toInt();
    });
    QVERIFY(waitFor(after));
    QVERIFY2(after.result().ok(), describe(after.result()));
    QCOMPARE(after.result().value(), 2);
    QCOMPARE(pool.stats().waiting, 0);
}

void TestConnectionPoolLimits::destroyedPoolLeavesNoServerConnections()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 4;
    auto pool = std::make_unique<ConnectionPool>(c);
    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 8; ++i) {
        jobs << pool->withConnection(QStringLiteral("tst.sleep"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.05)"));
            return 1;
        });
    }
    for (const auto &job : jobs) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }
    const int before = m_cluster.countConnections(c.applicationName);
    QVERIFY(before >= 1);
    QCOMPARE(before, pool->stats().total);

    pool.reset();
    // A backend exits a moment after its client closed the socket.
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(c.applicationName), 0, 10000);
}

void TestConnectionPoolLimits::idleConnectionsAreClosedAfterTheIdleTimeout()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 3;
    c.idleTimeoutMs = 300;
    ConnectionPool pool(c);

    auto countOwn = [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.05)"));
        return Sql::scalar(db,
                           QStringLiteral("SELECT count(*) FROM pg_stat_activity"
                                          " WHERE application_name = current_setting('application_name')"))
            .toInt();
    };
    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 3; ++i)
        jobs << pool.withConnection(QStringLiteral("tst.idle"), countOwn);
    for (const auto &job : jobs) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
        QVERIFY(job.result().value() >= 1);
    }

    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(c.applicationName), 0, 10000);
    QCOMPARE(pool.stats().total, 0);
    QVERIFY(pool.stats().connectionsClosed >= 1);

    // Closed for idleness, not broken: the next job opens a fresh one.
    const auto again = pool.withConnection(QStringLiteral("tst.idle.again"), countOwn);
    QVERIFY(waitFor(again));
    QVERIFY2(again.result().ok(), describe(again.result()));
}

void TestConnectionPoolLimits::aLightLoadKeepsOneConnectionAndTheRestClose()
{
    // Four connections opened by a burst, then a light load: one unit of
    // work at a time, 20 ms apart. The pool hands each to the
    // connection used last, so the other three sit out their idle timeout
    // and close while the load goes on. (Handed round to the longest idle
    // instead, each would be used every 80 ms and none would ever close.)
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 4;
    c.idleTimeoutMs = 500;
    ConnectionPool pool(c);

    QVERIFY(openConnections(pool, 4));
    QCOMPARE(pool.stats().total, 4);

    // Sequential: the next unit 20 ms after the last one's answer.
    QSet<int> backendsLately;
    int answered = 0;
    int failed = 0;
    bool going = true;
    QObject context;
    std::function<void()> next = [&] {
        Async::onResult(pool.withConnection(QStringLiteral("tst.shrink.light"), backendPid), &context,
                        [&](const DbResult<int> &pid) {
                            ++answered;
                            if (!pid.ok())
                                ++failed;
                            else
                                backendsLately.insert(pid.value());
                            if (going)
                                QTimer::singleShot(20, &context, next);
                        });
    };
    next();
    QTRY_COMPARE_WITH_TIMEOUT(pool.stats().total, 1, 15000);
    // Still under load: the one left keeps serving it alone.
    const int before = answered;
    backendsLately.clear();
    QTRY_VERIFY_WITH_TIMEOUT(answered >= before + 25, 15000);
    going = false;
    QCOMPARE(backendsLately.size(), 1);
    QCOMPARE(pool.stats().total, 1);
    QCOMPARE(failed, 0);
    // A closed connection's backend exits a moment after its socket.
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(c.applicationName), 1, 10000);
}

void TestConnectionPoolLimits::connectionsAreRecycledAfterTheirMaximumLifetime()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    c.maxLifetimeMs = 300;
    ConnectionPool pool(c);

    QList<int> pids;
    const QDeadlineTimer deadline(10000);
    while (QSet<int>(pids.begin(), pids.end()).size() < 2 && !deadline.hasExpired()) {
        const auto job = pool.withConnection(QStringLiteral("tst.lifetime"), backendPid);
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
        pids << job.result().value();
        QThread::msleep(50);
    }
    QVERIFY2(QSet<int>(pids.begin(), pids.end()).size() >= 2, "the backend never changed");
    QVERIFY(pool.stats().connectionsOpened >= 2);
    QVERIFY(pool.stats().total <= 1);
    // Recycled means closed, not abandoned: the first backend is gone.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster
            .queryBlocking(
                QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(pids.first()))
            .toInt(),
        0, 10000);
}

void TestConnectionPoolLimits::workHoldingAConnectionTooLongIsNamedInALeakWarning()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    c.leakThresholdMs = 300;
    ConnectionPool pool(c);

    QLoggingCategory::setFilterRules(QStringLiteral("carwash.db.pool.warning=true"));
    std::optional<PoolWarnings> warnings(std::in_place, PoolWarnings::Mode::Swallow);

    // Held until the warning is seen, so the warning cannot lose a race
    // with the end of the work.
    HeldLock lock(m_cluster.config(applicationNameForThisTest() + QStringLiteral("-lock")));
    QVERIFY(lock.isHeld());
    const auto leaky = pool.withConnection(QStringLiteral("tst.report.export"), [](QSqlDatabase &db) {
        HeldLock::waitFor(db);
        return 1;
    });
    const auto named = [&warnings] {
        const QStringList lines = warnings->lines();
        return std::any_of(lines.begin(), lines.end(), [](const QString &line) {
            return line.contains(QLatin1String("leak"))
                && line.contains(QLatin1String("\"tst.report.export\""));
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(named(), kNoHangMs);
    QVERIFY(!leaky.isFinished());
    lock.release();
    QVERIFY(waitFor(leaky));
    QVERIFY2(leaky.result().ok(), describe(leaky.result()));
    warnings.reset();
}

QTEST_GUILESS_MAIN(TestConnectionPoolLimits)
#include "tst_connectionpool_limits.moc"
