#pragma once

#include "payments/stripeconfig.h"
#include "payments/stripeerror.h"
#include "payments/stripeparams.h"

#include <QFuture>
#include <QObject>
#include <QString>

class QNetworkAccessManager;
class StripeCall;

// Stripe's API as carwash-server uses it: Checkout Sessions, card_present
// PaymentIntents, Terminal readers (server-driven) and refunds. Every call
// returns at once with a QFuture that finishes later on this object's thread
// (use it from one thread with an event loop; nothing here blocks), with the
// object Stripe answered or a typed StripeError. Every POST carries the
// caller's Idempotency-Key (from our database row) on each of its retries.
// Parameters outside Stripe's known limits are refused before sending
// (InvalidRequest, attempts() == 0), and so is every call while
// config().apiProblems() is not empty (Configuration). Destroying the client
// ends the calls still running as Cancelled.
class StripeClient : public QObject
{
    Q_OBJECT
public:
    // With a QNetworkAccessManager of its own.
    explicit StripeClient(const StripeConfig &config, QObject *parent = nullptr);
    // With the caller's; it must outlive the client.
    StripeClient(const StripeConfig &config, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~StripeClient() override;

    const StripeConfig &config() const { return m_config; }
    // Calls sent and not yet finished (retries included).
    int callsInFlight() const { return int(m_calls.size()); }

    // Checkout: POST /v1/checkout/sessions (mode=payment); GET …/{id};
    // POST …/{id}/expire.
    QFuture<StripeResult> createCheckoutSession(const CheckoutSessionParams &params,
                                                const QString &idempotencyKey);
    QFuture<StripeResult> retrieveCheckoutSession(const QString &sessionId);
    QFuture<StripeResult> expireCheckoutSession(const QString &sessionId, const QString &idempotencyKey);

    // PaymentIntents for a reader: POST /v1/payment_intents; GET …/{id};
    // POST …/{id}/cancel.
    QFuture<StripeResult> createPaymentIntent(const PaymentIntentParams &params,
                                              const QString &idempotencyKey);
    QFuture<StripeResult> retrievePaymentIntent(const QString &paymentIntentId);
    QFuture<StripeResult> cancelPaymentIntent(const QString &paymentIntentId, const QString &idempotencyKey);

    // Terminal, server-driven: the reader object comes back, its action
    // showing the state (in_progress, succeeded, failed).
    QFuture<StripeResult> processPaymentIntent(const QString &readerId, const QString &paymentIntentId,
                                               const QString &idempotencyKey);
    QFuture<StripeResult> retrieveReader(const QString &readerId);
    QFuture<StripeResult> cancelReaderAction(const QString &readerId, const QString &idempotencyKey);
    QFuture<StripeResult> setReaderDisplay(const QString &readerId, const ReaderCart &cart,
                                           const QString &idempotencyKey);

    // Refunds: POST /v1/refunds (full when no amount); GET …/{id}.
    QFuture<StripeResult> createRefund(const RefundParams &params, const QString &idempotencyKey);
    QFuture<StripeResult> retrieveRefund(const QString &refundId);

private:
    QFuture<StripeResult> get(const QString &operation, const QString &path);
    QFuture<StripeResult> post(const QString &operation, const QString &path, const QJsonObject &params,
                               const QString &idempotencyKey);
    // "/v1/checkout/sessions/<id><suffix>" with the id percent-encoded, or an
    // empty string when the id is empty.
    static QString objectPath(const QString &collection, const QString &id, const QString &suffix = {});
    static QFuture<StripeResult> refused(const QString &operation, StripeError error);
    QFuture<StripeResult> start(StripeCall *call);

    StripeConfig m_config;
    QNetworkAccessManager *m_network;
    QList<StripeCall *> m_calls;
};
