#include "db/bookings/daysnapshotrepo.h"

#include "db/availability/slotplanner.h"
#include "db/payments/taxamounts.h"
#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {

// One row, each part as a JSON column. The closures and bookings are read
// for a UTC window that holds the site-local day whatever the zone (offsets
// lie within ±14 h) and cut to the local day here, where the zone is known:
// the statement needs no second trip for the settings first.
const QString LoadSql = QStringLiteral(R"(
SELECT (extract(epoch FROM now()) * 1000)::bigint,
       (SELECT json_object_agg(key, value) FROM site_settings)::text,
       (SELECT json_agg(json_build_array(weekday, to_char(opens, 'HH24:MI'), to_char(closes, 'HH24:MI')))
          FROM opening_hours)::text,
       (SELECT json_agg(json_build_array(id, starts_on, ends_on, reason))
          FROM closures WHERE starts_on <= ?::date AND ends_on >= ?::date)::text,
       (SELECT json_agg(json_build_array(y.id, y.name) ORDER BY y.sort_order, y.id)
          FROM bays AS y
         WHERE y.active
           AND EXISTS (SELECT 1 FROM bay_services AS bs JOIN services AS s ON s.id = bs.service_id
                        WHERE bs.bay_id = y.id AND s.active))::text,
       (SELECT json_agg(json_build_array(
                   k.id, k.code,
                   booking_status_now(k.status, k.hold_expires_at),
                   k.bay_id, y.name,
                   (extract(epoch FROM k.starts_at) * 1000)::bigint,
                   (extract(epoch FROM k.ends_at) * 1000)::bigint,
                   (extract(epoch FROM k.blocked_until) * 1000)::bigint,
                   (extract(epoch FROM k.hold_expires_at) * 1000)::bigint,
                   k.service_id, s.name, k.vehicle_class, k.price_cents, k.currency, k.plate, c.id, c.name,
                   m.paid, m.live, m.attention, m.rate, m.inclusive)
                        ORDER BY k.starts_at, y.sort_order, y.id, k.id)
          FROM bookings AS k
          JOIN bays AS y ON y.id = k.bay_id
          JOIN services AS s ON s.id = k.service_id
          JOIN customers AS c ON c.id = k.customer_id
          -- The money: paid less refunds, a live card payment, attention,
          -- and the tax of the latest succeeded payment (what is owed).
          CROSS JOIN LATERAL (
               SELECT coalesce(sum(p.amount_cents - p.refunded_cents) FILTER (WHERE p.status = 'succeeded'), 0)
                          AS paid,
                      coalesce(bool_or(p.method IN ('stripe_checkout', 'terminal')
                                       AND p.status IN ('pending', 'processing')), false) AS live,
                      string_agg(p.attention, '; ' ORDER BY p.id) AS attention,
                      (array_agg(p.tax_rate_basis_points ORDER BY p.id DESC)
                           FILTER (WHERE p.status = 'succeeded'))[1] AS rate,
                      (array_agg(p.prices_include_tax ORDER BY p.id DESC)
                           FILTER (WHERE p.status = 'succeeded'))[1] AS inclusive
                 FROM payments AS p WHERE p.booking_id = k.id) AS m
         WHERE k.starts_at >= ?::timestamptz AND k.starts_at < ?::timestamptz)::text
)");

QJsonArray arrayOf(const QVariant &column)
{
    return QJsonDocument::fromJson(column.toString().toUtf8()).array();
}

} // namespace

DaySnapshotRepo::DaySnapshotRepo(QSqlDatabase &db)
    : m_db(db)
{ }

DaySnapshot DaySnapshotRepo::load(const QDate &date)
{
    return read(date, date, [date](const QTimeZone &) { return date; });
}

DaySnapshot DaySnapshotRepo::loadDayOf(const QDateTime &instant)
{
    const QDate utc = instant.toUTC().date();
    return read(utc.addDays(-1), utc.addDays(1),
                [instant](const QTimeZone &zone) { return instant.toTimeZone(zone).date(); });
}

DaySnapshot DaySnapshotRepo::read(const QDate &first, const QDate &last,
                                  const std::function<QDate(const QTimeZone &)> &dayIn)
{
    const QDateTime windowStart = QDateTime(first, QTime(0, 0), QTimeZone::utc()).addSecs(-14 * 3600);
    const QDateTime windowEnd = QDateTime(last.addDays(1), QTime(0, 0), QTimeZone::utc()).addSecs(14 * 3600);
    QSqlQuery query = Sql::exec(m_db, LoadSql,
                                {last.toString(Qt::ISODate), first.toString(Qt::ISODate),
                                 IsoTime::toSql(windowStart), IsoTime::toSql(windowEnd)});
    query.next();

    DaySnapshot day;
    QMap<QString, QString> values;
    const QJsonObject settings = QJsonDocument::fromJson(query.value(1).toString().toUtf8()).object();
    for (auto it = settings.begin(); it != settings.end(); ++it)
        values.insert(it.key(), it.value().toString());
    day.settings = SiteSettings::fromValues(values);
    const QTimeZone zone = day.settings.timeZone;
    day.now = IsoTime::fromEpochMs(query.value(0).toLongLong(), zone);
    day.date = dayIn(zone);
    const QDate date = day.date;

    for (const QJsonValue &v : arrayOf(query.value(2))) {
        const QJsonArray row = v.toArray();
        const std::optional<int> opens = OpeningHours::parseClock(row[1].toString(), false);
        const std::optional<int> closes = OpeningHours::parseClock(row[2].toString(), true);
        if (opens && closes)
            day.hours.append({row[0].toInt(), *opens, *closes});
    }
    for (const QJsonValue &v : arrayOf(query.value(3))) {
        const QJsonArray row = v.toArray();
        const Closure closure {row[0].toInteger(), QDate::fromString(row[1].toString(), Qt::ISODate),
                               QDate::fromString(row[2].toString(), Qt::ISODate), row[3].toString()};
        if (closure.covers(date))
            day.closures.append(closure);
    }
    for (const QJsonValue &v : arrayOf(query.value(4))) {
        const QJsonArray row = v.toArray();
        day.bays.append({row[0].toInteger(), row[1].toString()});
    }

    const QDateTime from = SlotPlanner::localInstantAtOrAfter(date, 0, zone);
    const QDateTime to = SlotPlanner::localInstantAtOrAfter(date.addDays(1), 0, zone);
    for (const QJsonValue &v : arrayOf(query.value(5))) {
        const QJsonArray row = v.toArray();
        Booking b;
        b.start = IsoTime::fromEpochMs(row[5].toInteger(), zone);
        if (b.start < from || b.start >= to)
            continue; // the window's edges: another local day
        b.id = row[0].toInteger();
        b.code = row[1].toString();
        b.status = row[2].toString();
        b.bay = {row[3].toInteger(), row[4].toString()};
        b.end = IsoTime::fromEpochMs(row[6].toInteger(), zone);
        b.blockedUntil = IsoTime::fromEpochMs(row[7].toInteger(), zone);
        if (!row[8].isNull())
            b.holdExpiresAt = IsoTime::fromEpochMs(row[8].toInteger(), zone);
        b.serviceId = row[9].toInteger();
        b.serviceName = row[10].toString();
        b.vehicleClass = row[11].toString();
        b.priceCents = row[12].toInteger();
        b.currency = row[13].toString();
        b.plate = row[14].toString();
        b.customerId = row[15].toInteger();
        b.customerName = row[16].toString();
        day.bookings.append(b);
        PaymentBadge money;
        money.paidCents = row[17].toInteger();
        money.attention = row[19].toString();
        const bool recorded = !row[20].isNull();
        money.totalCents = TaxAmounts::compute(b.priceCents,
                                               recorded ? row[20].toInt() : day.settings.taxRateBasisPoints,
                                               recorded ? row[21].toBool() : day.settings.pricesIncludeTax)
                               .totalCents;
        money.state = PaymentBadge::stateOf(money.paidCents, money.totalCents, row[18].toBool(), money.attention);
        day.payments.insert(b.id, money);
    }
    return day;
}
