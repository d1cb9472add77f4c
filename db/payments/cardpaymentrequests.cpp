#include "db/payments/cardpaymentrequests.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingdetails.h"
#include "db/bookings/bookingrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"
#include "db/text/money.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTimeZone>

namespace {

const QString RequestSelectSql = QStringLiteral(
    "SELECT id, kind, status, booking_id, payment_id, refund_id, reader_id, idempotency_key, error_code, "
    "error_message, result::text, (extract(epoch FROM created_at) * 1000)::bigint, "
    "(extract(epoch FROM answered_at) * 1000)::bigint FROM payment_requests WHERE id = ?");

} // namespace

CardPaymentRequests::CardPaymentRequests(QSqlDatabase &db)
    : m_db(db)
{ }

qint64 CardPaymentRequests::nextId(const QString &table)
{
    return Sql::scalar(m_db, QStringLiteral("SELECT nextval(pg_get_serial_sequence(?, 'id'))"), {table})
        .toLongLong();
}

qint64 CardPaymentRequests::insertRequest(const QString &kind, qint64 bookingId, qint64 paymentId,
                                          qint64 refundId, const QString &readerId, const QString &locale,
                                          const QString &key, const QString &actor)
{
    auto idOrNull = [](qint64 id) { return id ? QVariant(id) : QVariant(QMetaType::fromType<qint64>()); };
    auto textOrNull = [](const QString &text) {
        return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
    };
    const qint64 id
        = Sql::scalar(m_db,
                      QStringLiteral("INSERT INTO payment_requests (kind, booking_id, payment_id, refund_id, "
                                     "reader_id, locale, idempotency_key, requested_by) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                      {kind, idOrNull(bookingId), idOrNull(paymentId), idOrNull(refundId),
                       textOrNull(readerId), textOrNull(locale), key, actor})
              .toLongLong();
    // Delivered at commit: the server never sees a request it cannot read.
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('payment_requests', ?)"), {QString::number(id)});
    return id;
}

qint64 CardPaymentRequests::cancelLive(const Payment &live, const QString &code, const QString &actor,
                                       const QString &why)
{
    QSqlQuery cancelled = Sql::exec(
        m_db, QStringLiteral("UPDATE payments SET status = 'cancelled' WHERE id = ? AND status = 'pending'"),
        {live.id});
    if (cancelled.numRowsAffected() == 0) {
        // Changed since it was read (a writer that did not take the booking's
        // lock first): the whole unit of work again, on what is true now.
        throw DbException(DbError(DbError::Kind::Transient,
                                  tr("A card payment changed meanwhile; try again."),
                                  QStringLiteral("payment %1 no longer pending").arg(live.id)));
    }
    // A create the server has not picked up yet never reaches Stripe: fail
    // it here, and there is nothing at Stripe to cancel.
    QSqlQuery unsent = Sql::exec(
        m_db,
        QStringLiteral(
            "UPDATE payment_requests SET status = 'failed', error_code = 'cancelled', "
            "error_message = ?, answered_at = now() "
            "WHERE payment_id = ? AND kind IN ('checkout', 'reader_payment') AND status = 'pending'"),
        {tr("Cancelled before it was sent to Stripe."), live.id});
    const bool neverSent = unsent.numRowsAffected() > 0;
    qint64 requestId = 0;
    if (!neverSent)
        requestId = insertRequest(QStringLiteral("cancel"), live.bookingId, live.id, 0, live.stripeReaderId,
                                  {}, QStringLiteral("payment-%1-cancel").arg(live.id), actor);
    AuditLog::write(m_db, actor, QStringLiteral("payment.cancelled"), QStringLiteral("booking"),
                    QString::number(live.bookingId),
                    {{QStringLiteral("code"), code},
                     {QStringLiteral("payment_id"), live.id},
                     {QStringLiteral("method"), live.method},
                     {QStringLiteral("amount_cents"), live.amountCents},
                     {QStringLiteral("currency"), live.currency},
                     {QStringLiteral("reason"), why},
                     {QStringLiteral("request_id"), requestId}});
    return requestId;
}

QList<qint64> CardPaymentRequests::cancelLiveCard(const AmountDue &owed, const QString &actor,
                                                  const QString &why)
{
    QList<qint64> cancelled;
    for (const Payment &p : owed.payments) {
        if (p.isCard() && p.status == u"pending") {
            cancelLive(p, owed.code, actor, why);
            cancelled.append(p.id);
        }
    }
    return cancelled;
}

DbResult<CardPaymentStart> CardPaymentRequests::startCheckout(qint64 bookingId, const QString &actor,
                                                              const QString &locale)
{
    return start(bookingId, QStringLiteral("stripe_checkout"), {}, actor, locale);
}

DbResult<CardPaymentStart> CardPaymentRequests::startReaderPayment(qint64 bookingId, const QString &readerId,
                                                                   const QString &actor)
{
    return start(bookingId, QStringLiteral("terminal"), readerId, actor, {});
}

DbResult<CardPaymentStart> CardPaymentRequests::startAttempt(qint64 bookingId, bool onReader,
                                                             const QString &readerId, const QString &locale,
                                                             const QString &actor, qint64 previousPaymentId)
{
    if (previousPaymentId) {
        const std::optional<Payment> old = PaymentRepo(m_db).byId(previousPaymentId);
        if (old && old->status == u"pending") {
            const DbResult<qint64> ended = cancel(previousPaymentId, actor);
            if (!ended.ok())
                return ended.error();
        }
    }
    return onReader ? startReaderPayment(bookingId, readerId, actor) : startCheckout(bookingId, actor, locale);
}

DbResult<CardPaymentStart> CardPaymentRequests::start(qint64 bookingId, const QString &method,
                                                      const QString &readerId, const QString &actor,
                                                      const QString &locale)
{
    const bool checkout = method == u"stripe_checkout";
    const QString kind = checkout ? QStringLiteral("checkout") : QStringLiteral("reader_payment");
    Transaction tx(m_db);
    PaymentRepo payments(m_db);
    const DbResult<AmountDue> locked = payments.lockDue(bookingId);
    if (!locked.ok())
        return locked.error();
    const AmountDue &owed = locked.value();
    if (!checkout) {
        QSqlQuery reader
            = Sql::exec(m_db, QStringLiteral("SELECT 1 FROM card_readers WHERE id = ?"), {readerId});
        if (!reader.next())
            return DbError(DbError::Kind::NotFound,
                           tr("There is no card reader %1 (see: carwash-admin reader list).").arg(readerId));
    }
    if (!BookingDetails::acceptsPayment(owed.status))
        return DbError(DbError::Kind::Invalid,
                       tr("Booking %1 cannot be paid: its status is %2.")
                           .arg(owed.code, BookingWords::status(owed.status)));

    std::optional<Payment> live;
    for (const Payment &p : owed.payments) {
        if (p.isCard() && p.isLive())
            live = p;
    }
    if (live && live->status == u"processing")
        return DbError(DbError::Kind::Invalid,
                       tr("A card payment of booking %1 is being processed by the bank; wait for it to "
                          "succeed or fail before asking again.")
                           .arg(owed.code));

    if (live && live->method == method && live->amountCents == owed.dueCents) {
        QSqlQuery last
            = Sql::exec(m_db,
                        QStringLiteral("SELECT id, status FROM payment_requests WHERE payment_id = ? "
                                       "AND kind = ? ORDER BY id DESC LIMIT 1"),
                        {live->id, kind});
        const qint64 requestId = last.next() ? last.value(0).toLongLong() : 0;
        const QString requestStatus = requestId ? last.value(1).toString() : QString();
        const bool inFlight = requestStatus == u"pending" || requestStatus == u"working";
        bool reuse = false;
        if (checkout) {
            const bool open = Sql::scalar(m_db,
                                          QStringLiteral("SELECT checkout_url IS NOT NULL AND "
                                                         "coalesce(checkout_expires_at > now(), false) "
                                                         "FROM payments WHERE id = ?"),
                                          {live->id})
                                  .toBool();
            reuse = open || (live->checkoutUrl.isEmpty() && inFlight);
        } else {
            reuse = live->stripeReaderId == readerId && requestStatus != u"failed";
        }
        if (reuse) {
            tx.commit();
            return CardPaymentStart {live->id, requestId, true, live->amountCents, live->currency, {}};
        }
    }
    if (owed.dueCents <= 0)
        return DbError(DbError::Kind::Invalid,
                       tr("Booking %1 is already paid; nothing is due.").arg(owed.code));

    CardPaymentStart started;
    started.amountCents = owed.dueCents;
    started.currency = owed.currency;
    if (live) {
        // The audit's words, as stored (not translated).
        cancelLive(*live, owed.code, actor,
                   checkout ? QStringLiteral("replaced by a Checkout link")
                            : QStringLiteral("replaced by the card reader"));
        started.cancelledPaymentIds.append(live->id);
    }
    started.paymentId = nextId(QStringLiteral("payments"));
    const QString key = QStringLiteral("payment-%1-%2").arg(started.paymentId).arg(kind);
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO payments (id, booking_id, method, status, amount_cents, currency, "
                             "stripe_terminal_reader_id, idempotency_key, created_by, tax_rate_basis_points, "
                             "prices_include_tax, net_cents, tax_cents, gross_cents) "
                             "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
              {started.paymentId, bookingId, method, owed.dueCents, owed.currency,
               checkout ? QVariant(QMetaType::fromType<QString>()) : QVariant(readerId), key, actor,
               owed.taxRateBasisPoints, owed.pricesIncludeTax, owed.charge.netCents, owed.charge.taxCents,
               owed.charge.totalCents});
    started.requestId = insertRequest(kind, bookingId, started.paymentId, 0, readerId, locale, key, actor);
    AuditLog::write(m_db, actor, QStringLiteral("payment.card_requested"), QStringLiteral("booking"),
                    QString::number(bookingId),
                    {{QStringLiteral("code"), owed.code},
                     {QStringLiteral("payment_id"), started.paymentId},
                     {QStringLiteral("request_id"), started.requestId},
                     {QStringLiteral("method"), method},
                     {QStringLiteral("reader_id"), readerId},
                     {QStringLiteral("amount_cents"), owed.dueCents},
                     {QStringLiteral("currency"), owed.currency},
                     {QStringLiteral("tax_rate_basis_points"), owed.taxRateBasisPoints},
                     {QStringLiteral("prices_include_tax"), owed.pricesIncludeTax},
                     {QStringLiteral("tax_cents"), owed.charge.taxCents}});
    BookingRepo bookings(m_db);
    bookings.notifyChanged(*bookings.byId(bookingId));
    tx.commit();
    return started;
}

DbResult<qint64> CardPaymentRequests::cancel(qint64 paymentId, const QString &actor)
{
    Transaction tx(m_db);
    QSqlQuery owner
        = Sql::exec(m_db, QStringLiteral("SELECT booking_id FROM payments WHERE id = ?"), {paymentId});
    if (!owner.next())
        return DbError(DbError::Kind::NotFound, tr("There is no payment with ID %1.").arg(paymentId));
    const qint64 bookingId = owner.value(0).toLongLong();
    // The booking's lock first, as every payment change takes it.
    const QString code
        = Sql::scalar(m_db, QStringLiteral("SELECT code FROM bookings WHERE id = ? FOR UPDATE"), {bookingId})
              .toString();
    const Payment payment = *PaymentRepo(m_db).byId(paymentId);
    if (!payment.isCard())
        return DbError(
            DbError::Kind::Invalid,
            tr("Payment %1 was taken in cash; give money back with a refund instead.").arg(paymentId));
    if (payment.status != u"pending")
        return DbError(DbError::Kind::Invalid,
                       tr("Payment %1 is no longer waiting to be paid (it is %2); there "
                          "is nothing to cancel.")
                           .arg(paymentId)
                           .arg(BookingWords::paymentStatus(payment.status)));
    const qint64 requestId = cancelLive(payment, code, actor, QStringLiteral("cancelled"));
    BookingRepo bookings(m_db);
    bookings.notifyChanged(*bookings.byId(bookingId));
    tx.commit();
    return requestId;
}

qint64 CardPaymentRequests::requestReconcile(const QString &actor)
{
    Transaction tx(m_db);
    const qint64 id = nextId(QStringLiteral("payment_requests"));
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO payment_requests (id, kind, idempotency_key, requested_by) "
                             "VALUES (?, 'reconcile', ?, ?)"),
              {id, QStringLiteral("reconcile-%1").arg(id), actor});
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('payment_requests', ?)"), {QString::number(id)});
    AuditLog::write(m_db, actor, QStringLiteral("payment.reconcile_requested"),
                    QStringLiteral("payment_request"), QString::number(id));
    tx.commit();
    return id;
}

std::optional<PaymentRequestState> CardPaymentRequests::request(qint64 requestId)
{
    QSqlQuery q = Sql::exec(m_db, RequestSelectSql, {requestId});
    if (!q.next())
        return std::nullopt;
    PaymentRequestState r;
    r.id = q.value(0).toLongLong();
    r.kind = q.value(1).toString();
    r.status = q.value(2).toString();
    r.bookingId = q.value(3).toLongLong();
    r.paymentId = q.value(4).toLongLong();
    r.refundId = q.value(5).toLongLong();
    r.readerId = q.value(6).toString();
    r.idempotencyKey = q.value(7).toString();
    r.errorCode = q.value(8).toString();
    r.errorMessage = q.value(9).toString();
    r.result = QJsonDocument::fromJson(q.value(10).toString().toUtf8()).object();
    r.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(11).toLongLong(), QTimeZone::utc());
    if (!q.value(12).isNull())
        r.answeredAt = QDateTime::fromMSecsSinceEpoch(q.value(12).toLongLong(), QTimeZone::utc());
    return r;
}

CardPaymentAvailability CardPaymentRequests::availability()
{
    // The database's clock on both sides, so a desk's wrong clock cannot
    // make a live server look silent or a dead one alive.
    const QVariant age
        = Sql::scalar(m_db,
                      QStringLiteral("SELECT extract(epoch FROM now() - max(updated_at))::float8 "
                                     "FROM process_health WHERE program = ?"),
                      {CardPaymentAvailability::ServerProgram});
    return CardPaymentAvailability::fromAge(age.isNull() ? -1.0 : std::max(0.0, age.toDouble()));
}
