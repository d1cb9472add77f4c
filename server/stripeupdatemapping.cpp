#include "server/stripeupdatemapping.h"

#include "payments/stripeevent.h"
#include "payments/stripeobject.h"

#include <QJsonArray>

namespace {

StripeRefundUpdate refundFrom(const StripeObject &refund)
{
    StripeRefundUpdate r;
    r.refundId = refund.id();
    r.ourRefundId = refund.metadata(QStringLiteral("refund_id")).toLongLong();
    r.status = refund.status();
    r.amountCents = refund.amount().value_or(0);
    r.currency = refund.currency().toUpper();
    r.failureReason = refund.json().value(QLatin1String("failure_reason")).toString();
    return r;
}

} // namespace

StripeUpdate StripeUpdateMapping::fromObject(const StripeObject &object)
{
    StripeUpdate u;
    const QString type = object.type();
    u.paymentId = object.paymentId().value_or(0);
    u.bookingId = object.bookingId().value_or(0);
    u.paymentIntentId = object.paymentIntentId();
    u.currency = object.currency().toUpper();
    if (object.amount())
        u.amountCents = object.amount();
    u.failureMessage = object.failureMessage();
    u.failureReason = object.failureCode();

    if (type == u"checkout.session") {
        u.object = StripeUpdate::Object::CheckoutSession;
        u.checkoutSessionId = object.id();
        u.bookingCode = object.clientReferenceId();
        u.sessionStatus = object.status();
        u.sessionPaymentStatus = object.paymentStatus();
        // An expanded payment_intent tells how an asynchronous method ended.
        const QJsonValue intent = object.json().value(QLatin1String("payment_intent"));
        if (intent.isObject())
            u.intentStatus = intent.toObject().value(QLatin1String("status")).toString();
    } else if (type == u"payment_intent") {
        u.object = StripeUpdate::Object::PaymentIntent;
        u.intentStatus = object.status();
    } else if (type == u"terminal.reader") {
        u.object = StripeUpdate::Object::ReaderAction;
        u.readerId = object.readerId();
        u.readerActionStatus = object.readerActionStatus();
        // The action's PaymentIntent, when Stripe expanded it, says whether
        // the money arrived; otherwise payment_intent.succeeded will.
        const QJsonValue intent = object.json()
                                      .value(QLatin1String("action"))
                                      .toObject()
                                      .value(QLatin1String("process_payment_intent"))
                                      .toObject()
                                      .value(QLatin1String("payment_intent"));
        if (intent.isObject()) {
            const StripeObject expanded(intent.toObject());
            u.intentStatus = expanded.status();
            if (u.paymentId == 0)
                u.paymentId = expanded.paymentId().value_or(0);
            if (u.bookingId == 0)
                u.bookingId = expanded.bookingId().value_or(0);
        }
        u.amountCents.reset(); // a reader has no amount of its own
    } else if (type == u"charge") {
        u.object = StripeUpdate::Object::Charge;
        u.amountRefundedCents = object.amountRefunded();
        for (const QJsonValue &refund :
             object.json().value(QLatin1String("refunds")).toObject().value(QLatin1String("data")).toArray())
            u.refunds.append(refundFrom(StripeObject(refund.toObject())));
    } else if (type == u"refund") {
        u.object = StripeUpdate::Object::Refund;
        u.refunds.append(refundFrom(object));
    }
    return u;
}

StripeUpdate StripeUpdateMapping::fromEvent(const StripeEvent &event)
{
    StripeUpdate u = fromObject(event.object());
    u.eventId = event.id();
    u.eventType = event.type();
    return u;
}
