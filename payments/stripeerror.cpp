#include "payments/stripeerror.h"

#include <QJsonDocument>
#include <QRegularExpression>

StripeError StripeError::fromResponse(int httpStatus, const QByteArray &body)
{
    StripeError error;
    error.m_httpStatus = httpStatus;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject stripe = document.object().value(QLatin1String("error")).toObject();
    if (parseError.error != QJsonParseError::NoError || stripe.isEmpty()) {
        // A proxy's or load balancer's page, not Stripe's answer.
        error.m_detail = QStringLiteral("HTTP %1 without Stripe's error body: %2")
                             .arg(httpStatus)
                             .arg(withoutSecrets(QString::fromUtf8(body.left(200)).simplified()));
    }
    error.m_type = stripe.value(QLatin1String("type")).toString();
    error.m_code = stripe.value(QLatin1String("code")).toString();
    error.m_declineCode = stripe.value(QLatin1String("decline_code")).toString();
    error.m_param = stripe.value(QLatin1String("param")).toString();
    error.m_message = stripe.value(QLatin1String("message")).toString();

    // Stripe's libraries: the error type decides idempotency and card
    // errors, the status decides the rest.
    if (error.m_type == u"idempotency_error")
        error.m_kind = Kind::Idempotency;
    else if (error.m_type == u"card_error" || httpStatus == 402)
        error.m_kind = Kind::Card;
    else if (httpStatus == 401 || error.m_type == u"authentication_error")
        error.m_kind = Kind::Authentication;
    else if (httpStatus == 403)
        error.m_kind = Kind::Permission;
    else if (httpStatus == 404)
        error.m_kind = Kind::NotFound;
    else if (httpStatus == 409)
        error.m_kind = Kind::Conflict;
    else if (httpStatus == 429 || error.m_type == u"rate_limit_error")
        error.m_kind = Kind::RateLimit;
    else if (httpStatus >= 400 && httpStatus < 500)
        error.m_kind = Kind::InvalidRequest;
    else
        error.m_kind = Kind::Api;
    return error;
}

StripeError StripeError::refusedLocally(const QString &param, const QString &reason)
{
    StripeError error(Kind::InvalidRequest, reason);
    error.m_param = param;
    error.m_detail = QStringLiteral("refused before sending");
    return error;
}

bool StripeError::isTransient() const
{
    switch (m_kind) {
    case Kind::Connection:
    case Kind::Timeout:
    case Kind::RateLimit:
    case Kind::Api:
    case Kind::Conflict:
        return true;
    default:
        return false;
    }
}

QString StripeError::userMessage() const
{
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::Connection:
        return tr("Stripe could not be reached. Check the server's internet connection, then try again.");
    case Kind::Timeout:
        return tr("Stripe did not answer in time. Try again in a minute; if it keeps happening, check the "
                  "server's internet connection.");
    case Kind::RateLimit:
        return tr(
            "Stripe is receiving too many requests from this account right now. Try again in a minute.");
    case Kind::Api:
        return tr("Stripe had a problem on its side. Try again in a few minutes; Stripe's status page says "
                  "whether it is down.");
    case Kind::Conflict:
        return tr("Stripe is still busy with an earlier request for this payment. Try again in a moment.");
    case Kind::Authentication:
        return tr("Stripe refused the server's secret key. Check STRIPE_SECRET_KEY in carwash-server's "
                  "settings.");
    case Kind::Permission:
        return tr("The server's Stripe key is not allowed to do this. Give it access to Checkout, payments, "
                  "Terminal and refunds in Stripe's dashboard.");
    case Kind::InvalidRequest:
        return tr("Stripe refused the request: %1. Check the payment's details; if they look right, tell "
                  "your support contact.")
            .arg(m_message.isEmpty() ? tr("no reason given") : m_message);
    case Kind::Idempotency:
        return tr("Stripe already received this request with other details and refused to repeat it. "
                  "Start the payment again.");
    case Kind::Card:
        return tr("The card was declined: %1. Ask for another card or another way of paying.")
            .arg(m_message.isEmpty() ? tr("no reason given") : m_message);
    case Kind::NotFound:
        return tr("Stripe does not know this payment, session or reader. It may belong to another Stripe "
                  "account or to test mode; check the server's Stripe key.");
    case Kind::Configuration:
        return tr("Card payments are not set up on the server: %1").arg(m_message);
    case Kind::Cancelled:
        return tr("The server stopped before Stripe answered. Try again.");
    }
    return {};
}

QString StripeError::logText() const
{
    QStringList parts;
    parts << (m_operation.isEmpty() ? QStringLiteral("stripe") : m_operation) + u':' << kindName(m_kind);
    if (m_httpStatus)
        parts << QStringLiteral("http=%1").arg(m_httpStatus);
    const std::pair<const char *, QString> fields[] = {{"type", m_type},
                                                       {"code", m_code},
                                                       {"decline_code", m_declineCode},
                                                       {"param", m_param},
                                                       {"request_id", m_requestId}};
    for (const auto &[name, value] : fields) {
        if (!value.isEmpty())
            parts << QLatin1String(name) + u'=' + value;
    }
    parts << QStringLiteral("attempts=%1").arg(m_attempts);
    if (!m_detail.isEmpty())
        parts << QStringLiteral("(%1)").arg(m_detail);
    if (!m_message.isEmpty())
        parts << QStringLiteral("— %1").arg(m_message);
    return withoutSecrets(parts.join(u' '));
}

QString StripeError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Connection:
        return QStringLiteral("connection");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::RateLimit:
        return QStringLiteral("rate_limit");
    case Kind::Api:
        return QStringLiteral("api");
    case Kind::Conflict:
        return QStringLiteral("conflict");
    case Kind::Authentication:
        return QStringLiteral("authentication");
    case Kind::Permission:
        return QStringLiteral("permission");
    case Kind::InvalidRequest:
        return QStringLiteral("invalid_request");
    case Kind::Idempotency:
        return QStringLiteral("idempotency");
    case Kind::Card:
        return QStringLiteral("card");
    case Kind::NotFound:
        return QStringLiteral("not_found");
    case Kind::Configuration:
        return QStringLiteral("configuration");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QString StripeError::withoutSecrets(QString text)
{
    static const QRegularExpression secret(
        QStringLiteral("\\b((?:sk|rk|pk)_(?:live|test)_|whsec_)[A-Za-z0-9*]+"));
    return text.replace(secret, QStringLiteral("\\1…"));
}
