// The desk's day board model against a real PostgreSQL through the real
// pool: it fills asynchronously (refresh() returns before any row is there),
// a result for a date no longer shown is dropped, and a database failure
// shows up as the model's error.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/demo/demoseeder.h"
#include "db/health/poolmonitor.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "models/desk/dayboardmodel.h"
#include "tests/harness/pgtestcluster.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

template<typename T> QByteArray describe(const DbResult<T> &r)
{
    return r.ok() ? QByteArrayLiteral("ok") : r.error().toLogString().toUtf8();
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void dayBoardShowsBaysBlocksAndFreeTime();
    void aResultForAnEarlierDateIsDropped();
    void aDatabaseFailureSetsError();
    void dayBoardTotalsCountWhatStillCounts();
    void aFailedRefreshKeepsTheBoardAndRefreshesDoNotPileUp();
    void aRefreshReadsTheDayInOneStatementWhateverTheNumberOfServices();

private:
    template<typename Fn> auto run(const QString &label, Fn fn)
    {
        return m_pool->withRetry(label, RetryPolicy::critical(), std::move(fn)).result();
    }

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    QList<Service> m_services;
    QDate m_day; // a bookable day with the two bookings below
    QDate m_emptyDay; // the day after: no bookings
    QList<Booking> m_booked; // by start
};

void TestModels::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_models"));
    config.maxConnections = 4;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = run(QStringLiteral("migrate"), [](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(migrated.ok(), describe(migrated).constData());
    auto seeded = run(QStringLiteral("seed"), [](QSqlDatabase &db) { return DemoSeeder::seed(db); });
    QVERIFY2(seeded.ok(), describe(seeded).constData());
    auto services
        = run(QStringLiteral("services"), [](QSqlDatabase &db) { return ServiceRepo(db).all(true); });
    QVERIFY2(services.ok(), describe(services).constData());
    m_services = services.value();
    QVERIFY(!m_services.isEmpty());

    // The first day from three days ahead with at least two free starts.
    AvailabilityRequest slot;
    slot.serviceId = m_services.first().id;
    QList<PlannedSlot> free;
    for (int ahead = 3; ahead < 30 && free.size() < 2; ++ahead) {
        const QDate day = QDate::currentDate().addDays(ahead);
        auto starts = run(QStringLiteral("slots"),
                          [slot, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(slot, day); });
        QVERIFY2(starts.ok(), describe(starts).constData());
        if (starts.value().size() >= 2 && !starts.value().first().bays.isEmpty()) {
            free = starts.value();
            m_day = day;
        }
    }
    QVERIFY2(m_day.isValid(), "no bookable day in the demo calendar");
    m_emptyDay = m_day.addDays(1);

    const QList<PlannedSlot> chosen {free.first(), free.last()};
    const QStringList plates {QStringLiteral("MODEL1"), QStringLiteral("MODEL2")};
    for (int i = 0; i < chosen.size(); ++i) {
        BookingRequest request;
        request.slot = slot;
        request.start = chosen.at(i).start;
        request.plate = plates.at(i);
        request.name = QStringLiteral("Model Test");
        auto outcome = run(QStringLiteral("book"),
                           [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
        QVERIFY2(outcome.ok(), describe(outcome).constData());
        QVERIFY2(outcome.value().isBooked(), qPrintable(outcome.value().error().message()));
        m_booked.append(outcome.value().booking);
    }
}

void TestModels::cleanupTestCase()
{
    m_pool.reset();
}

void TestModels::dayBoardShowsBaysBlocksAndFreeTime()
{
    DayBoardModel model(*m_pool);
    QSignalSpy refreshed(&model, &DayBoardModel::refreshed);
    model.setDate(m_day);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.isLoading());

    QTRY_COMPARE(refreshed.count(), 1);
    QVERIFY2(model.error().isEmpty(), qPrintable(model.error()));
    QVERIFY(!model.isClosed());
    QVERIFY(!model.day().openPeriods.isEmpty());
    QVERIFY(model.rowCount() >= 1);
    // Where a booking may start: the slot planner's grid, from each opening.
    const DayBoardModel::Day &day = model.day();
    QVERIFY(!day.starts.isEmpty());
    QCOMPARE(day.starts.first(), day.openPeriods.first().start);
    for (int i = 1; i < day.starts.size(); ++i)
        QVERIFY(day.starts.at(i) > day.starts.at(i - 1));
    for (const DayBoardModel::Interval &open : day.openPeriods)
        QVERIFY(day.starts.contains(open.start));

    int blocks = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const DayBoardModel::Lane lane = model.lane(row);
        QCOMPARE(model.index(row).data(Qt::DisplayRole).toString(), lane.bay.name);
        blocks += int(lane.blocks.size());
        // Free time lies within the opening hours and never overlaps a booking.
        for (const DayBoardModel::Interval &free : lane.free) {
            QVERIFY(free.start < free.end);
            QVERIFY(free.start >= model.day().openPeriods.first().start);
            QVERIFY(free.end <= model.day().openPeriods.last().end);
            for (const DayBoardModel::Block &block : lane.blocks)
                QVERIFY(free.end <= block.start || free.start >= block.blockedUntil);
        }
        if (lane.blocks.isEmpty()) {
            QCOMPARE(lane.free.size(), model.day().openPeriods.size());
        }
    }
    QCOMPARE(blocks, 2);

    for (const Booking &booked : std::as_const(m_booked)) {
        bool found = false;
        for (int row = 0; row < model.rowCount(); ++row) {
            const DayBoardModel::Lane lane = model.lane(row);
            for (const DayBoardModel::Block &block : lane.blocks) {
                if (block.code != booked.code)
                    continue;
                found = true;
                QCOMPARE(lane.bay.id, booked.bay.id);
                QCOMPARE(block.start, booked.start);
                QCOMPARE(block.end, booked.end);
                QCOMPARE(block.status, QStringLiteral("confirmed"));
                QCOMPARE(block.plate, booked.plate);
                QCOMPARE(block.service, m_services.first().name);
            }
        }
        QVERIFY2(found, qPrintable(booked.code));
    }
}

void TestModels::aResultForAnEarlierDateIsDropped()
{
    DayBoardModel model(*m_pool);
    QSignalSpy refreshed(&model, &DayBoardModel::refreshed);
    model.setDate(m_emptyDay);
    model.setDate(m_day);
    QTRY_COMPARE(refreshed.count(), 1);
    QTest::qWait(300);
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(model.day().date, m_day);
    int blocks = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        blocks += int(model.lane(row).blocks.size());
    QCOMPARE(blocks, 2);
}

void TestModels::aDatabaseFailureSetsError()
{
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_models_broken"));
    config.database = QStringLiteral("no_such_database");
    config.maxConnections = 1;
    config.poolTimeoutMs = 2000;
    config.connectTimeoutS = 2;
    ConnectionPool broken(config);

    DayBoardModel board(broken);
    QSignalSpy boardError(&board, &DayBoardModel::errorChanged);
    board.setDate(m_day);

    QTRY_VERIFY_WITH_TIMEOUT(!board.error().isEmpty(), 30000);
    QCOMPARE(boardError.count(), 1);
    QVERIFY(!board.isLoading());
    QCOMPARE(board.rowCount(), 0);
}

void TestModels::dayBoardTotalsCountWhatStillCounts()
{
    DayBoardModel model(*m_pool);
    QSignalSpy refreshed(&model, &DayBoardModel::refreshed);
    model.setDate(m_day);
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(model.day().slotMinutes, 15);
    QCOMPARE(model.day().currency, QStringLiteral("USD"));
    QVERIFY(model.day().now.isValid());
    QVERIFY(model.loadedAt().isValid());

    qint64 expected = 0;
    for (const Booking &booked : std::as_const(m_booked))
        expected += booked.priceCents;
    QVERIFY(expected > 0);
    DayBoardModel::Totals totals = model.totals();
    QCOMPARE(totals.cars, 2);
    QCOMPARE(totals.revenueCents, expected);
    QCOMPARE(totals.currency, QStringLiteral("USD"));
    // Each block carries what the board's tooltip and totals need.
    bool seen = false;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (const DayBoardModel::Block &block : model.lane(row).blocks) {
            if (block.code != m_booked.first().code)
                continue;
            seen = true;
            QCOMPARE(block.priceCents, m_booked.first().priceCents);
            QCOMPARE(block.currency, QStringLiteral("USD"));
            QCOMPARE(block.vehicleClass, QStringLiteral("car"));
            QCOMPARE(block.customerName, QStringLiteral("Model Test"));
            QVERIFY(!block.holdExpiresAt.isValid());
        }
    }
    QVERIFY(seen);

    // Cancelled, no-show and expired bookings stay on the board but count
    // for nothing (pure, on a copy of the day).
    DayBoardModel::Day day = model.day();
    for (DayBoardModel::Lane &lane : day.lanes) {
        for (DayBoardModel::Block &block : lane.blocks) {
            if (block.code == m_booked.first().code)
                block.status = QStringLiteral("cancelled");
        }
    }
    totals = DayBoardModel::totalsOf(day);
    QCOMPARE(totals.cars, 1);
    QCOMPARE(totals.revenueCents, expected - m_booked.first().priceCents);
    QVERIFY(DayBoardModel::counts(QStringLiteral("held")));
    QVERIFY(DayBoardModel::counts(QStringLiteral("completed")));
    QVERIFY(!DayBoardModel::counts(QStringLiteral("no_show")));
    QVERIFY(!DayBoardModel::counts(QStringLiteral("expired")));
}

void TestModels::aFailedRefreshKeepsTheBoardAndRefreshesDoNotPileUp()
{
    DayBoardModel model(*m_pool);
    QSignalSpy refreshed(&model, &DayBoardModel::refreshed);
    model.setDate(m_day);
    // Asked again while the first load runs: one more load after it, not
    // two queries side by side.
    model.refresh();
    model.refresh();
    QTRY_COMPARE(refreshed.count(), 2);
    QTest::qWait(300);
    QCOMPARE(refreshed.count(), 2);
    QVERIFY(!model.isLoading());
    const int rows = model.rowCount();
    const DayBoardModel::Totals totals = model.totals();
    const QDateTime loadedAt = model.loadedAt();
    QVERIFY(rows >= 1);

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    model.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), 30000);
    QVERIFY(!model.error().isEmpty());
    QVERIFY(model.lastError().isError());
    // The board as last loaded stays on screen.
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.totals(), totals);
    QCOMPARE(model.loadedAt(), loadedAt);

    QVERIFY(m_cluster.start());
    restart.dismiss();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            if (!model.isLoading() && !model.error().isEmpty())
                model.refresh();
            return !model.isLoading() && model.error().isEmpty();
        }(),
        30000);
    QVERIFY(!model.lastError().isError());
    QCOMPARE(model.totals(), totals);
}

void TestModels::aRefreshReadsTheDayInOneStatementWhateverTheNumberOfServices()
{
    // What one refresh sends, recorded on the worker that runs it: the
    // statements and the board they gave.
    struct Read
    {
        QStringList statements;
        DayBoardModel::Day day;
    };
    auto read = [this] {
        return run(QStringLiteral("read"), [day = m_day](QSqlDatabase &db) {
            Sql::StatementRecorder recorder;
            Read r;
            r.day = DayBoardModel::read(db, day);
            r.statements = recorder.statements();
            return r;
        });
    };
    auto blocksOf = [](const DayBoardModel::Day &day) {
        int blocks = 0;
        for (const DayBoardModel::Lane &lane : day.lanes)
            blocks += int(lane.blocks.size());
        return blocks;
    };
    auto before = read();
    QVERIFY2(before.ok(), describe(before).constData());
    // One statement: one snapshot, so no booking committed part-way through
    // can show on the bays read before it and not after.
    QCOMPARE(before.value().statements.size(), 1);
    QCOMPARE(blocksOf(before.value().day), 2);

    // Eight more active services, each offered by every bay: still one
    // statement, and the same bays and bookings.
    auto added = run(QStringLiteral("add services"), [](QSqlDatabase &db) {
        Transaction tx(db);
        for (int i = 0; i < 8; ++i) {
            const qint64 id = Sql::scalar(db,
                                          QStringLiteral("INSERT INTO services (name, duration_minutes) "
                                                         "VALUES (?, 20) RETURNING id"),
                                          {QStringLiteral("Statement count %1").arg(i)})
                                  .toLongLong();
            Sql::exec(db,
                      QStringLiteral("INSERT INTO bay_services (bay_id, service_id) SELECT id, ? FROM bays"),
                      {id});
        }
        tx.commit();
        return true;
    });
    QVERIFY2(added.ok(), describe(added).constData());
    auto removeServices = qScopeGuard([this] {
        run(QStringLiteral("remove services"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("DELETE FROM services WHERE name LIKE 'Statement count %'"));
            return true;
        });
    });
    auto after = read();
    QVERIFY2(after.ok(), describe(after).constData());
    QCOMPARE(after.value().statements.size(), 1);
    QCOMPARE(blocksOf(after.value().day), 2);
    QCOMPARE(after.value().day.lanes.size(), before.value().day.lanes.size());

    // And the model's refresh is one unit of work under its label.
    auto unitsOfWork = [this] {
        for (const LabelStats &label : m_pool->monitor().snapshot(1).labels) {
            if (label.label == u"models.dayboard")
                return label.count;
        }
        return qint64(0);
    };
    DayBoardModel model(*m_pool);
    QSignalSpy refreshed(&model, &DayBoardModel::refreshed);
    const qint64 unitsBefore = unitsOfWork();
    model.setDate(m_day);
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(unitsOfWork(), unitsBefore + 1);
    model.refresh();
    QTRY_COMPARE(refreshed.count(), 2);
    QCOMPARE(unitsOfWork(), unitsBefore + 2);
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
