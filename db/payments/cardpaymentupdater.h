#pragma once

#include "db/payments/stripeupdate.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

#include <optional>

// What applying one Stripe update did to our payment.
struct AppliedUpdate
{
    qint64 paymentId = 0; // 0: no payment of ours matches the update
    qint64 bookingId = 0;
    QString paymentStatus; // after the update
    bool changed = false; // anything written (status, reason, refund, Stripe ids)
    QString problem; // why nothing could be applied (no such payment), for stripe_events.processing_error
};

// The card payment state machine, inside the caller's transaction (it opens
// none; blocking; throws DbException). Shared by StripeEventRepo (webhooks,
// the reconciler) and PaymentRequestQueue (refunds carried out), so every
// way a card payment changes goes through the same rules:
// - a payment only moves forward: pending → processing → succeeded / failed /
//   cancelled / expired; succeeded → refunded when its succeeded refunds add
//   up to its amount. Money that arrived is never ignored: a success may
//   follow failed, cancelled or expired; nothing but refunds follows a
//   success. A declined attempt is not final (the customer may try again):
//   its reason is recorded and the payment stays pending.
// - a success confirms the booking: a live hold at once; a hold that ended
//   if its slot is still free, else the payment is refunded automatically
//   ('slot_taken'); a booking paid already is refunded the surplus
//   ('duplicate'). Once the booking owes nothing more, its other live
//   (pending) card payment is cancelled as the desk cancels one
//   (CardPaymentRequests::cancelLiveCard, reason "paid by card another
//   way"), so the customer cannot pay twice. An automatic refund is a
//   refunds row, a payment_requests row 'refund'
//   (pg_notify('payment_requests', id)) and the payment's attention
//   sentence for the desk, once per payment however often the news comes
//   (refunds_one_automatic_idx).
// Rows are locked booking first, then payments, then refunds, like
// PaymentRepo. Each change is audited (entity 'booking', so the booking's
// history shows it) and notified: pg_notify('payments_changed', {"payment_id", "booking_id",
// "status"}) and BookingRepo's 'bookings_changed'.
class CardPaymentUpdater
{
    Q_DECLARE_TR_FUNCTIONS(CardPaymentUpdater)
public:
    // actor in audit_log's form ('stripe' for what Stripe said).
    CardPaymentUpdater(QSqlDatabase &db, QString actor);

    AppliedUpdate apply(const StripeUpdate &update);

    // A refunds row's outcome at Stripe. payments.refunded_cents becomes the
    // sum of the payment's succeeded refunds (status refunded at its
    // amount); a failed refund sets the payment's attention. Nothing when
    // the refund is in that status already. source: audit's "source".
    // Returns whether anything changed; notifies nothing (notifyChanged).
    bool refundSucceeded(qint64 refundId, const QString &source);
    bool refundFailed(qint64 refundId, const QString &reason, const QString &source);

    // A payment Stripe never got to make (its request failed for good):
    // failed with reason, if still pending or processing. Returns whether
    // it changed; notifies nothing.
    bool failPayment(qint64 paymentId, const QString &reason, const QString &source);

    // pg_notify('payments_changed', …) and 'bookings_changed' for the payment.
    void notifyChanged(qint64 paymentId);

private:
    struct Row;
    enum class Verdict { None, Processing, Succeeded, Failed, Cancelled, Expired, AttemptFailed };
    static Verdict verdictOf(const StripeUpdate &update);
    std::optional<Row> lockPayment(const StripeUpdate &update);
    std::optional<Row> lockRow(qint64 paymentId);
    bool recordStripeIds(const Row &row, const StripeUpdate &update);
    bool applyRefund(const Row &row, const StripeRefundUpdate &refund, const QString &source);
    void setStatus(const Row &row, const QString &to, const QString &reason, const QString &source,
                   const QString &eventType);
    void succeed(const Row &row, const StripeUpdate &update);
    void cancelOtherLiveCard(const Row &row);
    void confirmBooking(const Row &row, const QString &source);
    void automaticRefund(const Row &row, const QString &kind, qint64 amountCents, const QString &attention,
                         const QString &source);
    void lockRefundPayment(qint64 refundId);
    void audit(qint64 bookingId, const QString &action, QJsonObject details);

    QSqlDatabase &m_db;
    const QString m_actor;
};
