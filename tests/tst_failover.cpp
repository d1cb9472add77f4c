// Failover for a chain's database (issue 13 §5): a primary and a hot standby
// with synchronous streaming replication, started by the harness; the
// product's pool reads the multi-host DATABASE_URL with
// target_session_attrs=read-write through DatabaseConfigLoader and books
// through the booking engine while the primary is killed and the standby
// promoted. The pool must find the new primary by itself, never run work on
// the read-only standby, and every booking it acknowledged must be on the
// new primary exactly once.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/calendar/openinghours.h"
#include "db/pool/sql.h"
#include "tests/bookingenginefixture.h"
#include "tests/harness/serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QSet>
#include <QTest>

#include <atomic>

namespace {

const QString Application = QStringLiteral("tst_failover");

struct Submitted
{
    QString key;
    QFuture<DbResult<BookingOutcome>> outcome;
};

} // namespace

class TestFailover : public QObject, protected BookingEngineFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void readWriteSkipsAStandbyListedFirst();
    void serverReadsAvailabilityFromTheStandby();
    void primaryKilledStandbyPromotedNoAcknowledgedBookingLost();

private:
    // A pool over 127.0.0.1 at these ports, as DATABASE_URL names them.
    std::unique_ptr<ConnectionPool> multiHostPool(const QList<int> &ports, const QString &applicationName,
                                                  QString *error);
    // Booking number n: a slot of its own (20 a day on each lane), so only a
    // lost or repeated booking could make one fail or collide.
    Submitted submit(ConnectionPool &pool, int n);
    // Keeps `depth` bookings in flight until `count` more were acknowledged,
    // and leaves `depth` in flight.
    void bookUntilAcknowledged(int count, int depth);
    void collect(Submitted &submitted);

    PgTestCluster m_standby;
    QList<Submitted> m_inFlight;
    int m_next = 0;
    // Every acknowledged booking: its idempotency key and id.
    QList<QPair<QString, qint64>> m_acknowledged;
    int m_failed = 0;
    int m_notBooked = 0;
    // Units of work that ran on a server in recovery (a standby): must stay 0.
    std::shared_ptr<std::atomic<int>> m_ranOnStandby = std::make_shared<std::atomic<int>>(0);
};

void TestFailover::initTestCase()
{
    // Commits acknowledged only once the synchronous standby has them.
    m_cluster.setCrashSafeCommits(true);
    startEngine(QStringLiteral("tst_failover-setup"));
    resetCatalogue();
    QString error;
    QVERIFY2(m_standby.startAsStandbyOf(m_cluster, true, &error), qPrintable(error));
    // The product's way in: DATABASE_URL with both servers, primary first.
    m_pool = multiHostPool({m_cluster.port(), m_standby.port()}, Application, &error);
    QVERIFY2(m_pool, qPrintable(error));
}

void TestFailover::cleanupTestCase()
{
    for (Submitted &s : m_inFlight)
        s.outcome.waitForFinished();
    stopEngine();
}

std::unique_ptr<ConnectionPool> TestFailover::multiHostPool(const QList<int> &ports,
                                                            const QString &applicationName, QString *error)
{
    QStringList servers;
    for (const int port : ports)
        servers << QStringLiteral("127.0.0.1:%1").arg(port);
    QProcessEnvironment env;
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@%1/carwash?target_session_attrs=read-write"
                              "&connection_limit=8&connect_timeout=5&application_name=%2")
                   .arg(servers.join(u','), applicationName));
    const DatabaseConfigLoader::Result loaded = DatabaseConfigLoader::load(env, nullptr);
    if (!loaded.ok()) {
        *error = loaded.errors.join(u' ');
        return nullptr;
    }
    return std::make_unique<ConnectionPool>(loaded.config);
}

Submitted TestFailover::submit(ConnectionPool &pool, int n)
{
    const int perDay = 40;
    const int inDay = n % perDay;
    BookingRequest r = request(m_f.wash, OpeningHours::clockText(8 * 60 + 30 * (inDay / 2)),
                               QStringLiteral("FO%1").arg(n), m_day.addDays(n / perDay));
    r.slot.bayId = inDay % 2 ? m_f.lane2 : m_f.lane1;
    // As the desk and the kiosk send them: a retried create replays.
    r.idempotencyKey = QStringLiteral("failover-%1").arg(n);
    const std::shared_ptr<std::atomic<int>> ranOnStandby = m_ranOnStandby;
    return {r.idempotencyKey,
            pool.withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                           [r, ranOnStandby](QSqlDatabase &db) {
                               if (Sql::scalar(db, QStringLiteral("SELECT pg_is_in_recovery()")).toBool())
                                   ++*ranOnStandby;
                               return BookingRepo(db).create(r);
                           })};
}

void TestFailover::collect(Submitted &submitted)
{
    const DbResult<BookingOutcome> o = submitted.outcome.result();
    if (!o.ok()) {
        // Gave up while no primary was there: fails as for any lost connection.
        ++m_failed;
        qInfo("not acknowledged: %s", describe(o).constData());
    } else if (o->isBooked()) {
        m_acknowledged << qMakePair(submitted.key, o->booking.id);
    } else {
        ++m_notBooked;
        qWarning("%s: %s", qPrintable(submitted.key), qPrintable(o->error().toLogString()));
    }
}

void TestFailover::bookUntilAcknowledged(int count, int depth)
{
    const qsizetype target = m_acknowledged.size() + count;
    while (m_acknowledged.size() < target && m_next < 2000) {
        while (m_inFlight.size() < depth)
            m_inFlight << submit(*m_pool, m_next++);
        collect(m_inFlight.first());
        m_inFlight.removeFirst();
    }
    while (m_inFlight.size() < depth)
        m_inFlight << submit(*m_pool, m_next++);
    QVERIFY2(m_acknowledged.size() >= target, "ran out of slots before enough bookings were acknowledged");
}

void TestFailover::readWriteSkipsAStandbyListedFirst()
{
    // The standby first in the list: libpq tries it, sees it read-only and
    // goes on to the primary.
    const QString application = QStringLiteral("tst_failover-reversed");
    QString error;
    std::unique_ptr<ConnectionPool> pool
        = multiHostPool({m_standby.port(), m_cluster.port()}, application, &error);
    QVERIFY2(pool, qPrintable(error));
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i) {
        Submitted s = submit(*pool, m_next++);
        const DbResult<BookingOutcome> o = s.outcome.result();
        QVERIFY2(o.ok() && o->result == BookingOutcome::Result::Booked, describe(o).constData());
        ids << o->booking.id;
        m_acknowledged << qMakePair(s.key, o->booking.id);
    }
    QCOMPARE(m_cluster.countConnections(application), pool->stats().total);
    QVERIFY(pool->stats().total > 0);
    QCOMPARE(m_ranOnStandby->load(), 0);
    // libpq's look at the standby (read-only: next) leaves no connection.
    QTRY_COMPARE_WITH_TIMEOUT(m_standby.countConnections(application), 0, 10000);
    // Replicated: the standby shows them too (flushed there before each
    // commit returned; applied a moment later).
    QTRY_COMPARE_WITH_TIMEOUT(
        m_standby
            .queryBlocking(QStringLiteral("SELECT count(*) FROM bookings WHERE id IN (%1, %2, %3, %4)")
                               .arg(ids[0])
                               .arg(ids[1])
                               .arg(ids[2])
                               .arg(ids[3]))
            .toInt(),
        4, 30000);
    pool.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(application), 0, 10000);
}

void TestFailover::serverReadsAvailabilityFromTheStandby()
{
    // READ_DATABASE_URL with prefer-standby, the primary listed first: the
    // server's read pool still goes to the standby; writes to the primary.
    const QString readApplication = QStringLiteral("tst_failover-read");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral(
                   "postgresql://carwash@127.0.0.1:%1,127.0.0.1:%2/carwash?target_session_attrs=read-write"
                   "&connect_timeout=3&application_name=tst_failover-server")
                   .arg(m_cluster.port())
                   .arg(m_standby.port()));
    env.insert(QStringLiteral("READ_DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1,127.0.0.1:%2/carwash?target_session_attrs="
                              "prefer-standby&connect_timeout=3&application_name=%3")
                   .arg(m_cluster.port())
                   .arg(m_standby.port())
                   .arg(readApplication));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));

    AvailabilityRequest request;
    request.serviceId = m_f.wash;
    request.vehicleClass = QStringLiteral("car");
    const QDate day = m_day;
    const auto starts = run(QStringLiteral("test.availability"), [request, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(request, day);
    });
    QVERIFY2(starts.ok(), describe(starts).constData());
    QJsonArray expected;
    for (const PlannedSlot &slot : *starts)
        expected.append(slot.toJson());
    // The day of the bookings above: some of its starts are taken.
    QVERIFY(!expected.isEmpty());
    const ServerProcess::Response free
        = server.get(QStringLiteral("/api/availability?date=%1&service=%2&vehicle=car")
                         .arg(day.toString(Qt::ISODate))
                         .arg(m_f.wash));
    QCOMPARE(free.status, 200);
    QCOMPARE(free.json().array(), expected);
    const ServerProcess::Response soonest
        = server.get(QStringLiteral("/api/next?service=%1&vehicle=car").arg(m_f.wash));
    QCOMPARE(soonest.status, 200);

    QVERIFY(m_standby.countConnections(readApplication) >= 1);
    QCOMPARE(m_cluster.countConnections(readApplication), 0);
    QVERIFY(m_cluster.countConnections(QStringLiteral("tst_failover-server")) >= 1);
    QCOMPARE(m_standby.countConnections(QStringLiteral("tst_failover-server")), 0);
    QCOMPARE(server.terminate(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_standby.countConnections(readApplication), 0, 10000);
}

void TestFailover::primaryKilledStandbyPromotedNoAcknowledgedBookingLost()
{
    const qsizetype before = m_acknowledged.size();
    // Bookings flowing, six at a time, when the primary dies.
    bookUntilAcknowledged(30, 6);
    QCOMPARE(m_inFlight.size(), 6);
    const qsizetype beforeFailover = m_acknowledged.size();
    QVERIFY2(m_cluster.kill(), "could not kill the primary");

    // Only the standby is up: no connection is handed out for work; the
    // pool reports the database unavailable, saying why. Connections that
    // died with the primary fail as lost ones first.
    const std::shared_ptr<std::atomic<int>> ranOnStandby = m_ranOnStandby;
    int probes = 0;
    DbError seen;
    const QDeadlineTimer patience(60000);
    while (!patience.hasExpired()) {
        const DbResult<Done> probe
            = m_pool
                  ->withConnection(
                      QStringLiteral("failover.probe"),
                      [ranOnStandby](QSqlDatabase &db) {
                          if (Sql::scalar(db, QStringLiteral("SELECT pg_is_in_recovery()")).toBool())
                              ++*ranOnStandby;
                          return Done {};
                      })
                  .result();
        ++probes;
        QVERIFY2(!probe.ok(), "work ran with no primary up");
        QCOMPARE(probe.error().kind(), DbError::Kind::Unavailable);
        seen = probe.error();
        if (seen.message().contains(QLatin1String("target_session_attrs=read-write")))
            break;
        QTest::qWait(100);
    }
    QVERIFY2(seen.message().contains(QLatin1String("none of them is in the role")),
             qPrintable(seen.toLogString()));
    QVERIFY2(seen.message().contains(QStringLiteral("127.0.0.1:%1").arg(m_standby.port())),
             qPrintable(seen.message()));
    QCOMPARE(m_ranOnStandby->load(), 0);
    // The standby got no write: nothing acknowledged before the kill is
    // missing and nothing was added since.
    const int onStandbyBeforePromotion
        = m_standby.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt();
    QVERIFY(onStandbyBeforePromotion >= beforeFailover);

    QString error;
    QVERIFY2(m_standby.promote(&error), qPrintable(error));

    // The same pool, never restarted, finds the new primary by itself.
    const qsizetype afterPromotion = m_acknowledged.size();
    bookUntilAcknowledged(30, 6);
    for (Submitted &s : m_inFlight)
        collect(s);
    m_inFlight.clear();

    // Every acknowledged booking is on the new primary, exactly once.
    QStringList pairs;
    QSet<qint64> ids;
    for (const auto &[key, id] : std::as_const(m_acknowledged)) {
        pairs << QStringLiteral("(%1, %2)").arg(id).arg(TestNames::quoted(key));
        ids.insert(id);
    }
    const int found
        = m_standby
              .queryBlocking(
                  QStringLiteral("SELECT count(*) FROM bookings WHERE (id, idempotency_key) IN (%1)")
                      .arg(pairs.join(u',')))
              .toInt();
    const int stored = m_standby
                           .queryBlocking(QStringLiteral(
                               "SELECT count(*) FROM bookings WHERE idempotency_key LIKE 'failover-%'"))
                           .toInt();
    qInfo(
        "attempted %d, acknowledged %lld (%lld before the kill, %lld after promotion), not acknowledged %d, "
        "found %d of them, stored %d, duplicates %lld, probes refused %d",
        m_next, qint64(m_acknowledged.size()), qint64(beforeFailover - before),
        qint64(m_acknowledged.size() - afterPromotion), m_failed, found, stored,
        qint64(m_acknowledged.size() - ids.size()), probes);
    QCOMPARE(ids.size(), m_acknowledged.size());
    QCOMPARE(found, int(m_acknowledged.size()));
    // Stored but not acknowledged: only those whose answer was lost.
    QVERIFY(stored >= found && stored <= found + m_failed);
    QCOMPARE(m_notBooked, 0);
    QCOMPARE(m_ranOnStandby->load(), 0);
    QVERIFY(m_acknowledged.size() - afterPromotion >= 30);
    // Within its limit, all on the new primary.
    QVERIFY(m_pool->stats().total <= 8);
    QTRY_COMPARE_WITH_TIMEOUT(m_standby.countConnections(Application), m_pool->stats().total, 10000);
}

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
