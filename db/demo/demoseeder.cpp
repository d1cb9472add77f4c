#include "db/demo/demoseeder.h"

#include "db/pool/sql.h"
#include "db/staff/pinhash.h"

#include <QDate>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTimeZone>

namespace {

const QString Currency = QStringLiteral("USD");

bool hasServices(QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT EXISTS (SELECT 1 FROM services)")).toBool();
}

qint64 insertService(QSqlDatabase &db, const QString &currency, const QString &name,
                     const QString &description, int minutes, int sortOrder, qint64 carCents, qint64 suvCents,
                     qint64 truckCents)
{
    const qint64 id = Sql::scalar(db,
                                  QStringLiteral("INSERT INTO services (name, description, duration_minutes, "
                                                 "sort_order) VALUES (?, ?, ?, ?) RETURNING id"),
                                  {name, description, minutes, sortOrder})
                          .toLongLong();
    Sql::exec(db,
              QStringLiteral("INSERT INTO service_prices (service_id, vehicle_class, price_cents, currency) "
                             "VALUES (?, 'car', ?, ?), (?, 'suv', ?, ?), (?, 'truck', ?, ?)"),
              {id, carCents, currency, id, suvCents, currency, id, truckCents, currency});
    return id;
}

qint64 insertAddon(QSqlDatabase &db, const QString &currency, const QString &name, qint64 cents,
                   int extraMinutes, int sortOrder)
{
    return Sql::scalar(
               db,
               QStringLiteral("INSERT INTO addons (name, price_cents, currency, extra_minutes, sort_order) "
                              "VALUES (?, ?, ?, ?, ?) RETURNING id"),
               {name, cents, currency, extraMinutes, sortOrder})
        .toLongLong();
}

qint64 insertBay(QSqlDatabase &db, const QString &name, const QString &kind, int sortOrder)
{
    return Sql::scalar(
               db, QStringLiteral("INSERT INTO bays (name, kind, sort_order) VALUES (?, ?, ?) RETURNING id"),
               {name, kind, sortOrder})
        .toLongLong();
}

void allowAddons(QSqlDatabase &db, qint64 serviceId, const QList<qint64> &addonIds)
{
    for (const qint64 addonId : addonIds)
        Sql::exec(db, QStringLiteral("INSERT INTO service_addons (service_id, addon_id) VALUES (?, ?)"),
                  {serviceId, addonId});
}

void offerServices(QSqlDatabase &db, qint64 bayId, const QList<qint64> &serviceIds)
{
    for (const qint64 serviceId : serviceIds)
        Sql::exec(db, QStringLiteral("INSERT INTO bay_services (bay_id, service_id) VALUES (?, ?)"),
                  {bayId, serviceId});
}

void setSetting(QSqlDatabase &db, const QString &key, const QString &value)
{
    Sql::exec(db,
              QStringLiteral("INSERT INTO site_settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
              {key, value});
}

// The next occurrence (today or later) of a fixed-date holiday.
QDate nextDate(int month, int day)
{
    const QDate today = QDate::currentDate();
    const QDate thisYear(today.year(), month, day);
    return thisYear >= today ? thisYear : QDate(today.year() + 1, month, day);
}

} // namespace

void DemoSeeder::seedCatalogue(QSqlDatabase &db, const QString &currency)
{
    // Wash packages. Durations fit the 15-minute grid with the 5-minute buffer.
    const qint64 express = insertService(db, currency, tr("Express Exterior"),
                                         tr("Soft-touch tunnel wash, spot-free rinse and power dry."), 10, 10,
                                         1200, 1500, 1800);
    const qint64 deluxe = insertService(
        db, currency, tr("Deluxe Wash"), tr("Express plus underbody flush, triple-foam polish and wheel cleaner."), 15,
        20, 1800, 2200, 2600);
    const qint64 ultimate
        = insertService(db, currency, tr("Ultimate Shine"),
                        tr("Deluxe plus hot carnauba wax, ceramic sealant, tyre shine and rain repellent."),
                        20, 30, 2600, 3100, 3600);
    const qint64 interior = insertService(
        db, currency, tr("Interior Detail"),
        tr("Deep vacuum, seats and mats shampooed, dash and console cleaned, windows inside and out."), 60,
        40, 7900, 9900, 11900);
    const qint64 fullDetail
        = insertService(db, currency, tr("Full Detail"),
                        tr("Hand wash, clay bar and hand wax outside, the complete interior detail inside."),
                        150, 50, 19900, 24900, 29900);

    // Add-ons and which packages offer them.
    const qint64 tyreShine = insertAddon(db, currency, tr("Tyre Shine"), 400, 0, 10);
    const qint64 wax = insertAddon(db, currency, tr("Hot Carnauba Wax"), 600, 5, 20);
    const qint64 rainRepellent = insertAddon(db, currency, tr("Rain Repellent Glass Treatment"), 500, 0, 30);
    const qint64 petHair = insertAddon(db, currency, tr("Pet Hair Removal"), 2500, 20, 40);
    const qint64 odour = insertAddon(db, currency, tr("Odour Eliminator"), 1500, 10, 50);
    const qint64 leather = insertAddon(db, currency, tr("Leather Conditioning"), 2000, 15, 60);
    const qint64 engineBay = insertAddon(db, currency, tr("Engine Bay Detail"), 3500, 30, 70);
    allowAddons(db, express, {tyreShine, wax, rainRepellent});
    allowAddons(db, deluxe, {tyreShine, wax, rainRepellent});
    allowAddons(db, ultimate, {petHair}); // its wax, shine and glass treatment are included
    allowAddons(db, interior, {petHair, odour, leather});
    allowAddons(db, fullDetail, {petHair, odour, leather, engineBay});

    // Two tunnel lanes for the quick washes, two detail bays for the long jobs.
    const QString tunnel = QStringLiteral("tunnel");
    const QString detail = QStringLiteral("detail");
    offerServices(db, insertBay(db, tr("Tunnel Lane 1"), tunnel, 10), {express, deluxe, ultimate});
    offerServices(db, insertBay(db, tr("Tunnel Lane 2"), tunnel, 20), {express, deluxe, ultimate});
    offerServices(db, insertBay(db, tr("Detail Bay A"), detail, 30), {interior, fullDetail});
    offerServices(db, insertBay(db, tr("Detail Bay B"), detail, 40), {interior, fullDetail});

    const QString closureSql
        = QStringLiteral("INSERT INTO closures (starts_on, ends_on, reason) VALUES (?, ?, ?)");
    const QDate christmas = nextDate(12, 25);
    Sql::exec(db, closureSql, {christmas, christmas, tr("Christmas Day")});
    const QDate newYear = nextDate(1, 1);
    Sql::exec(db, closureSql, {newYear, newYear, tr("New Year's Day")});

}

DemoSeedResult DemoSeeder::seed(QSqlDatabase &db)
{
    DemoSeedResult result;
    if (hasServices(db)) {
        result.alreadySeeded = true;
        return result;
    }

    // Stretching three PINs takes a noticeable moment; do it before the
    // transaction so no lock is held meanwhile. PINs are distinct so a desk
    // could sign in by PIN alone.
    const QList<QPair<QString, QString>> people = {
        {QStringLiteral("Morgan Lee"), QStringLiteral("manager")},
        {QStringLiteral("Sam Rivera"), QStringLiteral("staff")},
        {QStringLiteral("Priya Patel"), QStringLiteral("staff")},
    };
    QStringList pins;
    while (pins.size() < people.size()) {
        const QString pin = PinHash::randomPin(6);
        if (!pins.contains(pin))
            pins << pin;
    }
    QStringList hashes;
    for (const QString &pin : std::as_const(pins))
        hashes << PinHash::hash(pin);

    Transaction tx(db);
    // Two seeders at once: the second waits here, then finds the services and
    // leaves (plain reads of services are not blocked by this mode).
    Sql::exec(db, QStringLiteral("LOCK TABLE services IN SHARE ROW EXCLUSIVE MODE"));
    if (hasServices(db)) {
        result.alreadySeeded = true;
        return result; // tx rolls back: nothing was written
    }

    seedCatalogue(db, Currency);

    // Monday to Saturday 08:00-19:00, with Wednesday's team lunch as a break;
    // Sunday 09:00-17:00.
    const QString hoursSql
        = QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) VALUES (?, ?, ?)");
    for (int weekday = 1; weekday <= 6; ++weekday) {
        if (weekday == 3) {
            Sql::exec(db, hoursSql, {weekday, QStringLiteral("08:00"), QStringLiteral("12:00")});
            Sql::exec(db, hoursSql, {weekday, QStringLiteral("12:30"), QStringLiteral("19:00")});
        } else {
            Sql::exec(db, hoursSql, {weekday, QStringLiteral("08:00"), QStringLiteral("19:00")});
        }
    }
    Sql::exec(db, hoursSql, {7, QStringLiteral("09:00"), QStringLiteral("17:00")});

    QString timeZone = QString::fromLatin1(QTimeZone::systemTimeZoneId());
    if (timeZone.isEmpty() || !QTimeZone(timeZone.toLatin1()).isValid())
        timeZone = QStringLiteral("UTC");
    const QMap<QString, QString> settings = {
        {QStringLiteral("site.name"), tr("Sparkle Auto Spa")},
        {QStringLiteral("site.timezone"), timeZone},
        {QStringLiteral("booking.slot_minutes"), QStringLiteral("15")},
        {QStringLiteral("booking.buffer_minutes"), QStringLiteral("5")},
        {QStringLiteral("booking.min_notice_minutes"), QStringLiteral("0")},
        {QStringLiteral("booking.horizon_days"), QStringLiteral("60")},
        {QStringLiteral("booking.hold_minutes"), QStringLiteral("10")},
        {QStringLiteral("billing.currency"), Currency},
        {QStringLiteral("billing.tax_rate_percent"), QStringLiteral("8.25")},
        // Menu prices are what the customer pays; the receipt shows the tax in them.
        {QStringLiteral("billing.prices_include_tax"), QStringLiteral("true")},
    };
    for (auto it = settings.cbegin(); it != settings.cend(); ++it)
        setSetting(db, it.key(), it.value());

    for (qsizetype i = 0; i < people.size(); ++i) {
        Sql::exec(db, QStringLiteral("INSERT INTO staff (name, role, pin_hash) VALUES (?, ?, ?)"),
                  {people[i].first, people[i].second, hashes[i]});
        result.staff.append({people[i].first, people[i].second, pins[i]});
    }

    const QJsonObject details {{QStringLiteral("services"), 5},
                               {QStringLiteral("addons"), 7},
                               {QStringLiteral("bays"), 4},
                               {QStringLiteral("staff"), int(people.size())}};
    Sql::exec(db,
              QStringLiteral("INSERT INTO audit_log (actor, action, entity, details) "
                             "VALUES ('system', 'seed.demo', 'site', ?::jsonb)"),
              {QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact))});

    tx.commit();
    return result;
}
