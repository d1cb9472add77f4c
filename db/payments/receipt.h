#pragma once

#include "db/payments/payment.h"
#include "db/payments/taxamounts.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

// Everything a receipt prints, assembled from the database in one unit of
// work (PaymentRepo::receipt): nothing on it comes from a screen. Amounts in
// cents of `currency`; times in the site's zone. Plain value, any thread;
// ReceiptDocument lays it out.
struct Receipt
{
    struct Line
    {
        QString name;
        qint64 amountCents = 0;
    };

    QString siteName;
    QString siteAddress; // one line per line
    QTimeZone timeZone;
    QDateTime issuedAt; // the database's now() when it was assembled

    qint64 bookingId = 0;
    QString code; // the confirmation code, also the QR code's text
    QString status;
    QDateTime start;
    QDateTime end;
    QString bayName;
    QString vehicleClass; // car, suv, truck
    QString plate;
    QString customerName;

    Line service; // the service at the price for the vehicle class
    QList<Line> addons; // as booked, with their prices
    QString currency;
    int taxRateBasisPoints = 0; // 825 = 8.25 %
    bool pricesIncludeTax = true;
    TaxAmounts amounts; // of the items' sum (the booking's price), as charged once paid
    bool chargeRecorded = false; // rate and amounts as recorded with the payment

    QList<Payment> payments; // succeeded ones, oldest first
    qint64 paidCents = 0;
    QString servedBy; // who took the (last) payment, or who booked

    // Sum of the items: what the booking costs before tax is added on top
    // (prices exclusive) or with tax in it (inclusive).
    qint64 itemsCents() const
    {
        qint64 sum = service.amountCents;
        for (const Line &a : addons)
            sum += a.amountCents;
        return sum;
    }
    qint64 dueCents() const { return qMax<qint64>(0, amounts.totalCents - paidCents); }
};
