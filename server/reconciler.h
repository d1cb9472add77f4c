#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

class ConnectionPool;
class StripeClient;

// The safety net under the webhooks: every interval, card payments still
// pending (or processing) after a few minutes are fetched from Stripe and
// applied through StripeEventRepo::applyReconciled, the webhook's own code
// path, so a lost event or a server that was down loses nothing; and
// Checkout Sessions whose hold ended unpaid are expired at Stripe (/expire)
// and the session Stripe returns applied the same way. One pass at a time.
// Lives on the owner's thread and never blocks it.
class Reconciler : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 60000;
    static constexpr int DefaultPendingAfterSeconds = 180;

    struct Pass
    {
        int checked = 0; // payments asked about at Stripe
        int applied = 0; // of them, changed by what Stripe said
        int expired = 0; // sessions expired because their hold ended
    };

    Reconciler(ConnectionPool &pool, StripeClient &stripe, QObject *parent = nullptr);

    void setInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    void setPendingAfterSeconds(int seconds) { m_pendingAfterSeconds = seconds; }

    // A pass now, then every interval.
    void start();
    void stop();
    // One pass now, or, while one runs, one right after it; done called
    // with what that pass did.
    void runOnce(std::function<void(const Pass &)> done = {});
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void passFinished(int checked, int applied, int expired);

private:
    struct Run;
    void finish(const Pass &pass);

    ConnectionPool &m_pool;
    StripeClient &m_stripe;
    QTimer m_timer;
    int m_pendingAfterSeconds = DefaultPendingAfterSeconds;
    bool m_running = false;
    QList<std::function<void(const Pass &)>> m_waiting; // for the pass running
    QList<std::function<void(const Pass &)>> m_next; // for the pass after it
};
