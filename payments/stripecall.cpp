#include "payments/stripecall_p.h"

#include "payments/paymentslog_p.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cmath>

StripeCall::StripeCall(const StripeConfig &config, QNetworkAccessManager *network, Method method,
                       QString path, QByteArray body, QString idempotencyKey, QString operation,
                       QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_network(network)
    , m_method(method)
    , m_path(std::move(path))
    , m_body(std::move(body))
    , m_idempotencyKey(std::move(idempotencyKey))
    , m_operation(std::move(operation))
    , m_timeout(new QTimer(this))
    , m_backoff(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    m_backoff->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, &StripeCall::attemptTimedOut);
    connect(m_backoff, &QTimer::timeout, this, &StripeCall::sendAttempt);
    m_promise.start();
}

StripeCall::~StripeCall()
{
    cancel();
}

void StripeCall::start()
{
    sendAttempt();
}

void StripeCall::cancel()
{
    if (m_finished)
        return;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    StripeError error(StripeError::Kind::Cancelled, StripeError::tr("The Stripe client was shut down."));
    error.setOperation(m_operation);
    error.setAttempts(m_attempts);
    finish(StripeResult(error));
}

bool StripeCall::shouldRetry(int httpStatus, const QByteArray &stripeShouldRetry)
{
    if (stripeShouldRetry == "true")
        return true;
    if (stripeShouldRetry == "false")
        return false;
    return httpStatus == 409 || httpStatus == 429 || httpStatus >= 500;
}

int StripeCall::backoffMs(const StripeConfig &config, int retry, int retryAfterSeconds)
{
    const double exponential = config.retryBaseDelayMs * std::pow(2.0, std::max(0, retry - 1));
    double delay = std::min(exponential, double(config.retryMaxDelayMs));
    delay *= 0.5 * (1.0 + QRandomGenerator::global()->generateDouble());
    delay = std::max(delay, double(config.retryBaseDelayMs));
    // Stripe's libraries wait as long as the API asks when the ask is reasonable (≤ 60 s).
    if (retryAfterSeconds > 0 && retryAfterSeconds <= 60)
        delay = std::max(delay, retryAfterSeconds * 1000.0);
    return int(delay);
}

void StripeCall::sendAttempt()
{
    ++m_attempts;
    m_timedOut = false;
    QUrl url = m_config.apiBase;
    url.setPath(m_path, QUrl::TolerantMode); // the ids in it are percent-encoded already
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_config.secretKey.toUtf8());
    request.setRawHeader("Stripe-Version", m_config.apiVersion.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("CarWashDesk-Server (Qt)"));
    // Redirects are not part of Stripe's API; a proxy that redirects is an error.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    qCDebug(lcPayments).noquote() << m_operation << "attempt" << m_attempts
                                  << (m_method == Method::Post ? "POST" : "GET") << m_path;
    if (m_method == Method::Post) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader("Idempotency-Key", m_idempotencyKey.toUtf8());
        m_reply = m_network->post(request, m_body);
    } else {
        m_reply = m_network->get(request);
    }
    connect(m_reply, &QNetworkReply::finished, this, &StripeCall::attemptFinished);
    m_timeout->start(m_config.requestTimeoutMs);
}

void StripeCall::attemptTimedOut()
{
    if (!m_reply)
        return;
    m_timedOut = true;
    m_reply->abort(); // finished() follows at once, as OperationCanceledError
}

void StripeCall::attemptFinished()
{
    m_timeout->stop();
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();

    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QString requestId = QString::fromLatin1(reply->rawHeader("Request-Id"));
    const int status = statusAttribute.toInt();
    const bool successCutShort = status >= 200 && status < 300 && reply->error() != QNetworkReply::NoError;
    if (!statusAttribute.isValid() || m_timedOut || successCutShort) {
        // No (whole) answer: Stripe may or may not have done the work, so
        // the retry carries the same Idempotency-Key and Stripe replays it.
        StripeError error(m_timedOut ? StripeError::Kind::Timeout : StripeError::Kind::Connection, QString());
        error.setDetail(m_timedOut ? QStringLiteral("no answer within %1 ms").arg(m_config.requestTimeoutMs)
                                   : reply->errorString());
        retryOrFinish(error, true, 0);
        return;
    }

    const QByteArray body = reply->readAll();
    if (status >= 200 && status < 300) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            StripeError error(StripeError::Kind::Api, QString());
            error.setHttpStatus(status);
            error.setRequestId(requestId);
            error.setDetail(QStringLiteral("HTTP %1 with a body that is not a JSON object: %2")
                                .arg(status)
                                .arg(parseError.errorString()));
            retryOrFinish(error, false, 0);
            return;
        }
        StripeResult result(document.object());
        result.setRequestId(requestId);
        result.setIdempotentReplayed(reply->rawHeader("Idempotent-Replayed") == "true");
        finish(result);
        return;
    }

    StripeError error = StripeError::fromResponse(status, body);
    error.setRequestId(requestId);
    const bool retryable = shouldRetry(status, reply->rawHeader("Stripe-Should-Retry"));
    bool retryAfterOk = false;
    const int retryAfter = reply->rawHeader("Retry-After").toInt(&retryAfterOk);
    retryOrFinish(error, retryable, retryAfterOk ? retryAfter : 0);
}

void StripeCall::retryOrFinish(StripeError error, bool retryable, int retryAfterSeconds)
{
    error.setOperation(m_operation);
    error.setAttempts(m_attempts);
    if (retryable && m_attempts <= m_config.maxRetries) {
        const int delay = backoffMs(m_config, m_attempts, retryAfterSeconds);
        qCInfo(lcPayments).noquote() << error.logText() << "— retrying in" << delay << "ms";
        m_backoff->start(delay);
        return;
    }
    qCWarning(lcPayments).noquote() << error.logText();
    finish(StripeResult(error));
}

void StripeCall::finish(StripeResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout->stop();
    m_backoff->stop();
    result.setAttempts(m_attempts);
    if (result.requestId().isEmpty())
        result.setRequestId(result.error().requestId());
    m_promise.addResult(result);
    m_promise.finish();
    // Queued, so a caller's continuation never runs inside our own call stack
    // with the client mid-way through something.
    QMetaObject::invokeMethod(this, &StripeCall::finished, Qt::QueuedConnection);
}
