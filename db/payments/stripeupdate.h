#pragma once

#include <QList>
#include <QString>

#include <optional>

// One refund as Stripe reports it: a refund object, or one of the refunds a
// charge lists. Plain value.
struct StripeRefundUpdate
{
    QString refundId; // Stripe's re_…
    qint64 ourRefundId = 0; // refunds.id from the refund's metadata[refund_id]; 0 when absent
    QString status; // pending, requires_action, succeeded, failed, canceled
    qint64 amountCents = 0;
    QString currency; // upper case ("USD")
    QString failureReason; // Stripe's failure_reason, when failed
};

// What one Stripe object says now, whether a webhook event carried it or the
// reconciler fetched it. carwash-server maps Stripe's JSON into it; db/
// never sees Stripe's JSON or the payments/ library. Empty strings mean
// "not said". Plain value, copied across threads.
struct StripeUpdate
{
    enum class Object {
        CheckoutSession, // checkout.session.*
        PaymentIntent, // payment_intent.*
        Refund, // refund.*, charge.refund.updated: refunds holds it
        ReaderAction, // terminal.reader.action_*: the reader's action
        Charge, // charge.refunded: refunds holds the charge's refunds
    };

    QString eventId; // evt_…; empty when the reconciler fetched the object
    QString eventType; // checkout.session.completed, …; empty when reconciled
    Object object = Object::PaymentIntent;

    QString checkoutSessionId; // cs_…
    QString paymentIntentId; // pi_… (a session's payment_intent, a reader action's, a charge's)
    QString readerId; // tmr_…
    // Ours, from metadata[payment_id] / metadata[booking_id] (and a
    // session's client_reference_id, the booking code); 0 / empty when absent.
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString bookingCode;

    QString sessionStatus; // open, complete, expired
    QString sessionPaymentStatus; // paid, unpaid, no_payment_required
    // requires_payment_method, requires_confirmation, requires_action,
    // processing, requires_capture, canceled, succeeded
    QString intentStatus;
    QString readerActionStatus; // in_progress, succeeded, failed
    // Why an attempt failed, for the person at the desk: the reader action's
    // failure_message, the intent's last_payment_error.message, or a code.
    QString failureMessage;
    QString failureReason;

    std::optional<qint64> amountCents; // amount_total / amount / a charge's amount
    std::optional<qint64> amountRefundedCents; // a charge's amount_refunded
    QString currency; // upper case
    QList<StripeRefundUpdate> refunds;

    // "evt_…", or "reconcile" for the reconciler: how audit rows name where
    // a change came from.
    QString source() const { return eventId.isEmpty() ? QStringLiteral("reconcile") : eventId; }
};
