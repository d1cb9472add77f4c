#pragma once

#include "db/payments/taxamounts.h"

#include <QDateTime>
#include <QString>

#include <optional>

// One row of payments as the desk and the receipt show it. Times are in the
// site's zone. Plain value, copied across threads.
struct Payment
{
    qint64 id = 0;
    qint64 bookingId = 0;
    QString method; // cash, card, stripe_checkout, terminal
    QString status; // pending, processing, succeeded, failed, cancelled, expired, refunded
    qint64 amountCents = 0; // what was charged, from the booking: never the screen's number
    qint64 refundedCents = 0;
    std::optional<qint64> tenderedCents; // cash only: what the customer handed over
    QString currency;
    QString createdBy; // audit_log's actor form ('staff:3')
    QString createdByName; // the staff member's name, when createdBy is one
    QDateTime paidAt; // invalid until it succeeded
    QDateTime createdAt;

    // Stripe's side, empty for cash and until carwash-server has asked Stripe.
    QString stripeCheckoutSessionId;
    QString stripePaymentIntentId;
    QString stripeReaderId; // terminal: the reader it was sent to
    QString checkoutUrl; // what the QR code shows
    QDateTime checkoutExpiresAt; // the Checkout Session's own expiry; invalid without one
    QString failureReason;
    QString attention; // why a person should look at it; empty when all is well

    // The charge it was taken against, as it stood then: the booking's price
    // with the tax rate then in force. Receipts print these, never today's
    // settings, so a reprint shows what the customer paid.
    int taxRateBasisPoints = 0; // 825 = 8.25 %
    bool pricesIncludeTax = true;
    TaxAmounts charged; // net, tax and gross (what the booking cost in all)

    // Cash handed back: tendered minus the amount; 0 when nothing was tendered.
    qint64 changeCents() const { return tenderedCents ? *tenderedCents - amountCents : 0; }
    bool succeeded() const { return status == u"succeeded"; }
    bool isCard() const { return method == u"stripe_checkout" || method == u"terminal"; }
    // Pending or processing: the one live card payment a booking may have.
    bool isLive() const { return status == u"pending" || status == u"processing"; }
};
