#pragma once

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTimeZone>

// One way of paying on one day: payments that succeeded that day (by
// paid_at, including those refunded since) and refunds that succeeded that
// day (by succeeded_at, whenever their payment was). Cents of one currency.
struct MethodTakings
{
    int payments = 0;
    qint64 takenCents = 0;
    // The tax in what was taken, from each payment's recorded charge: its
    // tax_cents in proportion to amount/gross, rounded half up per payment
    // (a payment of the whole charge carries exactly its tax_cents).
    qint64 taxCents = 0;
    int refunds = 0;
    qint64 refundedCents = 0;

    qint64 netCents() const { return takenCents - refundedCents; }
    MethodTakings &operator+=(const MethodTakings &other);
    QJsonObject toJson() const;
};

// The day's takings in one currency: cash, and card (Checkout and reader).
struct CurrencyTakings
{
    QString currency;
    MethodTakings cash;
    MethodTakings card;

    MethodTakings total() const
    {
        MethodTakings t = cash;
        t += card;
        return t;
    }
};

// A site-local day's takings, as the end-of-day screen, its printout,
// carwash-admin takings and the CSV export show them. The day runs from
// local midnight to the next in the site's zone (23 or 25 hours on a DST
// change). Plain value.
struct DayTakings
{
    QDate date;
    QTimeZone timeZone;
    QDateTime from; // inclusive, the site's zone
    QDateTime to; // exclusive
    QString siteName;
    // The site's currency first and always there (zeros on a quiet day),
    // then any other currency money moved in that day.
    QList<CurrencyTakings> currencies;

    // {"date", "time_zone", "from", "to", "site", "currency" (the site's),
    //  "currencies": [{"currency", "cash", "card", "total"}]}, each of the
    // three {"payments", "taken_cents", "tax_cents", "refunds",
    // "refunded_cents", "net_cents"}.
    QJsonObject toJson() const;
    // RFC 4180: a header line, then per currency one row each for cash,
    // card and total; CRLF line ends; fields with a comma, quote or line
    // break quoted, quotes doubled; amounts in the currency's units with a
    // point ("12.50").
    QString toCsv() const;
    // One CSV field as RFC 4180 writes it.
    static QString csvField(const QString &text);
};
