// CardPaymentUpdater's refunds: automatic ones, Stripe's news about any,
// and what they add up to on the payment.
#include "db/payments/cardpaymentupdater.h"
#include "db/payments/cardpaymentupdater_p.h"
#include "db/payments/paymentrepo.h"

#include "db/pool/sql.h"
#include "db/text/money.h"

#include <QSqlQuery>

using namespace CardPayments;

void CardPaymentUpdater::automaticRefund(const Row &row, const QString &kind, qint64 amountCents,
                                         const QString &attention, const QString &source)
{
    // Once per payment: the partial unique index turns a second attempt
    // (the news delivered again by another event) into nothing.
    QSqlQuery inserted = Sql::exec(
        m_db,
        QStringLiteral(
            "INSERT INTO refunds (id, payment_id, method, amount_cents, currency, reason, automatic, "
            "idempotency_key, created_by) "
            "SELECT n.id, ?, 'card', ?, ?, ?, ?, 'refund-' || n.id, 'system' "
            "FROM (SELECT nextval(pg_get_serial_sequence('refunds', 'id')) AS id) AS n "
            "ON CONFLICT (payment_id) WHERE automatic IS NOT NULL DO NOTHING "
            "RETURNING id, idempotency_key"),
        {row.id, amountCents, row.currency,
         kind == u"slot_taken" ? QStringLiteral("slot taken after the hold ended")
                               : QStringLiteral("duplicate payment"),
         kind});
    if (!inserted.next())
        return;
    const qint64 refundId = inserted.value(0).toLongLong();
    const QString key = inserted.value(1).toString();
    const qint64 requestId
        = Sql::scalar(m_db,
                      QStringLiteral("INSERT INTO payment_requests (kind, booking_id, payment_id, refund_id, "
                                     "idempotency_key, requested_by) VALUES ('refund', ?, ?, ?, ?, 'system') "
                                     "RETURNING id"),
                      {row.bookingId, row.id, refundId, key})
              .toLongLong();
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('payment_requests', ?)"), {QString::number(requestId)});
    Sql::exec(m_db, QStringLiteral("UPDATE payments SET attention = ? WHERE id = ?"), {attention, row.id});
    audit(row.bookingId, QStringLiteral("refund.automatic"),
          {{QStringLiteral("code"), row.bookingCode},
           {QStringLiteral("payment_id"), row.id},
           {QStringLiteral("refund_id"), refundId},
           {QStringLiteral("request_id"), requestId},
           {QStringLiteral("automatic"), kind},
           {QStringLiteral("amount_cents"), amountCents},
           {QStringLiteral("currency"), row.currency},
           {QStringLiteral("attention"), attention},
           {QStringLiteral("source"), source}});
}

bool CardPaymentUpdater::applyRefund(const Row &row, const StripeRefundUpdate &r, const QString &source)
{
    QSqlQuery found
        = Sql::exec(m_db,
                    QStringLiteral("SELECT id, stripe_refund_id FROM refunds "
                                   "WHERE payment_id = ? AND (stripe_refund_id = ? OR id = ?) "
                                   "ORDER BY (stripe_refund_id = ?) IS TRUE DESC LIMIT 1 FOR UPDATE"),
                    {row.id, textOrNull(r.refundId), idOrNull(r.ourRefundId), textOrNull(r.refundId)});
    bool changed = false;
    qint64 refundId = 0;
    if (found.next()) {
        refundId = found.value(0).toLongLong();
        if (found.value(1).isNull() && !r.refundId.isEmpty()) {
            Sql::exec(m_db, QStringLiteral("UPDATE refunds SET stripe_refund_id = ? WHERE id = ?"),
                      {r.refundId, refundId});
            changed = true;
        }
    } else {
        if (r.refundId.isEmpty() || r.amountCents <= 0)
            return false;
        // Made in Stripe's dashboard: the money went back all the same, so
        // the takings must show it.
        QSqlQuery inserted = Sql::exec(
            m_db,
            QStringLiteral("INSERT INTO refunds (payment_id, method, amount_cents, currency, reason, "
                           "stripe_refund_id, idempotency_key, created_by) "
                           "VALUES (?, 'card', ?, ?, 'refunded in Stripe', ?, ?, ?) RETURNING id"),
            {row.id, r.amountCents, r.currency.isEmpty() ? row.currency : r.currency, r.refundId,
             QStringLiteral("stripe-%1").arg(r.refundId), m_actor});
        inserted.next();
        refundId = inserted.value(0).toLongLong();
        audit(row.bookingId, QStringLiteral("refund.external"),
              {{QStringLiteral("code"), row.bookingCode},
               {QStringLiteral("payment_id"), row.id},
               {QStringLiteral("refund_id"), refundId},
               {QStringLiteral("stripe_refund_id"), r.refundId},
               {QStringLiteral("amount_cents"), r.amountCents},
               {QStringLiteral("source"), source}});
        changed = true;
    }
    if (r.status == u"succeeded")
        changed = refundSucceeded(refundId, source) || changed;
    else if (r.status == u"failed" || r.status == u"canceled")
        changed = refundFailed(refundId, r.failureReason.isEmpty() ? r.status : r.failureReason, source)
            || changed;
    return changed;
}

bool CardPaymentUpdater::refundSucceeded(qint64 refundId, const QString &source)
{
    lockRefundPayment(refundId);
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE refunds SET status = 'succeeded', succeeded_at = now(), "
                                   "failure_reason = NULL WHERE id = ? AND status <> 'succeeded' "
                                   "RETURNING payment_id, amount_cents, currency"),
                    {refundId});
    if (!query.next())
        return false;
    const qint64 paymentId = query.value(0).toLongLong();
    const qint64 amount = query.value(1).toLongLong();
    const QString currency = query.value(2).toString();
    const QString status = PaymentRepo(m_db).recomputeRefunded(paymentId);
    const qint64 bookingId
        = Sql::scalar(m_db, QStringLiteral("SELECT booking_id FROM payments WHERE id = ?"), {paymentId})
              .toLongLong();
    audit(bookingId, QStringLiteral("refund.succeeded"),
          {{QStringLiteral("payment_id"), paymentId},
           {QStringLiteral("refund_id"), refundId},
           {QStringLiteral("amount_cents"), amount},
           {QStringLiteral("currency"), currency},
           {QStringLiteral("payment_status"), status},
           {QStringLiteral("source"), source}});
    return true;
}

bool CardPaymentUpdater::refundFailed(qint64 refundId, const QString &reason, const QString &source)
{
    lockRefundPayment(refundId);
    QSqlQuery query = Sql::exec(m_db,
                                QStringLiteral("UPDATE refunds SET status = 'failed', succeeded_at = NULL, "
                                               "failure_reason = ? WHERE id = ? AND status <> 'failed' "
                                               "RETURNING payment_id, amount_cents, currency"),
                                {reason, refundId});
    if (!query.next())
        return false;
    const qint64 paymentId = query.value(0).toLongLong();
    const qint64 amount = query.value(1).toLongLong();
    const QString currency = query.value(2).toString();
    const QString status = PaymentRepo(m_db).recomputeRefunded(paymentId);
    QSqlQuery booking = Sql::exec(m_db,
                                  QStringLiteral("SELECT b.id, b.code FROM payments AS p "
                                                 "JOIN bookings AS b ON b.id = p.booking_id WHERE p.id = ?"),
                                  {paymentId});
    booking.next();
    const qint64 bookingId = booking.value(0).toLongLong();
    const QString code = booking.value(1).toString();
    const QString attention = tr("The refund of %1 for booking %2 failed at Stripe (%3). Give the money back "
                                 "another way, such as cash, and record it.")
                                  .arg(Money::format(amount, currency), code, reason);
    Sql::exec(m_db, QStringLiteral("UPDATE payments SET attention = ? WHERE id = ?"), {attention, paymentId});
    audit(bookingId, QStringLiteral("refund.failed"),
          {{QStringLiteral("code"), code},
           {QStringLiteral("payment_id"), paymentId},
           {QStringLiteral("refund_id"), refundId},
           {QStringLiteral("amount_cents"), amount},
           {QStringLiteral("currency"), currency},
           {QStringLiteral("reason"), reason},
           {QStringLiteral("attention"), attention},
           {QStringLiteral("payment_status"), status},
           {QStringLiteral("source"), source}});
    return true;
}

void CardPaymentUpdater::lockRefundPayment(qint64 refundId)
{
    // Booking and payment before the refund: the order every writer locks in.
    QSqlQuery query
        = Sql::exec(m_db, QStringLiteral("SELECT payment_id FROM refunds WHERE id = ?"), {refundId});
    if (query.next())
        lockRow(query.value(0).toLongLong());
}

