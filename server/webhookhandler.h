#pragma once

#include "server/requestlog.h"

#include <QCoreApplication>
#include <QStringList>

#include <memory>

class ConnectionPool;
class QHttpServerRequest;

// POST /stripe/webhook. In this order: a body over the limit → 413; no
// webhook secret configured → 503 (Stripe delivers again once one is); the
// Stripe-Signature verified against the raw bytes before anything is parsed
// (every v1, every configured secret, 300 s tolerance) else 400 and nothing
// changes; a body that is not an event → 400; then one unit of work on the
// pool stores the event once by its id and applies it
// (StripeEventRepo::receive), and only its commit is answered 200 — a
// redelivered event too, with nothing applied again. A database that stays
// away through the retries → 503, so Stripe delivers again. The event loop
// never waits: the answer comes from the unit of work's continuation.
class WebhookHandler
{
    Q_DECLARE_TR_FUNCTIONS(WebhookHandler)
public:
    static constexpr qint64 MaxBodyBytes = 1024 * 1024;

    // pool and context (whose thread answers) must outlive the handler's work.
    WebhookHandler(ConnectionPool &pool, QStringList secrets, QObject *context);

    void handle(const std::shared_ptr<HttpExchange> &exchange, const QHttpServerRequest &request);

private:
    ConnectionPool &m_pool;
    QStringList m_secrets;
    QObject *m_context;
};
