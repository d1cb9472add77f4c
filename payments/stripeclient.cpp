#include "payments/stripeclient.h"

#include "payments/paymentslog_p.h"
#include "payments/stripecall_p.h"
#include "payments/stripeform.h"

#include <QNetworkAccessManager>
#include <QUrl>

StripeClient::StripeClient(const StripeConfig &config, QObject *parent)
    : StripeClient(config, new QNetworkAccessManager, parent)
{
    m_network->setParent(this);
}

StripeClient::StripeClient(const StripeConfig &config, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_network(network)
{ }

StripeClient::~StripeClient()
{
    // Every future finishes: the calls still running end as Cancelled before
    // the network manager (perhaps our child) goes.
    const QList<StripeCall *> calls = m_calls;
    m_calls.clear();
    for (StripeCall *call : calls)
        delete call;
}

QFuture<StripeResult> StripeClient::createCheckoutSession(const CheckoutSessionParams &params,
                                                          const QString &idempotencyKey)
{
    const QString operation = QStringLiteral("checkout.sessions.create");
    if (StripeError error = params.check(QDateTime::currentDateTimeUtc()); error.isError())
        return refused(operation, error);
    return post(operation, QStringLiteral("/v1/checkout/sessions"), params.toParams(), idempotencyKey);
}

QFuture<StripeResult> StripeClient::retrieveCheckoutSession(const QString &sessionId)
{
    return get(QStringLiteral("checkout.sessions.retrieve"),
               objectPath(QStringLiteral("checkout/sessions"), sessionId));
}

QFuture<StripeResult> StripeClient::expireCheckoutSession(const QString &sessionId,
                                                          const QString &idempotencyKey)
{
    return post(QStringLiteral("checkout.sessions.expire"),
                objectPath(QStringLiteral("checkout/sessions"), sessionId, QStringLiteral("/expire")), {},
                idempotencyKey);
}

QFuture<StripeResult> StripeClient::createPaymentIntent(const PaymentIntentParams &params,
                                                        const QString &idempotencyKey)
{
    const QString operation = QStringLiteral("payment_intents.create");
    if (StripeError error = params.check(); error.isError())
        return refused(operation, error);
    return post(operation, QStringLiteral("/v1/payment_intents"), params.toParams(), idempotencyKey);
}

QFuture<StripeResult> StripeClient::retrievePaymentIntent(const QString &paymentIntentId)
{
    return get(QStringLiteral("payment_intents.retrieve"),
               objectPath(QStringLiteral("payment_intents"), paymentIntentId));
}

QFuture<StripeResult> StripeClient::cancelPaymentIntent(const QString &paymentIntentId,
                                                        const QString &idempotencyKey)
{
    return post(QStringLiteral("payment_intents.cancel"),
                objectPath(QStringLiteral("payment_intents"), paymentIntentId, QStringLiteral("/cancel")), {},
                idempotencyKey);
}

QFuture<StripeResult> StripeClient::processPaymentIntent(const QString &readerId,
                                                         const QString &paymentIntentId,
                                                         const QString &idempotencyKey)
{
    const QString operation = QStringLiteral("terminal.readers.process_payment_intent");
    if (paymentIntentId.isEmpty())
        return refused(operation,
                       StripeError::refusedLocally(QStringLiteral("payment_intent"),
                                                   StripeError::tr("No PaymentIntent was given.")));
    return post(
        operation,
        objectPath(QStringLiteral("terminal/readers"), readerId, QStringLiteral("/process_payment_intent")),
        QJsonObject {{QStringLiteral("payment_intent"), paymentIntentId}}, idempotencyKey);
}

QFuture<StripeResult> StripeClient::retrieveReader(const QString &readerId)
{
    return get(QStringLiteral("terminal.readers.retrieve"),
               objectPath(QStringLiteral("terminal/readers"), readerId));
}

QFuture<StripeResult> StripeClient::cancelReaderAction(const QString &readerId, const QString &idempotencyKey)
{
    return post(QStringLiteral("terminal.readers.cancel_action"),
                objectPath(QStringLiteral("terminal/readers"), readerId, QStringLiteral("/cancel_action")),
                {}, idempotencyKey);
}

QFuture<StripeResult> StripeClient::setReaderDisplay(const QString &readerId, const ReaderCart &cart,
                                                     const QString &idempotencyKey)
{
    const QString operation = QStringLiteral("terminal.readers.set_reader_display");
    if (StripeError error = cart.check(); error.isError())
        return refused(operation, error);
    return post(
        operation,
        objectPath(QStringLiteral("terminal/readers"), readerId, QStringLiteral("/set_reader_display")),
        cart.toParams(), idempotencyKey);
}

QFuture<StripeResult> StripeClient::createRefund(const RefundParams &params, const QString &idempotencyKey)
{
    const QString operation = QStringLiteral("refunds.create");
    if (StripeError error = params.check(); error.isError())
        return refused(operation, error);
    return post(operation, QStringLiteral("/v1/refunds"), params.toParams(), idempotencyKey);
}

QFuture<StripeResult> StripeClient::retrieveRefund(const QString &refundId)
{
    return get(QStringLiteral("refunds.retrieve"), objectPath(QStringLiteral("refunds"), refundId));
}

QFuture<StripeResult> StripeClient::get(const QString &operation, const QString &path)
{
    if (const QStringList problems = m_config.apiProblems(); !problems.isEmpty())
        return refused(operation, StripeError(StripeError::Kind::Configuration, problems.first()));
    if (path.isEmpty())
        return refused(
            operation,
            StripeError::refusedLocally(QStringLiteral("id"), StripeError::tr("No Stripe id was given.")));
    return start(new StripeCall(m_config, m_network, StripeCall::Method::Get, path, {}, {}, operation, this));
}

QFuture<StripeResult> StripeClient::post(const QString &operation, const QString &path,
                                         const QJsonObject &params, const QString &idempotencyKey)
{
    if (const QStringList problems = m_config.apiProblems(); !problems.isEmpty())
        return refused(operation, StripeError(StripeError::Kind::Configuration, problems.first()));
    if (path.isEmpty())
        return refused(
            operation,
            StripeError::refusedLocally(QStringLiteral("id"), StripeError::tr("No Stripe id was given.")));
    // Stripe keeps keys of up to 255 characters; without one a retried
    // create could charge twice, so a POST never goes out without it.
    if (idempotencyKey.trimmed().isEmpty() || idempotencyKey.size() > 255)
        return refused(operation,
                       StripeError::refusedLocally(QStringLiteral("Idempotency-Key"),
                                                   StripeError::tr("The request has no idempotency key "
                                                                   "of 1 to 255 characters.")));
    return start(new StripeCall(m_config, m_network, StripeCall::Method::Post, path,
                                StripeForm::encode(params), idempotencyKey, operation, this));
}

QString StripeClient::objectPath(const QString &collection, const QString &id, const QString &suffix)
{
    if (id.trimmed().isEmpty())
        return {};
    return QStringLiteral("/v1/%1/%2%3")
        .arg(collection, QString::fromLatin1(QUrl::toPercentEncoding(id)), suffix);
}

QFuture<StripeResult> StripeClient::refused(const QString &operation, StripeError error)
{
    error.setOperation(operation);
    qCWarning(lcPayments).noquote() << error.logText();
    StripeResult result(error);
    QPromise<StripeResult> promise;
    promise.start();
    promise.addResult(result);
    promise.finish();
    return promise.future();
}

QFuture<StripeResult> StripeClient::start(StripeCall *call)
{
    m_calls.append(call);
    connect(call, &StripeCall::finished, this, [this, call] {
        m_calls.removeOne(call);
        call->deleteLater();
    });
    QFuture<StripeResult> future = call->future();
    call->start();
    return future;
}
