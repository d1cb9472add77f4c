#pragma once

#include "db/payments/stripeupdate.h"

class StripeEvent;
class StripeObject;

// Stripe's JSON into the database's terms, in one place: a webhook event and
// an object the reconciler fetched become the same StripeUpdate, so both go
// through StripeEventRepo's one code path. Pure.
namespace StripeUpdateMapping {

// The event's data.object, with the event's id and type.
StripeUpdate fromEvent(const StripeEvent &event);
// A fetched Checkout Session, PaymentIntent, reader, charge or refund (no
// event: audited as the reconciler's).
StripeUpdate fromObject(const StripeObject &object);

} // namespace StripeUpdateMapping
