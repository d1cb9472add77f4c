#include "db/bookings/bookingrepo.h"

#include "db/audit/auditlog.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/bookings/confirmationcode.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

namespace {

// pg_advisory_xact_lock(space, hashtext(key)): the space keeps these locks
// apart from others ("CWKY").
constexpr int IdempotencyLockSpace = 0x43574B59;
// Draws of a confirmation code before giving up on a bay; a clash needs
// two of ~887 million codes to meet among the active bookings.
constexpr int CodeAttempts = 8;
constexpr int MaxReasonLength = 500;

// booking_status_now (0005_booking_status_now.sql): a hold whose time has
// passed reads as expired even before anyone flips its row.
const QString SelectSql = QStringLiteral(R"(
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
 WHERE %1
 ORDER BY b.starts_at, y.sort_order, y.id, b.id)");

// Price, end and blocked_until from the catalogue, in the statement itself:
// nothing the caller sends can change what is charged. ON CONFLICT DO
// NOTHING turns a lost race (the exclusion constraint) or a code clash (the
// unique index) into "no row", so the transaction carries on.
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

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

} // namespace

BookingRepo::BookingRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QTimeZone BookingRepo::siteZone()
{
    return SettingsRepo(m_db).load().timeZone;
}

QList<Booking> BookingRepo::select(const QString &where, const QVariantList &binds, const QTimeZone &zone)
{
    QList<Booking> bookings;
    QSqlQuery query = Sql::exec(m_db, SelectSql.arg(where), binds);
    while (query.next()) {
        Booking b;
        b.id = query.value(0).toLongLong();
        b.code = query.value(1).toString();
        b.status = query.value(2).toString();
        b.bay = {query.value(3).toLongLong(), query.value(4).toString()};
        b.start = IsoTime::fromEpochMs(query.value(5).toLongLong(), zone);
        b.end = IsoTime::fromEpochMs(query.value(6).toLongLong(), zone);
        b.blockedUntil = IsoTime::fromEpochMs(query.value(7).toLongLong(), zone);
        if (!query.value(8).isNull())
            b.holdExpiresAt = IsoTime::fromEpochMs(query.value(8).toLongLong(), zone);
        b.serviceId = query.value(9).toLongLong();
        b.serviceName = query.value(10).toString();
        b.vehicleClass = query.value(11).toString();
        b.priceCents = query.value(12).toLongLong();
        b.currency = query.value(13).toString();
        b.plate = query.value(14).toString();
        b.customerId = query.value(15).toLongLong();
        b.customerName = query.value(16).toString();
        b.phone = query.value(17).isNull() ? QString() : query.value(17).toString();
        b.email = query.value(18).isNull() ? QString() : query.value(18).toString();
        b.createdBy = query.value(19).toString();
        const QJsonArray addons = QJsonDocument::fromJson(query.value(20).toString().toUtf8()).array();
        for (const QJsonValue &v : addons) {
            const QJsonArray a = v.toArray();
            b.addons.append({a[0].toInteger(), a[1].toString(), a[2].toInteger(), a[3].toInt()});
        }
        bookings.append(b);
    }
    return bookings;
}

std::optional<Booking> BookingRepo::byId(qint64 id)
{
    const QList<Booking> found = select(QStringLiteral("b.id = ?"), {id}, siteZone());
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

std::optional<qint64> BookingRepo::resolve(const QString &idOrCode)
{
    static const QRegularExpression numeric(QStringLiteral("^[0-9]{1,18}$"));
    const QString text = idOrCode.trimmed();
    if (numeric.match(text).hasMatch()) {
        QSqlQuery query
            = Sql::exec(m_db, QStringLiteral("SELECT id FROM bookings WHERE id = ?"), {text.toLongLong()});
        if (query.next())
            return query.value(0).toLongLong();
        return std::nullopt;
    }
    return resolveCode(text);
}

std::optional<qint64> BookingRepo::resolveCode(const QString &code)
{
    const QString text = code.trimmed();
    if (!ConfirmationCode::looksLikeCode(text))
        return std::nullopt;
    // Codes are unique among active bookings only; a finished booking's
    // code may have been drawn again since.
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("SELECT id FROM bookings WHERE code = ? "
                                   "ORDER BY status IN (%1) DESC, created_at DESC, id DESC LIMIT 1")
                        .arg(BookingStatus::activeSqlList()),
                    {text.toUpper()});
    if (query.next())
        return query.value(0).toLongLong();
    return std::nullopt;
}

std::optional<Booking> BookingRepo::find(const QString &idOrCode)
{
    const std::optional<qint64> id = resolve(idOrCode);
    return id ? byId(*id) : std::nullopt;
}

std::optional<Booking> BookingRepo::findByCode(const QString &code)
{
    const std::optional<qint64> id = resolveCode(code);
    return id ? byId(*id) : std::nullopt;
}

QList<Booking> BookingRepo::forDay(const QDate &date)
{
    const QTimeZone zone = siteZone();
    const QDateTime from = SlotPlanner::localInstantAtOrAfter(date, 0, zone);
    const QDateTime to = SlotPlanner::localInstantAtOrAfter(date.addDays(1), 0, zone);
    return select(QStringLiteral("b.starts_at >= ?::timestamptz AND b.starts_at < ?::timestamptz"),
                  {IsoTime::toSql(from), IsoTime::toSql(to)}, zone);
}

void BookingRepo::notifyChanged(const Booking &booking)
{
    const QJsonObject payload {
        {QStringLiteral("id"), booking.id},
        {QStringLiteral("code"), booking.code},
        {QStringLiteral("status"), booking.status},
        {QStringLiteral("day"), booking.start.date().toString(Qt::ISODate)},
    };
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('bookings_changed', ?)"),
              {QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact))});
}

QPair<qint64, qint64> BookingRepo::upsertCustomer(const BookingRequest &request)
{
    auto update = [this, &request](qint64 customerId, qint64 vehicleId) {
        Sql::exec(m_db,
                  QStringLiteral("UPDATE customers SET name = CASE WHEN ? THEN name ELSE ? END, "
                                 "phone = COALESCE(?, phone), email = COALESCE(?, email) WHERE id = ?"),
                  {request.nameForNewCustomerOnly, request.name, textOrNull(request.phone),
                   textOrNull(request.email), customerId});
        Sql::exec(m_db,
                  QStringLiteral("UPDATE vehicles SET vehicle_class = ? WHERE id = ? AND vehicle_class <> ?"),
                  {request.slot.vehicleClass, vehicleId, request.slot.vehicleClass});
        return qMakePair(customerId, vehicleId);
    };
    auto existing = [this, &request]() -> std::optional<QPair<qint64, qint64>> {
        QSqlQuery query = Sql::exec(
            m_db, QStringLiteral("SELECT customer_id, id FROM vehicles WHERE plate = ? FOR UPDATE"),
            {request.plate});
        if (!query.next())
            return std::nullopt;
        return qMakePair(query.value(0).toLongLong(), query.value(1).toLongLong());
    };
    auto newCustomer = [this, &request]() {
        return Sql::scalar(
                   m_db,
                   QStringLiteral("INSERT INTO customers (name, phone, email) VALUES (?, ?, ?) RETURNING id"),
                   {request.name, textOrNull(request.phone), textOrNull(request.email)})
            .toLongLong();
    };
    auto known = [&](const QPair<qint64, qint64> &found) {
        if (!request.contactFromStranger)
            return update(found.first, found.second);
        const bool sameContact
            = Sql::scalar(m_db,
                          QStringLiteral("SELECT (phone_digits IS NOT NULL AND phone_digits = "
                                         "nullif(regexp_replace(COALESCE(?, ''), '[^0-9]', '', 'g'), '')) "
                                         "OR (email IS NOT NULL AND lower(email) = lower(?)) "
                                         "FROM customers WHERE id = ? FOR UPDATE"),
                          {textOrNull(request.phone), textOrNull(request.email), found.first})
                  .toBool();
        if (!sameContact)
            return qMakePair(newCustomer(), found.second);
        Sql::exec(m_db,
                  QStringLiteral("UPDATE customers SET phone = COALESCE(phone, ?), email = COALESCE(email, ?) "
                                 "WHERE id = ? AND (phone IS NULL OR email IS NULL)"),
                  {textOrNull(request.phone), textOrNull(request.email), found.first});
        return found;
    };
    if (const auto found = existing())
        return known(*found);

    const qint64 customerId = newCustomer();
    {
        QSqlQuery query
            = Sql::exec(m_db,
                        QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) "
                                       "VALUES (?, ?, ?) ON CONFLICT (plate) DO NOTHING RETURNING id"),
                        {customerId, request.plate, request.slot.vehicleClass});
        if (query.next())
            return qMakePair(customerId, query.value(0).toLongLong());
    }
    // Another booking created this plate a moment ago (the insert waited
    // for it to commit): book on that record instead.
    Sql::exec(m_db, QStringLiteral("DELETE FROM customers WHERE id = ?"), {customerId});
    const auto found = existing();
    if (!found)
        throw DbException(DbError(DbError::Kind::Transient,
                                  tr("The customer record changed meanwhile; try again."),
                                  QStringLiteral("vehicle vanished during upsert")));
    return known(*found);
}

QList<FieldError> BookingRepo::slotProblems(const PlanningContext &ctx, const SlotPlanner &planner,
                                            const QDateTime &start)
{
    QList<FieldError> errors = ctx.problems();
    // The start is judged whenever the service is known, so one answer
    // names every field to fix.
    if (const SlotPlanner::Verdict verdict = planner.check(start);
        ctx.service && verdict != SlotPlanner::Verdict::Bookable)
        errors.append({QStringLiteral("start"), planner.explain(verdict, start)});
    return errors;
}

BookingOutcome BookingRepo::slotTaken(AvailabilityRequest slot, const QDateTime &start, const QTimeZone &zone)
{
    BookingOutcome taken;
    taken.result = BookingOutcome::Result::SlotTaken;
    slot.bayId = 0;
    taken.alternatives = AvailabilityRepo(m_db).freeStartsAfter(slot, start, zone, AlternativeCount);
    return taken;
}

BookingOutcome BookingRepo::create(const BookingRequest &input)
{
    const BookingRequest request = input.normalised();
    QList<FieldError> errors = request.validate();
    if (!request.start.isValid())
        return BookingOutcome::refused(errors);

    Transaction tx(m_db);
    if (!request.idempotencyKey.isEmpty())
        Sql::exec(m_db, QStringLiteral("SELECT pg_advisory_xact_lock(?, hashtext(?))"),
                  {IdempotencyLockSpace, request.idempotencyKey});

    // The start's local day lies within a day of its UTC date; load around it.
    const QDate around = request.startHasOffset ? request.start.toUTC().date() : request.start.date();
    const PlanningContext ctx
        = AvailabilityRepo(m_db).load(request.slot, around.addDays(-1), around.addDays(1));
    const QTimeZone zone = ctx.settings.timeZone;

    QDateTime start = request.start;
    if (!request.startHasOffset) {
        const QTime wall = request.start.time();
        const std::optional<QDateTime> instant
            = SlotPlanner::localInstant(request.start.date(), wall.msecsSinceStartOfDay() / 1000, zone);
        if (!instant) {
            errors.append({QStringLiteral("start"),
                           tr("%1 does not exist in %2: the clocks jump forward over it.")
                               .arg(request.start.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                    QString::fromLatin1(zone.id()))});
            return BookingOutcome::refused(errors);
        }
        start = instant->addMSecs(wall.msec());
    }

    const QString hash = request.idempotencyKey.isEmpty() ? QString() : request.requestHash(start);
    if (!hash.isEmpty() && errors.isEmpty()) {
        QSqlQuery query = Sql::exec(
            m_db, QStringLiteral("SELECT id, request_hash FROM bookings WHERE idempotency_key = ?"),
            {request.idempotencyKey});
        if (query.next()) {
            const qint64 id = query.value(0).toLongLong();
            if (query.value(1).toString() != hash) {
                errors.append({QStringLiteral("idempotency_key"),
                               tr("This idempotency key was already used for a different booking (ID %1). "
                                  "Send the same details to get that booking again, or use a new key.")
                                   .arg(id)});
                return BookingOutcome::refused(errors);
            }
            BookingOutcome replay;
            replay.result = BookingOutcome::Result::Replayed;
            replay.booking = select(QStringLiteral("b.id = ?"), {id}, zone).value(0);
            return replay;
        }
    }

    const QDate day = start.toTimeZone(zone).date();
    const SlotPlanner planner(ctx.inputFor(day));
    errors += slotProblems(ctx, planner, start);
    if (!errors.isEmpty())
        return BookingOutcome::refused(errors);

    // The bays free in the snapshot just read, in preference order; the
    // constraint has the last word on each.
    const QList<BayRef> free = planner.freeBays(start);
    if (free.isEmpty())
        return slotTaken(request.slot, start, zone);

    const auto [customerId, vehicleId] = upsertCustomer(request);
    const QString status = request.hold ? QStringLiteral("held") : QStringLiteral("confirmed");
    qint64 bookingId = 0;
    for (const BayRef &bay : free) {
        for (int attempt = 0; attempt < CodeAttempts && bookingId == 0; ++attempt) {
            const QString code = ConfirmationCode::generate();
            QSqlQuery query = Sql::exec(m_db, InsertSql,
                                        {code, status, bay.id, customerId, vehicleId, request.plate,
                                         ctx.settings.bufferMinutes, request.hold, ctx.settings.holdMinutes,
                                         textOrNull(request.idempotencyKey), textOrNull(hash), request.actor,
                                         textOrNull(request.language),
                                         request.slot.vehicleClass, IsoTime::toSql(start),
                                         Sql::idArray(request.slot.addonIds), request.slot.serviceId});
            if (query.next()) {
                bookingId = query.value(0).toLongLong();
                break;
            }
            const bool codeTaken
                = Sql::scalar(m_db,
                              QStringLiteral(
                                  "SELECT EXISTS (SELECT 1 FROM bookings WHERE code = ? AND status IN (%1))")
                                  .arg(BookingStatus::activeSqlList()),
                              {code})
                      .toBool();
            if (!codeTaken)
                break; // the slot went to someone else: try the next bay
        }
        if (bookingId != 0)
            break;
    }
    if (bookingId == 0)
        return slotTaken(request.slot, start, zone); // tx rolls back the customer upsert

    if (!request.slot.addonIds.isEmpty())
        Sql::exec(m_db,
                  QStringLiteral(
                      "INSERT INTO booking_addons (booking_id, addon_id, price_cents, extra_minutes) "
                      "SELECT ?, id, price_cents, extra_minutes FROM addons WHERE id = ANY (?::bigint[])"),
                  {bookingId, Sql::idArray(request.slot.addonIds)});

    BookingOutcome outcome;
    outcome.result = BookingOutcome::Result::Booked;
    outcome.booking = select(QStringLiteral("b.id = ?"), {bookingId}, zone).value(0);
    const Booking &b = outcome.booking;
    QJsonObject details {
        {QStringLiteral("code"), b.code},
        {QStringLiteral("status"), b.status},
        {QStringLiteral("bay_id"), b.bay.id},
        {QStringLiteral("start"), IsoTime::format(b.start)},
        {QStringLiteral("price_cents"), b.priceCents},
    };
    if (!request.idempotencyKey.isEmpty())
        details.insert(QStringLiteral("idempotency_key"), request.idempotencyKey);
    AuditLog::write(m_db, request.actor, QStringLiteral("booking.create"), QStringLiteral("booking"),
                    QString::number(b.id), details);
    notifyChanged(b);
    tx.commit();
    return outcome;
}

DbResult<Booking> BookingRepo::changeStatus(const QString &idOrCode, const QString &status,
                                            const QString &actor, const QString &reason)
{
    if (!BookingStatus::isKnown(status))
        return DbError(DbError::Kind::Invalid,
                       tr("\"%1\" is not a booking status. Statuses: %2.")
                           .arg(status, BookingStatus::all().join(QStringLiteral(", "))));
    if (reason.size() > MaxReasonLength)
        return DbError(DbError::Kind::Invalid,
                       tr("The reason may have at most %1 characters.").arg(MaxReasonLength));

    Transaction tx(m_db);
    const std::optional<qint64> id = resolve(idOrCode);
    if (!id)
        return DbError(DbError::Kind::NotFound,
                       tr("There is no booking with ID or code \"%1\".").arg(idOrCode));

    QString current;
    QString code;
    bool holdLapsed = false;
    {
        // FOR UPDATE: two desks changing one booking take turns, and a
        // payment confirming a hold meets a racing insert's expiry cleanly.
        QSqlQuery query
            = Sql::exec(m_db,
                        QStringLiteral("SELECT status, code, booking_status_now(status, hold_expires_at) <> status "
                                       "FROM bookings WHERE id = ? FOR UPDATE"),
                        {*id});
        query.next();
        current = query.value(0).toString();
        code = query.value(1).toString();
        holdLapsed = query.value(2).toBool();
    }
    auto record = [&](const QString &from, const QString &to, const QString &who, const QString &why) {
        Sql::exec(m_db, QStringLiteral("UPDATE bookings SET status = ? WHERE id = ?"), {to, *id});
        QJsonObject details {
            {QStringLiteral("code"), code}, {QStringLiteral("from"), from}, {QStringLiteral("to"), to}};
        if (!why.isEmpty())
            details.insert(QStringLiteral("reason"), why);
        AuditLog::write(m_db, who, QStringLiteral("booking.status"), QStringLiteral("booking"),
                        QString::number(*id), details);
    };
    const QTimeZone zone = siteZone();
    if (holdLapsed) {
        // Its slot is free for others already; make the row say so.
        record(QStringLiteral("held"), QStringLiteral("expired"), QStringLiteral("system"),
               QStringLiteral("hold expired"));
        current = QStringLiteral("expired");
        if (status == current) {
            const Booking b = select(QStringLiteral("b.id = ?"), {*id}, zone).value(0);
            notifyChanged(b);
            tx.commit();
            return b;
        }
    }
    if (!BookingStatus::canChange(current, status)) {
        const QStringList allowed = BookingStatus::allowedFrom(current);
        const QString message = allowed.isEmpty()
            ? tr("Booking %1 cannot change to %2: its status %3 is final.")
                  .arg(code, BookingWords::status(status), BookingWords::status(current))
            : tr("Booking %1 cannot change from %2 to %3; from %2 it can change to: %4.")
                  .arg(code, BookingWords::status(current), BookingWords::status(status),
                       BookingWords::statuses(allowed));
        if (holdLapsed) {
            notifyChanged(select(QStringLiteral("b.id = ?"), {*id}, zone).value(0));
            tx.commit(); // keep the expiry
        }
        return DbError(DbError::Kind::Invalid, message);
    }
    record(current, status, actor, reason.trimmed());
    const Booking b = select(QStringLiteral("b.id = ?"), {*id}, zone).value(0);
    notifyChanged(b);
    tx.commit();
    return b;
}
