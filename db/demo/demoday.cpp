#include "db/demo/demoday.h"

#include "db/availability/slotplanner.h"
#include "db/bookings/confirmationcode.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/payments/taxamounts.h"
#include "db/pool/sql.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSqlQuery>

namespace {

struct ServiceRow
{
    qint64 id = 0;
    int minutes = 0;
    QHash<QString, qint64> prices; // by vehicle class
};

struct BayRow
{
    qint64 id = 0;
    QList<qint64> services;
};

struct Person
{
    const char *name;
    const char *phone;
    const char *plate;
    const char *vehicleClass;
};

// Demo customers: names from many places, plates of many shapes.
constexpr Person People[] = {
    {"Ana García", "+1 555 0101", "7KJD382", "car"},
    {"Ben Carter", "+1 555 0102", "TRK4410", "truck"},
    {"Chloé Martin", nullptr, "GX21BNM", "suv"},
    {"Daniel Kim", "+1 555 0104", "8ABC123", "car"},
    {"Emma Schulz", "+49 30 1234567", "BSK4711", "car"},
    {"Farid Haddad", "+1 555 0106", "6YTR902", "suv"},
    {"Grace O'Neill", "+1 555 0107", "HEL10", "car"},
    {"Hiroshi Tanaka", nullptr, "4MMX771", "car"},
    {"Isabela Souza", "+1 555 0109", "RJO2B44", "suv"},
    {"Jamal Wright", "+1 555 0110", "PKP5521", "truck"},
    {"Katarzyna Nowak", "+48 22 555 0111", "WA8812K", "car"},
    {"Liam Murphy", "+1 555 0112", "D11X455", "car"},
    {"Mei Chen", "+1 555 0113", "9LUX888", "suv"},
    {"Noah Johnson", "+1 555 0114", "5FRD210", "truck"},
    {"Olivia Rossi", nullptr, "MI334RT", "car"},
    {"Pedro Alves", "+1 555 0116", "3VWG117", "car"},
    {"Quinn Taylor", "+1 555 0117", "QT2024", "suv"},
    {"Rania Aziz", "+1 555 0118", "2HND640", "car"},
    {"Sven Larsen", "+47 22 55 01 19", "EL12345", "car"},
    {"Tomás Ruiz", "+1 555 0120", "1SUB902", "suv"},
};

QPair<qint64, qint64> customerAndVehicle(QSqlDatabase &db, const Person &person)
{
    const QString plate = QString::fromLatin1(person.plate);
    QSqlQuery known = Sql::exec(db, QStringLiteral("SELECT customer_id, id FROM vehicles WHERE plate = ?"), {plate});
    if (known.next())
        return {known.value(0).toLongLong(), known.value(1).toLongLong()};
    const QVariant phone = person.phone ? QVariant(QString::fromUtf8(person.phone)) : QVariant(QMetaType::fromType<QString>());
    const qint64 customer = Sql::scalar(db, QStringLiteral("INSERT INTO customers (name, phone) VALUES (?, ?) RETURNING id"),
                                        {QString::fromUtf8(person.name), phone})
                                .toLongLong();
    const qint64 vehicle
        = Sql::scalar(db,
                      QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) VALUES (?, ?, ?) RETURNING id"),
                      {customer, plate, QString::fromLatin1(person.vehicleClass)})
              .toLongLong();
    return {customer, vehicle};
}

} // namespace

DemoDayResult DemoDay::fill(QSqlDatabase &db, const QDate &day, const QDateTime &now)
{
    Transaction tx(db);
    // Two fillers at once: the second waits, then finds the first's rows.
    Sql::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('carwash.demo_day'))"));

    const SiteSettings settings = SettingsRepo(db).load();
    const QTimeZone zone = settings.timeZone;
    const QDate date = day.isValid() ? day : now.toTimeZone(zone).date();
    DemoDayResult result;
    result.date = date;
    const QDateTime dayStart = SlotPlanner::localInstantAtOrAfter(date, 0, zone);
    const QDateTime dayEnd = SlotPlanner::localInstantAtOrAfter(date.addDays(1), 0, zone);
    if (Sql::scalar(db,
                    QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = ? "
                                   "AND starts_at >= ? AND starts_at < ?"),
                    {QString::fromLatin1(Actor), dayStart.toUTC(), dayEnd.toUTC()})
            .toLongLong()
        > 0) {
        result.alreadyFilled = true;
        return result;
    }
    CalendarRepo calendar(db);
    for (const Closure &closure : calendar.closures(date)) {
        if (closure.covers(date)) {
            result.closed = true;
            return result;
        }
    }
    QList<QPair<QDateTime, QDateTime>> open;
    for (const OpeningPeriod &period : calendar.hours()) {
        if (period.weekday != date.dayOfWeek())
            continue;
        const QDateTime opens = SlotPlanner::localInstantAtOrAfter(date, period.opensMinute * 60, zone);
        const QDateTime closes = period.closesMinute >= 24 * 60
            ? dayEnd
            : SlotPlanner::localInstantAtOrAfter(date, period.closesMinute * 60, zone);
        if (opens < closes)
            open.append({opens, closes});
    }
    if (open.isEmpty()) {
        result.closed = true;
        return result;
    }

    QHash<qint64, ServiceRow> services;
    QSqlQuery rows = Sql::exec(db, QStringLiteral("SELECT s.id, s.duration_minutes, p.vehicle_class, p.price_cents "
                                                  "FROM services s JOIN service_prices p ON p.service_id = s.id "
                                                  "WHERE s.active"));
    while (rows.next()) {
        ServiceRow &service = services[rows.value(0).toLongLong()];
        service.id = rows.value(0).toLongLong();
        service.minutes = rows.value(1).toInt();
        service.prices.insert(rows.value(2).toString(), rows.value(3).toLongLong());
    }
    QList<BayRow> bays;
    rows = Sql::exec(db, QStringLiteral("SELECT b.id, bs.service_id FROM bays b "
                                        "JOIN bay_services bs ON bs.bay_id = b.id "
                                        "WHERE b.active ORDER BY b.sort_order, b.id, bs.service_id"));
    while (rows.next()) {
        const qint64 bay = rows.value(0).toLongLong();
        const qint64 service = rows.value(1).toLongLong();
        if (!services.contains(service))
            continue;
        if (bays.isEmpty() || bays.constLast().id != bay)
            bays.append(BayRow{bay, {}});
        bays.last().services.append(service);
    }

    QRandomGenerator random(quint32(date.toJulianDay()));
    const qint64 slotSecs = qint64(settings.slotMinutes) * 60;
    const qint64 bufferSecs = qint64(settings.bufferMinutes) * 60;
    bool heldPlaced = false;
    bool checkedInPlaced = false;
    const QString insertSql = QStringLiteral(
        "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, vehicle_id, plate, "
        "starts_at, ends_at, blocked_until, hold_expires_at, price_cents, currency, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id");

    for (const BayRow &bay : std::as_const(bays)) {
        for (const auto &[opens, closes] : std::as_const(open)) {
            QDateTime start = opens.addSecs(slotSecs * random.bounded(0, 3));
            while (true) {
                const ServiceRow &service = services.value(bay.services.at(random.bounded(int(bay.services.size()))));
                const QDateTime end = start.addSecs(qint64(service.minutes) * 60);
                const QDateTime blockedUntil = end.addSecs(bufferSecs);
                if (end > closes)
                    break;
                // Someone whose vehicle class the service is priced for.
                const Person *chosen = nullptr;
                for (int tries = 0; tries < 20 && !chosen; ++tries) {
                    const Person &candidate = People[random.bounded(int(std::size(People)))];
                    if (service.prices.contains(QString::fromLatin1(candidate.vehicleClass)))
                        chosen = &candidate;
                }
                if (!chosen) {
                    start = start.addSecs(slotSecs);
                    continue;
                }
                const Person &person = *chosen;
                const QString vehicleClass = QString::fromLatin1(person.vehicleClass);

                QString status;
                QVariant holdExpires(QMetaType::fromType<QDateTime>());
                const int roll = int(random.bounded(100));
                if (end <= now) {
                    status = roll < 6 ? QStringLiteral("no_show")
                        : roll < 12   ? QStringLiteral("cancelled")
                                      : QStringLiteral("completed");
                } else if (start <= now) {
                    status = QStringLiteral("in_progress");
                } else if (!checkedInPlaced && start <= now.addSecs(30 * 60)) {
                    status = QStringLiteral("checked_in");
                    checkedInPlaced = true;
                } else if (!heldPlaced && start > now.addSecs(60 * 60)) {
                    status = QStringLiteral("held");
                    holdExpires = now.addSecs(qint64(settings.holdMinutes) * 60).toUTC();
                    heldPlaced = true;
                } else {
                    status = roll < 5 ? QStringLiteral("cancelled") : QStringLiteral("confirmed");
                }
                const auto [customer, vehicle] = customerAndVehicle(db, person);
                const qint64 price = service.prices.value(vehicleClass);
                QSqlQuery inserted = Sql::exec(
                    db, insertSql,
                    {ConfirmationCode::generate(), status, bay.id, service.id, vehicleClass, customer, vehicle,
                     QString::fromLatin1(person.plate), start.toUTC(), end.toUTC(), blockedUntil.toUTC(),
                     holdExpires, price, settings.currency, QString::fromLatin1(Actor)});
                if (inserted.next()) {
                    ++result.created;
                    if (status == u"completed") {
                        // Paid in full, with the tax it was charged with (see PaymentRepo).
                        const TaxAmounts charged = TaxAmounts::compute(price, settings.taxRateBasisPoints,
                                                                       settings.pricesIncludeTax);
                        Sql::exec(
                            db,
                            QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, "
                                           "currency, created_by, paid_at, tax_rate_basis_points, "
                                           "prices_include_tax, net_cents, tax_cents, gross_cents) "
                                           "VALUES (?, ?, 'succeeded', ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                            {inserted.value(0),
                             random.bounded(2) ? QStringLiteral("cash") : QStringLiteral("card"),
                             charged.totalCents, settings.currency, QString::fromLatin1(Actor), end.toUTC(),
                             settings.taxRateBasisPoints, settings.pricesIncludeTax, charged.netCents,
                             charged.taxCents, charged.totalCents});
                    }
                }
                // The next car: right after the cleanup buffer, or after a gap.
                QDateTime next = blockedUntil;
                const qint64 rest = next.secsTo(opens) % slotSecs;
                if (rest != 0)
                    next = next.addSecs(slotSecs + rest); // back onto the grid (rest is <= 0)
                if (random.bounded(100) < 35)
                    next = next.addSecs(slotSecs * random.bounded(1, 5));
                start = next;
            }
        }
    }
    tx.commit();
    return result;
}
