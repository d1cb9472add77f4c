#pragma once

#include "db/availability/slotplanner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

// The kiosk's wording of what the booking engine returns: vehicle sizes,
// start times as a customer in a hurry reads them. Pure, GUI thread (tr()).
class KioskText
{
    Q_DECLARE_TR_FUNCTIONS(KioskText)
public:
    // Within this many minutes a start reads "Now … ready in N min".
    static constexpr int NowWithinMinutes = 15;

    static QString vehicleClass(const QString &vehicleClass);
    // "14:30" in the site's zone as the slot carries it.
    static QString time(const QDateTime &when);
    // "Now, Tunnel Lane 2, ready in 4 min" or "14:30, Tunnel Lane 2".
    static QString slot(const PlannedSlot &slot, const QDateTime &now);
    // The bay the slot would be booked on: its first free bay.
    static QString bayName(const PlannedSlot &slot);
};
