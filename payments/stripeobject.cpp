#include "payments/stripeobject.h"

namespace {

QString idOf(const QJsonValue &value)
{
    // Stripe writes a related object as its id, or as the object when expanded.
    if (value.isObject())
        return value.toObject().value(QLatin1String("id")).toString();
    return value.toString();
}

std::optional<qint64> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    // toInteger(), not a cast: casting a double beyond qint64 (1e300) is
    // undefined; toInteger() gives 0 for it, as for any fraction.
    const qint64 whole = value.toInteger();
    if (double(whole) != value.toDouble())
        return std::nullopt;
    return whole;
}

} // namespace

QString StripeObject::type() const
{
    return m_json.value(QLatin1String("object")).toString();
}

QString StripeObject::id() const
{
    return m_json.value(QLatin1String("id")).toString();
}

QString StripeObject::checkoutSessionId() const
{
    return type() == u"checkout.session" ? id() : QString();
}

QString StripeObject::paymentIntentId() const
{
    const QString objectType = type();
    if (objectType == u"payment_intent")
        return id();
    if (objectType == u"terminal.reader") {
        const QJsonObject action = m_json.value(QLatin1String("action")).toObject();
        return idOf(action.value(QLatin1String("process_payment_intent"))
                        .toObject()
                        .value(QLatin1String("payment_intent")));
    }
    return idOf(m_json.value(QLatin1String("payment_intent")));
}

QString StripeObject::readerId() const
{
    return type() == u"terminal.reader" ? id() : QString();
}

QString StripeObject::readerActionType() const
{
    return m_json.value(QLatin1String("action")).toObject().value(QLatin1String("type")).toString();
}

QString StripeObject::readerActionStatus() const
{
    return m_json.value(QLatin1String("action")).toObject().value(QLatin1String("status")).toString();
}

QString StripeObject::failureCode() const
{
    const QString objectType = type();
    if (objectType == u"terminal.reader")
        return m_json.value(QLatin1String("action"))
            .toObject()
            .value(QLatin1String("failure_code"))
            .toString();
    if (objectType == u"payment_intent") {
        const QJsonObject error = m_json.value(QLatin1String("last_payment_error")).toObject();
        const QString decline = error.value(QLatin1String("decline_code")).toString();
        return decline.isEmpty() ? error.value(QLatin1String("code")).toString() : decline;
    }
    return m_json.value(QLatin1String("failure_code")).toString();
}

QString StripeObject::failureMessage() const
{
    const QString objectType = type();
    if (objectType == u"terminal.reader")
        return m_json.value(QLatin1String("action"))
            .toObject()
            .value(QLatin1String("failure_message"))
            .toString();
    if (objectType == u"payment_intent")
        return m_json.value(QLatin1String("last_payment_error"))
            .toObject()
            .value(QLatin1String("message"))
            .toString();
    return m_json.value(QLatin1String("failure_message")).toString();
}

QString StripeObject::metadata(const QString &key) const
{
    return m_json.value(QLatin1String("metadata")).toObject().value(key).toString();
}

std::optional<qint64> StripeObject::paymentId() const
{
    bool ok = false;
    const qint64 value = metadata(QStringLiteral("payment_id")).toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

std::optional<qint64> StripeObject::bookingId() const
{
    bool ok = false;
    const qint64 value = metadata(QStringLiteral("booking_id")).toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

QString StripeObject::clientReferenceId() const
{
    return m_json.value(QLatin1String("client_reference_id")).toString();
}

QString StripeObject::status() const
{
    return m_json.value(QLatin1String("status")).toString();
}

QString StripeObject::paymentStatus() const
{
    return m_json.value(QLatin1String("payment_status")).toString();
}

QString StripeObject::currency() const
{
    return m_json.value(QLatin1String("currency")).toString();
}

std::optional<qint64> StripeObject::amount() const
{
    if (type() == u"checkout.session")
        return wholeNumber(m_json.value(QLatin1String("amount_total")));
    return wholeNumber(m_json.value(QLatin1String("amount")));
}

std::optional<qint64> StripeObject::amountReceived() const
{
    return wholeNumber(m_json.value(QLatin1String("amount_received")));
}

std::optional<qint64> StripeObject::amountRefunded() const
{
    return wholeNumber(m_json.value(QLatin1String("amount_refunded")));
}
