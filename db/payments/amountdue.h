#pragma once

#include "db/payments/payment.h"
#include "db/payments/taxamounts.h"

#include <QList>
#include <QString>

// What a booking owes, read under its row lock by whoever is about to take
// money for it (cash, a Checkout session, a reader payment): the status as
// it is now, the charge the payment will settle (the tax as in force now,
// or as an earlier payment of the booking recorded it) and what is left to
// pay. Plain value; PaymentRepo::lockDue() fills it.
struct AmountDue
{
    qint64 bookingId = 0;
    QString code;
    QString status; // booking_status_now: a lapsed hold reads 'expired'
    qint64 priceCents = 0;
    QString currency;
    int taxRateBasisPoints = 0;
    bool pricesIncludeTax = true;
    TaxAmounts charge; // the whole booking's net, tax and gross
    qint64 paidCents = 0; // succeeded payments less their refunds
    qint64 dueCents = 0; // charge.totalCents - paidCents; may be <= 0
    QList<Payment> payments; // every payment of the booking, oldest first
};
