#include "db/availability/availabilityrepo.h"

#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {

// One statement, one row: each input as a JSON column, so a request costs
// one round trip whatever the number of bays, bookings or slots. The busy
// filter is the schema's reader rule (see 0001_initial.sql, "Expired
// holds"), written so the exclusion constraint's GiST index serves it.
// {…} marks what loadSql() fills in for moving a booking.
const QString LoadTemplate = QStringLiteral(R"(
SELECT (extract(epoch FROM now()) * 1000)::bigint,
       (SELECT json_object_agg(key, value) FROM site_settings)::text,
       (SELECT json_build_object(
                   'id', s.id, 'name', s.name, 'duration', s.duration_minutes, 'active', {SERVICE_ACTIVE},
                   'price', p.price_cents, 'currency', p.currency,
                   'classes', (SELECT json_agg(vehicle_class ORDER BY CASE vehicle_class WHEN 'car' THEN 1
                                                                       WHEN 'suv' THEN 2 ELSE 3 END)
                                 FROM service_prices WHERE service_id = s.id))
          FROM services AS s
          LEFT JOIN service_prices AS p ON p.service_id = s.id AND p.vehicle_class = ?{MOVED_SERVICE}
         WHERE s.id = ?)::text,
       (SELECT json_agg(json_build_object(
                   'id', a.id, 'name', a.name, 'price', a.price_cents, 'minutes', {MINUTES},
                   'active', {ADDON_ACTIVE},
                   'allowed', {ADDON_BOOKED}EXISTS (SELECT 1 FROM service_addons AS sa
                                       WHERE sa.service_id = ? AND sa.addon_id = a.id)))
          FROM addons AS a{MOVED_ADDONS}
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
{NOT_MOVED}           AND tstzrange(k.starts_at, k.blocked_until, '[)') && tstzrange(?::timestamptz, ?::timestamptz, '[)'))::text
)");

// The plain statement, and the one for moving a booking: that booking is not
// in its own way, and keeps what it was booked with: its add-ons' minutes,
// and its service and add-ons even if they have since been taken off the
// menu (a customer keeps the wash they booked). Two texts rather than one
// with "k.id <> 0": every booking attempt plans this statement, and the
// extra joins cost it ~10 % of its server time.
QString loadSql(bool forMove)
{
    QString sql = LoadTemplate;
    sql.replace(QStringLiteral("{SERVICE_ACTIVE}"),
                forMove ? QStringLiteral("s.active OR m.id IS NOT NULL") : QStringLiteral("s.active"));
    sql.replace(
        QStringLiteral("{MOVED_SERVICE}"),
        forMove ? QStringLiteral("\n          LEFT JOIN bookings AS m ON m.id = ? AND m.service_id = s.id")
                : QString());
    sql.replace(QStringLiteral("{ADDON_ACTIVE}"),
                forMove ? QStringLiteral("a.active OR ba.booking_id IS NOT NULL")
                        : QStringLiteral("a.active"));
    sql.replace(QStringLiteral("{ADDON_BOOKED}"),
                forMove ? QStringLiteral("ba.booking_id IS NOT NULL OR ") : QString());
    sql.replace(QStringLiteral("{MINUTES}"),
                forMove ? QStringLiteral("COALESCE(ba.extra_minutes, a.extra_minutes)")
                        : QStringLiteral("a.extra_minutes"));
    sql.replace(QStringLiteral("{MOVED_ADDONS}"),
                forMove ? QStringLiteral(
                    "\n          LEFT JOIN booking_addons AS ba ON ba.addon_id = a.id AND ba.booking_id = ?")
                        : QString());
    sql.replace(QStringLiteral("{NOT_MOVED}"),
                forMove ? QStringLiteral("           AND k.id <> ?\n") : QString());
    return sql;
}

QJsonArray arrayOf(const QVariant &column)
{
    return QJsonDocument::fromJson(column.toString().toUtf8()).array();
}

// A decimal integer at *at, optionally signed, then past one space; false
// (and *at left on what stopped it) when there are no digits.
bool readInteger(const QChar *&at, const QChar *end, qint64 *value)
{
    const bool negative = at < end && *at == u'-';
    if (negative)
        ++at;
    const QChar *const first = at;
    quint64 magnitude = 0;
    while (at < end && at->unicode() >= u'0' && at->unicode() <= u'9' && at - first < 18)
        magnitude = magnitude * 10 + (at++->unicode() - u'0');
    if (at == first || (at < end && at->unicode() >= u'0' && at->unicode() <= u'9'))
        return false;
    *value = negative ? -qint64(magnitude) : qint64(magnitude);
    if (at < end && *at == u' ')
        ++at;
    return true;
}

} // namespace

AvailabilityRepo::AvailabilityRepo(QSqlDatabase &db)
    : m_db(db)
{ }

DbError AvailabilityRepo::invalid(const QList<FieldError> &problems)
{
    QStringList lines;
    for (const FieldError &e : problems)
        lines << QStringLiteral("%1: %2").arg(e.field, e.message);
    return DbError(DbError::Kind::Invalid, lines.join(QLatin1Char('\n')));
}

PlanningContext AvailabilityRepo::load(const AvailabilityRequest &request, const QDate &from, const QDate &to)
{
    PlanningContext ctx;
    ctx.request = request;
    ctx.from = from;
    ctx.to = to;
    // Local days from..to lie inside this UTC window whatever the zone
    // (offsets are within ±14 h), with room for a day's last booking and
    // its buffer (a service lasts at most a day).
    const QDateTime windowStart = QDateTime(from, QTime(0, 0), QTimeZone::utc()).addSecs(-14 * 3600);
    const QDateTime windowEnd(to.addDays(2), QTime(0, 0), QTimeZone::utc());

    const bool forMove = request.ignoreBookingId != 0;
    static const QString PlainSql = loadSql(false);
    static const QString MoveSql = loadSql(true);
    QVariantList binds {request.vehicleClass};
    if (forMove)
        binds << request.ignoreBookingId;
    binds << request.serviceId << request.serviceId;
    if (forMove)
        binds << request.ignoreBookingId;
    binds << Sql::idArray(request.addonIds) << to.toString(Qt::ISODate) << from.toString(Qt::ISODate)
          << request.serviceId << request.bayId << request.serviceId << request.bayId;
    if (forMove)
        binds << request.ignoreBookingId;
    binds << IsoTime::toSql(windowStart) << IsoTime::toSql(windowEnd);
    QSqlQuery query = Sql::exec(m_db, forMove ? MoveSql : PlainSql, binds);
    query.next();
    const QTimeZone utc = QTimeZone::utc();
    ctx.now = IsoTime::fromEpochMs(query.value(0).toLongLong(), utc);

    QMap<QString, QString> values;
    const QJsonObject settings = QJsonDocument::fromJson(query.value(1).toString().toUtf8()).object();
    for (auto it = settings.begin(); it != settings.end(); ++it)
        values.insert(it.key(), it.value().toString());
    ctx.settings = SiteSettings::fromValues(values);
    const QTimeZone &zone = ctx.settings.timeZone;
    ctx.now = ctx.now.toTimeZone(zone);

    const QJsonObject service = QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object();
    if (!service.isEmpty()) {
        PlanningContext::ServiceInfo s;
        s.id = service[u"id"].toInteger();
        s.name = service[u"name"].toString();
        s.durationMinutes = service[u"duration"].toInt();
        s.active = service[u"active"].toBool();
        if (!service[u"price"].isNull())
            s.priceCents = service[u"price"].toInteger();
        s.currency = service[u"currency"].toString();
        for (const QJsonValue &c : service[u"classes"].toArray())
            s.vehicleClasses << c.toString();
        ctx.service = s;
    }
    for (const QJsonValue &v : arrayOf(query.value(3))) {
        ctx.addons.append({v[u"id"].toInteger(), v[u"name"].toString(), v[u"price"].toInteger(),
                           v[u"minutes"].toInt(), v[u"active"].toBool(), v[u"allowed"].toBool()});
    }
    for (const QJsonValue &v : arrayOf(query.value(4))) {
        const QJsonArray row = v.toArray();
        const std::optional<int> opens = OpeningHours::parseClock(row[1].toString(), false);
        const std::optional<int> closes = OpeningHours::parseClock(row[2].toString(), true);
        if (opens && closes)
            ctx.hours.append({row[0].toInt(), *opens, *closes});
    }
    for (const QJsonValue &v : arrayOf(query.value(5))) {
        const QJsonArray row = v.toArray();
        ctx.closures.append({row[0].toInteger(), QDate::fromString(row[1].toString(), Qt::ISODate),
                             QDate::fromString(row[2].toString(), Qt::ISODate), row[3].toString()});
    }
    for (const QJsonValue &v : arrayOf(query.value(6))) {
        ctx.bays.append(
            {{v[u"id"].toInteger(), v[u"name"].toString()}, v[u"active"].toBool(), v[u"offers"].toBool()});
    }
    // "bay start end,bay start end,…" in epoch milliseconds: the busy list
    // can run to a thousand rows, and text is far cheaper than JSON to
    // build (and date_part's float cheaper than extract's numeric).
    // Qt::UTC, not the utc QTimeZone: such a QDateTime is held inline, with
    // no allocation, and this runs for every row of every booking attempt.
    // Read in one pass without allocating: at a thousand rows, splitting it
    // and QStringView::toLongLong were a tenth of carwash-server's time
    // answering availability.
    const QString busy = query.value(7).toString();
    ctx.busy.reserve(busy.count(u',') + 1);
    const QChar *at = busy.constData();
    const QChar *const end = at + busy.size();
    while (at < end) {
        qint64 numbers[3];
        bool ok = true;
        for (int i = 0; i < 3; ++i)
            ok = readInteger(at, end, &numbers[i]) && ok;
        while (at < end && *at != u',') // a malformed row is skipped whole
            ++at;
        ++at;
        if (ok)
            ctx.busy.append({numbers[0], QDateTime::fromMSecsSinceEpoch(numbers[1], Qt::UTC),
                             QDateTime::fromMSecsSinceEpoch(numbers[2], Qt::UTC)});
    }
    return ctx;
}

DbResult<QList<PlannedSlot>> AvailabilityRepo::forDate(const AvailabilityRequest &request, const QDate &date)
{
    const PlanningContext ctx = load(request, date, date);
    if (const QList<FieldError> problems = ctx.problems(); !problems.isEmpty())
        return invalid(problems);
    return SlotPlanner(ctx.inputFor(date)).freeSlots();
}

DbResult<std::optional<PlannedSlot>> AvailabilityRepo::next(const AvailabilityRequest &request)
{
    // The site's today is only known after loading; start a day early in
    // UTC terms so it is inside whatever the zone.
    const QDate start = QDateTime::currentDateTimeUtc().date().addDays(-1);
    PlanningContext ctx = load(request, start, start.addDays(8));
    if (const QList<FieldError> problems = ctx.problems(); !problems.isEmpty())
        return invalid(problems);
    const QDate today = ctx.today();
    const QDate last = today.addDays(ctx.settings.horizonDays);
    if (today < ctx.from) // this machine's clock is days ahead of the database's
        ctx = load(request, today, today.addDays(7));
    for (QDate day = today; day <= last; day = day.addDays(1)) {
        if (day > ctx.to)
            ctx = load(request, day, last);
        const QList<PlannedSlot> free = SlotPlanner(ctx.inputFor(day)).freeSlots();
        if (!free.isEmpty())
            return std::optional<PlannedSlot>(free.first());
    }
    return std::optional<PlannedSlot>();
}

QList<PlannedSlot> AvailabilityRepo::freeStartsAfter(const AvailabilityRequest &request,
                                                     const QDateTime &from, const QTimeZone &zone, int count)
{
    const QDate day = from.toTimeZone(zone).date();
    const PlanningContext ctx = load(request, day, day.addDays(1));
    QList<PlannedSlot> found;
    for (const QDate &d : {day, day.addDays(1)}) {
        for (const PlannedSlot &slot : SlotPlanner(ctx.inputFor(d)).freeSlots()) {
            if (slot.start >= from && found.size() < count)
                found.append(slot);
        }
    }
    return found;
}
