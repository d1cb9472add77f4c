#include "server/paymentrequestexecutor.h"

#include "server/reconciler.h"
#include "server/stripeupdatemapping.h"
#include "db/payments/paymentrequestqueue.h"
#include "db/payments/stripeeventrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "payments/stripeclient.h"
#include "payments/stripeobject.h"

#include <QLoggingCategory>
#include <QTimeZone>

Q_LOGGING_CATEGORY(lcPaymentWork, "carwash.server.payments", QtInfoMsg)

// One request on its way; when the last step lets go of it, the owner hears
// whether its answer was written.
struct PaymentRequestExecutor::Job
{
    PaymentRequest request;
    std::function<void(bool)> finished;
    bool answered = false;
    ~Job()
    {
        if (finished)
            finished(answered);
    }
};

namespace {

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate);
}

QMap<QString, QString> ourIds(const CheckoutOrder &order)
{
    return {{QStringLiteral("payment_id"), QString::number(order.paymentId)},
            {QStringLiteral("booking_id"), QString::number(order.bookingId)}};
}

// Checkout's languages we speak; anything else lets Stripe choose.
QString checkoutLocale(const QString &locale)
{
    const QString language = locale.section(QLatin1Char('_'), 0, 0).section(QLatin1Char('-'), 0, 0).toLower();
    static const QStringList known = {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("es"),
                                      QStringLiteral("fr"), QStringLiteral("it"), QStringLiteral("nl")};
    return known.contains(language) ? language : QStringLiteral("auto");
}

} // namespace

PaymentRequestExecutor::PaymentRequestExecutor(ConnectionPool &pool, StripeClient &stripe,
                                               Reconciler &reconciler, CheckoutUrls urls, QObject *context)
    : m_pool(pool)
    , m_stripe(stripe)
    , m_reconciler(reconciler)
    , m_urls(std::move(urls))
    , m_context(context)
{ }

QDateTime PaymentRequestExecutor::checkoutExpiry(const QDateTime &now, const QDateTime &holdEnd)
{
    QDateTime expiry = now.addSecs(31 * 60);
    if (holdEnd.isValid() && holdEnd > expiry)
        expiry = holdEnd;
    const QDateTime latest = now.addSecs(24 * 3600 - 60);
    return expiry > latest ? latest : expiry;
}

void PaymentRequestExecutor::execute(const PaymentRequest &request, std::function<void(bool)> finished)
{
    auto job = std::make_shared<Job>();
    job->request = request;
    job->finished = std::move(finished);
    qCInfo(lcPaymentWork).noquote() << "request" << request.id << request.kind << "payment"
                                    << request.paymentId << "attempt" << request.attempts;
    if (request.kind == u"checkout")
        checkout(job);
    else if (request.kind == u"reader_payment")
        readerPayment(job);
    else if (request.kind == u"cancel")
        cancel(job);
    else if (request.kind == u"refund")
        refund(job);
    else if (request.kind == u"reconcile")
        reconcile(job);
    else
        fail(job, QStringLiteral("unknown_kind"),
             tr("This server does not know requests of kind %1.").arg(request.kind));
}

void PaymentRequestExecutor::withOpenOrder(const JobPtr &job, const QString &label,
                                           std::function<void(const CheckoutOrder &)> fn)
{
    const qint64 paymentId = job->request.paymentId;
    auto reading = m_pool.withRetry(label, RetryPolicy::standard(), [paymentId](QSqlDatabase &db) {
        return PaymentRequestQueue(db).checkoutOrder(paymentId);
    });
    Async::onResult(reading, m_context, [this, job, fn = std::move(fn)](const DbResult<CheckoutOrder> &read) {
        if (!read.ok()) {
            if (read.error().kind() == DbError::Kind::NotFound)
                fail(job, QStringLiteral("not_found"), read.error().message());
            else
                qCWarning(lcPaymentWork).noquote()
                    << "request" << job->request.id << read.error().toLogString();
            return;
        }
        const CheckoutOrder order = read.value();
        if (order.status != u"pending") {
            // Cancelled (or paid) before this request was carried out:
            // nothing goes to Stripe.
            fail(job, QStringLiteral("not_pending"),
                 tr("Payment %1 is no longer open (cancelled or paid meanwhile); nothing was sent to Stripe.")
                     .arg(order.paymentId));
            return;
        }
        fn(order);
    });
}

void PaymentRequestExecutor::checkout(const JobPtr &job)
{
    withOpenOrder(
        job, QStringLiteral("payment_requests.checkout_order"), [this, job](const CheckoutOrder &order) {
            if (order.checkoutSessionId.isEmpty()) {
                createSession(job, order);
                return;
            }
            // Made already (a repeated request): answer with what Stripe has.
            Async::onResult(
                m_stripe.retrieveCheckoutSession(order.checkoutSessionId), m_context,
                [this, job](const StripeResult &session) {
                    if (!session.ok()) {
                        failOnStripe(job, session.error());
                        return;
                    }
                    const QJsonObject s = session.object();
                    complete(job,
                             {{QStringLiteral("session_id"), s[u"id"].toString()},
                              {QStringLiteral("url"), s[u"url"].toString()},
                              {QStringLiteral("expires_at"),
                               iso(QDateTime::fromSecsSinceEpoch(s[u"expires_at"].toInteger()))},
                              {QStringLiteral("status"), s[u"status"].toString()}});
                });
        });
}

void PaymentRequestExecutor::createSession(const JobPtr &job, const CheckoutOrder &order)
{
    CheckoutSessionParams params;
    params.currency = order.currency.toLower();
    for (const CheckoutLine &line : order.lines)
        params.lineItems.append({line.name, line.unitAmountCents, line.quantity});
    params.successUrl = m_urls.success;
    params.cancelUrl = m_urls.cancel;
    params.clientReferenceId = order.bookingCode;
    params.metadata = ourIds(order);
    params.paymentIntentMetadata = ourIds(order);
    params.locale = checkoutLocale(job->request.locale.isEmpty() ? order.locale : job->request.locale);
    params.expiresAt = checkoutExpiry(QDateTime::currentDateTimeUtc(), order.holdExpiresAt);
    const QString key = order.idempotencyKey.isEmpty() ? job->request.idempotencyKey : order.idempotencyKey;
    Async::onResult(
        m_stripe.createCheckoutSession(params, key), m_context, [this, job, order](const StripeResult &made) {
            if (!made.ok()) {
                failOnStripe(job, made.error());
                return;
            }
            const QJsonObject s = made.object();
            const QString sessionId = s[u"id"].toString();
            const QString url = s[u"url"].toString();
            const QDateTime expires
                = QDateTime::fromSecsSinceEpoch(s[u"expires_at"].toInteger(), QTimeZone::utc());
            const qint64 paymentId = order.paymentId;
            const qint64 requestId = job->request.id;
            const QJsonObject result {{QStringLiteral("session_id"), sessionId},
                                      {QStringLiteral("url"), url},
                                      {QStringLiteral("expires_at"), iso(expires)},
                                      {QStringLiteral("amount_cents"), s[u"amount_total"].toDouble()},
                                      {QStringLiteral("status"), s[u"status"].toString()}};
            auto recorded = m_pool.withRetry(QStringLiteral("payment_requests.checkout_made"),
                                             RetryPolicy::critical(), [=](QSqlDatabase &db) {
                                                 PaymentRequestQueue queue(db);
                                                 const QString status = queue.recordCheckoutSession(
                                                     paymentId, sessionId, url, expires);
                                                 if (status == u"pending")
                                                     queue.complete(requestId, result);
                                                 return status;
                                             });
            Async::onResult(recorded, m_context, [this, job, sessionId](const DbResult<QString> &done) {
                if (!done.ok()) {
                    qCWarning(lcPaymentWork).noquote()
                        << "request" << job->request.id << "session" << sessionId
                        << "made but not recorded:" << done.error().toLogString();
                    return;
                }
                if (done.value() != u"pending")
                    undoMadeMeanwhile(job, sessionId, {});
            });
        });
}

void PaymentRequestExecutor::readerPayment(const JobPtr &job)
{
    withOpenOrder(
        job, QStringLiteral("payment_requests.reader_order"), [this, job](const CheckoutOrder &order) {
            if (!order.paymentIntentId.isEmpty()) {
                processOnReader(job, order, order.paymentIntentId);
                return;
            }
            PaymentIntentParams params;
            params.amountCents = order.amountCents;
            params.currency = order.currency.toLower();
            params.description = tr("Booking %1").arg(order.bookingCode);
            params.metadata = ourIds(order);
            const QString key
                = (order.idempotencyKey.isEmpty() ? job->request.idempotencyKey : order.idempotencyKey)
                + QStringLiteral("-intent");
            Async::onResult(m_stripe.createPaymentIntent(params, key), m_context,
                            [this, job, order](const StripeResult &made) {
                                if (!made.ok()) {
                                    failOnStripe(job, made.error());
                                    return;
                                }
                                processOnReader(job, order, made.object()[u"id"].toString());
                            });
        });
}

void PaymentRequestExecutor::processOnReader(const JobPtr &job, const CheckoutOrder &order,
                                             const QString &intentId)
{
    const QString readerId = job->request.readerId;
    const qint64 paymentId = order.paymentId;
    auto recorded = m_pool.withRetry(
        QStringLiteral("payment_requests.intent_made"), RetryPolicy::critical(), [=](QSqlDatabase &db) {
            return PaymentRequestQueue(db).recordPaymentIntent(paymentId, intentId, readerId);
        });
    Async::onResult(
        recorded, m_context, [this, job, order, intentId, readerId](const DbResult<QString> &done) {
            if (!done.ok()) {
                qCWarning(lcPaymentWork).noquote()
                    << "request" << job->request.id << done.error().toLogString();
                return;
            }
            if (done.value() != u"pending") {
                // Cancelled while Stripe made the intent: nothing goes to the reader.
                undoMadeMeanwhile(job, {}, intentId);
                return;
            }
            ReaderCart cart;
            cart.currency = order.currency.toLower();
            for (const CheckoutLine &line : order.lines)
                cart.lineItems.append({line.name, line.unitAmountCents * line.quantity, line.quantity});
            cart.totalCents = order.amountCents;
            const QString key = job->request.idempotencyKey;
            // The cart first, so the customer sees what they pay for; a display
            // that failed does not stop the payment.
            Async::onResult(
                m_stripe.setReaderDisplay(readerId, cart, key + QStringLiteral("-display")), m_context,
                [this, job, intentId, readerId, key](const StripeResult &shown) {
                    if (!shown.ok())
                        qCWarning(lcPaymentWork).noquote() << "reader display:" << shown.error().logText();
                    Async::onResult(
                        m_stripe.processPaymentIntent(readerId, intentId, key + QStringLiteral("-process")),
                        m_context, [this, job, intentId, readerId](const StripeResult &sent) {
                            if (!sent.ok()) {
                                failOnStripe(job, sent.error());
                                return;
                            }
                            const QJsonObject action = sent.object()[u"action"].toObject();
                            complete(job,
                                     {{QStringLiteral("payment_intent_id"), intentId},
                                      {QStringLiteral("reader_id"), readerId},
                                      {QStringLiteral("action_status"), action[u"status"].toString()}});
                        });
                });
        });
}

void PaymentRequestExecutor::cancel(const JobPtr &job)
{
    const qint64 paymentId = job->request.paymentId;
    auto found = m_pool.withRetry(
        QStringLiteral("payment_requests.card_payment"), RetryPolicy::standard(),
        [paymentId](QSqlDatabase &db) { return PaymentRequestQueue(db).cardPayment(paymentId); });
    Async::onResult(found, m_context, [this, job](const DbResult<std::optional<CardPaymentRef>> &read) {
        if (!read.ok()) {
            qCWarning(lcPaymentWork).noquote() << "request" << job->request.id << read.error().toLogString();
            return;
        }
        if (!read.value()) {
            fail(job, QStringLiteral("not_found"),
                 tr("There is no card payment %1.").arg(job->request.paymentId));
            return;
        }
        const CardPaymentRef payment = **read;
        const QString key = job->request.idempotencyKey;
        if (!payment.checkoutSessionId.isEmpty()) {
            const QString sessionId = payment.checkoutSessionId;
            // Completed (or expired) before the cancel came: what it is now.
            cancelAtStripe(job, m_stripe.expireCheckoutSession(sessionId, key + QStringLiteral("-expire")),
                           [this, sessionId] { return m_stripe.retrieveCheckoutSession(sessionId); });
            return;
        }
        if (payment.paymentIntentId.isEmpty()) {
            complete(job, {{QStringLiteral("cancelled"), true}}); // nothing was made at Stripe
            return;
        }
        const QString intentId = payment.paymentIntentId;
        // Succeeded (or cancelled) before the cancel came: what it is now.
        auto cancelIntent = [this, job, key, intentId] {
            cancelAtStripe(job, m_stripe.cancelPaymentIntent(intentId, key + QStringLiteral("-intent")),
                           [this, intentId] { return m_stripe.retrievePaymentIntent(intentId); });
        };
        if (payment.readerId.isEmpty()) {
            cancelIntent();
            return;
        }
        // Stripe's cancel_action ends whatever the reader is doing: by the
        // time this runs (late, or again after a restart) it may collect for
        // the next customer, who would then wait at a reader that takes no
        // card. Only this payment's own collection is cancelled.
        const QString readerId = payment.readerId;
        Async::onResult(
            m_stripe.retrieveReader(readerId), m_context,
            [this, job, cancelIntent, readerId, intentId, key](const StripeResult &reader) {
                if (!isSettled(reader)) {
                    failOnStripe(job, reader.error());
                    return;
                }
                const QJsonObject action
                    = reader.ok() ? reader.object()[u"action"].toObject() : QJsonObject();
                const bool ours = action[u"status"].toString() == u"in_progress"
                    && action[u"process_payment_intent"].toObject()[u"payment_intent"].toString() == intentId;
                if (!ours) {
                    cancelIntent();
                    return;
                }
                Async::onResult(m_stripe.cancelReaderAction(readerId, key + QStringLiteral("-reader")),
                                m_context, [this, job, cancelIntent](const StripeResult &r) {
                                    if (!isSettled(r)) {
                                        failOnStripe(job, r.error());
                                        return;
                                    }
                                    cancelIntent();
                                });
            });
    });
}

// What is over already (a session completed or expired, an intent succeeded
// or cancelled, a reader with nothing to cancel) is the answer, not an
// error: InvalidRequest is Stripe's word for it.
bool PaymentRequestExecutor::isSettled(const StripeResult &r)
{
    return r.ok() || r.error().kind() == StripeError::Kind::InvalidRequest;
}

void PaymentRequestExecutor::cancelAtStripe(const JobPtr &job, const QFuture<StripeResult> &cancelled,
                                            std::function<QFuture<StripeResult>()> retrieve)
{
    Async::onResult(cancelled, m_context, [this, job, retrieve](const StripeResult &r) {
        if (!isSettled(r)) {
            failOnStripe(job, r.error());
            return;
        }
        if (!r.ok()) {
            Async::onResult(retrieve(), m_context, [this, job](const StripeResult &now) { applyTooLate(job, now); });
            return;
        }
        complete(job, {{QStringLiteral("cancelled"), true}});
    });
}

void PaymentRequestExecutor::applyTooLate(const JobPtr &job, const StripeResult &now)
{
    if (!now.ok()) {
        failOnStripe(job, now.error());
        return;
    }
    // The desk cancelled the payment in the database, but at Stripe it was
    // over already: paid, most likely, while the desk turned to the other
    // way of paying. What Stripe says goes through the webhook's own code
    // path, so money that came anyway is recorded (and refunded when the
    // booking is paid otherwise) even if its event never arrives; the
    // reconciler looks only at open payments and would never see it.
    const StripeUpdate update = StripeUpdateMapping::fromObject(StripeObject(now.object()));
    const QString stripeStatus = now.object()[u"status"].toString();
    auto applied = m_pool.withRetry(
        QStringLiteral("stripe.cancel_too_late"), RetryPolicy::critical(),
        [update](QSqlDatabase &db) { return StripeEventRepo(db).applyReconciled(update); });
    Async::onResult(applied, m_context,
                    [this, job, stripeStatus](const DbResult<StripeEventOutcome> &outcome) {
                        if (!outcome.ok()) {
                            qCWarning(lcPaymentWork).noquote()
                                << "request" << job->request.id << outcome.error().toLogString();
                            return;
                        }
                        qCInfo(lcPaymentWork).noquote()
                            << "request" << job->request.id << "cancel too late: Stripe says" << stripeStatus
                            << "payment" << outcome->paymentId << outcome->paymentStatus;
                        complete(job,
                                 {{QStringLiteral("cancelled"), false},
                                  {QStringLiteral("stripe_status"), stripeStatus},
                                  {QStringLiteral("payment_status"), outcome->paymentStatus}});
                    });
}

void PaymentRequestExecutor::refund(const JobPtr &job)
{
    const qint64 refundId = job->request.refundId;
    auto reading = m_pool.withRetry(
        QStringLiteral("payment_requests.refund_order"), RetryPolicy::standard(),
        [refundId](QSqlDatabase &db) { return PaymentRequestQueue(db).refundOrder(refundId); });
    Async::onResult(reading, m_context, [this, job](const DbResult<RefundOrder> &read) {
        if (!read.ok()) {
            if (read.error().kind() == DbError::Kind::NotFound)
                fail(job, QStringLiteral("not_found"), read.error().message());
            else
                qCWarning(lcPaymentWork).noquote()
                    << "request" << job->request.id << read.error().toLogString();
            return;
        }
        const RefundOrder order = read.value();
        if (order.status != u"pending") {
            complete(job,
                     {{QStringLiteral("refund_id"), order.refundId},
                      {QStringLiteral("stripe_refund_id"), order.stripeRefundId},
                      {QStringLiteral("status"), order.status}});
            return;
        }
        RefundParams params;
        params.paymentIntentId = order.paymentIntentId;
        params.amountCents = order.amountCents;
        params.reason = order.automatic == u"duplicate" ? QStringLiteral("duplicate")
                                                        : QStringLiteral("requested_by_customer");
        params.metadata = {{QStringLiteral("refund_id"), QString::number(order.refundId)},
                           {QStringLiteral("payment_id"), QString::number(order.paymentId)},
                           {QStringLiteral("booking_id"), QString::number(order.bookingId)}};
        Async::onResult(m_stripe.createRefund(params, order.idempotencyKey), m_context,
                        [this, job, order](const StripeResult &made) {
                            if (!made.ok()) {
                                failOnStripe(job, made.error());
                                return;
                            }
                            const QString stripeId = made.object()[u"id"].toString();
                            const QString status = made.object()[u"status"].toString();
                            const QString reason = made.object()[u"failure_reason"].toString();
                            const qint64 ourRefundId = order.refundId;
                            const qint64 requestId = job->request.id;
                            const QJsonObject result {{QStringLiteral("refund_id"), ourRefundId},
                                                      {QStringLiteral("stripe_refund_id"), stripeId},
                                                      {QStringLiteral("status"), status}};
                            auto recorded = m_pool.withRetry(
                                QStringLiteral("payment_requests.refund_made"), RetryPolicy::critical(),
                                [=](QSqlDatabase &db) {
                                    PaymentRequestQueue queue(db);
                                    queue.recordRefundCreated(ourRefundId, stripeId);
                                    if (status == u"succeeded")
                                        queue.recordRefundSucceeded(ourRefundId);
                                    else if (status == u"failed" || status == u"canceled")
                                        queue.recordRefundFailed(ourRefundId,
                                                                 reason.isEmpty() ? status : reason);
                                    return queue.complete(requestId, result);
                                });
                            Async::onResult(recorded, m_context, [job](const DbResult<bool> &done) {
                                if (!done.ok())
                                    qCWarning(lcPaymentWork).noquote()
                                        << "request" << job->request.id << done.error().toLogString();
                            });
                        });
    });
}

void PaymentRequestExecutor::reconcile(const JobPtr &job)
{
    m_reconciler.runOnce([this, job](const Reconciler::Pass &pass) {
        complete(job,
                 {{QStringLiteral("checked"), pass.checked},
                  {QStringLiteral("applied"), pass.applied},
                  {QStringLiteral("expired"), pass.expired}});
    });
}

void PaymentRequestExecutor::complete(const JobPtr &job, const QJsonObject &result)
{
    const qint64 requestId = job->request.id;
    auto answered = m_pool.withRetry(QStringLiteral("payment_requests.complete"), RetryPolicy::critical(),
                                     [requestId, result](QSqlDatabase &db) {
                                         return PaymentRequestQueue(db).complete(requestId, result);
                                     });
    Async::onResult(answered, m_context, [job](const DbResult<bool> &done) {
        job->answered = done.ok();
        if (!done.ok())
            qCWarning(lcPaymentWork).noquote()
                << "request" << job->request.id << "not answered:" << done.error().toLogString();
    });
}

void PaymentRequestExecutor::undoMadeMeanwhile(const JobPtr &job, const QString &sessionId,
                                               const QString &intentId)
{
    // The desk cancelled the payment (or paid another way) while Stripe was
    // making its session or intent. A cancel request that ran before the
    // Stripe id was recorded found nothing to cancel, so it is done here:
    // nothing of it stays open for the customer to pay.
    const QString key = job->request.idempotencyKey + QStringLiteral("-undo");
    QFuture<StripeResult> undo = sessionId.isEmpty() ? m_stripe.cancelPaymentIntent(intentId, key)
                                                     : m_stripe.expireCheckoutSession(sessionId, key);
    Async::onResult(undo, m_context, [this, job, sessionId, intentId](const StripeResult &undone) {
        // InvalidRequest: over already (expired or cancelled by the cancel
        // request, or paid, which the webhook records as a duplicate).
        if (!undone.ok() && undone.error().kind() != StripeError::Kind::InvalidRequest)
            qCWarning(lcPaymentWork).noquote()
                << "request" << job->request.id << "could not cancel"
                << (sessionId.isEmpty() ? intentId : sessionId) << "at Stripe:" << undone.error().logText();
        fail(job, QStringLiteral("not_pending"),
             tr("Payment %1 was cancelled or paid another way while Stripe was setting it up; it was "
                "cancelled at Stripe too.")
                 .arg(job->request.paymentId));
    });
}

void PaymentRequestExecutor::fail(const JobPtr &job, const QString &code, const QString &message)
{
    qCWarning(lcPaymentWork).noquote()
        << "request" << job->request.id << job->request.kind << "failed:" << code;
    const qint64 requestId = job->request.id;
    auto answered = m_pool.withRetry(QStringLiteral("payment_requests.fail"), RetryPolicy::critical(),
                                     [requestId, code, message](QSqlDatabase &db) {
                                         return PaymentRequestQueue(db).fail(requestId, code, message);
                                     });
    Async::onResult(answered, m_context, [job](const DbResult<bool> &done) {
        job->answered = done.ok();
        if (!done.ok())
            qCWarning(lcPaymentWork).noquote()
                << "request" << job->request.id << "not answered:" << done.error().toLogString();
    });
}

void PaymentRequestExecutor::failOnStripe(const JobPtr &job, const StripeError &error)
{
    qCWarning(lcPaymentWork).noquote() << "request" << job->request.id << error.logText();
    QString code;
    if (error.kind() == StripeError::Kind::Connection || error.kind() == StripeError::Kind::Timeout)
        code = QStringLiteral("stripe_unreachable");
    else if (error.kind() == StripeError::Kind::Configuration)
        code = QStringLiteral("stripe_not_configured");
    else
        code = error.code().isEmpty()
            ? (error.type().isEmpty() ? StripeError::kindName(error.kind()) : error.type())
            : error.code();
    fail(job, code, error.userMessage());
}
