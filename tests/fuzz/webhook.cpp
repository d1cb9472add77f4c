// Stripe's webhooks as carwash-server takes them: the Stripe-Signature
// header checked against the raw body (WebhookSignature), the body read as
// an event (StripeEvent) and mapped into the database's terms
// (StripeUpdateMapping), and any JSON object mapped as the reconciler maps
// what it fetched. Input: the header on the first line, the body after it.
// Properties: only a header carrying a genuine v1 for a configured secret,
// signed within the tolerance, is valid; what we sign ourselves is valid; an
// event reads back the same from its own JSON.

#include "tests/fuzz/fuzzinput.h"

#include "payments/stripeevent.h"
#include "payments/webhooksignature.h"
#include "server/stripeupdatemapping.h"

#include <QJsonDocument>

namespace {

const QStringList Secrets = {QStringLiteral("whsec_fuzz_current"), QStringLiteral("whsec_fuzz_previous")};
constexpr qint64 Now = 1700000000; // the seeds are signed at this time

QString eventText(const StripeEvent &event)
{
    return QStringList {event.id(),
                        event.type(),
                        event.created().toString(Qt::ISODate),
                        event.apiVersion(),
                        event.livemode() ? QStringLiteral("live") : QStringLiteral("test"),
                        event.object().id()}
        .join(u' ');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> parts = Fuzz::parts(data, size, 2);
    const QByteArray header = parts[0];
    const QByteArray body = parts[1];

    const WebhookSignature::Result result = WebhookSignature::verify(header, body, Secrets, Now);
    if (result.isValid()) {
        bool genuine = false;
        for (const QString &secret : Secrets)
            genuine |= header.contains(WebhookSignature::signatureHex(body, secret, result.timestamp));
        FUZZ_CHECK(genuine, QString::fromLatin1(header));
        FUZZ_CHECK(qAbs(Now - result.timestamp) <= WebhookSignature::DefaultToleranceSecs,
                   QString::fromLatin1(header));
    }
    FUZZ_CHECK(
        WebhookSignature::verify(WebhookSignature::sign(body, Secrets, Now), body, Secrets, Now).isValid(),
        QString::fromUtf8(body));
    FUZZ_CHECK(WebhookSignature::verify(WebhookSignature::sign(body, QStringLiteral("whsec_other"), Now),
                                        body, Secrets, Now)
                       .outcome
                   == WebhookSignature::Outcome::NoMatch,
               QString::fromUtf8(body));

    const StripeEvent event = StripeEvent::parse(body);
    if (event.isValid()) {
        FUZZ_CHECK(!event.id().isEmpty() && !event.type().isEmpty() && !event.object().isEmpty(),
                   eventText(event));
        const StripeEvent again
            = StripeEvent::parse(QJsonDocument(event.json()).toJson(QJsonDocument::Compact));
        FUZZ_CHECK(again.isValid() && eventText(again) == eventText(event), eventText(event));
        const StripeUpdate update = StripeUpdateMapping::fromEvent(event);
        FUZZ_CHECK(update.eventId == event.id() && update.eventType == event.type(), eventText(event));
    }
    // The reconciler maps what it fetched from Stripe's API the same way.
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject())
        StripeUpdateMapping::fromObject(StripeObject(document.object()));
    return 0;
}
