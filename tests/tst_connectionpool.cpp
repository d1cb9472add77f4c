// The connection pool as the desks, kiosks and the webhook receiver meet it:
// a real PostgreSQL on a free port, a real PgBouncer, real threads. Time is
// only ever a bound ("not before the pool timeout", "not a hang"), never a
// measure of speed.
#include "db/health/healthreport.h"
#include "db/health/poolmonitor.h"
#include "db/pool/connectionopener.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/harness/pgbouncerprocess.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/poolwarnings.h"
#include "tests/harness/testnames.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QSet>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <atomic>
#include <memory>
#include <optional>

using namespace std::chrono_literals;

namespace {

using TestWaits::kNoHangMs;

template<typename T> bool waitFor(const QFuture<T> &future, int timeoutMs = kNoHangMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(1);
    }
    return true;
}

template<typename T> bool allFinished(const QList<QFuture<T>> &futures)
{
    return std::all_of(futures.begin(), futures.end(), [](const QFuture<T> &f) { return f.isFinished(); });
}

// A statement that provably cannot end until the test says so: the test's
// own session holds an advisory lock, and a unit of work that asks for it
// waits in the server however long anything else takes.
class HeldLock
{
public:
    static constexpr int kKey = 4242;

    explicit HeldLock(const DatabaseConfig &config)
    {
        DbError error;
        m_db = ConnectionOpener::openBlocking(config, QStringLiteral("tst-held-lock"), error);
        if (m_db)
            m_held = QSqlQuery(*m_db).exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kKey));
    }
    ~HeldLock()
    {
        release();
        m_db.reset();
        QSqlDatabase::removeDatabase(QStringLiteral("tst-held-lock"));
    }
    bool isHeld() const { return m_held; }
    void release()
    {
        if (m_held)
            QSqlQuery(*m_db).exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kKey));
        m_held = false;
    }
    // Blocks until release(); shared, so every unit of work waiting on it
    // goes on together.
    static void waitFor(QSqlDatabase &db)
    {
        Sql::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock_shared(%1)").arg(kKey));
    }

private:
    std::optional<QSqlDatabase> m_db;
    bool m_held = false;
};

using TestNames::backendPid;
using TestNames::describe;

QString applicationNameForThisTest()
{
    return TestNames::applicationName(QStringLiteral("tst_pool"));
}

} // namespace

class TestConnectionPool : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();

    void neverHoldsMoreServerConnectionsThanTheLimit();
    void answersPoolTimeoutWhenEveryConnectionIsHeld();
    void workDuringAnOutageCompletesAfterTheServerRestarts_data();
    void workDuringAnOutageCompletesAfterTheServerRestarts();
    void constraintViolationsAreAnsweredAtOnceWithoutRetry_data();
    void constraintViolationsAreAnsweredAtOnceWithoutRetry();
    void serializationFailureAndDeadlockAreRetried_data();
    void serializationFailureAndDeadlockAreRetried();
    void realDeadlockIsRetriedAndBothUpdatesLandOnce();
    void failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection_data();
    void failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection();
    void destroyedPoolLeavesNoServerConnections();
    void idleConnectionsAreClosedAfterTheIdleTimeout();
    void connectionsAreRecycledAfterTheirMaximumLifetime();
    void workHoldingAConnectionTooLongIsNamedInALeakWarning();
    void terminatedConnectionIsReplacedByValidation();
    void terminatedConnectionIsEvictedAndTheWorkRetried();
    void workWithValuesSucceedsBehindPgBouncerInPgBouncerMode();
    void workWithValuesNeedsNoPgBouncerModeBehindPgBouncer();
    void valuesGoIntoTheStatementExactly_data();
    void valuesGoIntoTheStatementExactly();
    void placeholderCountMustMatchTheValues();
    void monitorShowsLabelsSlowQueriesAndErrors();
    void healthIsHealthyWhileTheServerRunsAndUnhealthyWhenItStops();

private:
    DatabaseConfig configForThisTest() const;
    QList<DbResult<int>> runWorkWithValuesThroughPgBouncer(const PgBouncerProcess &bouncer, bool pgbouncerMode);

    PgTestCluster m_cluster;
};

void TestConnectionPool::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    // One table carries both rules the booking code relies on: a unique code
    // and "no two bookings of a bay overlap" (btree_gist exclusion).
    const QStringList schema {
        QStringLiteral(
            "CREATE TABLE tst_booking (id serial PRIMARY KEY, code text NOT NULL, bay int NOT NULL,"
            " during tstzrange NOT NULL, EXCLUDE USING gist (bay WITH =, during WITH &&))"),
        QStringLiteral("CREATE UNIQUE INDEX tst_booking_code ON tst_booking (code)"),
        QStringLiteral("INSERT INTO tst_booking (code, bay, during) VALUES"
                       " ('A1', 1, tstzrange('2030-01-01 10:00+00', '2030-01-01 11:00+00'))"),
        QStringLiteral("CREATE TABLE tst_counter (id int PRIMARY KEY, n int NOT NULL)"),
        QStringLiteral("INSERT INTO tst_counter VALUES (1, 0), (2, 0)"),
    };
    for (const QString &sql : schema) {
        m_cluster.queryBlocking(sql, QStringLiteral("carwash"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
}

void TestConnectionPool::cleanup()
{
    // A test that failed half-way through an outage must not take the server
    // away from the tests after it.
    if (!m_cluster.isRunning()) {
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }
}

DatabaseConfig TestConnectionPool::configForThisTest() const
{
    DatabaseConfig c = m_cluster.config(applicationNameForThisTest());
    c.connectTimeoutS = 5;
    return c;
}

void TestConnectionPool::neverHoldsMoreServerConnectionsThanTheLimit()
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

void TestConnectionPool::answersPoolTimeoutWhenEveryConnectionIsHeld()
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

void TestConnectionPool::workDuringAnOutageCompletesAfterTheServerRestarts_data()
{
    QTest::addColumn<PgTestCluster::Mode>("mode");
    QTest::newRow("fast shutdown") << PgTestCluster::Mode::Fast;
    QTest::newRow("immediate shutdown") << PgTestCluster::Mode::Immediate;
}

void TestConnectionPool::workDuringAnOutageCompletesAfterTheServerRestarts()
{
    QFETCH(PgTestCluster::Mode, mode);
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 3;
    ConnectionPool pool(c);

    // Three open connections, so the outage kills live ones.
    QList<QFuture<DbResult<int>>> warm;
    for (int i = 0; i < 3; ++i) {
        warm << pool.withConnection(QStringLiteral("tst.warm"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.1)"));
            return 1;
        });
    }
    for (const auto &job : warm) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }
    QElapsedTimer sinceWarm;
    sinceWarm.start();

    QVERIFY(m_cluster.stop(mode));

    const auto plain = pool.withConnection(QStringLiteral("tst.outage.plain"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
    });
    QVERIFY(waitFor(plain));
    QVERIFY(!plain.result().ok());
    QCOMPARE(plain.result().error().kind(), DbError::Kind::Unavailable);
    QVERIFY2(plain.result().error().message().contains(QLatin1String("unavailable")),
             qPrintable(plain.result().error().message()));

    const auto critical = pool.withRetry(
        QStringLiteral("tst.outage.critical"), RetryPolicy::critical(),
        [](QSqlDatabase &db) { return Sql::scalar(db, QStringLiteral("SELECT 42")).toInt(); });
    // Still trying: it must neither succeed nor give up while the server is down.
    QVERIFY(!critical.isFinished());
    QElapsedTimer outage;
    outage.start();
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    const qint64 restartMs = outage.elapsed();

    QVERIFY(waitFor(critical));
    const DbResult<int> result = critical.result();
    QVERIFY2(result.ok(), describe(result) + " (restart took " + QByteArray::number(restartMs) + " ms)");
    QCOMPARE(result.value(), 42);

    // The pool validates a connection only after it sat idle validationIdleMs
    // (the HikariCP rule), so one used a moment before the outage may fail
    // once. Let that pass: this checks healing, not that documented window.
    const qint64 settle = c.validationIdleMs + 100 - sinceWarm.elapsed();
    if (settle > 0)
        QTest::qWait(int(settle));

    // Healed, same pool: every connection slot serves plain work again.
    QList<QFuture<DbResult<int>>> healed;
    for (int i = 0; i < 3; ++i) {
        healed << pool.withConnection(QStringLiteral("tst.healed"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.05)"));
            return 1;
        });
    }
    for (const auto &job : healed) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }
    QVERIFY(pool.stats().total <= c.maxConnections);
    QCOMPARE(m_cluster.countConnections(c.applicationName), pool.stats().total);
}

void TestConnectionPool::constraintViolationsAreAnsweredAtOnceWithoutRetry_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("bay");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<DbError::Kind>("kind");
    QTest::addColumn<QString>("sqlState");
    QTest::newRow("overlapping booking of the same bay")
        << QStringLiteral("B2") << 1 << QStringLiteral("2030-01-01 10:30+00")
        << QStringLiteral("2030-01-01 11:30+00") << DbError::Kind::SlotTaken << QStringLiteral("23P01");
    QTest::newRow("booking code already used")
        << QStringLiteral("A1") << 2 << QStringLiteral("2030-01-01 10:00+00")
        << QStringLiteral("2030-01-01 11:00+00") << DbError::Kind::UniqueViolation << QStringLiteral("23505");
}

void TestConnectionPool::constraintViolationsAreAnsweredAtOnceWithoutRetry()
{
    QFETCH(QString, code);
    QFETCH(int, bay);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(DbError::Kind, kind);
    QFETCH(QString, sqlState);
    auto attempts = std::make_shared<std::atomic<int>>(0);
    ConnectionPool pool(configForThisTest());

    const auto booking = pool.withRetry(
        QStringLiteral("tst.booking.create"), RetryPolicy::critical(), [=](QSqlDatabase &db) {
            ++*attempts;
            Transaction tx(db);
            const int id
                = Sql::scalar(db,
                              QStringLiteral("INSERT INTO tst_booking (code, bay, during)"
                                             " VALUES (?, ?, tstzrange(?::timestamptz, ?::timestamptz))"
                                             " RETURNING id"),
                              {code, bay, from, to})
                      .toInt();
            tx.commit();
            return id;
        });
    QVERIFY(waitFor(booking));
    const DbResult<int> result = booking.result();
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), kind);
    QCOMPARE(result.error().sqlState(), sqlState);
    QCOMPARE(attempts->load(), 1);
    QCOMPARE(result.error().attempts(), 1);
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM tst_booking")).toInt(), 1);
}

void TestConnectionPool::serializationFailureAndDeadlockAreRetried_data()
{
    QTest::addColumn<QString>("sqlState");
    QTest::newRow("40001 serialization failure") << QStringLiteral("40001");
    QTest::newRow("40P01 deadlock detected") << QStringLiteral("40P01");
}

void TestConnectionPool::serializationFailureAndDeadlockAreRetried()
{
    QFETCH(QString, sqlState);
    auto attempts = std::make_shared<std::atomic<int>>(0);
    ConnectionPool pool(configForThisTest());

    // The server raises the real SQLSTATE on the first attempt only.
    const auto work
        = pool.withRetry(QStringLiteral("tst.transient"), RetryPolicy::standard(), [=](QSqlDatabase &db) {
              if (++*attempts == 1)
                  Sql::exec(
                      db,
                      QStringLiteral("DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '%1'; END $$")
                          .arg(sqlState));
              return Sql::scalar(db, QStringLiteral("SELECT 7")).toInt();
          });
    QVERIFY(waitFor(work));
    QVERIFY2(work.result().ok(), describe(work.result()));
    QCOMPARE(work.result().value(), 7);
    QCOMPARE(attempts->load(), 2);
}

void TestConnectionPool::realDeadlockIsRetriedAndBothUpdatesLandOnce()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 2;
    ConnectionPool pool(c);

    struct Shared
    {
        QSemaphore holding[2]; // job i holds its first row
        std::atomic<int> attempts[2] {};
        std::atomic<int> deadlocks {0};
    };
    auto shared = std::make_shared<Shared>();

    // Job i locks row i+1, waits until the other job holds its row, then wants
    // that row too: a lock cycle the server must break with 40P01.
    auto job = [shared](int i) {
        return [shared, i](QSqlDatabase &db) {
            const bool first = ++shared->attempts[i] == 1;
            try {
                Transaction tx(db);
                // Superuser-only setting; the harness user is the superuser.
                Sql::exec(db, QStringLiteral("SET LOCAL deadlock_timeout = '100ms'"));
                Sql::exec(db, QStringLiteral("UPDATE tst_counter SET n = n + 1 WHERE id = ?"), {i + 1});
                if (first) {
                    shared->holding[i].release();
                    if (!shared->holding[1 - i].tryAcquire(1, 10000))
                        throw DbException(
                            DbError(DbError::Kind::Fatal, QStringLiteral("the other job never came")));
                }
                Sql::exec(db, QStringLiteral("UPDATE tst_counter SET n = n + 1 WHERE id = ?"), {2 - i});
                tx.commit();
            } catch (const DbException &e) {
                if (e.error().sqlState() == u"40P01")
                    ++shared->deadlocks;
                throw;
            }
            return i;
        };
    };
    const auto a = pool.withRetry(QStringLiteral("tst.deadlock.a"), RetryPolicy::standard(), job(0));
    const auto b = pool.withRetry(QStringLiteral("tst.deadlock.b"), RetryPolicy::standard(), job(1));
    QVERIFY(waitFor(a));
    QVERIFY(waitFor(b));
    QVERIFY2(a.result().ok(), describe(a.result()));
    QVERIFY2(b.result().ok(), describe(b.result()));
    // One deadlock at least; the victim's retry can meet the other job
    // again (its rollback leaves the row free before the other job, still
    // waking up, takes it), so more are possible, each costing exactly one
    // more attempt.
    QVERIFY(shared->deadlocks.load() >= 1);
    QCOMPARE(shared->attempts[0].load() + shared->attempts[1].load(), 2 + shared->deadlocks.load());
    // The victim's first attempt was rolled back whole: each row counted once
    // per job.
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT string_agg(n::text, ',' ORDER BY id) FROM tst_counter"))
            .toString(),
        QStringLiteral("2,2"));
}

void TestConnectionPool::failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection_data()
{
    QTest::addColumn<bool>("pgbouncerMode");
    QTest::newRow("direct") << false;
    QTest::newRow("pgbouncer mode") << true;
}

void TestConnectionPool::failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection()
{
    QFETCH(bool, pgbouncerMode);
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    c.pgbouncer = pgbouncerMode;
    ConnectionPool pool(c);

    const auto before = pool.withConnection(QStringLiteral("tst.pid"), backendPid);
    QVERIFY(waitFor(before));
    QVERIFY2(before.result().ok(), describe(before.result()));

    // The slot-taken race of every booking: an INSERT with values fails
    // inside a transaction.
    const auto taken = pool.withConnection(QStringLiteral("tst.booking.create"), [](QSqlDatabase &db) {
        Transaction tx(db);
        Sql::exec(db, QStringLiteral("INSERT INTO tst_booking (code, bay, during) VALUES (?, 3, 'empty')"),
                  {QStringLiteral("A1")});
        tx.commit();
        return 1;
    });
    QVERIFY(waitFor(taken));
    QVERIFY(!taken.result().ok());
    QCOMPARE(taken.result().error().kind(), DbError::Kind::UniqueViolation);

    // The last statement the backend ran, as a DBA sees it: the clean-up is
    // one ROLLBACK, with no round trip after it (values travel inside the
    // statement, so there is nothing prepared to drop).
    const QString last = m_cluster
                             .queryBlocking(QStringLiteral("SELECT query FROM pg_stat_activity WHERE pid = %1")
                                                .arg(before.result().value()))
                             .toString();
    QCOMPARE(last, QStringLiteral("ROLLBACK"));

    // The same connection serves the next unit of work, outside any
    // transaction and with nothing prepared.
    const auto next = pool.withConnection(QStringLiteral("tst.after"), [](QSqlDatabase &db) {
        return QPair<int, int>(backendPid(db),
                               Sql::scalar(db, QStringLiteral("SELECT count(*) FROM pg_prepared_statements"))
                                   .toInt());
    });
    QVERIFY(waitFor(next));
    QVERIFY2(next.result().ok(), describe(next.result()));
    QCOMPARE(next.result().value().first, before.result().value());
    QCOMPARE(next.result().value().second, 0);
    QCOMPARE(pool.stats().connectionsOpened, 1);
}

void TestConnectionPool::destroyedPoolLeavesNoServerConnections()
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

void TestConnectionPool::idleConnectionsAreClosedAfterTheIdleTimeout()
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

void TestConnectionPool::connectionsAreRecycledAfterTheirMaximumLifetime()
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

void TestConnectionPool::workHoldingAConnectionTooLongIsNamedInALeakWarning()
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
            return line.contains(QLatin1String("leak")) && line.contains(QLatin1String("\"tst.report.export\""));
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(named(), kNoHangMs);
    QVERIFY(!leaky.isFinished());
    lock.release();
    QVERIFY(waitFor(leaky));
    QVERIFY2(leaky.result().ok(), describe(leaky.result()));
    warnings.reset();
}

void TestConnectionPool::terminatedConnectionIsReplacedByValidation()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    ConnectionPool pool(c);

    const auto first = pool.withConnection(QStringLiteral("tst.pid"), backendPid);
    QVERIFY(waitFor(first));
    QVERIFY2(first.result().ok(), describe(first.result()));
    QElapsedTimer sinceUse;
    sinceUse.start();
    const int killed = first.result().value();

    QVERIFY(m_cluster.queryBlocking(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(killed)).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(killed))
            .toInt(),
        0, 10000);
    // Past the validation interval, the pool checks the connection before
    // handing it out.
    const qint64 settle = c.validationIdleMs + 100 - sinceUse.elapsed();
    if (settle > 0)
        QTest::qWait(int(settle));

    const auto next = pool.withConnection(QStringLiteral("tst.pid"), backendPid);
    QVERIFY(waitFor(next));
    QVERIFY2(next.result().ok(), describe(next.result()));
    QVERIFY(next.result().value() != killed);
    QCOMPARE(pool.stats().connectionsOpened, 2);
    QCOMPARE(pool.stats().connectionsClosed, 1);
}

void TestConnectionPool::terminatedConnectionIsEvictedAndTheWorkRetried()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    // No validation: the dead connection reaches the unit of work, and the
    // pool must recognise the failure (QPSQL hides it) and evict it.
    c.validationIdleMs = 600000;
    ConnectionPool pool(c);

    const auto first = pool.withConnection(QStringLiteral("tst.pid"), backendPid);
    QVERIFY(waitFor(first));
    QVERIFY2(first.result().ok(), describe(first.result()));
    const int killed = first.result().value();
    QVERIFY(m_cluster.queryBlocking(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(killed)).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(killed))
            .toInt(),
        0, 10000);

    auto attempts = std::make_shared<std::atomic<int>>(0);
    const auto next
        = pool.withRetry(QStringLiteral("tst.pid"), RetryPolicy::standard(), [attempts](QSqlDatabase &db) {
              ++*attempts;
              return backendPid(db);
          });
    QVERIFY(waitFor(next));
    QVERIFY2(next.result().ok(), describe(next.result()));
    QVERIFY(next.result().value() != killed);
    QCOMPARE(attempts->load(), 2);
    QCOMPARE(pool.stats().connectionsOpened, 2);
    QCOMPARE(pool.stats().total, 1);
}

QList<DbResult<int>> TestConnectionPool::runWorkWithValuesThroughPgBouncer(const PgBouncerProcess &bouncer,
                                                                         bool pgbouncerMode)
{
    DatabaseConfig c = bouncer.config(applicationNameForThisTest());
    c.connectTimeoutS = 5;
    c.maxConnections = 8;
    c.pgbouncer = pgbouncerMode;
    ConnectionPool pool(c);
    QList<QFuture<DbResult<int>>> jobs;
    for (int j = 0; j < 8; ++j) {
        jobs << pool.withConnection(QStringLiteral("tst.bouncer"), [j](QSqlDatabase &db) {
            // Statements with values, several per unit of work.
            int sum = 0;
            for (int i = 0; i < 6; ++i) {
                const int v = Sql::scalar(db, QStringLiteral("SELECT ?::int * 10 + ?::int"), {j, i}).toInt();
                if (v != j * 10 + i)
                    throw DbException(
                        DbError(DbError::Kind::Fatal, QStringLiteral("wrong answer %1").arg(v)));
                sum += v;
            }
            return sum;
        });
    }
    QList<DbResult<int>> results;
    for (const auto &job : jobs) {
        if (!waitFor(job))
            return {};
        results << job.result();
    }
    return results;
}

void TestConnectionPool::workWithValuesSucceedsBehindPgBouncerInPgBouncerMode()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    const QList<DbResult<int>> results = runWorkWithValuesThroughPgBouncer(bouncer, true);
    QCOMPARE(results.size(), 8);
    for (int j = 0; j < results.size(); ++j) {
        QVERIFY2(results[j].ok(), describe(results[j]));
        QCOMPARE(results[j].value(), j * 60 + 15);
    }
}

void TestConnectionPool::workWithValuesNeedsNoPgBouncerModeBehindPgBouncer()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    // Values travel inside the one statement, so no statement prepared on
    // one server connection is ever looked for on another (26000 / 42P05,
    // were they sent as PREPARE, EXECUTE, DEALLOCATE). A few rounds, as
    // interleaving is up to the scheduler.
    for (int round = 0; round < 3; ++round) {
        const QList<DbResult<int>> results = runWorkWithValuesThroughPgBouncer(bouncer, false);
        QCOMPARE(results.size(), 8);
        for (int j = 0; j < results.size(); ++j) {
            QVERIFY2(results[j].ok(), describe(results[j]));
            QCOMPARE(results[j].value(), j * 60 + 15);
        }
    }
}

void TestConnectionPool::valuesGoIntoTheStatementExactly_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("cast");
    QTest::newRow("quote") << QVariant(QStringLiteral("O'Brien")) << QStringLiteral("text");
    QTest::newRow("injection") << QVariant(QStringLiteral("x'); DROP TABLE bookings; --"))
                               << QStringLiteral("text");
    QTest::newRow("backslash") << QVariant(QStringLiteral("a\\'b\\")) << QStringLiteral("text");
    QTest::newRow("question mark") << QVariant(QStringLiteral("why? because?")) << QStringLiteral("text");
    QTest::newRow("dollar quote") << QVariant(QStringLiteral("$$ $tag$ $1")) << QStringLiteral("text");
    QTest::newRow("non-Latin") << QVariant(QStringLiteral("Ёлка 車 مرحبا 🚗")) << QStringLiteral("text");
    QTest::newRow("null text") << QVariant(QMetaType::fromType<QString>()) << QStringLiteral("text");
    QTest::newRow("untyped null") << QVariant() << QStringLiteral("text");
    QTest::newRow("big integer") << QVariant(qint64(9007199254740993)) << QStringLiteral("bigint");
    QTest::newRow("negative") << QVariant(-42) << QStringLiteral("int");
    QTest::newRow("true") << QVariant(true) << QStringLiteral("boolean");
    QTest::newRow("instant") << QVariant(
        QDateTime(QDate(2026, 3, 29), QTime(1, 59, 59, 999), QTimeZone("Europe/Berlin")))
                             << QStringLiteral("timestamptz");
    QTest::newRow("date") << QVariant(QDate(2026, 2, 28)) << QStringLiteral("date");
    QTest::newRow("bytes") << QVariant(QByteArray("\x00\x01'\\\xff", 5)) << QStringLiteral("bytea");
}

void TestConnectionPool::valuesGoIntoTheStatementExactly()
{
    QFETCH(QVariant, value);
    QFETCH(QString, cast);
    ConnectionPool pool(m_cluster.config(applicationNameForThisTest()));
    // A '?' inside literals, identifiers, comments and dollar quotes is text,
    // not a placeholder.
    const QString sql = QStringLiteral("SELECT ?::%1 AS \"v?\", '?' AS q, $$?$$ AS d -- a comment?\n"
                                       ", /* and this? */ ?::int AS n")
                            .arg(cast);
    auto job = pool.withConnection(QStringLiteral("tst.values"), [sql, value](QSqlDatabase &db) {
        QSqlQuery q = Sql::exec(db, sql, {value, 7});
        if (!q.next())
            throw DbException(DbError(DbError::Kind::Fatal, QStringLiteral("no row")));
        return QVariantList {q.value(0), q.value(1), q.value(2), q.value(3)};
    });
    QVERIFY(waitFor(job));
    QVERIFY2(job.result().ok(), describe(job.result()));
    const QVariantList row = job.result().value();
    if (value.isNull()) {
        QVERIFY(row[0].isNull());
    } else if (value.metaType() == QMetaType::fromType<QDateTime>()) {
        QCOMPARE(row[0].toDateTime().toUTC(), value.toDateTime().toUTC());
    } else if (value.metaType() == QMetaType::fromType<QByteArray>()) {
        QCOMPARE(row[0].toByteArray(), value.toByteArray());
    } else {
        QCOMPARE(row[0].toString(), value.toString());
    }
    QCOMPARE(row[1].toString(), QStringLiteral("?"));
    QCOMPARE(row[2].toString(), QStringLiteral("?"));
    QCOMPARE(row[3].toInt(), 7);
}

void TestConnectionPool::placeholderCountMustMatchTheValues()
{
    ConnectionPool pool(m_cluster.config(applicationNameForThisTest()));
    auto tooFew = pool.withConnection(QStringLiteral("tst.values"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT ?::int + ?::int"), {1}).toInt();
    });
    auto tooMany = pool.withConnection(QStringLiteral("tst.values"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT ?::int"), {1, 2}).toInt();
    });
    QVERIFY(waitFor(tooFew));
    QVERIFY(waitFor(tooMany));
    QVERIFY(!tooFew.result().ok());
    QVERIFY(!tooMany.result().ok());
    QCOMPARE(tooFew.result().error().kind(), DbError::Kind::Fatal);
    QCOMPARE(tooMany.result().error().kind(), DbError::Kind::Fatal);
}

void TestConnectionPool::monitorShowsLabelsSlowQueriesAndErrors()
{
    DatabaseConfig c = configForThisTest();
    c.slowQueryThresholdMs = 100;
    ConnectionPool pool(c);

    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 3; ++i) {
        jobs << pool.withConnection(QStringLiteral("tst.monitor.lookup"), [i](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT ?::int"), {i}).toInt();
        });
    }
    jobs << pool.withConnection(QStringLiteral("tst.monitor.report"), [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.3), 'AB-123-CD' AS plate, 4242 AS amount"));
        return 1;
    });
    jobs << pool.withConnection(QStringLiteral("tst.monitor.broken"), [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT * FROM tst_no_such_table"));
        return 1;
    });
    for (const auto &job : jobs)
        QVERIFY(waitFor(job));
    QVERIFY(!jobs.last().result().ok());

    const MonitorSnapshot snapshot = pool.monitor().snapshot();
    const auto labelStats = [&](const QString &label) {
        for (const LabelStats &l : snapshot.labels) {
            if (l.label == label)
                return l;
        }
        return LabelStats {};
    };
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.lookup")).count, 3);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.lookup")).errors, 0);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.report")).count, 1);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.broken")).count, 1);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.broken")).errors, 1);

    const auto slow = std::find_if(snapshot.slowQueries.begin(), snapshot.slowQueries.end(),
                                   [](const SlowQuery &q) { return q.label == u"tst.monitor.report"; });
    QVERIFY(slow != snapshot.slowQueries.end());
    QVERIFY2(slow->sql.contains(QLatin1String("pg_sleep(?)")), qPrintable(slow->sql));
    QVERIFY2(!slow->sql.contains(QLatin1String("AB-123-CD")) && !slow->sql.contains(QLatin1String("4242")),
             qPrintable(slow->sql));
    QVERIFY(slow->durationMs >= c.slowQueryThresholdMs);

    const auto error = std::find_if(snapshot.recentErrors.begin(), snapshot.recentErrors.end(),
                                    [](const ErrorRecord &e) { return e.label == u"tst.monitor.broken"; });
    QVERIFY(error != snapshot.recentErrors.end());
    QCOMPARE(error->sqlState, QStringLiteral("42P01"));
}

void TestConnectionPool::healthIsHealthyWhileTheServerRunsAndUnhealthyWhenItStops()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 2;
    ConnectionPool pool(c);

    // A running program has done some work; the probe alone would make its
    // own connection set-up the whole average latency.
    QList<QFuture<DbResult<int>>> work;
    for (int i = 0; i < 5; ++i) {
        work << pool.withConnection(QStringLiteral("tst.health.work"), [](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
        });
    }
    for (const auto &job : work) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }

    const auto up = HealthReport::check(pool);
    QVERIFY(waitFor(up));
    const HealthReport healthy = up.result();
    const QJsonObject healthyDatabase = healthy.toJson()[u"database"].toObject();
    QVERIFY2(healthy.status() == HealthReport::Status::Healthy, qPrintable(healthy.alerts().join(u'\n')));
    QCOMPARE(healthyDatabase[u"reachable"].toBool(), true);
    QVERIFY(!healthyDatabase[u"server_version"].toString().isEmpty());

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    const auto down = HealthReport::check(pool);
    QVERIFY(waitFor(down));
    const HealthReport unhealthy = down.result();
    QCOMPARE(unhealthy.status(), HealthReport::Status::Unhealthy);
    QCOMPARE(unhealthy.toJson()[u"database"][u"reachable"].toBool(), false);
    QVERIFY(!unhealthy.alerts().isEmpty());

    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestConnectionPool)
#include "tst_connectionpool.moc"
