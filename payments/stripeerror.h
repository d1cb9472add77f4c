#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

// A Stripe call that did not succeed, as a value: a kind the server branches
// on, Stripe's own error fields for the log and the request row, a translated
// message a person can act on (userMessage) and one line for the log
// (logText). Never carries a secret key or card data.
class StripeError
{
    Q_DECLARE_TR_FUNCTIONS(StripeError)
public:
    enum class Kind {
        None,
        Connection, // no answer: refused, reset, DNS, TLS
        Timeout, // no answer within the configured time
        RateLimit, // 429
        Api, // 5xx or an answer that is not Stripe's JSON
        Conflict, // 409 (a concurrent request on the same object or key)
        Authentication, // 401: the secret key is wrong or revoked
        Permission, // 403: the key may not do this
        InvalidRequest, // 400 and other 4xx, or refused here before sending
        Idempotency, // the key was used with other parameters
        Card, // 402 or card_error: declined, expired…
        NotFound, // 404: no such object in this account and mode
        Configuration, // the server's Stripe settings are missing or wrong
        Cancelled, // the client went away before Stripe answered
    };

    StripeError() = default;
    StripeError(Kind kind, QString message)
        : m_kind(kind)
        , m_message(std::move(message))
    { }

    // Stripe's answer with a status that is not 2xx, classified the way
    // Stripe's libraries do: by error type first, then by HTTP status.
    static StripeError fromResponse(int httpStatus, const QByteArray &body);
    // Refused here before anything was sent (a parameter out of Stripe's
    // limits, a missing id or idempotency key): kind InvalidRequest, the
    // parameter's name in param(), the translated reason in message().
    static StripeError refusedLocally(const QString &param, const QString &reason);

    bool isError() const { return m_kind != Kind::None; }
    Kind kind() const { return m_kind; }
    // Worth asking again later (Stripe's retry rules): connection, timeout,
    // 409, 429, 5xx. The client's own retries have already been spent.
    bool isTransient() const;

    int httpStatus() const { return m_httpStatus; }
    QString type() const { return m_type; }
    QString code() const { return m_code; }
    QString declineCode() const { return m_declineCode; }
    QString param() const { return m_param; }
    // Stripe's message (English), or ours when refused here.
    QString message() const { return m_message; }
    QString requestId() const { return m_requestId; }
    int attempts() const { return m_attempts; }
    QString operation() const { return m_operation; }
    // Technical detail: the network error, the start of an unexpected body.
    QString detail() const { return m_detail; }

    void setHttpStatus(int status) { m_httpStatus = status; }
    void setRequestId(const QString &requestId) { m_requestId = requestId; }
    void setAttempts(int attempts) { m_attempts = attempts; }
    void setOperation(const QString &operation) { m_operation = operation; }
    void setDetail(const QString &detail) { m_detail = detail; }

    // What happened and what to do, translated, for the desk or the CLI.
    QString userMessage() const;
    // operation, kind, status, Stripe's type/code/decline_code/param, request
    // id, attempts and message on one line; anything shaped like a secret key
    // is cut to its prefix.
    QString logText() const;
    static QString kindName(Kind kind);
    // sk_live_…, rk_test_…, whsec_… inside text cut to their prefixes.
    static QString withoutSecrets(QString text);

private:
    Kind m_kind = Kind::None;
    int m_httpStatus = 0;
    QString m_type;
    QString m_code;
    QString m_declineCode;
    QString m_param;
    QString m_message;
    QString m_requestId;
    int m_attempts = 0;
    QString m_operation;
    QString m_detail;
};

// The outcome of one Stripe call: the object Stripe answered with, or a
// StripeError.
class StripeResult
{
public:
    // Nothing happened yet: a Cancelled error, so an empty result is never success.
    StripeResult()
        : m_error(StripeError::Kind::Cancelled, {})
    { }
    StripeResult(QJsonObject object)
        : m_object(std::move(object))
    { }
    StripeResult(StripeError error)
        : m_error(std::move(error))
    { }

    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const QJsonObject &object() const { return m_object; }
    const StripeError &error() const { return m_error; }

    // How many times the request was sent (1 when the first try answered).
    int attempts() const { return m_attempts; }
    void setAttempts(int attempts) { m_attempts = attempts; }
    // Stripe's Request-Id of the last answer.
    QString requestId() const { return m_requestId; }
    void setRequestId(const QString &requestId) { m_requestId = requestId; }
    // Stripe answered from its idempotency store (Idempotent-Replayed: true):
    // an earlier request with this key already did the work.
    bool idempotentReplayed() const { return m_replayed; }
    void setIdempotentReplayed(bool replayed) { m_replayed = replayed; }

private:
    QJsonObject m_object;
    StripeError m_error;
    int m_attempts = 0;
    QString m_requestId;
    bool m_replayed = false;
};
