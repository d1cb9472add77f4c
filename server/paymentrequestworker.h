#pragma once

#include "server/paymentrequestexecutor.h"
#include "server/reconciler.h"
#include "db/config/databaseconfig.h"
#include "db/notify/notificationlistener.h"
#include "payments/stripeclient.h"

#include <QObject>
#include <QTimer>

class ConnectionPool;

// Works the payment request queue: LISTENs on 'payment_requests' (desks
// notify at commit) and polls every few seconds as the fallback (a lost
// notification, PgBouncer), claims requests in batches (FOR UPDATE SKIP
// LOCKED, so several servers never take the same one) and has each carried
// out at Stripe by the executor. Owns the Stripe client and the reconciler.
// Lives on the server's thread and never blocks it. stop() stops claiming
// and closes the listener; stopped() follows once the listener is closed
// and the requests under way are answered.
class PaymentRequestWorker : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultPollMs = 5000;
    static constexpr int ClaimBatch = 10;
    // A request left unanswered by a failed database step (an outage) is
    // run again after this, up to RunAgainTimes (well inside its lease).
    static constexpr int RunAgainMs = 2000;
    static constexpr int RunAgainTimes = 20;

    // pool must outlive the worker.
    PaymentRequestWorker(ConnectionPool &pool, const StripeConfig &stripe, const CheckoutUrls &urls,
                         QObject *parent = nullptr);
    ~PaymentRequestWorker() override;

    void setPollInterval(int milliseconds) { m_poll.setInterval(milliseconds); }
    Reconciler &reconciler() { return m_reconciler; }

    // Listener, poll and reconciler (the reconciler only when Stripe's API
    // settings are usable).
    void start(const DatabaseConfig &config);
    void stop();
    bool isStopped() const { return m_stopped; }
    int inFlight() const { return m_inFlight; }

Q_SIGNALS:
    void stopped();

private:
    void claim();
    // request carried out by the executor; again: how often before.
    void run(const PaymentRequest &request, int again);
    void requestFinished(const PaymentRequest &request, int again, bool answered);
    void finishStopIfDone();

    ConnectionPool &m_pool;
    StripeClient m_stripe;
    Reconciler m_reconciler;
    PaymentRequestExecutor m_executor;
    NotificationListener m_listener;
    QTimer m_poll;
    bool m_claiming = false;
    bool m_claimAgain = false;
    bool m_stopping = false;
    bool m_listenerClosed = false;
    bool m_stopped = false;
    int m_inFlight = 0;
};
