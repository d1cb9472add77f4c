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
};
