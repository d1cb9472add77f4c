#include "db/payments/paymentrequestqueue.h"

#include "db/payments/cardpaymentupdater.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"

#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>

namespace {

// Who the server's own answers are written down as in audit_log.
const QString ServerActor = QStringLiteral("system");

QDateTime utcFromMs(const QVariant &ms)
{
    return ms.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC);
}

const QString CardPaymentSelect
    = QStringLiteral("SELECT p.id, p.booking_id, p.method, p.status, p.stripe_checkout_session_id, "
                     "p.stripe_payment_intent_id, "
                     "p.stripe_terminal_reader_id, (extract(epoch FROM p.created_at) * 1000)::bigint "
                     "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id ");

QList<CardPaymentRef> readCardPayments(QSqlQuery &query)
{
    QList<CardPaymentRef> payments;
    while (query.next()) {
        CardPaymentRef p;
        p.paymentId = query.value(0).toLongLong();
        p.bookingId = query.value(1).toLongLong();
        p.method = query.value(2).toString();
        p.status = query.value(3).toString();
        p.checkoutSessionId = query.value(4).toString();
        p.paymentIntentId = query.value(5).toString();
        p.readerId = query.value(6).toString();
        p.createdAt = utcFromMs(query.value(7));
        payments.append(p);
    }
    return payments;
}

} // namespace

PaymentRequestQueue::PaymentRequestQueue(QSqlDatabase &db)
    : m_db(db)
{ }

QList<PaymentRequest> PaymentRequestQueue::claim(int limit, int leaseSeconds)
{
    Transaction tx(m_db);
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "UPDATE payment_requests AS r SET status = 'working', attempts = r.attempts + 1 "
            "WHERE r.id IN (SELECT id FROM payment_requests "
            "               WHERE status IN ('pending', 'working') "
            "                 AND (status = 'pending' OR updated_at < now() - make_interval(secs => ?)) "
            "               ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
            "RETURNING r.id, r.kind, r.booking_id, r.payment_id, r.refund_id, r.reader_id, r.locale, "
            "r.idempotency_key, r.attempts, r.requested_by, (extract(epoch FROM r.created_at) * "
            "1000)::bigint"),
        {std::max(0, leaseSeconds), std::max(0, limit)});
    QList<PaymentRequest> requests;
    while (query.next()) {
        PaymentRequest r;
        r.id = query.value(0).toLongLong();
        r.kind = query.value(1).toString();
        r.bookingId = query.value(2).toLongLong();
        r.paymentId = query.value(3).toLongLong();
        r.refundId = query.value(4).toLongLong();
        r.readerId = query.value(5).toString();
        r.locale = query.value(6).toString();
        r.idempotencyKey = query.value(7).toString();
        r.attempts = query.value(8).toInt();
        r.requestedBy = query.value(9).toString();
        r.createdAt = utcFromMs(query.value(10));
        requests.append(r);
    }
    query.finish();
    tx.commit();
    std::sort(requests.begin(), requests.end(), [](const PaymentRequest &a, const PaymentRequest &b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    });
    return requests;
}

bool PaymentRequestQueue::complete(qint64 requestId, const QJsonObject &result)
{
    Transaction tx(m_db);
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE payment_requests SET status = 'done', result = ?::jsonb, "
                                   "error_code = NULL, error_message = NULL, answered_at = now() "
                                   "WHERE id = ? AND status = 'working' RETURNING id"),
                    {QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)), requestId});
    if (!query.next())
        return false;
    query.finish();
    notifyAnswered(requestId);
    tx.commit();
    return true;
}

bool PaymentRequestQueue::fail(qint64 requestId, const QString &code, const QString &message)
{
    Transaction tx(m_db);
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE payment_requests SET status = 'failed', error_code = ?, "
                                   "error_message = ?, answered_at = now() "
                                   "WHERE id = ? AND status = 'working' "
                                   "RETURNING kind, payment_id, refund_id"),
                    {code, message, requestId});
    if (!query.next())
        return false;
    const QString kind = query.value(0).toString();
    const qint64 paymentId = query.value(1).toLongLong();
    const qint64 refundId = query.value(2).toLongLong();
    query.finish();
    CardPaymentUpdater updater(m_db, ServerActor);
    const QString source = QStringLiteral("request:%1").arg(requestId);
    if ((kind == u"checkout" || kind == u"reader_payment") && updater.failPayment(paymentId, message, source))
        updater.notifyChanged(paymentId);
    if (kind == u"refund" && updater.refundFailed(refundId, message, source))
        updater.notifyChanged(paymentId);
    notifyAnswered(requestId);
    tx.commit();
    return true;
}

void PaymentRequestQueue::notifyAnswered(qint64 requestId)
{
    QSqlQuery query = Sql::exec(
        m_db, QStringLiteral("SELECT payment_id, booking_id, status FROM payment_requests WHERE id = ?"),
        {requestId});
    query.next();
    const QJsonObject payload {{QStringLiteral("request_id"), requestId},
                               {QStringLiteral("payment_id"), query.value(0).toLongLong()},
                               {QStringLiteral("booking_id"), query.value(1).toLongLong()},
                               {QStringLiteral("status"), query.value(2).toString()}};
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('payments_changed', ?)"),
              {QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact))});
}

DbResult<CheckoutOrder> PaymentRequestQueue::checkoutOrder(qint64 paymentId)
{
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT p.id, p.booking_id, b.code, p.method, p.status, p.amount_cents, p.currency, "
            "p.tax_rate_basis_points, p.prices_include_tax, p.tax_cents, "
            "CASE WHEN b.status = 'held' THEN (extract(epoch FROM b.hold_expires_at) * 1000)::bigint END, "
            "p.idempotency_key, p.stripe_checkout_session_id, p.stripe_payment_intent_id, "
            "p.stripe_terminal_reader_id, b.price_cents, s.name, b.vehicle_class, "
            "(SELECT r.locale FROM payment_requests AS r WHERE r.payment_id = p.id AND r.locale IS NOT NULL "
            " ORDER BY r.created_at DESC, r.id DESC LIMIT 1) "
            "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id "
            "JOIN services AS s ON s.id = b.service_id "
            "WHERE p.id = ? AND p.method IN ('stripe_checkout', 'terminal')"),
        {paymentId});
    if (!query.next())
        return DbError(DbError::Kind::NotFound, tr("There is no card payment with ID %1.").arg(paymentId));
    CheckoutOrder order;
    order.paymentId = query.value(0).toLongLong();
    order.bookingId = query.value(1).toLongLong();
    order.bookingCode = query.value(2).toString();
    order.method = query.value(3).toString();
    order.status = query.value(4).toString();
    order.amountCents = query.value(5).toLongLong();
    order.currency = query.value(6).toString();
    const int rate = query.value(7).toInt();
    const bool inclusive = query.value(8).toBool();
    const qint64 taxCents = query.value(9).toLongLong();
    order.holdExpiresAt = utcFromMs(query.value(10));
    order.idempotencyKey = query.value(11).toString();
    order.checkoutSessionId = query.value(12).toString();
    order.paymentIntentId = query.value(13).toString();
    order.readerId = query.value(14).toString();
    const qint64 priceCents = query.value(15).toLongLong();
    const QString serviceName = query.value(16).toString();
    const QString vehicleClass = query.value(17).toString();
    order.locale = query.value(18).toString();
    query.finish();

    // The booking as booked: the service at its price then (the booking's
    // price less its add-ons'), each add-on at its price then, and the tax
    // on its own line when prices exclude it.
    QList<CheckoutLine> lines;
    qint64 addonCents = 0;
    QSqlQuery addons = Sql::exec(m_db,
                                 QStringLiteral("SELECT a.name, ba.price_cents FROM booking_addons AS ba "
                                                "JOIN addons AS a ON a.id = ba.addon_id "
                                                "WHERE ba.booking_id = ? ORDER BY a.sort_order, a.name"),
                                 {order.bookingId});
    QList<CheckoutLine> addonLines;
    while (addons.next()) {
        addonLines.append({addons.value(0).toString(), addons.value(1).toLongLong(), 1});
        addonCents += addons.value(1).toLongLong();
    }
    lines.append({tr("%1 (%2)").arg(serviceName, BookingWords::vehicleClass(vehicleClass)),
                  priceCents - addonCents, 1});
    lines.append(addonLines);
    if (!inclusive && taxCents > 0)
        lines.append({tr("Tax %1").arg(BookingWords::taxRate(rate)), taxCents, 1});
    // A line of nothing is no use on a receipt (and Stripe wants amounts).
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [](const CheckoutLine &l) { return l.unitAmountCents <= 0; }),
                lines.end());
    qint64 sum = 0;
    for (const CheckoutLine &l : std::as_const(lines))
        sum += l.unitAmountCents * l.quantity;
    if (sum != order.amountCents) {
        // Part of the booking was paid already (cash at the desk): the card
        // pays the rest, as one line that says so.
        lines = {{tr("Booking %1, balance due").arg(order.bookingCode), order.amountCents, 1}};
    }
    order.lines = lines;
    return order;
}

QString PaymentRequestQueue::recordCheckoutSession(qint64 paymentId, const QString &sessionId,
                                                   const QString &url, const QDateTime &expiresAt)
{
    Transaction tx(m_db);
    QSqlQuery query = Sql::exec(m_db,
              QStringLiteral("UPDATE payments SET stripe_checkout_session_id = ?, checkout_url = ?, "
                             "checkout_expires_at = to_timestamp(? / 1000.0) WHERE id = ? RETURNING status"),
              {sessionId, url,
               expiresAt.isValid() ? QVariant(expiresAt.toMSecsSinceEpoch())
                                   : QVariant(QMetaType::fromType<qint64>()),
               paymentId});
    const QString status = query.next() ? query.value(0).toString() : QString();
    tx.commit();
    return status;
}

QString PaymentRequestQueue::recordPaymentIntent(qint64 paymentId, const QString &intentId,
                                                 const QString &readerId)
{
    Transaction tx(m_db);
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral("UPDATE payments SET stripe_payment_intent_id = ?, "
                       "stripe_terminal_reader_id = COALESCE(?, stripe_terminal_reader_id) WHERE id = ? "
                       "RETURNING status"),
        {intentId, readerId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(readerId),
         paymentId});
    const QString status = query.next() ? query.value(0).toString() : QString();
    tx.commit();
    return status;
}

DbResult<RefundOrder> PaymentRequestQueue::refundOrder(qint64 refundId)
{
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT r.id, r.payment_id, p.booking_id, b.code, r.status, r.amount_cents, r.currency, "
            "r.reason, r.automatic, r.idempotency_key, p.stripe_payment_intent_id, r.stripe_refund_id "
            "FROM refunds AS r JOIN payments AS p ON p.id = r.payment_id "
            "JOIN bookings AS b ON b.id = p.booking_id WHERE r.id = ? AND r.method = 'card'"),
        {refundId});
    if (!query.next())
        return DbError(DbError::Kind::NotFound, tr("There is no card refund with ID %1.").arg(refundId));
    RefundOrder order;
    order.refundId = query.value(0).toLongLong();
    order.paymentId = query.value(1).toLongLong();
    order.bookingId = query.value(2).toLongLong();
    order.bookingCode = query.value(3).toString();
    order.status = query.value(4).toString();
    order.amountCents = query.value(5).toLongLong();
    order.currency = query.value(6).toString();
    order.reason = query.value(7).toString();
    order.automatic = query.value(8).toString();
    order.idempotencyKey = query.value(9).toString();
    order.paymentIntentId = query.value(10).toString();
    order.stripeRefundId = query.value(11).toString();
    return order;
}

void PaymentRequestQueue::recordRefundCreated(qint64 refundId, const QString &stripeRefundId)
{
    Transaction tx(m_db);
    Sql::exec(
        m_db,
        QStringLiteral("UPDATE refunds SET stripe_refund_id = ? WHERE id = ? AND stripe_refund_id IS NULL"),
        {stripeRefundId, refundId});
    tx.commit();
}

void PaymentRequestQueue::recordRefundSucceeded(qint64 refundId)
{
    Transaction tx(m_db);
    CardPaymentUpdater updater(m_db, ServerActor);
    if (updater.refundSucceeded(refundId, QStringLiteral("refund:%1").arg(refundId)))
        updater.notifyChanged(
            Sql::scalar(m_db, QStringLiteral("SELECT payment_id FROM refunds WHERE id = ?"), {refundId})
                .toLongLong());
    tx.commit();
}

void PaymentRequestQueue::recordRefundFailed(qint64 refundId, const QString &reason)
{
    Transaction tx(m_db);
    CardPaymentUpdater updater(m_db, ServerActor);
    if (updater.refundFailed(refundId, reason, QStringLiteral("refund:%1").arg(refundId)))
        updater.notifyChanged(
            Sql::scalar(m_db, QStringLiteral("SELECT payment_id FROM refunds WHERE id = ?"), {refundId})
                .toLongLong());
    tx.commit();
}

std::optional<CardPaymentRef> PaymentRequestQueue::cardPayment(qint64 paymentId)
{
    QSqlQuery query = Sql::exec(
        m_db,
        CardPaymentSelect + QStringLiteral("WHERE p.id = ? AND p.method IN ('stripe_checkout', 'terminal')"),
        {paymentId});
    const QList<CardPaymentRef> found = readCardPayments(query);
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<CardPaymentRef> PaymentRequestQueue::pendingCardPayments(int olderThanSeconds)
{
    // payments_pending_card_idx serves it.
    QSqlQuery query = Sql::exec(
        m_db,
        CardPaymentSelect
            + QStringLiteral(
                "WHERE p.status IN ('pending', 'processing') "
                "AND p.method IN ('stripe_checkout', 'terminal') "
                "AND p.created_at < now() - make_interval(secs => ?) "
                "AND (p.stripe_checkout_session_id IS NOT NULL OR p.stripe_payment_intent_id IS NOT NULL) "
                "ORDER BY p.created_at, p.id"),
        {std::max(0, olderThanSeconds)});
    return readCardPayments(query);
}

QList<CardPaymentRef> PaymentRequestQueue::checkoutsToExpire()
{
    QSqlQuery query
        = Sql::exec(m_db,
                    CardPaymentSelect
                        + QStringLiteral("WHERE p.status = 'pending' AND p.method = 'stripe_checkout' "
                                         "AND p.stripe_checkout_session_id IS NOT NULL "
                                         "AND booking_status_now(b.status, b.hold_expires_at) "
                                         "    IN ('expired', 'cancelled', 'no_show') "
                                         "ORDER BY p.created_at, p.id"));
    return readCardPayments(query);
}
