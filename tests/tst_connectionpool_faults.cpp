// The connection pool when things go wrong: work during an outage completes
// after the server restarts; constraint violations answered at once;
// serialization failures and deadlocks retried, a failed unit of work rolled
// back once on its own connection; a terminated connection replaced or
// evicted and its work retried, and the idle ones the server ended with it
// dropped at once; a write that meets a node taking only reads (25006)
// retried on a fresh connection. A real PostgreSQL on a free port, real
// threads. Time is only ever a bound, never a measure of speed.
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/connectionpoolfixture.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTest>

#include <atomic>

using namespace PoolTest;

class TestConnectionPoolFaults : public QObject, protected ConnectionPoolFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startCluster(); }
    void cleanup() { restartIfStopped(); }

    void workDuringAnOutageCompletesAfterTheServerRestarts_data();
    void workDuringAnOutageCompletesAfterTheServerRestarts();
    void constraintViolationsAreAnsweredAtOnceWithoutRetry_data();
    void constraintViolationsAreAnsweredAtOnceWithoutRetry();
    void serializationFailureAndDeadlockAreRetried_data();
    void serializationFailureAndDeadlockAreRetried();
    void realDeadlockIsRetriedAndBothUpdatesLandOnce();
    void failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection_data();
    void failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection();
    void terminatedConnectionIsReplacedByValidation();
    void terminatedConnectionIsEvictedAndTheWorkRetried();
    void idleConnectionsTheServerEndedGoWithTheFirstOneFound();
    void aWriteOnAReadOnlySessionIsRetriedOnAFreshConnection();
    void aNodeThatStaysReadOnlyIsReportedAsSuchAndTheWorkLandsOnceItTakesWrites();
};

void TestConnectionPoolFaults::workDuringAnOutageCompletesAfterTheServerRestarts_data()
{
    QTest::addColumn<PgTestCluster::Mode>("mode");
    QTest::newRow("fast shutdown") << PgTestCluster::Mode::Fast;
    QTest::newRow("immediate shutdown") << PgTestCluster::Mode::Immediate;
}

void TestConnectionPoolFaults::workDuringAnOutageCompletesAfterTheServerRestarts()
{
    QFETCH(PgTestCluster::Mode, mode);
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 3;
    ConnectionPool pool(c);

    // Three open connections, so the outage kills live ones.
    QVERIFY(openConnections(pool, 3));
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

void TestConnectionPoolFaults::constraintViolationsAreAnsweredAtOnceWithoutRetry_data()
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

void TestConnectionPoolFaults::constraintViolationsAreAnsweredAtOnceWithoutRetry()
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

void TestConnectionPoolFaults::serializationFailureAndDeadlockAreRetried_data()
{
    QTest::addColumn<QString>("sqlState");
    QTest::newRow("40001 serialization failure") << QStringLiteral("40001");
    QTest::newRow("40P01 deadlock detected") << QStringLiteral("40P01");
}

void TestConnectionPoolFaults::serializationFailureAndDeadlockAreRetried()
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

void TestConnectionPoolFaults::realDeadlockIsRetriedAndBothUpdatesLandOnce()
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

void TestConnectionPoolFaults::failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection_data()
{
    QTest::addColumn<bool>("pgbouncerMode");
    QTest::newRow("direct") << false;
    QTest::newRow("pgbouncer mode") << true;
}

void TestConnectionPoolFaults::failedUnitOfWorkEndsWithOneRollbackOnItsOwnConnection()
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
    const QString last
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT query FROM pg_stat_activity WHERE pid = %1")
                                 .arg(before.result().value()))
              .toString();
    QCOMPARE(last, QStringLiteral("ROLLBACK"));

    // The same connection serves the next unit of work, outside any
    // transaction and with nothing prepared.
    const auto next = pool.withConnection(QStringLiteral("tst.after"), [](QSqlDatabase &db) {
        return QPair<int, int>(
            backendPid(db),
            Sql::scalar(db, QStringLiteral("SELECT count(*) FROM pg_prepared_statements")).toInt());
    });
    QVERIFY(waitFor(next));
    QVERIFY2(next.result().ok(), describe(next.result()));
    QCOMPARE(next.result().value().first, before.result().value());
    QCOMPARE(next.result().value().second, 0);
    QCOMPARE(pool.stats().connectionsOpened, 1);
}

void TestConnectionPoolFaults::terminatedConnectionIsReplacedByValidation()
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

void TestConnectionPoolFaults::terminatedConnectionIsEvictedAndTheWorkRetried()
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


void TestConnectionPoolFaults::idleConnectionsTheServerEndedGoWithTheFirstOneFound()
{
    // A restart or a failover ends every connection at once. The first
    // unit of work finds its own dead; the idle ones must go then too, not
    // be kept (and counted in the pool's health) until their idle timeout.
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 3;
    ConnectionPool pool(c);
    QVERIFY(openConnections(pool, 3));
    QCOMPARE(pool.stats().total, 3);

    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                               " WHERE application_name = '%1'")
                                    .arg(c.applicationName))
                 .toInt(),
             3);
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(c.applicationName), 0, 10000);
    QCOMPARE(pool.stats().total, 3); // nothing has looked yet

    // One unit of work, not retried, so only the sweep can close the other
    // two: it either meets its connection's loss (used a moment ago, not
    // validated first) and fails, or is validated past the loss and runs.
    const auto next = pool.withConnection(QStringLiteral("tst.pid"), backendPid);
    QVERIFY(waitFor(next));
    const int left = next.result().ok() ? 1 : 0;
    if (!next.result().ok())
        QCOMPARE(next.result().error().kind(), DbError::Kind::Unavailable);
    QTRY_COMPARE_WITH_TIMEOUT(pool.stats().total, left, 10000);
    QCOMPARE(pool.stats().connectionsClosed, 3);
    QCOMPARE(pool.stats().connectionsOpened, 3 + left);
    QCOMPARE(m_cluster.countConnections(c.applicationName), left);
}

namespace {

// One unit of work that writes: counts its attempts, bumps tst_counter's
// first row and says which backend it ran on.
auto bumpCounter(std::shared_ptr<std::atomic<int>> attempts)
{
    return [attempts](QSqlDatabase &db) {
        ++*attempts;
        Sql::exec(db, QStringLiteral("UPDATE tst_counter SET n = n + 1 WHERE id = 1"));
        return backendPid(db);
    };
}

} // namespace

void TestConnectionPoolFaults::aWriteOnAReadOnlySessionIsRetriedOnAFreshConnection()
{
    // A primary demoted without a restart, or a proxy that routes an old
    // connection to a standby, answers a write with 25006 and writes
    // nothing. The pool drops that connection and retries on a new one.
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    ConnectionPool pool(c);
    const auto readOnly = pool.withConnection(QStringLiteral("tst.readonly"), [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SET default_transaction_read_only = on"));
        return backendPid(db);
    });
    QVERIFY(waitFor(readOnly));
    QVERIFY2(readOnly.result().ok(), describe(readOnly.result()));
    const int before = m_cluster.queryBlocking(QStringLiteral("SELECT n FROM tst_counter WHERE id = 1")).toInt();

    auto attempts = std::make_shared<std::atomic<int>>(0);
    const auto write = pool.withRetry(QStringLiteral("tst.write"), RetryPolicy::standard(), bumpCounter(attempts));
    QVERIFY(waitFor(write));
    QVERIFY2(write.result().ok(), describe(write.result()));
    QVERIFY(write.result().value() != readOnly.result().value());
    QCOMPARE(attempts->load(), 2);
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT n FROM tst_counter WHERE id = 1")).toInt(), before + 1);
    QCOMPARE(pool.stats().connectionsOpened, 2);
    QCOMPARE(pool.stats().total, 1);
    QCOMPARE(m_cluster.countConnections(c.applicationName), 1);
}

void TestConnectionPoolFaults::aNodeThatStaysReadOnlyIsReportedAsSuchAndTheWorkLandsOnceItTakesWrites()
{
    // Every new session on this database only reads, as on a standby. The
    // settings are changed from another database: a read-only session
    // could not change them back.
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 1;
    const QString readOnly = QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = %2");
    QString error;
    m_cluster.queryBlocking(readOnly.arg(c.database, QStringLiteral("on")), QStringLiteral("postgres"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto reset = qScopeGuard([&] {
        m_cluster.queryBlocking(readOnly.arg(c.database, QStringLiteral("off")), QStringLiteral("postgres"));
    });
    ConnectionPool pool(c);
    const int before = m_cluster.queryBlocking(QStringLiteral("SELECT n FROM tst_counter WHERE id = 1")).toInt();

    auto attempts = std::make_shared<std::atomic<int>>(0);
    const RetryPolicy policy = RetryPolicy::standard();
    const auto refused = pool.withRetry(QStringLiteral("tst.write"), policy, bumpCounter(attempts));
    QVERIFY(waitFor(refused));
    QVERIFY(!refused.result().ok());
    const DbError why = refused.result().error();
    QCOMPARE(why.kind(), DbError::Kind::Unavailable);
    QCOMPARE(why.sqlState(), QStringLiteral("25006"));
    QVERIFY2(why.message().contains(QLatin1String("accepts only reads")), qPrintable(why.message()));
    QCOMPARE(attempts->load(), policy.maxAttempts);
    QCOMPARE(pool.stats().connectionsOpened, policy.maxAttempts); // each read-only session dropped

    // The node takes writes again (promoted): the same pool goes on by itself.
    reset.dismiss();
    m_cluster.queryBlocking(readOnly.arg(c.database, QStringLiteral("off")), QStringLiteral("postgres"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    attempts->store(0);
    const auto written = pool.withRetry(QStringLiteral("tst.write"), policy, bumpCounter(attempts));
    QVERIFY(waitFor(written));
    QVERIFY2(written.result().ok(), describe(written.result()));
    QCOMPARE(attempts->load(), 1);
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT n FROM tst_counter WHERE id = 1")).toInt(), before + 1);
}

QTEST_GUILESS_MAIN(TestConnectionPoolFaults)
#include "tst_connectionpool_faults.moc"
