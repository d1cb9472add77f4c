#pragma once

#include <QDateTime>
#include <QString>

// A kiosk's call for an attendant (attendant_calls). Plain value.
struct AttendantCall
{
    qint64 id = 0;
    QString kiosk; // the kiosk's name
    QString screen; // what was on its screen, in the kiosk's words
    QDateTime createdAt; // UTC
    QDateTime acknowledgedAt; // UTC; invalid while open
    QString acknowledgedBy; // actor who answered "I'm going"; empty while open

    bool isOpen() const { return !acknowledgedAt.isValid(); }
};
