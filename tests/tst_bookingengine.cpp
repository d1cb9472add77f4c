// The booking engine against a real PostgreSQL, through the real pool:
// settings, hours and closures; availability from the database (one
// statement per request); booking with prices from the catalogue;
// idempotency; holds; the lifecycle with its audit trail and notifications;
// races of 32 submitters; a random stress checked for overlaps in SQL;
// payments taken before migration 0004 keeping a receipt, and the indexes
// behind foreign keys.
#include "db/audit/auditlog.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/catalogrepo.h"
#include "db/customers/customerrepo.h"
#include "db/health/poolmonitor.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"
#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTest>

#include <memory>

namespace {

const QByteArray Zone = QByteArrayLiteral("America/New_York");

struct Fixture
{
    qint64 wash = 0; // 20 min, car and suv, lanes 1 and 2
    qint64 detail = 0; // 60 min, car suv truck, detail bay
    qint64 wax = 0; // +10 min, +500, with wash
    qint64 odour = 0; // +15 min, +700, with detail only
    qint64 lane1 = 0;
    qint64 lane2 = 0;
    qint64 detailBay = 0;
    qint64 closedLane = 0; // offers wash but inactive
};

template<typename T> QByteArray describe(const DbResult<T> &r)
{
    return r.ok() ? QByteArrayLiteral("ok") : r.error().toLogString().toUtf8();
}

QString hhmm(const QDateTime &t)
{
    return t.toString(QStringLiteral("HH:mm"));
}

} // namespace

class TestBookingEngine : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void settingsAreValidatedAgainstTheirRange_data();
    void settingsAreValidatedAgainstTheirRange();
    void hoursAndClosuresRoundTripWithAudit();
    void availabilityFollowsHoursBookingsAndHolds();
    void availabilityRefusesWhatTheCatalogueDoesNotOffer_data();
    void availabilityRefusesWhatTheCatalogueDoesNotOffer();
    void availabilityIsOneStatementWhateverTheDay();
    void nextFindsTheEarliestFreeStart();
    void availabilityOnTheNextDstChangeHasTheRightOffsets();
    void bookingTakesPricesAndTimesFromTheCatalogue();
    void bookingRefusesStartsTheRulesDoNotAllow_data();
    void bookingRefusesStartsTheRulesDoNotAllow();
    void bookingTheLastFreeBayThenSlotTakenWithAlternatives();
    void idempotentRetryReturnsTheSameBooking();
    void concurrentRetriesWithOneKeyMakeOneBooking();
    void holdBlocksUntilItExpiresThenFreesTheSlot();
    void lifecycleAllowsOnlyItsTransitions_data();
    void lifecycleAllowsOnlyItsTransitions();
    void changesAreAuditedAndNotified();
    void rescheduleMayOverlapItsOwnSlotButNotAnothers();
    void rescheduleKeepsTheAddOnMinutesItWasBookedWith();
    void rescheduleAtItsOwnStartTakesAnotherBayOrSaysItIsThere();
    void rescheduleKeepsAServiceAndAddOnTakenOffTheMenu();
    void refusalsNameStatusesAndVehicleClassesInWords();
    void customersAreFoundByPlatePhoneAndName();
    void thirtyTwoSubmittersThroughOnePool_data();
    void thirtyTwoSubmittersThroughOnePool();
    void randomStressLeavesNoOverlap();

    // Schema 0004: the tax a payment was charged with, indexes for lookups.
    void paymentsFromBeforeTheUpgradeKeepTheirReceipt();
    void everyForeignKeyLeadsAnIndex();
    void aVehiclesBookingsAndAServicesBookingsAreFoundByIndex();

private:
    template<typename Fn> auto run(const QString &label, Fn fn)
    {
        return m_pool->withRetry(label, RetryPolicy::critical(), std::move(fn)).result();
    }
    void sql(const QString &statement);
    QVariant value(const QString &statement);
    BookingRequest request(qint64 service, const QString &localTime, const QString &plate,
                           const QDate &date = {}) const;
    BookingOutcome book(const BookingRequest &r);
    QDateTime at(const QString &localTime, const QDate &date = {}) const;
    QStringList startsOn(const AvailabilityRequest &request);
    DbResult<BookingOutcome> reschedule(qint64 id, const QString &localTime, qint64 bayId = 0);
    QString placeOf(qint64 id);

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    Fixture m_f;
    QTimeZone m_zone {Zone};
    QDate m_day; // a working day three days ahead, in the site's zone
};

void TestBookingEngine::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_bookingengine"));
    config.maxConnections = 8;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = m_pool
                        ->withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                    [](QSqlDatabase &db) { return Migrator::migrate(db); })
                        .result();
    QVERIFY2(migrated.ok(), describe(migrated).constData());
    m_day = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date().addDays(3);
}

void TestBookingEngine::init()
{
    // A known catalogue and calendar for every test; bookings from earlier
    // tests are gone.
    auto fixture = run(QStringLiteral("fixture"), [](QSqlDatabase &db) {
        Sql::exec(
            db,
            QStringLiteral("TRUNCATE payments, booking_addons, bookings, vehicles, customers, bay_services, "
                           "service_addons, service_prices, addons, services, bays, opening_hours, "
                           "closures, audit_log RESTART IDENTITY CASCADE"));
        Sql::exec(
            db, QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'site.%' OR key LIKE 'booking.%'"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', ?), "
                                 "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                                 "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                                 "('booking.hold_minutes', '10')"),
                  {QString::fromLatin1(Zone)});
        Fixture f;
        auto id = [&db](const QString &statement, const QVariantList &binds) {
            return Sql::scalar(db, statement, binds).toLongLong();
        };
        const QString service
            = QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES (?, ?) RETURNING id");
        f.wash = id(service, {QStringLiteral("Wash"), 20});
        f.detail = id(service, {QStringLiteral("Detail"), 60});
        Sql::exec(db,
                  QStringLiteral("INSERT INTO service_prices (service_id, vehicle_class, price_cents) VALUES "
                                 "(?, 'car', 1000), (?, 'suv', 1500), (?, 'car', 5000), (?, 'suv', 6000), "
                                 "(?, 'truck', 7000)"),
                  {f.wash, f.wash, f.detail, f.detail, f.detail});
        const QString addon = QStringLiteral(
            "INSERT INTO addons (name, price_cents, extra_minutes) VALUES (?, ?, ?) RETURNING id");
        f.wax = id(addon, {QStringLiteral("Wax"), 500, 10});
        f.odour = id(addon, {QStringLiteral("Odour"), 700, 15});
        Sql::exec(db, QStringLiteral("INSERT INTO service_addons VALUES (?, ?), (?, ?)"),
                  {f.wash, f.wax, f.detail, f.odour});
        const QString bay = QStringLiteral(
            "INSERT INTO bays (name, kind, sort_order, active) VALUES (?, ?, ?, ?) RETURNING id");
        f.lane1 = id(bay, {QStringLiteral("Lane 1"), QStringLiteral("tunnel"), 1, true});
        f.lane2 = id(bay, {QStringLiteral("Lane 2"), QStringLiteral("tunnel"), 2, true});
        f.detailBay = id(bay, {QStringLiteral("Detail Bay"), QStringLiteral("detail"), 3, true});
        f.closedLane = id(bay, {QStringLiteral("Closed Lane"), QStringLiteral("tunnel"), 0, false});
        Sql::exec(db, QStringLiteral("INSERT INTO bay_services VALUES (?, ?), (?, ?), (?, ?), (?, ?)"),
                  {f.lane1, f.wash, f.lane2, f.wash, f.detailBay, f.detail, f.closedLane, f.wash});
        for (int weekday = 1; weekday <= 7; ++weekday)
            Sql::exec(db, QStringLiteral("INSERT INTO opening_hours VALUES (?, '08:00', '18:00')"),
                      {weekday});
        return f;
    });
    QVERIFY2(fixture.ok(), describe(fixture).constData());
    m_f = fixture.value();
}

void TestBookingEngine::cleanupTestCase()
{
    m_pool.reset();
}

void TestBookingEngine::sql(const QString &statement)
{
    auto done = run(QStringLiteral("test.sql"), [statement](QSqlDatabase &db) { Sql::exec(db, statement); });
    QVERIFY2(done.ok(), describe(done).constData());
}

QVariant TestBookingEngine::value(const QString &statement)
{
    auto v = run(QStringLiteral("test.value"),
                 [statement](QSqlDatabase &db) { return Sql::scalar(db, statement); });
    return v.ok() ? v.value() : QVariant();
}

QDateTime TestBookingEngine::at(const QString &localTime, const QDate &date) const
{
    const int minute = *OpeningHours::parseClock(localTime, false);
    return *SlotPlanner::localInstant(date.isValid() ? date : m_day, minute * 60, m_zone);
}

BookingRequest TestBookingEngine::request(qint64 service, const QString &localTime, const QString &plate,
                                          const QDate &date) const
{
    BookingRequest r;
    r.slot.serviceId = service;
    r.start = at(localTime, date);
    r.plate = plate;
    r.name = QStringLiteral("Test Customer");
    return r;
}

BookingOutcome TestBookingEngine::book(const BookingRequest &r)
{
    auto outcome
        = run(QStringLiteral("booking.create"), [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
    if (!outcome.ok()) {
        qWarning("%s", describe(outcome).constData());
        return {};
    }
    return outcome.value();
}

QStringList TestBookingEngine::startsOn(const AvailabilityRequest &request)
{
    const QDate day = m_day;
    auto r = run(QStringLiteral("availability"),
                 [request, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(request, day); });
    if (!r.ok()) {
        qWarning("%s", describe(r).constData());
        return {};
    }
    QStringList starts;
    for (const PlannedSlot &s : r.value())
        starts << hhmm(s.start);
    return starts;
}

DbResult<BookingOutcome> TestBookingEngine::reschedule(qint64 id, const QString &localTime, qint64 bayId)
{
    const QDateTime start = at(localTime);
    return run(QStringLiteral("booking.reschedule"), [id, start, bayId](QSqlDatabase &db) {
        return BookingRepo(db).reschedule(QString::number(id), start, bayId, QStringLiteral("staff:2"));
    });
}

// "HH:MM-HH:MM+buffer end@bay id" of a booking in the site's zone, straight from the table.
QString TestBookingEngine::placeOf(qint64 id)
{
    return value(QStringLiteral("SELECT to_char(starts_at AT TIME ZONE '%1', 'HH24:MI') || '-' || "
                                "to_char(ends_at AT TIME ZONE '%1', 'HH24:MI') || '-' || "
                                "to_char(blocked_until AT TIME ZONE '%1', 'HH24:MI') || '@' || bay_id "
                                "FROM bookings WHERE id = %2")
                     .arg(QString::fromLatin1(Zone))
                     .arg(id))
        .toString();
}

void TestBookingEngine::settingsAreValidatedAgainstTheirRange_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("slot 15") << "booking.slot_minutes"
                             << "15" << true << "";
    QTest::newRow("slot 4") << "booking.slot_minutes"
                            << "4" << false << "5 to 240";
    QTest::newRow("slot 241") << "booking.slot_minutes"
                              << "241" << false << "5 to 240";
    QTest::newRow("slot text") << "booking.slot_minutes"
                               << "ten" << false << "booking.slot_minutes";
    QTest::newRow("buffer 0") << "booking.buffer_minutes"
                              << "0" << true << "";
    QTest::newRow("buffer -1") << "booking.buffer_minutes"
                               << "-1" << false << "0 to 240";
    QTest::newRow("notice a week") << "booking.min_notice_minutes"
                                   << "10080" << true << "";
    QTest::newRow("notice over a week") << "booking.min_notice_minutes"
                                        << "10081" << false << "0 to 10080";
    QTest::newRow("horizon 0") << "booking.horizon_days"
                               << "0" << false << "1 to 365";
    QTest::newRow("horizon 365") << "booking.horizon_days"
                                 << "365" << true << "";
    QTest::newRow("hold 121") << "booking.hold_minutes"
                              << "121" << false << "1 to 120";
    QTest::newRow("zone Berlin") << "site.timezone"
                                 << "Europe/Berlin" << true << "";
    QTest::newRow("zone nonsense") << "site.timezone"
                                   << "Mars/Olympus_Mons" << false << "IANA";
    QTest::newRow("zone SQL") << "site.timezone"
                              << "UTC'; DROP TABLE bookings;--" << false << "IANA";
    QTest::newRow("unknown key") << "booking.colour"
                                 << "blue" << false << "booking.slot_minutes";
}

void TestBookingEngine::settingsAreValidatedAgainstTheirRange()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    QFETCH(QString, mentions);
    auto set = run(QStringLiteral("settings.set"), [key, value](QSqlDatabase &db) {
        return SettingsRepo(db).set(key, value, QStringLiteral("test"));
    });
    QCOMPARE(set.ok(), accepted);
    auto got
        = run(QStringLiteral("settings.get"), [key](QSqlDatabase &db) { return SettingsRepo(db).get(key); });
    if (accepted) {
        QCOMPARE(got->value, value);
        QCOMPARE(this->value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'setting.set' AND "
                                            "entity_id = '%1' AND actor = 'test'")
                                 .arg(key))
                     .toInt(),
                 1);
    } else {
        QCOMPARE(set.error().kind(), DbError::Kind::Invalid);
        QVERIFY2(set.error().message().contains(mentions), qPrintable(set.error().message()));
        QVERIFY2(set.error().message().contains(key), qPrintable(set.error().message()));
        QCOMPARE(this->value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(this->value(QStringLiteral("SELECT to_regclass('bookings') IS NOT NULL")).toBool(), true);
    }
}

void TestBookingEngine::hoursAndClosuresRoundTripWithAudit()
{
    QString error;
    const auto wednesday = OpeningHours::parse(3, QStringLiteral("12:30-19:00,08:00-12:00"), &error);
    QVERIFY2(wednesday, qPrintable(error));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("08:00-12:00,11:00-13:00"), &error));
    QVERIFY(error.contains(u"overlap"));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("12:00-08:00"), &error));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("8-12"), &error));
    QVERIFY(error.contains(u"HH:MM-HH:MM"));
    const QList<OpeningPeriod> periods = *wednesday;

    auto hours = run(QStringLiteral("hours"), [periods](QSqlDatabase &db) {
        CalendarRepo calendar(db);
        calendar.setHours(3, periods, QStringLiteral("test"));
        calendar.setHours(7, {}, QStringLiteral("test"));
        return calendar.hours();
    });
    QVERIFY2(hours.ok(), describe(hours).constData());
    QList<OpeningPeriod> wed;
    for (const OpeningPeriod &p : hours.value()) {
        QVERIFY(p.weekday != 7);
        if (p.weekday == 3)
            wed.append(p);
    }
    QCOMPARE(OpeningHours::format(wed), QStringLiteral("08:00-12:00,12:30-19:00"));

    const QDate from = m_day;
    auto closures = run(QStringLiteral("closures"), [from](QSqlDatabase &db) {
        CalendarRepo calendar(db);
        const DbResult<Closure> added
            = calendar.addClosure(from, from.addDays(1), QStringLiteral("Robert'); DROP TABLE closures;--"),
                                  QStringLiteral("test"));
        const DbResult<Closure> backwards
            = calendar.addClosure(from, from.addDays(-1), QString(), QStringLiteral("test"));
        const DbResult<Closure> missing = calendar.removeClosure(999, QStringLiteral("test"));
        return QList<QVariant> {added.ok(), added->reason, backwards.error().kind() == DbError::Kind::Invalid,
                                missing.error().kind() == DbError::Kind::NotFound,
                                calendar.closures().size()};
    });
    QVERIFY2(closures.ok(), describe(closures).constData());
    QCOMPARE(closures->at(0).toBool(), true);
    QCOMPARE(closures->at(1).toString(), QStringLiteral("Robert'); DROP TABLE closures;--"));
    QCOMPARE(closures->at(2).toBool(), true);
    QCOMPARE(closures->at(3).toBool(), true);
    QCOMPARE(closures->at(4).toInt(), 1);
    QCOMPARE(value(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log")).toString(),
             QStringLiteral("hours.set,hours.set,closure.add"));
}

void TestBookingEngine::availabilityFollowsHoursBookingsAndHolds()
{
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    const QDate day = m_day;
    auto slotsNow = [&] {
        auto r = run(QStringLiteral("availability"),
                     [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
        QHash<QString, int> bays;
        for (const PlannedSlot &s : r.value())
            bays.insert(hhmm(s.start), int(s.bays.size()));
        return bays;
    };
    QHash<QString, int> free = slotsNow();
    QCOMPARE(free.size(), 39); // 08:00 … 17:30 every 15 minutes (20 minutes must end by 18:00)
    QCOMPARE(free.value(QStringLiteral("08:00")), 2); // the inactive lane never counts

    // A confirmed booking 10:00-10:20 (+5 buffer) on lane 1 takes lane 1
    // from 09:45 (would run into it) to 10:15 (its buffer).
    QVERIFY(book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("AA11"))).isBooked());
    free = slotsNow();
    QCOMPARE(free.value(QStringLiteral("09:30")), 2);
    QCOMPARE(free.value(QStringLiteral("09:45")), 1);
    QCOMPARE(free.value(QStringLiteral("10:00")), 1);
    QCOMPARE(free.value(QStringLiteral("10:15")), 1);
    QCOMPARE(free.value(QStringLiteral("10:30")), 2);

    // A live hold on lane 2 at 10:00 closes the 10:00 start entirely.
    BookingRequest hold = request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("BB22"));
    hold.hold = true;
    QCOMPARE(book(hold).booking.status, QStringLiteral("held"));
    free = slotsNow();
    QVERIFY(!free.contains(QStringLiteral("10:00")));
    // Expired: free again, without anyone touching its status.
    sql(QStringLiteral(
        "UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE status = 'held'"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'held'")).toInt(), 1);
    free = slotsNow();
    QCOMPARE(free.value(QStringLiteral("10:00")), 1);
    // Cancelled: free.
    sql(QStringLiteral("UPDATE bookings SET status = 'cancelled' WHERE plate = 'AA11'"));
    QCOMPARE(slotsNow().value(QStringLiteral("10:00")), 2);

    // A closure removes the day; a closed weekday too.
    sql(QStringLiteral("INSERT INTO closures (starts_on, ends_on) VALUES ('%1', '%1')")
            .arg(m_day.toString(Qt::ISODate)));
    QVERIFY(slotsNow().isEmpty());
    sql(QStringLiteral("DELETE FROM closures"));
    sql(QStringLiteral("DELETE FROM opening_hours WHERE weekday = %1").arg(m_day.dayOfWeek()));
    QVERIFY(slotsNow().isEmpty());
    sql(QStringLiteral("INSERT INTO opening_hours VALUES (%1, '08:00', '09:00'), (%1, '12:00', '13:00')")
            .arg(m_day.dayOfWeek()));
    QCOMPARE(slotsNow().size(), 6); // 08:00 08:15 08:30 12:00 12:15 12:30

    // Add-ons lengthen the wash: 30 minutes end by 09:00 from 08:30 at the latest.
    wash.addonIds = {m_f.wax};
    auto withWax = run(QStringLiteral("availability"),
                       [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
    QStringList starts;
    for (const PlannedSlot &s : withWax.value()) {
        starts << hhmm(s.start);
        QCOMPARE(s.start.secsTo(s.end), 30 * 60);
    }
    QCOMPARE(starts.join(QLatin1Char(' ')), QStringLiteral("08:00 08:15 08:30 12:00 12:15 12:30"));
    sql(QStringLiteral("UPDATE site_settings SET value = '30' WHERE key = 'booking.slot_minutes'"));
    starts.clear();
    const auto halfHourly = run(QStringLiteral("availability"), [wash, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(wash, day);
    });
    for (const PlannedSlot &s : halfHourly.value())
        starts << hhmm(s.start);
    QCOMPARE(starts.join(QLatin1Char(' ')), QStringLiteral("08:00 08:30 12:00 12:30"));
}

void TestBookingEngine::availabilityRefusesWhatTheCatalogueDoesNotOffer_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("field");
    QTest::newRow("no such service") << "service"
                                     << "service";
    QTest::newRow("a truck for a wash that takes cars and SUVs") << "truck"
                                                                 << "vehicle";
    QTest::newRow("an add-on of another service") << "odour"
                                                  << "addon";
    QTest::newRow("no such add-on") << "addon"
                                    << "addon";
    QTest::newRow("a bay that does not offer it") << "bay"
                                                  << "bay";
    QTest::newRow("an inactive bay") << "closed"
                                     << "bay";
    QTest::newRow("an inactive service") << "inactive"
                                         << "service";
}

void TestBookingEngine::availabilityRefusesWhatTheCatalogueDoesNotOffer()
{
    QFETCH(QString, what);
    QFETCH(QString, field);
    AvailabilityRequest r;
    r.serviceId = m_f.wash;
    if (what == u"service")
        r.serviceId = 9999;
    if (what == u"truck")
        r.vehicleClass = QStringLiteral("truck");
    if (what == u"odour")
        r.addonIds = {m_f.odour};
    if (what == u"addon")
        r.addonIds = {9999};
    if (what == u"bay")
        r.bayId = m_f.detailBay;
    if (what == u"closed")
        r.bayId = m_f.closedLane;
    if (what == u"inactive")
        sql(QStringLiteral("UPDATE services SET active = false"));
    const QDate day = m_day;
    auto result = run(QStringLiteral("availability"),
                      [r, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(r, day); });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(result.error().message().startsWith(field + QLatin1Char(':')),
             qPrintable(result.error().message()));

    // The same request as a booking names the same field.
    BookingRequest b = request(m_f.wash, QStringLiteral("09:00"), QStringLiteral("CAT1"));
    b.slot = r;
    const BookingOutcome outcome = book(b);
    QCOMPARE(outcome.result, BookingOutcome::Result::Invalid);
    QVERIFY(std::any_of(outcome.errors.cbegin(), outcome.errors.cend(),
                        [&field](const FieldError &e) { return e.field == field; }));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0);
}

void TestBookingEngine::availabilityIsOneStatementWhateverTheDay()
{
    // A pool that records every statement under its label.
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_bookingengine-count"));
    config.slowQueryThresholdMs = 0;
    config.maxQueryHistory = 1000;
    ConnectionPool counting(config);
    for (int i = 0; i < 30; ++i)
        QVERIFY(book(request(m_f.wash, OpeningHours::clockText(8 * 60 + 30 * (i / 2)),
                             QStringLiteral("CNT%1").arg(i)))
                    .isBooked());
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    wash.addonIds = {m_f.wax};
    const QDate day = m_day;
    auto starts = counting
                      .withConnection(
                          QStringLiteral("availability.day"),
                          [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); })
                      .result();
    QVERIFY(starts.ok());
    QVERIFY(!starts->isEmpty());
    // For a move, looking past the booking being moved costs no more.
    AvailabilityRequest moving = wash;
    moving.ignoreBookingId = 1; // the first of the bookings above
    auto forTheMove = counting
                          .withConnection(QStringLiteral("availability.move"),
                                          [moving, day](QSqlDatabase &db) {
                                              return AvailabilityRepo(db).forDate(moving, day);
                                          })
                          .result();
    QVERIFY(forTheMove.ok());
    QVERIFY(forTheMove->size() >= starts->size());
    int statements = 0;
    int moveStatements = 0;
    for (const SlowQuery &q : counting.monitor().snapshot().slowQueries) {
        statements += q.label == u"availability.day";
        moveStatements += q.label == u"availability.move";
    }
    QCOMPARE(statements, 1);
    QCOMPARE(moveStatements, 1);
}

void TestBookingEngine::nextFindsTheEarliestFreeStart()
{
    // Today might be nearly over; close today and tomorrow so the answer is
    // the day after tomorrow's opening, then fill its first starts.
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date();
    sql(QStringLiteral("INSERT INTO closures (starts_on, ends_on) VALUES ('%1', '%2')")
            .arg(today.toString(Qt::ISODate), today.addDays(1).toString(Qt::ISODate)));
    const QDate target = today.addDays(2);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    auto next = [&] {
        auto r = run(QStringLiteral("availability.next"),
                     [detail](QSqlDatabase &db) { return AvailabilityRepo(db).next(detail); });
        return r.value();
    };
    std::optional<PlannedSlot> found = next();
    QVERIFY(found);
    QCOMPARE(found->start, at(QStringLiteral("08:00"), target));
    QCOMPARE(found->bays.first().id, m_f.detailBay);
    // 60 minutes + 5 buffer from 08:00: the next start is 09:15.
    QVERIFY(book(request(m_f.detail, QStringLiteral("08:00"), QStringLiteral("NX1"), target)).isBooked());
    found = next();
    QCOMPARE(found->start, at(QStringLiteral("09:15"), target));
    // The whole horizon closed: nothing.
    sql(QStringLiteral("UPDATE closures SET ends_on = ends_on + 400"));
    QVERIFY(!next());
}

void TestBookingEngine::availabilityOnTheNextDstChangeHasTheRightOffsets()
{
    // Whatever today is, the zone's next clock change is within a year.
    const QTimeZone::OffsetData change = m_zone.nextTransition(QDateTime::currentDateTimeUtc().addDays(2));
    QVERIFY(change.atUtc.isValid());
    const QDate day = change.atUtc.toTimeZone(m_zone).date();
    sql(QStringLiteral("UPDATE site_settings SET value = '365' WHERE key = 'booking.horizon_days'"));
    sql(QStringLiteral("UPDATE site_settings SET value = '30' WHERE key = 'booking.slot_minutes'"));
    sql(QStringLiteral("DELETE FROM opening_hours WHERE weekday = %1").arg(day.dayOfWeek()));
    sql(QStringLiteral("INSERT INTO opening_hours VALUES (%1, '00:00', '24:00')").arg(day.dayOfWeek()));
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    auto r = run(QStringLiteral("availability"),
                 [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
    QVERIFY2(r.ok(), describe(r).constData());
    const bool springForward = change.offsetFromUtc > m_zone.offsetFromUtc(change.atUtc.addSecs(-1));
    QCOMPARE(r->size(), springForward ? 46 : 48);
    QSet<QString> wallTimes;
    for (qsizetype i = 0; i < r->size(); ++i) {
        const PlannedSlot &s = r->at(i);
        const QString text = IsoTime::format(s.start);
        QCOMPARE(s.start.offsetFromUtc(), m_zone.offsetFromUtc(s.start));
        QVERIFY2(text.startsWith(day.toString(Qt::ISODate)), qPrintable(text));
        QVERIFY2(s.start.time().minute() % 30 == 0, qPrintable(text));
        QVERIFY(!wallTimes.contains(hhmm(s.start)));
        wallTimes.insert(hhmm(s.start));
        if (i > 0)
            QVERIFY(r->at(i - 1).start < s.start);
    }
    // The booking path agrees: the first start of the changed hour books.
    QVERIFY(book(request(m_f.wash, QStringLiteral("03:00"), QStringLiteral("DST1"), day)).isBooked());
}

void TestBookingEngine::bookingTakesPricesAndTimesFromTheCatalogue()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("09:00"), QStringLiteral(" ab-12 cd "));
    r.slot.vehicleClass = QStringLiteral("suv");
    r.slot.addonIds = {m_f.wax};
    r.name = QStringLiteral("  Jürgen Müller ");
    r.phone = QStringLiteral("+1 (555) 010-0199");
    r.email = QStringLiteral("jm@example.com");
    const BookingOutcome outcome = book(r);
    QCOMPARE(outcome.result, BookingOutcome::Result::Booked);
    const Booking &b = outcome.booking;
    QCOMPARE(b.priceCents, 1500 + 500);
    QCOMPARE(b.currency, QStringLiteral("USD"));
    QCOMPARE(b.start, at(QStringLiteral("09:00")));
    QCOMPARE(b.start.secsTo(b.end), 30 * 60);
    QCOMPARE(b.end.secsTo(b.blockedUntil), 5 * 60);
    QCOMPARE(b.plate, QStringLiteral("AB12CD"));
    QCOMPARE(b.customerName, QStringLiteral("Jürgen Müller"));
    QCOMPARE(b.status, QStringLiteral("confirmed"));
    QCOMPARE(b.bay.id, m_f.lane1);
    QCOMPARE(b.addons.size(), 1);
    QCOMPARE(b.addons.first().priceCents, 500);
    QVERIFY(QRegularExpression(QStringLiteral("^[2-9A-HJKMNP-Z]{6}$")).match(b.code).hasMatch());
    const QJsonObject j = b.toJson();
    for (const char *key : {"id", "code", "status", "bay", "start", "end", "service", "vehicle", "addons",
                            "price_cents", "currency", "plate", "customer"})
        QVERIFY2(j.contains(QLatin1String(key)), key);
    QCOMPARE(j[u"start"].toString(), IsoTime::format(at(QStringLiteral("09:00")), m_zone));
    QCOMPARE(j[u"customer"][u"phone"].toString(), r.phone);
    // Stored as computed in SQL, and the audit trail has it.
    QCOMPARE(value(QStringLiteral("SELECT price_cents FROM bookings")).toLongLong(), 2000);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.create'")).toInt(),
             1);
    // A later price change leaves the booking's price alone.
    sql(QStringLiteral("UPDATE service_prices SET price_cents = 9999"));
    auto again = run(QStringLiteral("booking.get"),
                     [id = b.id](QSqlDatabase &db) { return BookingRepo(db).byId(id); });
    QCOMPARE(again.value()->priceCents, 2000);
}

void TestBookingEngine::bookingRefusesStartsTheRulesDoNotAllow_data()
{
    QTest::addColumn<QString>("local");
    QTest::addColumn<int>("dayOffset");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("before opening") << "07:45" << 0 << "outside the opening hours";
    QTest::newRow("would end after closing") << "17:45" << 0 << "outside the opening hours";
    QTest::newRow("off the grid") << "09:05" << 0 << "every 15 minute";
    QTest::newRow("in the past") << "09:00" << -10 << "in the past";
    QTest::newRow("beyond the horizon") << "09:00" << 70 << "too far ahead";
}

void TestBookingEngine::bookingRefusesStartsTheRulesDoNotAllow()
{
    QFETCH(QString, local);
    QFETCH(int, dayOffset);
    QFETCH(QString, mentions);
    const BookingOutcome outcome
        = book(request(m_f.wash, local, QStringLiteral("RULE1"), m_day.addDays(dayOffset)));
    QCOMPARE(outcome.result, BookingOutcome::Result::Invalid);
    QCOMPARE(outcome.errors.size(), 1);
    QCOMPARE(outcome.errors.first().field, QStringLiteral("start"));
    QVERIFY2(outcome.errors.first().message.contains(mentions), qPrintable(outcome.errors.first().message));
}

void TestBookingEngine::bookingTheLastFreeBayThenSlotTakenWithAlternatives()
{
    const BookingOutcome first = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB1")));
    const BookingOutcome second = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB2")));
    QCOMPARE(first.booking.bay.id, m_f.lane1);
    QCOMPARE(second.booking.bay.id, m_f.lane2);
    QVERIFY(first.booking.code != second.booking.code);
    const BookingOutcome third = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB3")));
    QCOMPARE(third.result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(third.error().kind(), DbError::Kind::SlotTaken);
    QCOMPARE(third.alternatives.size(), BookingRepo::AlternativeCount);
    // 11:00 + 20 + 5 buffer: 11:30 is the first start free again.
    QCOMPARE(third.alternatives.first().start, at(QStringLiteral("11:30")));
    // Asking for a busy bay is slot taken too, even with another bay free.
    BookingRequest onLane1 = request(m_f.wash, QStringLiteral("12:00"), QStringLiteral("LB4"));
    QVERIFY(book(onLane1).isBooked());
    onLane1.plate = QStringLiteral("LB5");
    onLane1.slot.bayId = m_f.lane1;
    const BookingOutcome busy = book(onLane1);
    QCOMPARE(busy.result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(busy.alternatives.first().start, at(QStringLiteral("12:00"))); // lane 2 is free then
    QCOMPARE(busy.alternatives.first().bays.first().id, m_f.lane2);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 3);
}

void TestBookingEngine::idempotentRetryReturnsTheSameBooking()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("13:00"), QStringLiteral("IDEM1"));
    r.idempotencyKey = QStringLiteral("kiosk-7f3a");
    const BookingOutcome first = book(r);
    QCOMPARE(first.result, BookingOutcome::Result::Booked);
    // The same request, the start spelt in UTC.
    BookingRequest retry = r;
    retry.start = r.start.toUTC();
    const BookingOutcome second = book(retry);
    QCOMPARE(second.result, BookingOutcome::Result::Replayed);
    QCOMPARE(QJsonDocument(second.booking.toJson()).toJson(), QJsonDocument(first.booking.toJson()).toJson());
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);

    BookingRequest other = r;
    other.start = at(QStringLiteral("13:15"));
    const BookingOutcome refused = book(other);
    QCOMPARE(refused.result, BookingOutcome::Result::Invalid);
    QCOMPARE(refused.errors.first().field, QStringLiteral("idempotency_key"));
    QVERIFY(refused.errors.first().message.contains(QString::number(first.booking.id)));
    other = r;
    other.name = QStringLiteral("Someone Else");
    QCOMPARE(book(other).errors.value(0).field, QStringLiteral("idempotency_key"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
}

void TestBookingEngine::concurrentRetriesWithOneKeyMakeOneBooking()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("14:00"), QStringLiteral("IDEM2"));
    r.idempotencyKey = QStringLiteral("double-tap");
    QList<QFuture<DbResult<BookingOutcome>>> futures;
    for (int i = 0; i < 8; ++i)
        futures << m_pool->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                     [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
    QSet<qint64> ids;
    int booked = 0;
    for (auto &f : futures) {
        const DbResult<BookingOutcome> outcome = f.result();
        QVERIFY2(outcome.ok(), describe(outcome).constData());
        QVERIFY(outcome->isBooked());
        booked += outcome->result == BookingOutcome::Result::Booked;
        ids.insert(outcome->booking.id);
    }
    QCOMPARE(booked, 1);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
}

void TestBookingEngine::holdBlocksUntilItExpiresThenFreesTheSlot()
{
    sql(QStringLiteral("UPDATE site_settings SET value = '1' WHERE key = 'booking.hold_minutes'"));
    BookingRequest kiosk = request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("HOLD1"));
    kiosk.hold = true;
    const BookingOutcome held = book(kiosk);
    QCOMPARE(held.booking.status, QStringLiteral("held"));
    QVERIFY(held.booking.holdExpiresAt);
    const qint64 holdSeconds
        = value(QStringLiteral("SELECT extract(epoch FROM hold_expires_at - created_at)::int "
                               "FROM bookings"))
              .toLongLong();
    QCOMPARE(holdSeconds, 60);

    // Unpaid but unexpired: the one detail bay is taken.
    const BookingOutcome walkIn = book(request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("WALK1")));
    QCOMPARE(walkIn.result, BookingOutcome::Result::SlotTaken);

    // Its time passes (made to pass, rather than waited for).
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second'"));
    const BookingOutcome later = book(request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("WALK1")));
    QCOMPARE(later.result, BookingOutcome::Result::Booked);
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE plate = 'HOLD1'")).toString(),
             QStringLiteral("expired"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE actor = 'system' AND "
                                  "details->>'to' = 'expired'"))
                 .toInt(),
             1);
    // The lapsed hold cannot be paid for any more.
    auto confirm = run(QStringLiteral("booking.status"), [code = held.booking.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("confirmed"), QStringLiteral("payments"),
                                            QStringLiteral("paid"));
    });
    QVERIFY(!confirm.ok());
    QCOMPARE(confirm.error().kind(), DbError::Kind::Invalid);

    // A hold paid in time becomes confirmed and keeps its slot.
    BookingRequest second = request(m_f.detail, QStringLiteral("16:30"), QStringLiteral("HOLD2"));
    second.hold = true;
    const BookingOutcome paid = book(second);
    auto confirmed = run(QStringLiteral("booking.status"), [id = paid.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("confirmed"),
                                            QStringLiteral("payments"), QStringLiteral("paid"));
    });
    QVERIFY2(confirmed.ok(), describe(confirmed).constData());
    QCOMPARE(confirmed->status, QStringLiteral("confirmed"));
}

void TestBookingEngine::lifecycleAllowsOnlyItsTransitions_data()
{
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<bool>("allowed"); // of the last step
    auto path = [](std::initializer_list<const char *> steps) {
        QStringList list;
        for (const char *s : steps)
            list << QString::fromLatin1(s);
        return list;
    };
    QTest::newRow("the happy path") << path({"checked_in", "in_progress", "completed"}) << true;
    QTest::newRow("cancel when confirmed") << path({"cancelled"}) << true;
    QTest::newRow("no-show") << path({"no_show"}) << true;
    QTest::newRow("cancel after check-in") << path({"checked_in", "cancelled"}) << true;
    QTest::newRow("complete without starting") << path({"completed"}) << false;
    QTest::newRow("back to confirmed") << path({"checked_in", "confirmed"}) << false;
    QTest::newRow("cancel a wash in progress") << path({"checked_in", "in_progress", "cancelled"}) << false;
    QTest::newRow("anything after completed")
        << path({"checked_in", "in_progress", "completed", "cancelled"}) << false;
    QTest::newRow("revive a cancelled booking") << path({"cancelled", "confirmed"}) << false;
    QTest::newRow("expire a confirmed booking") << path({"expired"}) << false;
    QTest::newRow("hold to confirmed") << path({"hold", "confirmed"}) << true;
    QTest::newRow("hold to cancelled") << path({"hold", "cancelled"}) << true;
    QTest::newRow("hold straight to checked in") << path({"hold", "checked_in"}) << false;
}

void TestBookingEngine::lifecycleAllowsOnlyItsTransitions()
{
    QFETCH(QStringList, path);
    QFETCH(bool, allowed);
    BookingRequest r = request(m_f.wash, QStringLiteral("09:30"), QStringLiteral("LIFE1"));
    r.hold = path.first() == u"hold";
    if (r.hold)
        path.removeFirst();
    const QString code = book(r).booking.code;
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QString to = path[i];
        auto changed = run(QStringLiteral("booking.status"), [code, to](QSqlDatabase &db) {
            return BookingRepo(db).changeStatus(code, to, QStringLiteral("staff:2"),
                                                QStringLiteral("because"));
        });
        if (i + 1 < path.size() || allowed) {
            QVERIFY2(changed.ok(), describe(changed).constData());
            QCOMPARE(changed->status, to);
        } else {
            QVERIFY(!changed.ok());
            QCOMPARE(changed.error().kind(), DbError::Kind::Invalid);
            const QString from
                = i == 0 ? (r.hold ? QStringLiteral("held") : QStringLiteral("confirmed")) : path[i - 1];
            for (const QString &next : BookingStatus::allowedFrom(from))
                QVERIFY2(changed.error().message().contains(BookingWords::status(next)),
                         qPrintable(changed.error().message()));
        }
    }
    const int changes = int(path.size()) - (allowed ? 0 : 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.status' "
                                  "AND actor = 'staff:2' AND details->>'reason' = 'because'"))
                 .toInt(),
             changes);
}

// A translated sentence reads "its status is No-show", never the stored
// "no_show" (which a translator cannot translate).
void TestBookingEngine::refusalsNameStatusesAndVehicleClassesInWords()
{
    const Booking b = book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("WORDS1"))).booking;
    auto noShow = run(QStringLiteral("booking.status"), [code = b.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("no_show"), QStringLiteral("staff:2"), {});
    });
    QVERIFY2(noShow.ok(), describe(noShow).constData());
    auto expectWords = [](const DbError &error, const QString &words, const QString &code) {
        QVERIFY2(error.message().contains(words), qPrintable(error.message()));
        QVERIFY2(!error.message().contains(code), qPrintable(error.message()));
    };

    auto paid = run(QStringLiteral("payment.cash"), [id = b.id](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, 100000, QStringLiteral("staff:2"));
    });
    QVERIFY(!paid.ok());
    QCOMPARE(paid.error().kind(), DbError::Kind::Invalid);
    expectWords(paid.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    auto moved
        = run(QStringLiteral("booking.reschedule"), [code = b.code, start = b.start](QSqlDatabase &db) {
              return BookingRepo(db).reschedule(code, start.addSecs(3600), 0, QStringLiteral("staff:2"));
          });
    QVERIFY(!moved.ok());
    expectWords(moved.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    auto reopened = run(QStringLiteral("booking.status"), [code = b.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("checked_in"), QStringLiteral("staff:2"),
                                            {});
    });
    QVERIFY(!reopened.ok());
    expectWords(reopened.error(), QStringLiteral("Checked in"), QStringLiteral("checked_in"));
    expectWords(reopened.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    CatalogueService pricey;
    pricey.name = QStringLiteral("Gold");
    pricey.durationMinutes = 30;
    pricey.active = true;
    pricey.prices.insert(QStringLiteral("suv"), CatalogRepo::MaxPriceCents + 1);
    const QList<FieldError> errors = CatalogRepo::validate(pricey);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().field, QStringLiteral("price.suv"));
    QVERIFY2(errors.first().message.contains(QStringLiteral("SUV")), qPrintable(errors.first().message));
    QVERIFY2(!errors.first().message.contains(QStringLiteral("suv")), qPrintable(errors.first().message));

    AvailabilityRequest truck;
    truck.serviceId = m_f.wash;
    truck.vehicleClass = QStringLiteral("truck");
    const QDate day = m_day;
    auto refused = run(QStringLiteral("availability"),
                       [truck, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(truck, day); });
    QVERIFY(!refused.ok());
    expectWords(refused.error(), QStringLiteral("Truck"), QStringLiteral("truck"));
    QVERIFY2(refused.error().message().contains(QStringLiteral("Car, SUV")),
             qPrintable(refused.error().message()));
}

void TestBookingEngine::changesAreAuditedAndNotified()
{
    // A desk's LISTEN, on the test thread's own connection.
    const DatabaseConfig c = m_cluster.config();
    QSqlDatabase listener = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("listener"));
    listener.setHostName(c.host);
    listener.setPort(c.port);
    listener.setDatabaseName(c.database);
    listener.setUserName(c.user);
    QVERIFY(listener.open());
    QVERIFY(listener.driver()->subscribeToNotification(QStringLiteral("bookings_changed")));
    QStringList payloads;
    connect(listener.driver(), &QSqlDriver::notification, this,
            [&payloads](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                payloads << payload.toString();
            });

    const BookingOutcome made = book(request(m_f.wash, QStringLiteral("16:00"), QStringLiteral("NOTE1")));
    QTRY_COMPARE(payloads.size(), 1);
    const QJsonObject first = QJsonDocument::fromJson(payloads.first().toUtf8()).object();
    QCOMPARE(first[u"id"].toInteger(), made.booking.id);
    QCOMPARE(first[u"day"].toString(), m_day.toString(Qt::ISODate));
    QCOMPARE(first[u"status"].toString(), QStringLiteral("confirmed"));
    auto cancelled = run(QStringLiteral("booking.status"), [id = made.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("cancelled"),
                                            QStringLiteral("staff:1"), QStringLiteral("customer called"));
    });
    QVERIFY(cancelled.ok());
    QTRY_COMPARE(payloads.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(payloads.last().toUtf8())[u"status"].toString(),
             QStringLiteral("cancelled"));
    // Refused input and a lost race notify nobody and change nothing.
    book(request(m_f.wash, QStringLiteral("16:07"), QStringLiteral("NOTE2")));
    QTest::qWait(200);
    QCOMPARE(payloads.size(), 2);
    QCOMPARE(
        value(QStringLiteral("SELECT string_agg(actor || ':' || action, ',' ORDER BY id) FROM audit_log"))
            .toString(),
        QStringLiteral("cli:booking.create,staff:1:booking.status"));
    listener.close();
    listener = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("listener"));
}

void TestBookingEngine::rescheduleMayOverlapItsOwnSlotButNotAnothers()
{
    // The one detail bay: 60 minutes + 5 buffer from 10:00 blocks it 10:00-11:05.
    const BookingOutcome made = book(request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("MOVE1")));
    QVERIFY(made.isBooked());
    const qint64 id = made.booking.id;
    const QString bay = QString::number(m_f.detailBay);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;

    // For anyone else nothing starts from 09:00 (it would run into it) to
    // 11:00; for the booking itself those starts are free.
    const QStringList plain = startsOn(detail);
    const QStringList overlapping {QStringLiteral("09:00"), QStringLiteral("09:45"), QStringLiteral("10:00"),
                                   QStringLiteral("10:15"), QStringLiteral("11:00")};
    for (const QString &t : overlapping)
        QVERIFY2(!plain.contains(t), qPrintable(plain.join(u' ')));
    QVERIFY(plain.contains(QStringLiteral("08:45")));
    QVERIFY(plain.contains(QStringLiteral("11:15")));
    AvailabilityRequest moving = detail;
    moving.ignoreBookingId = id;
    const QStringList forTheMove = startsOn(moving);
    for (const QString &t : overlapping)
        QVERIFY2(forTheMove.contains(t), qPrintable(forTheMove.join(u' ')));
    QCOMPARE(forTheMove.size(), plain.size() + 9); // 09:00 … 11:00 every 15 minutes

    // 15 minutes later on the same bay, overlapping where it is: moved.
    auto later = reschedule(id, QStringLiteral("10:15"));
    QVERIFY2(later.ok(), describe(later).constData());
    QCOMPARE(later->result, BookingOutcome::Result::Booked);
    QCOMPARE(later->booking.start, at(QStringLiteral("10:15")));
    QCOMPARE(placeOf(id), QStringLiteral("10:15-11:15-11:20@") + bay);
    // Earlier, again overlapping itself (09:45-10:50 against 10:15-11:20): moved.
    auto earlier = reschedule(id, QStringLiteral("09:45"), m_f.detailBay);
    QVERIFY2(earlier.ok(), describe(earlier).constData());
    QCOMPARE(earlier->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(id), QStringLiteral("09:45-10:45-10:50@") + bay);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.reschedule' "
                                  "AND entity_id = '%1'")
                       .arg(id))
                 .toInt(),
             2);

    // Into another booking's time it is still refused, and stays put.
    const BookingOutcome other = book(request(m_f.detail, QStringLiteral("12:00"), QStringLiteral("MOVE2")));
    QVERIFY(other.isBooked());
    for (const QString &t : {QStringLiteral("11:00"), QStringLiteral("12:30")})
        QVERIFY2(!startsOn(moving).contains(t), qPrintable(t));
    auto intoOther = reschedule(id, QStringLiteral("11:00"), m_f.detailBay); // 11:00-12:05 meets 12:00
    QVERIFY2(intoOther.ok(), describe(intoOther).constData());
    QCOMPARE(intoOther->result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(intoOther->error().kind(), DbError::Kind::SlotTaken);
    // The alternatives are those of the move: 12:00 + 65 minutes, on the grid.
    QVERIFY(!intoOther->alternatives.isEmpty());
    QCOMPARE(intoOther->alternatives.first().start, at(QStringLiteral("13:15")));
    QCOMPARE(placeOf(id), QStringLiteral("09:45-10:45-10:50@") + bay);
    QCOMPARE(placeOf(other.booking.id), QStringLiteral("12:00-13:00-13:05@") + bay);
}

void TestBookingEngine::rescheduleKeepsTheAddOnMinutesItWasBookedWith()
{
    // Detail with odour: 60 + 15 minutes, so the last start is 16:45.
    BookingRequest r = request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("ADD1"));
    r.slot.addonIds = {m_f.odour};
    const BookingOutcome made = book(r);
    QVERIFY(made.isBooked());
    // The odour treatment takes 45 minutes from now on; this booking keeps its 15.
    sql(QStringLiteral("UPDATE addons SET extra_minutes = 45 WHERE id = %1").arg(m_f.odour));
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    detail.addonIds = {m_f.odour};
    QCOMPARE(startsOn(detail).last(), QStringLiteral("16:15")); // a new booking: 105 minutes
    detail.ignoreBookingId = made.booking.id;
    const QStringList forTheMove = startsOn(detail);
    QCOMPARE(forTheMove.last(), QStringLiteral("16:45"));
    QVERIFY(forTheMove.contains(QStringLiteral("10:30"))); // overlaps itself
    // What the list offers, the move accepts, with the minutes as booked.
    auto last = reschedule(made.booking.id, QStringLiteral("16:45"));
    QVERIFY2(last.ok(), describe(last).constData());
    QCOMPARE(last->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(made.booking.id), QStringLiteral("16:45-18:00-18:05@%1").arg(m_f.detailBay));
}

void TestBookingEngine::rescheduleKeepsAServiceAndAddOnTakenOffTheMenu()
{
    BookingRequest r = request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("MENU1"));
    r.slot.addonIds = {m_f.odour};
    const BookingOutcome made = book(r);
    QVERIFY(made.isBooked());
    // The manager takes the detail and the odour treatment off the menu.
    sql(QStringLiteral("UPDATE services SET active = false WHERE id = %1").arg(m_f.detail));
    sql(QStringLiteral("UPDATE addons SET active = false WHERE id = %1").arg(m_f.odour));
    sql(QStringLiteral("DELETE FROM service_addons WHERE service_id = %1 AND addon_id = %2")
            .arg(m_f.detail)
            .arg(m_f.odour));

    // Nobody can book them any more…
    BookingRequest again = request(m_f.detail, QStringLiteral("14:00"), QStringLiteral("MENU2"));
    again.slot.addonIds = {m_f.odour};
    const BookingOutcome refused = book(again);
    QCOMPARE(refused.result, BookingOutcome::Result::Invalid);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    detail.addonIds = {m_f.odour};
    QVERIFY(startsOn(detail).isEmpty());

    // …but the customer who booked them keeps them when the booking moves.
    detail.ignoreBookingId = made.booking.id;
    QVERIFY(startsOn(detail).contains(QStringLiteral("14:00")));
    auto moved = reschedule(made.booking.id, QStringLiteral("14:00"));
    QVERIFY2(moved.ok(), describe(moved).constData());
    QCOMPARE(moved->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(made.booking.id), QStringLiteral("14:00-15:15-15:20@%1").arg(m_f.detailBay));

    // Another booking cannot borrow them by asking as a move of this one.
    BookingRequest borrowed = request(m_f.detail, QStringLiteral("16:00"), QStringLiteral("MENU3"));
    borrowed.slot.addonIds = {m_f.odour};
    borrowed.slot.ignoreBookingId = made.booking.id; // cleared by normalised()
    QCOMPARE(book(borrowed).result, BookingOutcome::Result::Invalid);
}

void TestBookingEngine::rescheduleAtItsOwnStartTakesAnotherBayOrSaysItIsThere()
{
    const BookingOutcome made = book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("SAME1")));
    QCOMPARE(made.booking.bay.id, m_f.lane1);
    const qint64 id = made.booking.id;
    // Its own start on its own bay is no move.
    auto stay = reschedule(id, QStringLiteral("10:00"), m_f.lane1);
    QVERIFY(!stay.ok());
    QCOMPARE(stay.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(stay.error().message().contains(QStringLiteral("already")), qPrintable(stay.error().message()));
    // Its own start on the first free bay: the other lane.
    auto other = reschedule(id, QStringLiteral("10:00"));
    QVERIFY2(other.ok(), describe(other).constData());
    QCOMPARE(other->result, BookingOutcome::Result::Booked);
    QCOMPARE(other->booking.bay.id, m_f.lane2);
    // Lane 1 taken meanwhile: no other bay at that time, and it says where it is.
    QVERIFY(book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("SAME2"))).isBooked());
    auto none = reschedule(id, QStringLiteral("10:00"));
    QVERIFY(!none.ok());
    QCOMPARE(none.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(none.error().message().contains(QStringLiteral("Lane 2")), qPrintable(none.error().message()));
    QCOMPARE(placeOf(id), QStringLiteral("10:00-10:20-10:25@%1").arg(m_f.lane2));
}

void TestBookingEngine::customersAreFoundByPlatePhoneAndName()
{
    struct Person
    {
        const char *name;
        const char *plate;
        const char *phone;
    };
    const QList<Person> people = {
        {"Jürgen Müller", "B-JM 1234", "+49 30 1234567"},
        {"Дмитрий Иванов", "А123ВС77", "+7 495 765-43-21"},
        {"山田太郎", "品川500", ""},
        {"Robert'); DROP TABLE customers;--", "XKCD327", "555 0100"},
    };
    int minute = 8 * 60;
    for (const Person &p : people) {
        BookingRequest r = request(m_f.wash, OpeningHours::clockText(minute), QString::fromUtf8(p.plate));
        minute += 30;
        r.name = QString::fromUtf8(p.name);
        r.phone = QString::fromUtf8(p.phone);
        const BookingOutcome o = book(r);
        QVERIFY2(o.isBooked(), o.errors.isEmpty() ? "" : qPrintable(o.errors.first().message));
        QCOMPARE(o.booking.customerName, r.name);
    }
    auto find = [this](const QString &text) {
        auto r = run(QStringLiteral("customers.find"),
                     [text](QSqlDatabase &db) { return CustomerRepo(db).find(text); });
        QStringList names;
        for (const Customer &c : r.value())
            names << c.name;
        return names;
    };
    QCOMPARE(find(QStringLiteral("bjm")), QStringList {QStringLiteral("Jürgen Müller")});
    QCOMPARE(find(QStringLiteral("b-jm 12")), QStringList {QStringLiteral("Jürgen Müller")});
    QCOMPARE(find(QStringLiteral("765 43")), QStringList {QStringLiteral("Дмитрий Иванов")});
    QCOMPARE(find(QStringLiteral("Дмитрий")), QStringList {QStringLiteral("Дмитрий Иванов")});
    QCOMPARE(find(QStringLiteral("山田")), QStringList {QStringLiteral("山田太郎")});
    QCOMPARE(find(QStringLiteral("品川500")), QStringList {QStringLiteral("山田太郎")});
    QCOMPARE(find(QStringLiteral("DROP TABLE")),
             QStringList {QStringLiteral("Robert'); DROP TABLE customers;--")});
    QCOMPARE(find(QStringLiteral("%")), QStringList());
    auto full = run(QStringLiteral("customers.find"),
                    [](QSqlDatabase &db) { return CustomerRepo(db).find(QStringLiteral("xkcd")); });
    QCOMPARE(full->size(), 1);
    QCOMPARE(full->first().visits.size(), 1);
    QCOMPARE(full->first().visits.first().serviceName, QStringLiteral("Wash"));
    QCOMPARE(full->first().vehicles.first().first, QStringLiteral("XKCD327"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM customers")).toInt(), 4);
}

void TestBookingEngine::thirtyTwoSubmittersThroughOnePool_data()
{
    QTest::addColumn<bool>("onOneBay");
    QTest::addColumn<bool>("samePlate");
    QTest::newRow("any bay: one booking per lane") << false << false;
    QTest::newRow("one bay: one booking") << true << false;
    QTest::newRow("one customer's plate from 32 desks") << false << true;
}

void TestBookingEngine::thirtyTwoSubmittersThroughOnePool()
{
    QFETCH(bool, onOneBay);
    QFETCH(bool, samePlate);
    QList<QFuture<DbResult<BookingOutcome>>> futures;
    for (int i = 0; i < 32; ++i) {
        BookingRequest r = request(m_f.wash, QStringLiteral("10:45"),
                                   samePlate ? QStringLiteral("SAME1") : QStringLiteral("RACE%1").arg(i));
        if (onOneBay)
            r.slot.bayId = m_f.lane2;
        futures << m_pool->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                     [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
    }
    int booked = 0;
    int taken = 0;
    for (auto &f : futures) {
        const DbResult<BookingOutcome> o = f.result();
        QVERIFY2(o.ok(), describe(o).constData());
        if (o->result == BookingOutcome::Result::Booked)
            ++booked;
        else if (o->result == BookingOutcome::Result::SlotTaken)
            ++taken;
    }
    const int bays = onOneBay ? 1 : 2;
    QCOMPARE(booked, bays);
    QCOMPARE(taken, 32 - bays);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), bays);
    QCOMPARE(value(QStringLiteral("SELECT count(DISTINCT bay_id) FROM bookings")).toInt(), bays);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM customers")).toInt(), samePlate ? 1 : bays);
}

void TestBookingEngine::randomStressLeavesNoOverlap()
{
    // Many attempts on a few days: random services, add-ons, bays, starts,
    // holds (some lapsing) and cancellations, at most 16 in flight through
    // an 8-connection pool. The exclusion constraint and the engine must
    // leave no two active bookings of a bay overlapping.
    const int attempts = qEnvironmentVariableIsSet("CARWASH_STRESS_ATTEMPTS")
        ? qEnvironmentVariableIntValue("CARWASH_STRESS_ATTEMPTS")
        : 10000;
    const int days = 3;
    QRandomGenerator rng(20250611);
    QList<QFuture<DbResult<BookingOutcome>>> inFlight;
    int booked = 0, taken = 0, refused = 0, failed = 0;
    auto collect = [&](QFuture<DbResult<BookingOutcome>> &f) {
        const DbResult<BookingOutcome> o = f.result();
        if (!o.ok()) {
            ++failed;
            qWarning("%s", describe(o).constData());
            return;
        }
        switch (o->result) {
        case BookingOutcome::Result::Booked:
        case BookingOutcome::Result::Replayed:
            ++booked;
            break;
        case BookingOutcome::Result::SlotTaken:
            ++taken;
            break;
        case BookingOutcome::Result::Invalid:
            ++refused;
            qWarning("refused: %s", qPrintable(o->errors.value(0).message));
            break;
        }
    };
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; i < attempts; ++i) {
        if (i % 10 == 9) {
            // Cancel a random active booking, or let a random hold lapse.
            const bool lapse = rng.bounded(2);
            m_pool->withConnection(QStringLiteral("stress.free"), [lapse](QSqlDatabase &db) {
                Sql::exec(db,
                          lapse ? QStringLiteral("UPDATE bookings SET hold_expires_at = now() WHERE id = "
                                                 "(SELECT id FROM bookings WHERE status = 'held' "
                                                 "ORDER BY random() LIMIT 1)")
                                : QStringLiteral("UPDATE bookings SET status = 'cancelled' WHERE id = "
                                                 "(SELECT id FROM bookings WHERE status = 'confirmed' "
                                                 "ORDER BY random() LIMIT 1)"));
            });
            continue;
        }
        const bool detail = rng.bounded(4) == 0;
        const QDate day = m_day.addDays(rng.bounded(days));
        BookingRequest r = request(detail ? m_f.detail : m_f.wash,
                                   OpeningHours::clockText(8 * 60 + 15 * int(rng.bounded(detail ? 33 : 39))),
                                   QStringLiteral("ST%1").arg(rng.bounded(400)), day);
        if (rng.bounded(3) == 0)
            r.slot.addonIds = {detail ? m_f.odour : m_f.wax};
        if (!detail && rng.bounded(3) == 0)
            r.slot.bayId = rng.bounded(2) ? m_f.lane1 : m_f.lane2;
        r.hold = rng.bounded(5) == 0;
        // Add-ons can push the end past closing; those are refused, which
        // is fine but not what this measures.
        if (!r.slot.addonIds.isEmpty() && r.start.toTimeZone(m_zone).time() > QTime(17, 0))
            r.slot.addonIds.clear();
        inFlight << m_pool->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                      [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
        if (inFlight.size() >= 16)
            collect(inFlight.first()), inFlight.removeFirst();
    }
    for (auto &f : inFlight)
        collect(f);
    qInfo("%d attempts in %lld ms: %d booked, %d slot taken, %d refused, %d failed", attempts,
          elapsed.elapsed(), booked, taken, refused, failed);
    QCOMPARE(failed, 0);
    QCOMPARE(refused, 0);
    QVERIFY(booked > 0);
    QVERIFY(taken > 0);

    const QString active = BookingStatus::activeSqlList();
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings AS a JOIN bookings AS b "
                                  "ON a.bay_id = b.bay_id AND a.id < b.id "
                                  "WHERE a.status IN (%1) AND b.status IN (%1) "
                                  "AND tstzrange(a.starts_at, a.blocked_until, '[)') "
                                  "&& tstzrange(b.starts_at, b.blocked_until, '[)')")
                       .arg(active))
                 .toInt(),
             0);
    // Every booking on a bay that offers its service, in opening hours, with
    // its catalogue price and a code unique among the active ones.
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings AS b WHERE NOT EXISTS "
                                  "(SELECT 1 FROM bay_services AS s WHERE s.bay_id = b.bay_id "
                                  "AND s.service_id = b.service_id)"))
                 .toInt(),
             0);
    QCOMPARE(value(QStringLiteral(
                       "SELECT count(*) FROM bookings WHERE (starts_at AT TIME ZONE '%1')::time < '08:00' "
                       "OR (ends_at AT TIME ZONE '%1')::time > '18:00'")
                       .arg(QString::fromLatin1(Zone)))
                 .toInt(),
             0);
    QCOMPARE(
        value(QStringLiteral("SELECT count(*) FROM bookings AS b WHERE price_cents <> "
                             "(SELECT price_cents FROM service_prices AS p WHERE p.service_id = b.service_id "
                             "AND p.vehicle_class = b.vehicle_class) + COALESCE((SELECT sum(price_cents) "
                             "FROM booking_addons AS a WHERE a.booking_id = b.id), 0)"))
            .toInt(),
        0);
    QCOMPARE(value(QStringLiteral("SELECT count(*) - count(DISTINCT code) FROM bookings WHERE status IN (%1)")
                       .arg(active))
                 .toInt(),
             0);
}

// --- schema 0004 ---------------------------------------------------------------

void TestBookingEngine::paymentsFromBeforeTheUpgradeKeepTheirReceipt()
{
    // A database of the schema before 0004, with a booking paid then at
    // 8.25 % on top of the price and one whose card payment failed: the
    // compiled-in migrations before 0004 applied the way Migrator applies
    // them, then the rows written without the new columns.
    const QString database = QStringLiteral("before0004");
    QString error;
    m_cluster.queryBlocking(QStringLiteral("CREATE DATABASE %1").arg(database), QStringLiteral("postgres"),
                            &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_bookingengine.upgrade"));
    config.database = database;
    config.maxConnections = 1;
    auto pool = std::make_unique<ConnectionPool>(config);
    auto runOld = [&pool](auto fn) {
        return pool->withRetry(QStringLiteral("upgrade"), RetryPolicy::standard(), std::move(fn)).result();
    };

    struct Old
    {
        qint64 paid = 0;
        qint64 unpaid = 0;
        QString paymentUpdatedAt;
    };
    auto old = runOld([](QSqlDatabase &db) {
        Sql::exec(
            db,
            QStringLiteral("CREATE TABLE schema_migrations (version text PRIMARY KEY, "
                           "name text NOT NULL DEFAULT '', applied_at timestamptz NOT NULL DEFAULT now())"));
        const QStringList files = QDir(QStringLiteral(":/migrations"))
                                      .entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            if (file.left(4) >= QLatin1String("0004"))
                break;
            QFile in(QStringLiteral(":/migrations/") + file);
            if (!in.open(QIODevice::ReadOnly))
                throw DbException(DbError(DbError::Kind::Configuration, file, in.errorString()));
            Transaction tx(db);
            Sql::execScript(db, QString::fromUtf8(in.readAll()), file);
            Sql::exec(db, QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"),
                      {file.left(4), file.mid(5).chopped(4)});
            tx.commit();
        }
        Old o;
        Transaction tx(db);
        Sql::exec(
            db,
            QStringLiteral("INSERT INTO site_settings (key, value) VALUES "
                           "('site.timezone', 'America/New_York'), ('billing.tax_rate_percent', '8.25'), "
                           "('billing.prices_include_tax', 'false')"));
        const qint64 bay = Sql::scalar(db,
                                       QStringLiteral("INSERT INTO bays (name, kind) VALUES ('Lane 1', "
                                                      "'tunnel') RETURNING id"))
                               .toLongLong();
        const qint64 service = Sql::scalar(db,
                                           QStringLiteral("INSERT INTO services (name, duration_minutes) "
                                                          "VALUES ('Wash', 20) RETURNING id"))
                                   .toLongLong();
        const qint64 customer
            = Sql::scalar(db, QStringLiteral("INSERT INTO customers (name) VALUES ('Alex Kim') RETURNING id"))
                  .toLongLong();
        const qint64 vehicle = Sql::scalar(db,
                                           QStringLiteral("INSERT INTO vehicles (customer_id, plate) VALUES "
                                                          "(?, 'OLD1') RETURNING id"),
                                           {customer})
                                   .toLongLong();
        const QString booking = QStringLiteral(
            "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, vehicle_id, "
            "plate, starts_at, ends_at, blocked_until, price_cents, currency, created_by) "
            "VALUES (?, ?, ?, ?, 'car', ?, ?, 'OLD1', now() - interval '%1 hours', "
            "now() - interval '%1 hours' + interval '20 minutes', "
            "now() - interval '%1 hours' + interval '25 minutes', ?, 'USD', 'cli') RETURNING id");
        o.paid = Sql::scalar(db, booking.arg(48),
                             {QStringLiteral("PAID01"), QStringLiteral("completed"), bay, service, customer,
                              vehicle, 4500})
                     .toLongLong();
        o.unpaid = Sql::scalar(db, booking.arg(-48),
                               {QStringLiteral("OPEN01"), QStringLiteral("confirmed"), bay, service, customer,
                                vehicle, 1000})
                       .toLongLong();
        // 45.00 + 3.71 tax: what the customer paid then.
        Sql::exec(
            db,
            QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, tendered_cents, "
                           "currency, created_by, paid_at, created_at, updated_at) VALUES "
                           "(?, 'cash', 'succeeded', 4871, 5000, 'USD', 'cli', now() - interval '47 hours', "
                           "now() - interval '47 hours', now() - interval '47 hours')"),
            {o.paid});
        Sql::exec(db,
                  QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, currency, "
                                 "created_by) VALUES (?, 'card', 'failed', 1083, 'USD', 'kiosk')"),
                  {o.unpaid});
        o.paymentUpdatedAt = Sql::scalar(db,
                                         QStringLiteral("SELECT updated_at::text FROM payments "
                                                        "WHERE booking_id = ?"),
                                         {o.paid})
                                 .toString();
        tx.commit();
        return o;
    });
    QVERIFY2(old.ok(), describe(old).constData());

    auto applied = runOld([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(applied.ok(), describe(applied).constData());
    QCOMPARE(applied->value(0), QStringLiteral("0004"));

    // Filled in from the settings in force at the upgrade, for every row.
    auto columns = runOld([](QSqlDatabase &db) {
        QSqlQuery query
            = Sql::exec(db,
                        QStringLiteral("SELECT status, tax_rate_basis_points, prices_include_tax, "
                                       "net_cents, tax_cents, gross_cents, updated_at::text "
                                       "FROM payments ORDER BY id"));
        QStringList rows;
        while (query.next()) {
            QStringList row;
            for (int i = 0; i < 6; ++i)
                row << query.value(i).toString();
            rows << row.join(u' ');
        }
        rows << Sql::scalar(
                    db, QStringLiteral("SELECT updated_at::text FROM payments WHERE status = 'succeeded'"))
                    .toString();
        rows << Sql::scalar(db,
                            QStringLiteral("SELECT details->>'payments' FROM audit_log "
                                           "WHERE action = 'payment.tax_filled_in'"))
                    .toString();
        rows << Sql::scalar(db,
                            QStringLiteral("SELECT string_agg(column_name, ',' ORDER BY column_name) "
                                           "FROM information_schema.columns WHERE table_name = 'payments' "
                                           "AND column_name IN ('tax_rate_basis_points', "
                                           "'prices_include_tax', 'net_cents', 'tax_cents', 'gross_cents') "
                                           "AND is_nullable = 'NO'"))
                    .toString();
        return rows;
    });
    QVERIFY2(columns.ok(), describe(columns).constData());
    QCOMPARE(columns->value(0), QStringLiteral("succeeded 825 false 4500 371 4871"));
    QCOMPARE(columns->value(1), QStringLiteral("failed 825 false 1000 83 1083"));
    QCOMPARE(columns->value(2), old->paymentUpdatedAt); // the backfill is no change of the payment
    QCOMPARE(columns->value(3), QStringLiteral("2"));
    QCOMPARE(columns->value(4),
             QStringLiteral("gross_cents,net_cents,prices_include_tax,tax_cents,"
                            "tax_rate_basis_points"));

    // The manager changes the tax afterwards: the old receipt keeps what was
    // paid, the unpaid booking is owed under the new settings.
    auto changed = runOld([](QSqlDatabase &db) {
        return SettingsRepo(db).setMany(
            {{QStringLiteral("billing.tax_rate_percent"), QStringLiteral("20")},
             {QStringLiteral("billing.prices_include_tax"), QStringLiteral("true")}},
            QStringLiteral("staff:1"));
    });
    QVERIFY2(changed.ok(), describe(changed).constData());
    const qint64 paid = old->paid;
    auto receipt = runOld([paid](QSqlDatabase &db) { return PaymentRepo(db).receipt(paid); });
    QVERIFY2(receipt.ok(), describe(receipt).constData());
    QVERIFY(receipt->chargeRecorded);
    QCOMPARE(receipt->taxRateBasisPoints, 825);
    QCOMPARE(receipt->pricesIncludeTax, false);
    QCOMPARE(receipt->amounts.netCents, qint64(4500));
    QCOMPARE(receipt->amounts.taxCents, qint64(371));
    QCOMPARE(receipt->amounts.totalCents, qint64(4871));
    QCOMPARE(receipt->paidCents, qint64(4871));
    QCOMPARE(receipt->dueCents(), qint64(0));
    QCOMPARE(receipt->payments.size(), 1);
    QCOMPARE(*receipt->payments.first().tenderedCents, qint64(5000));

    const qint64 unpaid = old->unpaid;
    auto open = runOld([unpaid](QSqlDatabase &db) { return PaymentRepo(db).details(unpaid); });
    QVERIFY2(open.ok(), describe(open).constData());
    QVERIFY(!open->chargeRecorded); // its only payment failed: nothing was charged
    QCOMPARE(open->taxRateBasisPoints, 2000);
    QCOMPARE(open->pricesIncludeTax, true);
    QCOMPARE(open->amounts.totalCents, qint64(1000));
    QCOMPARE(open->amounts.taxCents, qint64(167));
    QCOMPARE(open->dueCents(), qint64(1000));

    pool.reset();
    m_cluster.queryBlocking(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(database),
                            QStringLiteral("postgres"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestBookingEngine::everyForeignKeyLeadsAnIndex()
{
    // Deleting a referenced row looks up its referencing rows; without an
    // index led by the foreign key's columns that is a scan of the table.
    // Partial indexes do not count: the check must find every row.
    const QString missing = value(QStringLiteral(R"(
SELECT coalesce(string_agg(c.conrelid::regclass::text || ' ' || c.conname, ', ' ORDER BY c.conname), '')
  FROM pg_constraint AS c
 WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
   AND NOT EXISTS (
       SELECT 1 FROM pg_index AS i
        WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
          AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
          AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey))"))
                                .toString();
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("foreign keys without an index: ") + missing));
    // The query sees foreign keys at all (it is not vacuously empty).
    QVERIFY(value(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                                 "AND conrelid = 'bookings'::regclass"))
                .toInt()
            >= 4);
    QCOMPARE(value(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE indexname = 'bookings_vehicle_idx'"))
                 .toString(),
             QStringLiteral("CREATE INDEX bookings_vehicle_idx ON public.bookings USING btree (vehicle_id)"));
    QCOMPARE(value(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE indexname = 'bookings_service_idx'"))
                 .toString(),
             QStringLiteral("CREATE INDEX bookings_service_idx ON public.bookings USING btree (service_id)"));
}

void TestBookingEngine::aVehiclesBookingsAndAServicesBookingsAreFoundByIndex()
{
    // 20 000 finished bookings of 2 000 vehicles (and a few details among
    // them), analysed, in a transaction that is rolled back: what the
    // planner does with a vehicle's bookings or a service's booking count at
    // a real site's size.
    const Fixture f = m_f;
    auto plans = run(QStringLiteral("test.explain"), [f](QSqlDatabase &db) {
        Transaction tx(db); // never committed
        Sql::exec(db,
                  QStringLiteral("INSERT INTO customers (name) SELECT 'Customer ' || g "
                                 "FROM generate_series(1, 2000) AS g"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO vehicles (customer_id, plate) SELECT id, 'PX' || id "
                                 "FROM customers"));
        Sql::exec(db,
                  QStringLiteral(
                      "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, "
                      "vehicle_id, plate, starts_at, ends_at, blocked_until, price_cents, currency, "
                      "created_by) "
                      "SELECT upper(lpad(to_hex(g), 6, '0')), 'completed', %1, "
                      "CASE WHEN g % 1000 = 0 THEN %2 ELSE %3 END, 'car', v.customer_id, v.id, v.plate, "
                      "now() - g * interval '30 minutes', now() - g * interval '30 minutes' + "
                      "interval '20 minutes', now() - g * interval '30 minutes' + interval '25 minutes', "
                      "1000, 'USD', 'cli' "
                      "FROM generate_series(1, 20000) AS g "
                      "JOIN vehicles AS v ON v.plate = 'PX' || (SELECT min(id) FROM customers) + g % 2000")
                      .arg(f.lane1)
                      .arg(f.detail)
                      .arg(f.wash));
        Sql::exec(db, QStringLiteral("ANALYZE bookings"));
        const qint64 vehicle
            = Sql::scalar(db, QStringLiteral("SELECT min(vehicle_id) FROM bookings")).toLongLong();
        QStringList out;
        out << Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings")).toString();
        out << Sql::scalar(db,
                           QStringLiteral("EXPLAIN (FORMAT JSON) SELECT id, starts_at FROM bookings "
                                          "WHERE vehicle_id = %1")
                               .arg(vehicle))
                   .toString();
        out << Sql::scalar(db,
                           QStringLiteral("EXPLAIN (FORMAT JSON) SELECT count(*) FROM bookings "
                                          "WHERE service_id = %1")
                               .arg(f.detail))
                   .toString();
        return out;
    });
    QVERIFY2(plans.ok(), describe(plans).constData());
    QCOMPARE(plans->value(0), QStringLiteral("20000"));
    QVERIFY2(plans->value(1).contains(QStringLiteral("\"Index Name\": \"bookings_vehicle_idx\"")),
             qPrintable(plans->value(1)));
    QVERIFY2(plans->value(2).contains(QStringLiteral("\"Index Name\": \"bookings_service_idx\"")),
             qPrintable(plans->value(2)));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0); // rolled back
}

QTEST_GUILESS_MAIN(TestBookingEngine)
#include "tst_bookingengine.moc"
