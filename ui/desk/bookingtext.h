#pragma once

#include <QCoreApplication>
#include <QDateTime>

// How booking matters read on screen, the same in every desk dialog:
// statuses and vehicle classes by their database names, and starts
// relative to today.
class BookingText
{
    Q_DECLARE_TR_FUNCTIONS(BookingText)
public:
    // "confirmed" -> "Confirmed", "checked_in" -> "Checked in"; unknown names as they are.
    static QString status(const QString &status);
    // "car" -> "Car", "suv" -> "SUV", "truck" -> "Truck".
    static QString vehicleClass(const QString &vehicleClass);
    // "14:30" today, "Tue 12 Mar, 08:00" on another day (in the display
    // locale), compared with today in the start's own zone.
    static QString when(const QDateTime &start);
};
