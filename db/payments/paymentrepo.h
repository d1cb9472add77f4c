#pragma once

#include "db/bookings/bookingdetails.h"
#include "db/payments/amountdue.h"
#include "db/payments/payment.h"
#include "db/payments/receipt.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>

#include <optional>

// Money for bookings: cash taken at the desk, the payments of a booking, and
// what the desk's booking screen and the receipt show. Runs inside a unit of
// work on a pooled connection (blocking; throws DbException from the Sql
// helpers for transient failures, which the pool retries).
//
// What is owed is computed here, from the booking's price and the tax
// (TaxAmounts: with prices_include_tax false the tax is added on top and owed
// too), less succeeded payments. The screen only ever shows it; it never
// sends an amount to charge. The tax is the settings in force only until
// money is taken: each payment row records the charge it was taken against
// (rate, inclusive or not, net, tax, gross), and from then on details() and
// receipt() show the latest succeeded payment's, so a receipt reprinted
// after the rate changed still shows what the customer paid.
//
// Card payments (Stripe Checkout, Terminal) are asked for through
// CardPaymentRequests, which writes the same payments rows after lockDue(),
// so details(), receipt() and the amount due take them in unchanged.
class PaymentRepo
{
    Q_DECLARE_TR_FUNCTIONS(PaymentRepo)
public:
    explicit PaymentRepo(QSqlDatabase &db);

    // Takes cash for everything due on the booking, in one transaction: the
    // booking row locked (FOR UPDATE, so two desks paying at once take turns
    // and the second finds nothing due); refused (Invalid) for a cancelled,
    // no-show or expired booking, when nothing is due, or when tendered is
    // less than due; a succeeded cash payment of exactly the amount due with
    // what was tendered and the charge it settles (the tax as in force now,
    // or as an earlier payment of the booking recorded it); a held booking
    // confirmed; an audit row 'payment.cash' (amount, tendered, change, tax)
    // and the bookings_changed notification. A card payment of the booking
    // still pending is cancelled in the same transaction
    // (CardPaymentRequests::cancelLiveCard). NotFound without such a
    // booking.
    DbResult<Payment> recordCash(qint64 bookingId, qint64 tenderedCents, const QString &actor);

    // Inside the caller's transaction: locks the booking's row (FOR UPDATE)
    // and reads what it owes and the charge a payment now would settle.
    // NotFound without such a booking. Whether it may be paid at all is the
    // caller's rule (BookingDetails::acceptsPayment).
    DbResult<AmountDue> lockDue(qint64 bookingId);

    // One payment by its id; nullopt when there is none.
    std::optional<Payment> byId(qint64 paymentId);

    // After a refund of the payment succeeded: refunded_cents becomes the
    // sum of its succeeded refunds, and a payment refunded in full is
    // 'refunded' (one refunded in part stays 'succeeded'). The one rule for
    // cash refunds at the desk and card refunds Stripe confirms. Returns the
    // payment's status after it. Inside the caller's transaction.
    QString recomputeRefunded(qint64 paymentId);

    // Every payment of the booking, oldest first.
    QList<Payment> forBooking(qint64 bookingId);

    // The booking, its payments, amounts and audit history; NotFound when none.
    DbResult<BookingDetails> details(qint64 bookingId);

    // What its receipt prints; NotFound when no such booking.
    DbResult<Receipt> receipt(qint64 bookingId);

private:
    QSqlDatabase &m_db;
};
