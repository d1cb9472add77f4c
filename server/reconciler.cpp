#include "server/reconciler.h"

#include "server/stripeupdatemapping.h"
#include "db/payments/paymentrequestqueue.h"
#include "db/payments/stripeeventrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "payments/stripeclient.h"
#include "payments/stripeobject.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSet>

#include <memory>

Q_LOGGING_CATEGORY(lcReconciler, "carwash.server.reconcile", QtInfoMsg)

// One pass's bookkeeping: the pass ends when the last step lets go of it.
// A reconciler being destroyed drops its steps; its guard is cleared by then.
struct Reconciler::Run
{
    QPointer<Reconciler> owner;
    Pass pass;
    ~Run()
    {
        if (owner)
            owner->finish(pass);
    }
};

Reconciler::Reconciler(ConnectionPool &pool, StripeClient &stripe, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_stripe(stripe)
{
    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { runOnce(); });
}

void Reconciler::start()
{
    m_timer.start();
    runOnce();
}

void Reconciler::stop()
{
    m_timer.stop();
}

void Reconciler::finish(const Pass &pass)
{
    m_running = false;
    if (pass.checked || pass.expired)
        qCInfo(lcReconciler) << "checked" << pass.checked << "pending payment(s) at Stripe," << pass.applied
                             << "changed;" << pass.expired << "session(s) expired after their hold";
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &done : waiting)
        done(pass);
    Q_EMIT passFinished(pass.checked, pass.applied, pass.expired);
    // Asked for while this pass ran: a pass that starts after the asking.
    if (!m_next.isEmpty()) {
        const auto next = std::exchange(m_next, {});
        for (const auto &done : next)
            runOnce(done);
    }
}

void Reconciler::runOnce(std::function<void(const Pass &)> done)
{
    if (m_running) {
        // A timer's pass is as good as the one running; a caller's is not
        // (what it wants looked at may have come after this one started).
        if (done)
            m_next.append(std::move(done));
        return;
    }
    if (done)
        m_waiting.append(std::move(done));
    m_running = true;
    auto run = std::make_shared<Run>();
    run->owner = this;

    // What Stripe says about one object, applied as a webhook would be.
    auto apply = [this, run](const StripeResult &fetched, const QString &what) {
        if (!fetched.ok()) {
            qCWarning(lcReconciler).noquote() << what << fetched.error().logText();
            return;
        }
        const StripeUpdate update = StripeUpdateMapping::fromObject(StripeObject(fetched.object()));
        auto applied = m_pool.withRetry(
            QStringLiteral("stripe.reconcile"), RetryPolicy::standard(),
            [update](QSqlDatabase &db) { return StripeEventRepo(db).applyReconciled(update); });
        Async::onResult(applied, this, [run, what](const DbResult<StripeEventOutcome> &outcome) {
            if (!outcome.ok()) {
                qCWarning(lcReconciler).noquote() << what << outcome.error().toLogString();
                return;
            }
            if (outcome->result == StripeEventOutcome::Result::Applied)
                ++run->pass.applied;
        });
    };

    const int olderThan = m_pendingAfterSeconds;
    auto listed = m_pool.withRetry(
        QStringLiteral("stripe.reconcile_list"), RetryPolicy::standard(), [olderThan](QSqlDatabase &db) {
            PaymentRequestQueue queue(db);
            return std::make_pair(queue.pendingCardPayments(olderThan), queue.checkoutsToExpire());
        });
    using Lists = std::pair<QList<CardPaymentRef>, QList<CardPaymentRef>>;
    Async::onResult(listed, this, [this, run, apply](const DbResult<Lists> &lists) {
        if (!lists.ok()) {
            qCWarning(lcReconciler).noquote() << "pending payments not read:" << lists.error().toLogString();
            return;
        }
        QSet<qint64> expiring;
        for (const CardPaymentRef &p : lists->second) {
            expiring.insert(p.paymentId);
            ++run->pass.expired;
            const QString what
                = QStringLiteral("payment %1 session %2:").arg(p.paymentId).arg(p.checkoutSessionId);
            const QString sessionId = p.checkoutSessionId;
            Async::onResult(
                m_stripe.expireCheckoutSession(sessionId, QStringLiteral("expire-%1").arg(p.paymentId)), this,
                [this, apply, sessionId, what](const StripeResult &expired) {
                    // Completed meanwhile (Stripe refuses to expire it): what
                    // it is now decides.
                    if (!expired.ok() && expired.error().kind() == StripeError::Kind::InvalidRequest) {
                        Async::onResult(m_stripe.retrieveCheckoutSession(sessionId), this,
                                        [apply, what](const StripeResult &now) { apply(now, what); });
                        return;
                    }
                    apply(expired, what);
                });
        }
        for (const CardPaymentRef &p : lists->first) {
            if (expiring.contains(p.paymentId))
                continue;
            const QString what = QStringLiteral("payment %1:").arg(p.paymentId);
            if (!p.checkoutSessionId.isEmpty()) {
                ++run->pass.checked;
                Async::onResult(m_stripe.retrieveCheckoutSession(p.checkoutSessionId), this,
                                [apply, what](const StripeResult &r) { apply(r, what); });
            } else if (!p.paymentIntentId.isEmpty()) {
                ++run->pass.checked;
                Async::onResult(m_stripe.retrievePaymentIntent(p.paymentIntentId), this,
                                [apply, what](const StripeResult &r) { apply(r, what); });
            }
        }
    });
}
