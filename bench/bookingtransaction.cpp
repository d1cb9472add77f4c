#include "bench/bookingtransaction.h"

#include "db/pool/sql.h"

#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

namespace {

// Copies of BookingRepo's and AvailabilityRepo's statements, kept verbatim
// so differences() can compare them with what create() really sends.
const QString LoadSql = QStringLiteral(R"(
SELECT (extract(epoch FROM now()) * 1000)::bigint,
       (SELECT json_object_agg(key, value) FROM site_settings)::text,
       (SELECT json_build_object(
                   'id', s.id, 'name', s.name, 'duration', s.duration_minutes, 'active', s.active,
                   'price', p.price_cents, 'currency', p.currency,
                   'classes', (SELECT json_agg(vehicle_class ORDER BY CASE vehicle_class WHEN 'car' THEN 1
                                                                       WHEN 'suv' THEN 2 ELSE 3 END)
                                 FROM service_prices WHERE service_id = s.id))
          FROM services AS s
          LEFT JOIN service_prices AS p ON p.service_id = s.id AND p.vehicle_class = ?
         WHERE s.id = ?)::text,
       (SELECT json_agg(json_build_object(
                   'id', a.id, 'name', a.name, 'price', a.price_cents, 'minutes', a.extra_minutes,
                   'active', a.active,
                   'allowed', EXISTS (SELECT 1 FROM service_addons AS sa
                                       WHERE sa.service_id = ? AND sa.addon_id = a.id)))
          FROM addons AS a
         WHERE a.id = ANY (?::bigint[]))::text,
       (SELECT json_agg(json_build_array(weekday, to_char(opens, 'HH24:MI'), to_char(closes, 'HH24:MI')))
          FROM opening_hours)::text,
       (SELECT json_agg(json_build_array(id, starts_on, ends_on, reason))
          FROM closures WHERE starts_on <= ?::date AND ends_on >= ?::date)::text,
       (SELECT json_agg(json_build_object('id', b.id, 'name', b.name, 'active', b.active,
                                          'offers', bs.bay_id IS NOT NULL)
                        ORDER BY b.sort_order, b.id)
          FROM bays AS b
          LEFT JOIN bay_services AS bs ON bs.bay_id = b.id AND bs.service_id = ?
         WHERE bs.bay_id IS NOT NULL OR b.id = ?)::text,
       (SELECT string_agg(k.bay_id::text || ' ' || (date_part('epoch', k.starts_at) * 1000)::bigint::text
                                         || ' ' || (date_part('epoch', k.blocked_until) * 1000)::bigint::text,
                          ',')
          FROM bookings AS k
         WHERE k.bay_id = ANY (ARRAY(SELECT bay_id FROM bay_services WHERE service_id = ?
                                     UNION SELECT ?::bigint))
           AND k.status IN ('held', 'confirmed', 'checked_in', 'in_progress')
           AND (k.status <> 'held' OR k.hold_expires_at > now())
           AND tstzrange(k.starts_at, k.blocked_until, '[)') && tstzrange(?::timestamptz, ?::timestamptz, '[)'))::text
)");
const QString InsertSql = QStringLiteral(R"(
INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, vehicle_id, plate,
                      starts_at, ends_at, blocked_until, hold_expires_at, price_cents, currency,
                      idempotency_key, request_hash, created_by, language)
SELECT ?, ?, ?, s.id, p.vehicle_class, ?, ?, ?,
       t.starts_at,
       t.starts_at + m.minutes * interval '1 minute',
       t.starts_at + (m.minutes + ?) * interval '1 minute',
       CASE WHEN ?::boolean THEN now() + ? * interval '1 minute' END,
       p.price_cents + m.cents, p.currency, ?, ?, ?, ?
  FROM services AS s
  JOIN service_prices AS p ON p.service_id = s.id AND p.vehicle_class = ?
 CROSS JOIN (SELECT ?::timestamptz AS starts_at) AS t
 CROSS JOIN LATERAL (SELECT s.duration_minutes + COALESCE(sum(a.extra_minutes), 0) AS minutes,
                            COALESCE(sum(a.price_cents), 0) AS cents
                       FROM addons AS a WHERE a.id = ANY (?::bigint[])) AS m
 WHERE s.id = ?
ON CONFLICT DO NOTHING
RETURNING id)");
const QString SelectByIdSql = QStringLiteral(R"(
SELECT b.id, b.code,
       booking_status_now(b.status, b.hold_expires_at),
       b.bay_id, y.name,
       (extract(epoch FROM b.starts_at) * 1000)::bigint,
       (extract(epoch FROM b.ends_at) * 1000)::bigint,
       (extract(epoch FROM b.blocked_until) * 1000)::bigint,
       (extract(epoch FROM b.hold_expires_at) * 1000)::bigint,
       b.service_id, s.name, b.vehicle_class, b.price_cents, b.currency, b.plate,
       c.id, c.name, c.phone, c.email, b.created_by,
       (SELECT json_agg(json_build_array(a.id, a.name, ba.price_cents, ba.extra_minutes)
                        ORDER BY a.sort_order, a.name, a.id)
          FROM booking_addons AS ba JOIN addons AS a ON a.id = ba.addon_id
         WHERE ba.booking_id = b.id)::text
  FROM bookings AS b
  JOIN bays AS y ON y.id = b.bay_id
  JOIN services AS s ON s.id = b.service_id
  JOIN customers AS c ON c.id = b.customer_id
 WHERE b.id = ?
 ORDER BY b.starts_at, y.sort_order, y.id, b.id)");
const QString LockSql = QStringLiteral("SELECT pg_advisory_xact_lock(?, hashtext(?))");
const QString KeySql = QStringLiteral("SELECT id, request_hash FROM bookings WHERE idempotency_key = ?");
const QString VehicleSql = QStringLiteral("SELECT customer_id, id FROM vehicles WHERE plate = ? FOR UPDATE");
const QString UpdateCustomerSql
    = QStringLiteral("UPDATE customers SET name = CASE WHEN ? THEN name ELSE ? END, "
                     "phone = COALESCE(?, phone), email = COALESCE(?, email) WHERE id = ?");
const QString UpdateVehicleSql
    = QStringLiteral("UPDATE vehicles SET vehicle_class = ? WHERE id = ? AND vehicle_class <> ?");
const QString InsertCustomerSql
    = QStringLiteral("INSERT INTO customers (name, phone, email) VALUES (?, ?, ?) RETURNING id");
const QString InsertVehicleSql
    = QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) "
                     "VALUES (?, ?, ?) ON CONFLICT (plate) DO NOTHING RETURNING id");
const QString InsertAddonsSql
    = QStringLiteral("INSERT INTO booking_addons (booking_id, addon_id, price_cents, extra_minutes) "
                     "SELECT ?, id, price_cents, extra_minutes FROM addons WHERE id = ANY (?::bigint[])");
const QString AuditSql = QStringLiteral("INSERT INTO audit_log (actor, action, entity, entity_id, details) "
                                        "VALUES (?, ?, ?, ?, ?::jsonb)");
const QString NotifySql = QStringLiteral("SELECT pg_notify('bookings_changed', ?)");

// pg_advisory_xact_lock's key space in BookingRepo ("CWKY").
constexpr int IdempotencyLockSpace = 0x43574B59;
constexpr int KnownCustomerPercent = 70;
constexpr int AddonPercent = 20;

// template with each '?' replaced by the next value, in order.
QString fill(const QString &sql, const QStringList &values)
{
    QString out;
    qsizetype next = 0;
    for (const QChar c : sql) {
        if (c == QLatin1Char('?') && next < values.size())
            out += values[next++];
        else
            out += c;
    }
    Q_ASSERT(next == values.size());
    return out;
}

QString dayNumber(const QDate &date)
{
    return QString::number(QDate(1970, 1, 1).daysTo(date));
}

} // namespace

namespace BookingTransaction {

BookingRequest randomRequest(const Plan &plan, QRandomGenerator &random)
{
    BookingRequest r;
    r.slot.serviceId = plan.firstServiceId + random.bounded(plan.serviceCount);
    r.slot.vehicleClass = QStringLiteral("car");
    r.slot.bayId = plan.firstBayId + random.bounded(plan.bayCount);
    if (random.bounded(100) < AddonPercent)
        r.slot.addonIds = {plan.addonId};
    const QDate day = plan.firstDay.addDays(random.bounded(int(plan.firstDay.daysTo(plan.lastDay)) + 1));
    r.start = QDateTime(day, QTime(plan.opensHour, 0), QTimeZone::utc())
                  .addSecs(qint64(random.bounded(plan.startSlots)) * 15 * 60);
    r.startHasOffset = true;
    if (random.bounded(100) < KnownCustomerPercent) {
        const int customer = 1 + random.bounded(plan.customers);
        r.plate = QStringLiteral("CW%1").arg(100000 + customer);
        r.name = QStringLiteral("Customer %1").arg(customer);
    } else {
        const int number = 20000000 + random.bounded(80000000);
        r.plate = QStringLiteral("CW%1").arg(number);
        r.name = QStringLiteral("New customer %1").arg(number);
    }
    r.idempotencyKey = QStringLiteral("pool-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.actor = Actor;
    return r;
}

QStringList statementTemplates()
{
    return {LockSql,          LoadSql,           KeySql,           VehicleSql, UpdateCustomerSql,
            UpdateVehicleSql, InsertCustomerSql, InsertVehicleSql, InsertSql,  InsertAddonsSql,
            SelectByIdSql,    AuditSql,          NotifySql};
}

QString selectByIdStatement()
{
    return SelectByIdSql;
}

QString differences(const QStringList &recorded)
{
    // Statements with values are the transaction's own; BEGIN, COMMIT and
    // savepoints pgbench writes itself.
    const QStringList templates = statementTemplates();
    QStringList seen;
    for (const QString &sql : recorded) {
        if (!sql.contains(QLatin1Char('?')))
            continue;
        if (!templates.contains(sql))
            return QStringLiteral("BookingRepo::create sends a statement the pgbench script lacks: %1")
                .arg(sql.simplified().left(300));
        seen << sql;
    }
    for (const QString &sql : templates) {
        if (!seen.contains(sql))
            return QStringLiteral(
                       "the pgbench script sends a statement BookingRepo::create no longer does: %1")
                .arg(sql.simplified().left(300));
    }
    return {};
}

QString pgbenchScript(const Plan &plan)
{
    const QString key = QStringLiteral("'pgbench-:key'");
    const QString plate = QStringLiteral("'CW:plate_number'");
    const QString start = QStringLiteral("to_timestamp(:start_s)");
    const QString addons = QStringLiteral("'{:addon}'");
    // The request hash is a SHA-256 in hex; its value only has to be as long.
    const QString hash = QLatin1Char('\'') + QString(64, QLatin1Char('a')) + QLatin1Char('\'');
    const QString actor = QLatin1Char('\'') + Actor + QLatin1Char('\'');
    auto day = [](int offset) { return QStringLiteral("(date '1970-01-01' + :dn + (%1))").arg(offset); };
    auto midnight = [](int offset) { return QStringLiteral("to_timestamp((:dn + %1) * 86400)").arg(offset); };

    QStringList s;
    s << QStringLiteral("-- BookingRepo::create, statement for statement (see bookingtransaction.cpp).");
    s << QStringLiteral("\\set bay_id %1 + random(0, %2)").arg(plan.firstBayId).arg(plan.bayCount - 1);
    s << QStringLiteral("\\set service_id %1 + random(0, %2)")
             .arg(plan.firstServiceId)
             .arg(plan.serviceCount - 1);
    s << QStringLiteral("\\set dn random(%1, %2)").arg(dayNumber(plan.firstDay), dayNumber(plan.lastDay));
    s << QStringLiteral("\\set start_s :dn * 86400 + %1 + random(0, %2) * 900")
             .arg(plan.opensHour * 3600)
             .arg(plan.startSlots - 1);
    s << QStringLiteral("\\set key random(1, 999999999999999)");
    s << QStringLiteral("\\set code random(1048576, 16777215)");
    s << QStringLiteral("\\set known random(1, 100) <= %1").arg(KnownCustomerPercent);
    s << QStringLiteral("\\set customer random(1, %1)").arg(plan.customers);
    s << QStringLiteral("\\if :known");
    s << QStringLiteral("\\set plate_number 100000 + :customer");
    s << QStringLiteral("\\else");
    s << QStringLiteral("\\set plate_number random(20000000, 99999999)");
    s << QStringLiteral("\\endif");
    s << QStringLiteral("\\if random(1, 100) <= %1").arg(AddonPercent);
    s << QStringLiteral("\\set addon %1").arg(plan.addonId);
    s << QStringLiteral("\\else");
    s << QStringLiteral("\\set addon 0"); // no such add-on: the same statements, nothing added
    s << QStringLiteral("\\endif");
    s << QStringLiteral("BEGIN;");
    s << fill(LockSql, {QString::number(IdempotencyLockSpace), key}) + QLatin1Char(';');
    s << fill(LoadSql,
              {QStringLiteral("'car'"), QStringLiteral(":service_id"), QStringLiteral(":service_id"), addons,
               day(1), day(-1), QStringLiteral(":service_id"), QStringLiteral(":bay_id"),
               QStringLiteral(":service_id"), QStringLiteral(":bay_id"),
               QStringLiteral("to_timestamp((:dn - 1) * 86400 - 14 * 3600)"), midnight(3)})
                .trimmed()
            + QLatin1Char(';');
    s << fill(KeySql, {key}) + QLatin1Char(';');
    s << QStringLiteral("\\if :known");
    s << fill(VehicleSql, {plate}) + QStringLiteral(" \\gset p_");
    // A desk's booking: the name given replaces the customer's (a kiosk's keeps it).
    s << fill(UpdateCustomerSql,
              {QStringLiteral("false"), QStringLiteral("'Customer :customer'"), QStringLiteral("NULL"),
               QStringLiteral("NULL"), QStringLiteral(":p_customer_id")})
            + QLatin1Char(';');
    s << fill(UpdateVehicleSql, {QStringLiteral("'car'"), QStringLiteral(":p_id"), QStringLiteral("'car'")})
            + QLatin1Char(';');
    s << QStringLiteral("\\else");
    s << fill(VehicleSql, {plate}) + QStringLiteral(" \\aset p_");
    s << fill(
             InsertCustomerSql,
             {QStringLiteral("'New customer :plate_number'"), QStringLiteral("NULL"), QStringLiteral("NULL")})
            + QStringLiteral(" \\gset p_customer_");
    s << fill(InsertVehicleSql, {QStringLiteral(":p_customer_id"), plate, QStringLiteral("'car'")})
            + QStringLiteral(" \\aset p_");
    s << QStringLiteral("\\endif");
    s << QStringLiteral("\\set b_id 0");
    // A literal code in create(); here drawn in SQL, pgbench having no text functions.
    s << fill(InsertSql,
              {QStringLiteral("upper(lpad(to_hex(:code), 6, '0'))"), QStringLiteral("'confirmed'"),
               QStringLiteral(":bay_id"), QStringLiteral(":p_customer_id"), QStringLiteral(":p_id"), plate,
               QString::number(5), QStringLiteral("false"), QString::number(10), key, hash, actor,
               QStringLiteral("NULL"), QStringLiteral("'car'"), start, addons, QStringLiteral(":service_id")})
                .trimmed()
            + QStringLiteral(" \\aset b_");
    s << QStringLiteral("\\if :b_id > 0");
    s << QStringLiteral("\\if :addon > 0");
    s << fill(InsertAddonsSql, {QStringLiteral(":b_id"), addons}) + QLatin1Char(';');
    s << QStringLiteral("\\endif");
    s << fill(SelectByIdSql, {QStringLiteral(":b_id")}).trimmed() + QLatin1Char(';');
    s << fill(AuditSql,
              {actor, QStringLiteral("'booking.create'"), QStringLiteral("'booking'"),
               QStringLiteral("':b_id'"),
               QStringLiteral("'{\"code\": \"F00000\", \"status\": \"confirmed\", \"bay_id\": :bay_id, "
                              "\"start\": \"2030-01-01T07:00:00.000Z\", \"price_cents\": 1600, "
                              "\"idempotency_key\": \"pgbench-:key\"}'")})
            + QLatin1Char(';');
    s << fill(NotifySql,
              {QStringLiteral("'{\"id\": :b_id, \"code\": \"F00000\", \"status\": \"confirmed\", "
                              "\"day\": \"2030-01-01\"}'")})
            + QLatin1Char(';');
    s << QStringLiteral("\\endif");
    s << QStringLiteral("COMMIT;");
    return s.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void removeRows(QSqlDatabase &db)
{
    Transaction tx(db);
    Sql::exec(db, QStringLiteral("DELETE FROM audit_log WHERE actor = ?"), {Actor});
    Sql::exec(db, QStringLiteral("DELETE FROM bookings WHERE created_by = ?"), {Actor});
    // The customers and vehicles new plates made stay: a few thousand rows,
    // and deleting a vehicle costs a scan of every booking (bookings.vehicle_id
    // has no index for the foreign key's check).
    tx.commit();
}

} // namespace BookingTransaction
