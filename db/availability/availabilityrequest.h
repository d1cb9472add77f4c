#pragma once

#include <QList>
#include <QString>

// What availability is asked for: a service for a vehicle class with
// add-ons, optionally on one bay.
struct AvailabilityRequest
{
    qint64 serviceId = 0;
    QString vehicleClass = QStringLiteral("car");
    QList<qint64> addonIds; // without duplicates
    qint64 bayId = 0; // 0: any active bay offering the service
    // A booking whose own time does not count as busy: the one being moved.
    // A booking may be moved onto times that overlap where it is now (the
    // exclusion constraint compares a row with other rows only); its
    // add-ons count with the minutes they were booked with. 0: none.
    // BookingRepo::create ignores it.
    qint64 ignoreBookingId = 0;
};
