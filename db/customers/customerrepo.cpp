#include "db/customers/customerrepo.h"

#include "db/bookings/bookingrequest.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace {

// strpos/starts_with rather than LIKE, so % and _ typed by a person are
// plain characters.
const QString FindSql = QStringLiteral(R"(
SELECT c.id, c.name, c.phone, c.email,
       (SELECT json_agg(json_build_array(v.plate, v.vehicle_class) ORDER BY v.plate)
          FROM vehicles AS v WHERE v.customer_id = c.id)::text,
       (SELECT json_agg(json_build_array(h.id, h.code, h.status, h.start_ms, h.service, h.bay, h.plate,
                                         h.price_cents, h.currency) ORDER BY h.start_ms DESC)
          FROM (SELECT b.id, b.code,
                       booking_status_now(b.status, b.hold_expires_at) AS status,
                       (extract(epoch FROM b.starts_at) * 1000)::bigint AS start_ms,
                       s.name AS service, y.name AS bay, b.plate, b.price_cents, b.currency
                  FROM bookings AS b
                  JOIN services AS s ON s.id = b.service_id
                  JOIN bays AS y ON y.id = b.bay_id
                 WHERE b.customer_id = c.id
                 ORDER BY b.starts_at DESC
                 LIMIT ?) AS h)::text,
       (SELECT count(*) FROM bookings AS b WHERE b.customer_id = c.id AND b.status = 'completed')
  FROM customers AS c
 WHERE %1
 ORDER BY lower(c.name), c.id
 LIMIT ?)");

const QString FindWhere = QStringLiteral(R"(
       (? <> '' AND EXISTS (SELECT 1 FROM vehicles AS v WHERE v.customer_id = c.id AND starts_with(v.plate, ?)))
    OR (? <> '' AND strpos(c.phone_digits, ?) > 0)
    OR strpos(lower(c.name), lower(?)) > 0)");

// The plate's unique index finds its one vehicle.
const QString PlateWhere
    = QStringLiteral("c.id = (SELECT v.customer_id FROM vehicles AS v WHERE v.plate = ?)");

} // namespace

CustomerRepo::CustomerRepo(QSqlDatabase &db)
    : m_db(db)
{ }

DbResult<QList<Customer>> CustomerRepo::find(const QString &text)
{
    const QString needle = text.trimmed();
    if (needle.isEmpty() || needle.size() > 100)
        return DbError(DbError::Kind::Invalid,
                       tr("Search for a plate, a phone number or part of a name (1 to 100 characters)."));
    const QString plate = BookingRequest::normalisePlate(needle);
    const QString digits = BookingRequest::phoneSearchDigits(needle);
    const QString platePrefix = plate.size() >= 2 ? plate : QString();
    return select(FindWhere, {CustomerRepo::MaxVisits, platePrefix, platePrefix, digits, digits, needle,
                              CustomerRepo::MaxResults});
}

DbResult<std::optional<Customer>> CustomerRepo::byPlate(const QString &plate)
{
    const QString normalised = BookingRequest::normalisePlate(plate);
    if (normalised.size() < 2 || normalised.size() > 10)
        return DbError(DbError::Kind::Invalid, tr("A plate has 2 to 10 letters or digits."));
    const QList<Customer> found = select(PlateWhere, {CustomerRepo::MaxVisits, normalised, 1});
    return found.isEmpty() ? std::optional<Customer>() : std::optional<Customer>(found.first());
}

QList<Customer> CustomerRepo::select(const QString &where, const QVariantList &binds)
{
    const QTimeZone zone = SettingsRepo(m_db).load().timeZone;

    QList<Customer> customers;
    QSqlQuery query = Sql::exec(m_db, FindSql.arg(where), binds);
    while (query.next()) {
        Customer c;
        c.id = query.value(0).toLongLong();
        c.name = query.value(1).toString();
        c.phone = query.value(2).isNull() ? QString() : query.value(2).toString();
        c.email = query.value(3).isNull() ? QString() : query.value(3).toString();
        for (const QJsonValue &v : QJsonDocument::fromJson(query.value(4).toString().toUtf8()).array())
            c.vehicles.append({v[0].toString(), v[1].toString()});
        for (const QJsonValue &v : QJsonDocument::fromJson(query.value(5).toString().toUtf8()).array()) {
            const QJsonArray a = v.toArray();
            Visit visit;
            visit.bookingId = a[0].toInteger();
            visit.code = a[1].toString();
            visit.status = a[2].toString();
            visit.start = IsoTime::fromEpochMs(a[3].toInteger(), zone);
            visit.serviceName = a[4].toString();
            visit.bayName = a[5].toString();
            visit.plate = a[6].toString();
            visit.priceCents = a[7].toInteger();
            visit.currency = a[8].toString();
            c.visits.append(visit);
        }
        c.completedVisits = query.value(6).toInt();
        customers.append(c);
    }
    return customers;
}
