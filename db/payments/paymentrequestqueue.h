#pragma once

#include "db/payments/paymentrequest.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>

#include <optional>

// The payment request queue as carwash-server works it: claiming requests,
// reading what each needs from the database, recording what Stripe made,
// answering. Desks insert the requests (with pg_notify('payment_requests',
// id)); the server LISTENs and polls. Runs inside a unit of work on a
// pooled connection (blocking; writes are one transaction each; throws
// DbException for transient failures, which the pool retries).
//
// Answers notify pg_notify('payments_changed', {"request_id", "payment_id",
// "booking_id", "status"}) with the request's status ('done' or 'failed');
// payment changes notify {"payment_id", "booking_id", "status"} with the
// payment's.
class PaymentRequestQueue
{
    Q_DECLARE_TR_FUNCTIONS(PaymentRequestQueue)
public:
    // A request 'working' longer than this belonged to a server that died
    // mid-request: it is claimed again (its idempotency key keeps Stripe
    // from doing the work twice).
    static constexpr int LeaseSeconds = 120;

    explicit PaymentRequestQueue(QSqlDatabase &db);

    // Up to limit requests, oldest first: pending ones, and working ones
    // whose lease ran out. Each becomes 'working' with attempts + 1. FOR
    // UPDATE SKIP LOCKED: servers claiming at once never get the same one.
    QList<PaymentRequest> claim(int limit, int leaseSeconds = LeaseSeconds);

    // The answer: status done with result, or failed with Stripe's error
    // code (or ours, 'stripe_unreachable') and a message a person can act
    // on; answered_at set; notified. A failed checkout or reader_payment
    // fails its payment still pending (reason: message), a failed refund
    // its refund (with the payment's attention). false when the request is
    // not 'working' (answered already, e.g. by a server that took it over).
    bool complete(qint64 requestId, const QJsonObject &result);
    bool fail(qint64 requestId, const QString &code, const QString &message);

    // checkout / reader_payment: what to ask Stripe for. NotFound without
    // such a card payment.
    DbResult<CheckoutOrder> checkoutOrder(qint64 paymentId);
    // What Stripe made, on the payment row (expiresAt: the session's).
    // Returns the payment's status as it is then, under the row's lock: a
    // desk cancelling it meanwhile has finished first, and anything but
    // 'pending' means what Stripe made must be cancelled there too.
    QString recordCheckoutSession(qint64 paymentId, const QString &sessionId, const QString &url,
                                  const QDateTime &expiresAt);
    QString recordPaymentIntent(qint64 paymentId, const QString &intentId, const QString &readerId);

    // refund: the refunds row and the payment's intent. NotFound without it.
    DbResult<RefundOrder> refundOrder(qint64 refundId);
    void recordRefundCreated(qint64 refundId, const QString &stripeRefundId);
    void recordRefundSucceeded(qint64 refundId);
    void recordRefundFailed(qint64 refundId, const QString &reason);

    // cancel: the payment's Stripe objects.
    std::optional<CardPaymentRef> cardPayment(qint64 paymentId);
    // The reconciler: card payments pending or processing for longer than
    // olderThanSeconds, oldest first.
    QList<CardPaymentRef> pendingCardPayments(int olderThanSeconds);
    // The hold expiry: pending Checkout payments with a session whose
    // booking's hold ended unpaid (or that was cancelled), to /expire.
    QList<CardPaymentRef> checkoutsToExpire();

private:
    void notifyAnswered(qint64 requestId);

    QSqlDatabase &m_db;
};
