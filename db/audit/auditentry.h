#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

// One audit_log row as the desk shows a booking's history. Plain value.
struct AuditEntry
{
    QDateTime at; // in the site's zone
    QString actor; // 'staff:3', 'kiosk', 'cli', 'system'
    QString actorName; // the staff member's name when actor is one; empty otherwise
    QString action; // 'booking.create', 'booking.status', 'booking.reschedule', 'payment.cash', …
    QJsonObject details;
};
