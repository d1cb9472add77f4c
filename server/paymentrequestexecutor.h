#pragma once

#include "db/payments/paymentrequest.h"

#include <QCoreApplication>
#include <QFuture>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class ConnectionPool;
class Reconciler;
class StripeClient;
class StripeError;
class StripeResult;

// Where Checkout sends the customer after paying or giving up.
struct CheckoutUrls
{
    QString success;
    QString cancel;
};

// Carries out one claimed payment request at Stripe and answers it, as a
// chain of asynchronous steps on the owner's thread (database steps on the
// pool, Stripe calls on the client; the thread never waits):
// - checkout: the payment's CheckoutOrder → a Checkout Session (line items
//   from the database, client_reference_id the booking code, metadata
//   payment_id and booking_id, the customer's locale, expires_at the later
//   of 31 minutes and the hold's end, at most 24 hours) → recorded on the
//   payment → done {session_id, url, expires_at}.
// - reader_payment: a card_present PaymentIntent (the payment's own, when
//   made already), the cart on the reader's display, process_payment_intent
//   → done {payment_intent_id, reader_id, action_status}.
// - cancel: the session expired, or the reader's action and the intent
//   cancelled → done {cancelled: true}. What is over already at Stripe is
//   not an error: the session or intent as Stripe has it now is applied
//   like a reconciled object → done {cancelled: false, stripe_status,
//   payment_status}.
// - refund: the refund created with the refund's own key and recorded →
//   done {refund_id, stripe_refund_id, status}.
// - reconcile: one reconciler pass → done {checked, applied}.
// Stripe's refusal fails the request with Stripe's code and a message a
// person can act on. A database failure leaves the request 'working' (the
// worker runs it again; after a crash its lease brings it back). finished
// is called once the request's chain ends, however it ends, with whether
// its answer was written.
class PaymentRequestExecutor
{
    Q_DECLARE_TR_FUNCTIONS(PaymentRequestExecutor)
public:
    PaymentRequestExecutor(ConnectionPool &pool, StripeClient &stripe, Reconciler &reconciler,
                           CheckoutUrls urls, QObject *context);

    void execute(const PaymentRequest &request, std::function<void(bool answered)> finished);

    // The Checkout Session's expires_at for a hold ending at holdEnd (invalid:
    // none): at least 31 minutes ahead (Stripe's minimum is 30), the hold's
    // end when later, never more than 24 hours (Stripe's maximum).
    static QDateTime checkoutExpiry(const QDateTime &now, const QDateTime &holdEnd);

private:
    struct Job;
    using JobPtr = std::shared_ptr<Job>;

    void checkout(const JobPtr &job);
    void createSession(const JobPtr &job, const CheckoutOrder &order);
    void readerPayment(const JobPtr &job);
    void processOnReader(const JobPtr &job, const CheckoutOrder &order, const QString &intentId);
    void cancel(const JobPtr &job);
    // Sends a cancel (or expire); when Stripe says it was over already,
    // retrieves what it is now and applies that (applyTooLate).
    void cancelAtStripe(const JobPtr &job, const QFuture<StripeResult> &cancelled,
                        std::function<QFuture<StripeResult>()> retrieve);
    static bool isSettled(const StripeResult &r);
    void applyTooLate(const JobPtr &job, const StripeResult &now);
    void refund(const JobPtr &job);
    void reconcile(const JobPtr &job);

    void complete(const JobPtr &job, const QJsonObject &result);
    // checkout / reader_payment: reads the payment's order, then fn(order)
    // only while the payment is still pending; otherwise the request fails
    // (not_found, not_pending) and nothing goes to Stripe.
    void withOpenOrder(const JobPtr &job, const QString &label,
                       std::function<void(const CheckoutOrder &)> fn);
    // What Stripe made for a payment no longer pending when it was recorded:
    // expired (session) or cancelled (intent) there, and the request failed.
    void undoMadeMeanwhile(const JobPtr &job, const QString &sessionId, const QString &intentId);
    void fail(const JobPtr &job, const QString &code, const QString &message);
    void failOnStripe(const JobPtr &job, const StripeError &error);

    ConnectionPool &m_pool;
    StripeClient &m_stripe;
    Reconciler &m_reconciler;
    CheckoutUrls m_urls;
    QObject *m_context;
};
