#include "payments/webhooksignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <optional>

namespace {

// Equal in time that depends on the lengths only, never on where the first
// difference is.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace

QByteArray WebhookSignature::signatureHex(const QByteArray &body, const QString &secret, qint64 timestamp)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.toUtf8());
    mac.addData(QByteArray::number(timestamp));
    mac.addData(".", 1);
    mac.addData(body);
    return mac.result().toHex();
}

QByteArray WebhookSignature::sign(const QByteArray &body, const QStringList &secrets, qint64 timestamp)
{
    QByteArray header = "t=" + QByteArray::number(timestamp);
    for (const QString &secret : secrets)
        header += ",v1=" + signatureHex(body, secret, timestamp);
    return header;
}

WebhookSignature::Result WebhookSignature::verify(const QByteArray &header, const QByteArray &rawBody,
                                                  const QStringList &secrets, qint64 nowSecs,
                                                  qint64 toleranceSecs)
{
    Result result;
    const QByteArray trimmed = header.trimmed();
    if (trimmed.isEmpty()) {
        result.outcome = Outcome::MissingHeader;
        result.logText = QStringLiteral("no Stripe-Signature header");
        return result;
    }

    // Stripe's libraries: split on ',', each item on its first '='; t once,
    // every v1 kept, other schemes ignored.
    std::optional<qint64> timestamp;
    QList<QByteArray> signatures;
    for (const QByteArray &item : trimmed.split(',')) {
        const qsizetype equals = item.indexOf('=');
        if (equals < 0)
            continue;
        const QByteArray key = item.left(equals).trimmed();
        const QByteArray value = item.mid(equals + 1).trimmed();
        if (key == "t") {
            bool ok = false;
            const qint64 t = value.toLongLong(&ok);
            if (!ok) {
                result.logText = QStringLiteral("Stripe-Signature has a t= that is not a number");
                return result;
            }
            timestamp = t;
        } else if (key == "v1") {
            signatures << value;
        }
    }
    if (!timestamp) {
        result.logText = QStringLiteral("Stripe-Signature has no t=");
        return result;
    }
    result.timestamp = *timestamp;
    if (signatures.isEmpty()) {
        result.logText = QStringLiteral("Stripe-Signature has no v1= signature");
        return result;
    }

    // Every signature against every secret, with no early exit, so the time
    // taken tells nothing about which part matched.
    bool matched = false;
    for (const QString &secret : secrets) {
        const QByteArray expected = signatureHex(rawBody, secret, *timestamp);
        for (const QByteArray &signature : signatures)
            matched |= constantTimeEquals(expected, signature);
    }
    if (!matched) {
        result.outcome = Outcome::NoMatch;
        result.logText = secrets.isEmpty()
            ? QStringLiteral("no webhook secret is configured to check Stripe-Signature against")
            : QStringLiteral("none of the %1 v1 signature(s) matches any of the %2 webhook secret(s) "
                             "(t=%3, %4-byte body)")
                  .arg(signatures.size())
                  .arg(secrets.size())
                  .arg(*timestamp)
                  .arg(rawBody.size());
        return result;
    }
    const qint64 age = nowSecs - *timestamp;
    if (age > toleranceSecs || -age > toleranceSecs) {
        result.outcome = Outcome::Stale;
        result.logText = QStringLiteral("Stripe-Signature t=%1 is %2 s %3 now, outside the tolerance of %4 s")
                             .arg(*timestamp)
                             .arg(qAbs(age))
                             .arg(age > 0 ? QStringLiteral("before") : QStringLiteral("after"))
                             .arg(toleranceSecs);
        return result;
    }
    result.outcome = Outcome::Valid;
    result.logText = QStringLiteral("valid (t=%1)").arg(*timestamp);
    return result;
}

QString WebhookSignature::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Valid:
        return QStringLiteral("valid");
    case Outcome::MissingHeader:
        return QStringLiteral("missing_header");
    case Outcome::Malformed:
        return QStringLiteral("malformed");
    case Outcome::NoMatch:
        return QStringLiteral("no_match");
    case Outcome::Stale:
        return QStringLiteral("stale");
    }
    return {};
}
