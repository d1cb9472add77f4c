#include "server/paymentrequestworker.h"

#include "db/payments/paymentrequestqueue.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcWorker, "carwash.server.requests.queue", QtInfoMsg)

PaymentRequestWorker::PaymentRequestWorker(ConnectionPool &pool, const StripeConfig &stripe,
                                           const CheckoutUrls &urls, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_stripe(stripe)
    , m_reconciler(pool, m_stripe)
    , m_executor(pool, m_stripe, m_reconciler, urls, this)
    , m_listener({QStringLiteral("payment_requests")})
{
    m_poll.setInterval(DefaultPollMs);
    connect(&m_poll, &QTimer::timeout, this, &PaymentRequestWorker::claim);
    connect(&m_listener, &NotificationListener::notification, this, &PaymentRequestWorker::claim);
    // Notifications sent while not listening are lost: look at once.
    connect(&m_listener, &NotificationListener::resyncNeeded, this, &PaymentRequestWorker::claim);
    connect(&m_listener, &NotificationListener::stopped, this, [this] {
        m_listenerClosed = true;
        finishStopIfDone();
    });
}

PaymentRequestWorker::~PaymentRequestWorker()
{
    m_listener.stop();
}

void PaymentRequestWorker::start(const DatabaseConfig &config)
{
    m_listener.start(config);
    m_poll.start();
    if (m_stripe.config().apiProblems().isEmpty())
        m_reconciler.start();
    claim();
}

void PaymentRequestWorker::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_poll.stop();
    m_reconciler.stop();
    m_listener.requestStop();
}

void PaymentRequestWorker::claim()
{
    if (m_stopping)
        return;
    if (m_claiming) {
        m_claimAgain = true;
        return;
    }
    m_claiming = true;
    m_claimAgain = false;
    auto claimed
        = m_pool.withRetry(QStringLiteral("payment_requests.claim"), RetryPolicy::standard(),
                           [](QSqlDatabase &db) { return PaymentRequestQueue(db).claim(ClaimBatch); });
    Async::onResult(
        claimed, this,
        [this](const DbResult<QList<PaymentRequest>> &requests) {
            m_claiming = false;
            if (!requests.ok()) {
                qCWarning(lcWorker).noquote() << "no requests claimed:" << requests.error().toLogString();
                return; // the next poll tries again
            }
            for (const PaymentRequest &request : requests.value())
                run(request, 0);
            // A full batch may have left more behind; a notification may
            // have come while this claim was out.
            if (requests->size() == ClaimBatch || m_claimAgain)
                claim();
        },
        [this] { m_claiming = false; });
}

void PaymentRequestWorker::run(const PaymentRequest &request, int again)
{
    ++m_inFlight;
    const QPointer<PaymentRequestWorker> self(this);
    m_executor.execute(request, [self, request, again](bool answered) {
        if (self)
            self->requestFinished(request, again, answered);
    });
}

void PaymentRequestWorker::requestFinished(const PaymentRequest &request, int again, bool answered)
{
    --m_inFlight;
    // A database step failed (the database away, most often): the request
    // is still this server's ('working', under its lease), so it is carried
    // out again shortly — its idempotency keys keep Stripe from doing
    // anything twice — rather than left for the lease to bring back two
    // minutes later while a kiosk customer reads "Getting the card reader
    // ready…" or an online customer's Pay answers 503. Found by tst_chaos.
    if (!answered && !m_stopping && again < RunAgainTimes) {
        qCInfo(lcWorker).noquote() << "request" << request.id << "unanswered: running it again in"
                                   << RunAgainMs << "ms";
        QTimer::singleShot(RunAgainMs, this, [this, request, again] {
            if (!m_stopping)
                run(request, again + 1);
        });
    }
    finishStopIfDone();
}

void PaymentRequestWorker::finishStopIfDone()
{
    if (!m_stopping || m_stopped || !m_listenerClosed || m_inFlight > 0)
        return;
    m_stopped = true;
    Q_EMIT stopped();
}
