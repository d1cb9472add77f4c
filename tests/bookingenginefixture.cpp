#include "tests/bookingenginefixture.h"

#include "db/availability/availabilityrepo.h"
#include "db/availability/slotplanner.h"
#include "db/bookings/bookingrepo.h"
#include "db/calendar/openinghours.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"

#include <QTest>

QString BookingEngineFixture::hhmm(const QDateTime &t)
{
    return t.toString(QStringLiteral("HH:mm"));
}

void BookingEngineFixture::startEngine(const QString &applicationName)
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(applicationName);
    config.maxConnections = 8;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = m_pool
                        ->withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                    [](QSqlDatabase &db) { return Migrator::migrate(db); })
                        .result();
    QVERIFY2(migrated.ok(), describe(migrated).constData());
    m_day = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date().addDays(3);
}

void BookingEngineFixture::resetCatalogue()
{
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

void BookingEngineFixture::stopEngine()
{
    m_pool.reset();
}

void BookingEngineFixture::sql(const QString &statement)
{
    auto done = run(QStringLiteral("test.sql"), [statement](QSqlDatabase &db) { Sql::exec(db, statement); });
    QVERIFY2(done.ok(), describe(done).constData());
}

QVariant BookingEngineFixture::value(const QString &statement)
{
    auto v = run(QStringLiteral("test.value"),
                 [statement](QSqlDatabase &db) { return Sql::scalar(db, statement); });
    return v.ok() ? v.value() : QVariant();
}

QDateTime BookingEngineFixture::at(const QString &localTime, const QDate &date) const
{
    const int minute = *OpeningHours::parseClock(localTime, false);
    return *SlotPlanner::localInstant(date.isValid() ? date : m_day, minute * 60, m_zone);
}

BookingRequest BookingEngineFixture::request(qint64 service, const QString &localTime, const QString &plate,
                                             const QDate &date) const
{
    BookingRequest r;
    r.slot.serviceId = service;
    r.start = at(localTime, date);
    r.plate = plate;
    r.name = QStringLiteral("Test Customer");
    return r;
}

BookingOutcome BookingEngineFixture::book(const BookingRequest &r)
{
    auto outcome
        = run(QStringLiteral("booking.create"), [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
    if (!outcome.ok()) {
        qWarning("%s", describe(outcome).constData());
        return {};
    }
    return outcome.value();
}

QStringList BookingEngineFixture::startsOn(const AvailabilityRequest &request)
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

DbResult<BookingOutcome> BookingEngineFixture::reschedule(qint64 id, const QString &localTime, qint64 bayId)
{
    const QDateTime start = at(localTime);
    return run(QStringLiteral("booking.reschedule"), [id, start, bayId](QSqlDatabase &db) {
        return BookingRepo(db).reschedule(QString::number(id), start, bayId, QStringLiteral("staff:2"));
    });
}

// "HH:MM-HH:MM+buffer end@bay id" of a booking in the site's zone, straight from the table.
QString BookingEngineFixture::placeOf(qint64 id)
{
    return value(QStringLiteral("SELECT to_char(starts_at AT TIME ZONE '%1', 'HH24:MI') || '-' || "
                                "to_char(ends_at AT TIME ZONE '%1', 'HH24:MI') || '-' || "
                                "to_char(blocked_until AT TIME ZONE '%1', 'HH24:MI') || '@' || bay_id "
                                "FROM bookings WHERE id = %2")
                     .arg(QString::fromLatin1(Zone))
                     .arg(id))
        .toString();
}
