#include "db/bookings/bookingsearch.h"

#include "db/bookings/bookingrequest.h"
#include "db/bookings/confirmationcode.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QSqlQuery>

namespace {

constexpr int MaxLimit = 200;

// Each way of matching is its own branch so each can use its index: the
// code (bookings_code_idx), the plate prefix (bookings_plate_idx; LIKE with
// a fixed prefix uses a btree under the C collation the clusters are made
// with), and the customers found by phone or name (a small table) through
// bookings_customer_idx. A branch whose input is empty matches nothing.
const QString SearchSql = QStringLiteral(R"(
WITH people AS (
    SELECT c.id FROM customers AS c
     WHERE c.name ILIKE ? ESCAPE '\'
        OR (? <> '' AND strpos(c.phone_digits, ?) > 0)
), hits AS (
    SELECT b.id FROM bookings AS b WHERE ? <> '' AND b.code = ?
    UNION
    SELECT b.id FROM bookings AS b WHERE ? <> '' AND b.plate LIKE ? ESCAPE '\'
    UNION
    SELECT b.id FROM bookings AS b WHERE b.customer_id IN (SELECT id FROM people)
)
SELECT b.id, b.code,
       booking_status_now(b.status, b.hold_expires_at),
       (extract(epoch FROM b.starts_at) * 1000)::bigint,
       (extract(epoch FROM b.ends_at) * 1000)::bigint,
       y.name, s.name, b.vehicle_class, b.plate, c.name, c.phone, c.email, b.price_cents, b.currency
  FROM hits AS h
  JOIN bookings AS b ON b.id = h.id
  JOIN bays AS y ON y.id = b.bay_id
  JOIN services AS s ON s.id = b.service_id
  JOIN customers AS c ON c.id = b.customer_id
 ORDER BY abs(extract(epoch FROM b.starts_at - now())), b.id DESC
 LIMIT ?)");

} // namespace

BookingSearch::BookingSearch(QSqlDatabase &db)
    : m_db(db)
{ }

QString BookingSearch::escapeLike(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            out += u'\\';
        out += c;
    }
    return out;
}

DbResult<QList<BookingMatch>> BookingSearch::find(const QString &text, int limit)
{
    const QString needle = text.trimmed();
    if (needle.isEmpty() || needle.size() > MaxTextLength)
        return DbError(DbError::Kind::Invalid,
                       tr("Search for a plate, a phone number, a name or a confirmation code (1 to %1 "
                          "characters).")
                           .arg(MaxTextLength));
    limit = qBound(1, limit, MaxLimit);

    const QString code = ConfirmationCode::looksLikeCode(needle) ? needle.toUpper() : QString();
    const QString plate = BookingRequest::normalisePlate(needle);
    const QString platePattern = plate.size() >= 2 ? escapeLike(plate) + u'%' : QString();
    const QString digits = BookingRequest::phoneSearchDigits(needle);
    const QString namePattern = u'%' + escapeLike(needle) + u'%';
    const QTimeZone zone = SettingsRepo(m_db).load().timeZone;

    QList<BookingMatch> found;
    QSqlQuery query = Sql::exec(m_db, SearchSql,
                                {namePattern, digits, digits, code, code, platePattern, platePattern, limit});
    while (query.next()) {
        BookingMatch m;
        m.id = query.value(0).toLongLong();
        m.code = query.value(1).toString();
        m.status = query.value(2).toString();
        m.start = IsoTime::fromEpochMs(query.value(3).toLongLong(), zone);
        m.end = IsoTime::fromEpochMs(query.value(4).toLongLong(), zone);
        m.bayName = query.value(5).toString();
        m.serviceName = query.value(6).toString();
        m.vehicleClass = query.value(7).toString();
        m.plate = query.value(8).toString();
        m.customerName = query.value(9).toString();
        m.phone = query.value(10).isNull() ? QString() : query.value(10).toString();
        m.email = query.value(11).isNull() ? QString() : query.value(11).toString();
        m.priceCents = query.value(12).toLongLong();
        m.currency = query.value(13).toString();
        found.append(m);
    }
    return found;
}
