#pragma once

#include "db/audit/auditentry.h"
#include "db/bookings/booking.h"
#include "db/payments/payment.h"
#include "db/payments/taxamounts.h"

#include <QList>

// What the desk's booking screen loads in one unit of work: the booking, its
// payments, the money (the total with tax, what was paid, what is due) and
// its audit history, oldest first. Plain value.
//
// The tax: once money has been taken, the charge recorded with the latest
// succeeded payment (what the customer was charged, whatever the settings
// say now); while nothing is paid, booking.priceCents under the settings in
// force.
struct BookingDetails
{
    Booking booking;
    QList<Payment> payments; // oldest first
    TaxAmounts amounts; // of booking.priceCents, as charged or as it would be now
    int taxRateBasisPoints = 0;
    bool pricesIncludeTax = true;
    bool chargeRecorded = false; // amounts and rate come from a payment, not the settings
    qint64 paidCents = 0; // succeeded payments less refunds
    QList<AuditEntry> history;

    qint64 dueCents() const { return qMax<qint64>(0, amounts.totalCents - paidCents); }
    // "Paid": nothing is due any more. A free booking counts as paid.
    bool isPaid() const { return dueCents() == 0; }
    // Whether money may be taken for it at all: not for a booking that will
    // never happen, nor when nothing is due.
    bool acceptsPayment() const { return dueCents() > 0 && acceptsPayment(booking.status); }
    static bool acceptsPayment(const QString &status)
    {
        return status != u"cancelled" && status != u"no_show" && status != u"expired";
    }
};
