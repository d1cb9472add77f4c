#pragma once

#include <QDateTime>
#include <QString>

// One booking as the desk's Find lists it: enough to recognise it and open
// it (by id). Times in the site's zone. Plain value, copied across threads.
struct BookingMatch
{
    qint64 id = 0;
    QString code;
    QString status; // a held booking past its expiry reads "expired"
    QDateTime start;
    QDateTime end;
    QString bayName;
    QString serviceName;
    QString vehicleClass;
    QString plate;
    QString customerName;
    QString phone; // null when not given
    QString email; // null when not given
    qint64 priceCents = 0;
    QString currency;
};
