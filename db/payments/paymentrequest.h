#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

// Plain values of the card payment request queue as carwash-server sees it
// (PaymentRequestQueue). Times are UTC. Copied across threads.

// One payment_requests row: Stripe work a desk, kiosk or the CLI asked for.
struct PaymentRequest
{
    qint64 id = 0;
    QString kind; // checkout, reader_payment, cancel, refund, reconcile
    qint64 bookingId = 0; // 0 for reconcile
    qint64 paymentId = 0; // 0 when the kind has none
    qint64 refundId = 0; // refund only
    QString readerId; // reader_payment
    QString locale; // the customer's language ('en', 'de'), may be empty
    QString idempotencyKey; // also the Idempotency-Key sent to Stripe
    int attempts = 0; // claims so far, this one included
    QString requestedBy; // audit_log's actor form
    QDateTime createdAt;
};

// One line of what the customer is charged, for Checkout's line_items and
// the reader's cart.
struct CheckoutLine
{
    QString name;
    qint64 unitAmountCents = 0;
    int quantity = 1;
};

// What a Checkout Session (or a reader payment) is made of, read from the
// database, never from a screen: the lines add up to amountCents exactly.
struct CheckoutOrder
{
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString bookingCode; // client_reference_id
    QString method; // stripe_checkout, terminal
    QString status; // the payment's
    qint64 amountCents = 0;
    QString currency; // upper case; Stripe wants it lower case
    QList<CheckoutLine> lines;
    QString locale; // the customer's language when a request said it, else empty
    QDateTime holdExpiresAt; // the booking's hold; invalid when it has none
    QString idempotencyKey; // the payment's own
    QString checkoutSessionId; // already made, when a request is repeated
    QString paymentIntentId;
    QString readerId;
};

// A refund to carry out at Stripe.
struct RefundOrder
{
    qint64 refundId = 0;
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString bookingCode;
    QString status; // the refund's: pending, succeeded, failed
    qint64 amountCents = 0;
    QString currency;
    QString reason; // ours, free text
    QString automatic; // slot_taken, duplicate, or empty
    QString idempotencyKey; // the refund's own
    QString paymentIntentId; // what Stripe refunds
    QString stripeRefundId; // when made already
};

// A card payment and its Stripe ids: what cancel, the reconciler and the
// hold expiry need to ask Stripe about it.
struct CardPaymentRef
{
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString method; // stripe_checkout, terminal
    QString status;
    QString checkoutSessionId;
    QString paymentIntentId;
    QString readerId;
    QDateTime createdAt;
};
