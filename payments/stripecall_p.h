#pragma once

#include "payments/stripeconfig.h"
#include "payments/stripeerror.h"

#include <QByteArray>
#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QString>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

// One Stripe API call with its retries, owned by StripeClient: sends, waits
// at most the configured time, retries by Stripe's rules (connection errors
// and timeouts, 409, 429, 5xx; Stripe-Should-Retry decides when present;
// never other 4xx) with the same body and Idempotency-Key, and fulfils its
// promise exactly once. Lives on the client's thread; never blocks it.
class StripeCall : public QObject
{
    Q_OBJECT
public:
    enum class Method { Get, Post };

    StripeCall(const StripeConfig &config, QNetworkAccessManager *network, Method method, QString path,
               QByteArray body, QString idempotencyKey, QString operation, QObject *parent);
    ~StripeCall() override;

    QFuture<StripeResult> future() { return m_promise.future(); }
    void start();
    // Ends the call now as Cancelled (the client is going away).
    void cancel();

    // Stripe's libraries' backoff for retry number `retry` (1-based):
    // min(base * 2^(retry-1), max) jittered to 50..100 %, never below base;
    // a Retry-After the server sent (seconds) is honoured up to 60 s.
    // Stripe's rules for an HTTP answer that is not 2xx: its
    // Stripe-Should-Retry header ("true"/"false") decides when present;
    // otherwise 409, 429 and 5xx are retried and other 4xx never.
    static bool shouldRetry(int httpStatus, const QByteArray &stripeShouldRetry);
    static int backoffMs(const StripeConfig &config, int retry, int retryAfterSeconds);

Q_SIGNALS:
    void finished();

private:
    void sendAttempt();
    void attemptFinished();
    void attemptTimedOut();
    void retryOrFinish(StripeError error, bool retryable, int retryAfterSeconds);
    void finish(StripeResult result);

    const StripeConfig m_config;
    QNetworkAccessManager *m_network;
    Method m_method;
    QString m_path;
    QByteArray m_body;
    QString m_idempotencyKey;
    QString m_operation;
    QPromise<StripeResult> m_promise;
    QNetworkReply *m_reply = nullptr;
    QTimer *m_timeout = nullptr;
    QTimer *m_backoff = nullptr;
    int m_attempts = 0;
    bool m_timedOut = false;
    bool m_finished = false;
};
