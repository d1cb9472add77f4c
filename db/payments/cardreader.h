#pragma once

#include <QDateTime>
#include <QString>

// A Stripe Terminal reader we know by its id (registered in Stripe's
// dashboard), and the one desk or kiosk it serves, if any. Plain value.
struct CardReader
{
    QString id; // tmr_…
    QString label;
    QString assignedKind; // desk, kiosk; empty when unassigned
    QString assignedTo; // the desk's or kiosk's name
    QDateTime createdAt; // UTC

    bool isAssigned() const { return !assignedKind.isEmpty(); }
};
