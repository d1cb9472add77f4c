#include "db/customers/customereraser.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingrequest.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

#include <functional>
#include <optional>

namespace {

// U+2126 OHM SIGN: an upper-case letter that NFC maps to U+03A9, so no
// normalised plate ever starts with it. Bound as a value wherever SQL
// derives a plate from a row id, so C++ and SQL agree.
const QString PlatePrefix = QString(QChar(0x2126));

// What a booking's request_hash becomes: not a digest any request can have,
// so a late retry with the same idempotency key is refused rather than
// booked twice, and no digest of the person's details is left.
const QString ErasedHash = QStringLiteral("erased");

const QString Redacted = QStringLiteral("[erased]");

// Where Stripe puts what it collected from the payer (Checkout's
// customer_details, a charge's billing_details, addresses, receipts).
const QStringList StripePersonalKeys = {
    QStringLiteral("customer_details"),
    QStringLiteral("billing_details"),
    QStringLiteral("shipping"),
    QStringLiteral("shipping_details"),
    QStringLiteral("customer_email"),
    QStringLiteral("receipt_email"),
    QStringLiteral("customer_name"),
    QStringLiteral("customer_phone"),
    QStringLiteral("collected_information"),
};

// What becomes of one member of a JSON object: nullopt leaves it and looks
// inside it; a value replaces it (its inside is not visited).
using MemberRewrite = std::function<std::optional<QJsonValue>(const QString &key, const QJsonValue &member)>;

// Applies rewrite to every member of every object at any depth; true when
// something changed.
bool rewriteMembers(QJsonValue &value, const MemberRewrite &rewrite)
{
    bool changed = false;
    const auto visit = [&](QJsonValueRef slot, const QString &key, bool isMember) {
        QJsonValue inner = slot;
        if (const std::optional<QJsonValue> replaced = isMember ? rewrite(key, inner) : std::nullopt) {
            if (*replaced != inner) {
                slot = *replaced;
                changed = true;
            }
        } else if (rewriteMembers(inner, rewrite)) {
            slot = inner;
            changed = true;
        }
    };
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            visit(*it, it.key(), true);
        if (changed)
            value = object;
    } else if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            visit(*it, QString(), false);
        if (changed)
            value = array;
    }
    return changed;
}

// Sets every key of StripePersonalKeys, at any depth, to null; true when
// something was there.
bool scrubKeys(QJsonValue &value)
{
    return rewriteMembers(value, [](const QString &key, const QJsonValue &) -> std::optional<QJsonValue> {
        if (!StripePersonalKeys.contains(key))
            return std::nullopt;
        return QJsonValue(QJsonValue::Null);
    });
}

// Whole-word, any-case matches of the erased values in text people typed.
class Redactor
{
public:
    explicit Redactor(const QStringList &terms)
    {
        QStringList alternatives;
        for (const QString &t : terms) {
            if (t.trimmed().size() >= 2)
                alternatives << QRegularExpression::escape(t.trimmed());
        }
        // Longest first, so "Ann Lee" wins over "Ann".
        std::sort(alternatives.begin(), alternatives.end(),
                  [](const QString &a, const QString &b) { return a.size() > b.size(); });
        if (!alternatives.isEmpty())
            m_pattern = QRegularExpression(
                QStringLiteral("(?<![\\p{L}\\p{N}])(?:%1)(?![\\p{L}\\p{N}])").arg(alternatives.join(u'|')),
                QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    }

    bool redact(QString &text) const
    {
        if (!m_pattern.isValid() || m_pattern.pattern().isEmpty())
            return false;
        const QString before = text;
        text.replace(m_pattern, Redacted);
        return text != before;
    }

    // Every "reason" string, at any depth.
    bool redactReasons(QJsonValue &value) const
    {
        return rewriteMembers(value, [this](const QString &key, const QJsonValue &member) -> std::optional<QJsonValue> {
            if (key != u"reason" || !member.isString())
                return std::nullopt;
            QString text = member.toString();
            redact(text);
            return QJsonValue(text);
        });
    }

private:
    QRegularExpression m_pattern {QString()};
};

QList<qint64> ids(QSqlQuery query)
{
    QList<qint64> out;
    while (query.next())
        out << query.value(0).toLongLong();
    return out;
}

} // namespace

const QString CustomerEraser::ErasedName = QStringLiteral("Erased customer");

QString ForgetTarget::byName() const
{
    switch (by) {
    case By::Id:
        return QStringLiteral("id");
    case By::Phone:
        return QStringLiteral("phone");
    case By::Email:
        return QStringLiteral("email");
    }
    return {};
}

QJsonObject ForgottenCustomer::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("already_forgotten"), alreadyForgotten},
            {QStringLiteral("vehicles"), vehicles},
            {QStringLiteral("bookings"), bookings},
            {QStringLiteral("payments"), payments},
            {QStringLiteral("payment_events"), paymentEvents},
            {QStringLiteral("texts_redacted"), textsRedacted}};
}

CustomerEraser::CustomerEraser(QSqlDatabase &db)
    : m_db(db)
{ }

DbResult<ForgetTarget> CustomerEraser::parse(const QString &idPhoneOrEmail)
{
    const QString text = idPhoneOrEmail.trimmed();
    ForgetTarget target;
    if (text.isEmpty())
        return DbError(DbError::Kind::Invalid,
                       tr("Name the customer to forget: their ID, phone number or e-mail address."));
    if (text.contains(u'@')) {
        static const QRegularExpression shape(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
        if (!shape.match(text).hasMatch() || text.size() > 254)
            return DbError(DbError::Kind::Invalid,
                           tr("\"%1\" is not an e-mail address (name@example.com).").arg(text));
        target.by = ForgetTarget::By::Email;
        target.text = text;
        return target;
    }
    static const QRegularExpression digitsOnly(QStringLiteral("^[0-9]+$"));
    if (digitsOnly.match(text).hasMatch()) {
        bool ok = false;
        target.id = text.toLongLong(&ok);
        if (!ok || target.id <= 0)
            return DbError(DbError::Kind::Invalid, tr("\"%1\" is not a customer ID.").arg(text));
        return target;
    }
    static const QRegularExpression phoneShape(QStringLiteral("^\\+?[0-9 ().\\-]+$"));
    if (phoneShape.match(text).hasMatch() || text.startsWith(u'+')) {
        target.by = ForgetTarget::By::Phone;
        target.text = BookingRequest::phoneSearchDigits(text);
        if (!phoneShape.match(text).hasMatch() || target.text.isEmpty())
            return DbError(DbError::Kind::Invalid,
                           tr("\"%1\" is not a phone number: it needs at least 3 digits (spaces, dashes, "
                              "dots, parentheses and a leading + may be among them).")
                               .arg(text));
        return target;
    }
    return DbError(DbError::Kind::Invalid,
                   tr("\"%1\" is neither a customer ID (a number), a phone number (+1 555-0100) nor an "
                      "e-mail address.")
                       .arg(text));
}

QString CustomerEraser::placeholderPlate(qint64 vehicleId)
{
    // Ten characters hold ids below 10^9, more vehicles than a site meets.
    return PlatePrefix + QString::number(vehicleId);
}

DbResult<QList<ForgottenCustomer>> CustomerEraser::forget(const ForgetTarget &target, const QString &actor,
                                                          Mode mode)
{
    Transaction tx(m_db);
    QString where;
    QVariant value;
    switch (target.by) {
    case ForgetTarget::By::Id:
        where = QStringLiteral("id = ?");
        value = target.id;
        break;
    case ForgetTarget::By::Phone:
        where = QStringLiteral("phone_digits = ?");
        value = target.text;
        break;
    case ForgetTarget::By::Email:
        where = QStringLiteral("lower(email) = lower(?)");
        value = target.text;
        break;
    }
    const QList<qint64> found = ids(
        Sql::exec(m_db, QStringLiteral("SELECT id FROM customers WHERE %1 ORDER BY id").arg(where), {value}));
    if (found.isEmpty()) {
        switch (target.by) {
        case ForgetTarget::By::Id:
            return DbError(DbError::Kind::NotFound, tr("There is no customer with ID %1.").arg(target.id));
        case ForgetTarget::By::Phone:
            return DbError(
                DbError::Kind::NotFound,
                tr("No customer has the phone number %1 (compared by its digits).").arg(target.text));
        case ForgetTarget::By::Email:
            return DbError(DbError::Kind::NotFound,
                           tr("No customer has the e-mail address %1.").arg(target.text));
        }
    }
    // In the order BookingRepo::create takes them (the plate's vehicle, then
    // its customer, then the new booking): a booking racing this one waits
    // for it instead of deadlocking, then finds the plate gone.
    const QString idList = Sql::idArray(found);
    Sql::exec(m_db,
              QStringLiteral(
                  "SELECT id FROM vehicles WHERE customer_id = ANY (?::bigint[]) ORDER BY id FOR UPDATE"),
              {idList});
    Sql::exec(m_db,
              QStringLiteral("SELECT id FROM customers WHERE id = ANY (?::bigint[]) ORDER BY id FOR UPDATE"),
              {idList});
    Sql::exec(m_db,
              QStringLiteral(
                  "SELECT id FROM bookings WHERE customer_id = ANY (?::bigint[]) ORDER BY id FOR UPDATE"),
              {idList});

    // Everything being erased, of every customer found (one person who
    // booked twice wrote their details into either's history), and what the
    // operator typed to find them: to blank it again in free text.
    QStringList terms = erasedValues(idList);
    if (target.by == ForgetTarget::By::Email)
        terms << target.text;
    else if (target.by == ForgetTarget::By::Phone && target.text.size() >= 5)
        terms << target.text;

    QList<ForgottenCustomer> forgotten;
    for (const qint64 id : found)
        forgotten << forgetOne(id, target, actor, terms);
    if (mode == Mode::Forget)
        tx.commit(); // a dry run rolls back as tx goes
    return forgotten;
}

QStringList CustomerEraser::erasedValues(const QString &customerIds)
{
    QStringList terms;
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("SELECT name, phone, email, phone_digits FROM customers "
                                           "WHERE id = ANY (?::bigint[]) "
                                           "UNION SELECT plate, NULL, NULL, NULL FROM vehicles "
                                           "WHERE customer_id = ANY (?::bigint[]) "
                                           "UNION SELECT plate, NULL, NULL, NULL FROM bookings "
                                           "WHERE customer_id = ANY (?::bigint[])"),
                            {customerIds, customerIds, customerIds});
    while (q.next()) {
        const QString nameOrPlate = q.value(0).toString();
        if (nameOrPlate != ErasedName && !nameOrPlate.startsWith(PlatePrefix))
            terms << nameOrPlate;
        terms << q.value(1).toString() << q.value(2).toString();
        if (q.value(3).toString().size() >= 5) // fewer digits are too common in text to blank
            terms << q.value(3).toString();
    }
    terms.removeAll(QString());
    terms.removeDuplicates();
    return terms;
}

ForgottenCustomer CustomerEraser::forgetOne(qint64 customerId, const ForgetTarget &target,
                                            const QString &actor, const QStringList &terms)
{
    ForgottenCustomer result;
    result.id = customerId;

    const bool customerChanged
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE customers SET name = ?, phone = NULL, email = NULL WHERE id = ? "
                                   "AND (name <> ? OR phone IS NOT NULL OR email IS NOT NULL)"),
                    {ErasedName, customerId, ErasedName})
              .numRowsAffected()
        > 0;
    const int vehiclesChanged = Sql::exec(m_db,
                                          QStringLiteral("UPDATE vehicles SET plate = ? || id::text "
                                                         "WHERE customer_id = ? AND plate <> ? || id::text"),
                                          {PlatePrefix, customerId, PlatePrefix})
                                    .numRowsAffected();
    // The plate as booked becomes its vehicle's placeholder, so the desk
    // still sees which of their bookings were the same car.
    const int bookingsChanged
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE bookings SET plate = ? || vehicle_id::text, "
                                   "request_hash = CASE WHEN request_hash IS NULL THEN NULL ELSE ? END "
                                   "WHERE customer_id = ? AND (plate <> ? || vehicle_id::text "
                                   "OR request_hash IS DISTINCT FROM (CASE WHEN request_hash IS NULL "
                                   "THEN NULL ELSE ? END))"),
                    {PlatePrefix, ErasedHash, customerId, PlatePrefix, ErasedHash})
              .numRowsAffected();

    const QList<qint64> bookingIds = ids(Sql::exec(
        m_db, QStringLiteral("SELECT id FROM bookings WHERE customer_id = ? ORDER BY id"), {customerId}));
    const QString bookingList = Sql::idArray(bookingIds);
    result.vehicles = Sql::scalar(m_db, QStringLiteral("SELECT count(*) FROM vehicles WHERE customer_id = ?"),
                                  {customerId})
                          .toInt();
    result.bookings = int(bookingIds.size());
    result.payments
        = Sql::scalar(m_db,
                      QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = ANY (?::bigint[])"),
                      {bookingList})
              .toInt();
    result.paymentEvents = scrubPaymentEvents(bookingList);
    result.textsRedacted = redactTexts(bookingList, terms);
    // Their confirmation e-mails, sent or waiting, carry their address and
    // are no part of the books: gone, so none is sent after this either.
    const int mailsRemoved
        = Sql::exec(m_db, QStringLiteral("DELETE FROM mail_outbox WHERE booking_id = ANY (?::bigint[])"),
                    {bookingList})
              .numRowsAffected();
    result.alreadyForgotten = !customerChanged && vehiclesChanged == 0 && bookingsChanged == 0
        && result.paymentEvents == 0 && result.textsRedacted == 0 && mailsRemoved == 0;
    if (result.alreadyForgotten)
        return result;

    AuditLog::write(m_db, actor, QStringLiteral("customer.forget"), QStringLiteral("customer"),
                    QString::number(customerId),
                    {{QStringLiteral("matched_by"), target.byName()},
                     {QStringLiteral("vehicles"), result.vehicles},
                     {QStringLiteral("bookings"), result.bookings},
                     {QStringLiteral("payments"), result.payments},
                     {QStringLiteral("payment_events"), result.paymentEvents},
                     {QStringLiteral("texts_redacted"), result.textsRedacted}});
    // Boards and booking windows showing their bookings show the
    // placeholders at once (BookingChangeListener's payload).
    const QString zone = QString::fromLatin1(SettingsRepo(m_db).load().timeZone.id());
    Sql::exec(m_db,
              QStringLiteral("SELECT pg_notify('bookings_changed', json_build_object("
                             "'id', id, 'code', code, 'status', booking_status_now(status, hold_expires_at), "
                             "'day', to_char(starts_at AT TIME ZONE ?, 'YYYY-MM-DD'))::text) "
                             "FROM bookings WHERE id = ANY (?::bigint[])"),
              {zone, bookingList});
    return result;
}

int CustomerEraser::scrubPaymentEvents(const QString &bookingIds)
{
    QList<QPair<QString, QString>> changed;
    {
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT e.id, e.payload::text FROM stripe_events AS e "
                           "JOIN payments AS p ON p.id = e.payment_id "
                           "WHERE p.booking_id = ANY (?::bigint[]) ORDER BY e.id FOR UPDATE OF e"),
            {bookingIds});
        while (q.next()) {
            QJsonValue payload = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
            if (scrubKeys(payload))
                changed.append(
                    {q.value(0).toString(),
                     QString::fromUtf8(QJsonDocument(payload.toObject()).toJson(QJsonDocument::Compact))});
        }
    }
    for (const auto &[id, payload] : std::as_const(changed))
        Sql::exec(m_db, QStringLiteral("UPDATE stripe_events SET payload = ?::jsonb WHERE id = ?"),
                  {payload, id});
    return int(changed.size());
}

int CustomerEraser::redactTexts(const QString &bookingIds, const QStringList &terms)
{
    const Redactor redactor(terms);
    int count = 0;
    QList<QPair<qint64, QString>> details;
    {
        QSqlQuery q = Sql::exec(m_db,
                                QStringLiteral("SELECT id, details::text FROM audit_log "
                                               "WHERE entity = 'booking' AND entity_id = ANY (?::text[]) "
                                               "ORDER BY id"),
                                {bookingIds});
        while (q.next()) {
            QJsonValue d = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
            if (redactor.redactReasons(d))
                details.append(
                    {q.value(0).toLongLong(),
                     QString::fromUtf8(QJsonDocument(d.toObject()).toJson(QJsonDocument::Compact))});
        }
    }
    for (const auto &[id, text] : std::as_const(details))
        Sql::exec(m_db, QStringLiteral("UPDATE audit_log SET details = ?::jsonb WHERE id = ?"), {text, id});
    count += int(details.size());

    QList<QPair<qint64, QString>> reasons;
    {
        QSqlQuery q = Sql::exec(m_db,
                                QStringLiteral("SELECT r.id, r.reason FROM refunds AS r "
                                               "JOIN payments AS p ON p.id = r.payment_id "
                                               "WHERE p.booking_id = ANY (?::bigint[]) AND r.reason <> '' "
                                               "ORDER BY r.id FOR UPDATE OF r"),
                                {bookingIds});
        while (q.next()) {
            QString reason = q.value(1).toString();
            if (redactor.redact(reason))
                reasons.append({q.value(0).toLongLong(), reason});
        }
    }
    for (const auto &[id, text] : std::as_const(reasons))
        Sql::exec(m_db, QStringLiteral("UPDATE refunds SET reason = ? WHERE id = ?"), {text, id});
    count += int(reasons.size());
    return count;
}
