#include "server/webhookhandler.h"

#include "server/stripeupdatemapping.h"
#include "db/payments/stripeeventrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "payments/stripeevent.h"
#include "payments/webhooksignature.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWebhook, "carwash.server.webhook", QtInfoMsg)

namespace {

QString resultName(StripeEventOutcome::Result result)
{
    switch (result) {
    case StripeEventOutcome::Result::Applied:
        return QStringLiteral("applied");
    case StripeEventOutcome::Result::Unchanged:
        return QStringLiteral("unchanged");
    case StripeEventOutcome::Result::Duplicate:
        return QStringLiteral("duplicate");
    case StripeEventOutcome::Result::Ignored:
        return QStringLiteral("ignored");
    case StripeEventOutcome::Result::UnknownPayment:
        return QStringLiteral("unknown_payment");
    }
    return {};
}

// A failure Stripe should meet with a later delivery: the database away,
// the pool exhausted or closing, a conflict that outlived its retries.
bool isOutage(const DbError &error)
{
    switch (error.kind()) {
    case DbError::Kind::Unavailable:
    case DbError::Kind::PoolTimeout:
    case DbError::Kind::Transient:
    case DbError::Kind::ShuttingDown:
        return true;
    default:
        return error.isTransient();
    }
}

} // namespace

WebhookHandler::WebhookHandler(ConnectionPool &pool, QStringList secrets, QObject *context)
    : m_pool(pool)
    , m_secrets(std::move(secrets))
    , m_context(context)
{ }

void WebhookHandler::handle(const std::shared_ptr<HttpExchange> &exchange, const QHttpServerRequest &request)
{
    using Status = HttpExchange::Status;
    const QByteArray body = request.body();
    if (body.size() > MaxBodyBytes) {
        exchange->respondError(Status::PayloadTooLarge, QStringLiteral("too_large"),
                               tr("The request body is larger than %1 bytes.").arg(MaxBodyBytes));
        return;
    }
    if (m_secrets.isEmpty()) {
        exchange->respondError(Status::ServiceUnavailable, QStringLiteral("not_configured"),
                               tr("This server has no webhook signing secret (STRIPE_WEBHOOK_SECRET), so it "
                                  "cannot check Stripe's events yet."));
        return;
    }
    const WebhookSignature::Result signature
        = WebhookSignature::verify(request.value(QByteArrayLiteral("Stripe-Signature")), body, m_secrets,
                                   QDateTime::currentSecsSinceEpoch());
    if (!signature.isValid()) {
        qCWarning(lcWebhook).noquote()
            << "refused:" << WebhookSignature::outcomeName(signature.outcome) << signature.logText;
        exchange->respondError(Status::BadRequest, QStringLiteral("bad_signature"),
                               tr("The Stripe-Signature header is missing, does not match or is too old."));
        return;
    }
    const StripeEvent event = StripeEvent::parse(body);
    if (!event.isValid()) {
        qCWarning(lcWebhook).noquote()
            << "refused a signed body that is not an event:" << event.errorString();
        exchange->respondError(Status::BadRequest, QStringLiteral("not_an_event"), event.errorString());
        return;
    }

    const StripeUpdate update = StripeUpdateMapping::fromEvent(event);
    const QString id = event.id();
    const QString type = event.type();
    auto stored = m_pool.withRetry(QStringLiteral("stripe.webhook"), RetryPolicy::standard(),
                                   [id, type, body, update](QSqlDatabase &db) {
                                       return StripeEventRepo(db).receive(id, type, body, update);
                                   });
    Async::onResult(stored, m_context, [exchange, id, type](const DbResult<StripeEventOutcome> &outcome) {
        if (!outcome.ok()) {
            const DbError &error = outcome.error();
            qCWarning(lcWebhook).noquote() << "event" << id << type << "not stored:" << error.toLogString();
            if (isOutage(error))
                exchange->respondError(Status::ServiceUnavailable, QStringLiteral("database_unavailable"),
                                       error.message());
            else
                exchange->respondError(Status::InternalServerError, QStringLiteral("not_applied"),
                                       error.message());
            return;
        }
        const QString result = resultName(outcome->result);
        qCInfo(lcWebhook).noquote() << "event" << id << type << result << "payment" << outcome->paymentId;
        exchange->respond(Status::Ok,
                          QJsonObject {{QStringLiteral("received"), true},
                                       {QStringLiteral("result"), result},
                                       {QStringLiteral("payment_status"), outcome->paymentStatus}});
    });
}
