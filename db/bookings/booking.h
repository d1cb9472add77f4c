#pragma once

#include "db/catalogue/bayref.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// An add-on as booked: price and minutes copied from the catalogue then.
struct BookedAddon
{
    qint64 id = 0;
    QString name;
    qint64 priceCents = 0;
    int extraMinutes = 0;

    QJsonObject toJson() const; // {"id", "name", "price_cents", "extra_minutes"}
};

// One booking as the desk, the kiosk and the command line show it. Times
// are in the site's zone. Plain value, copied across threads.
struct Booking
{
    qint64 id = 0;
    QString code;
    QString status;
    BayRef bay;
    QDateTime start;
    QDateTime end; // what the customer is told
    QDateTime blockedUntil; // end + the cleanup buffer: the bay is busy until then
    std::optional<QDateTime> holdExpiresAt;
    qint64 serviceId = 0;
    QString serviceName;
    QString vehicleClass;
    QList<BookedAddon> addons;
    qint64 priceCents = 0;
    QString currency;
    QString plate;
    qint64 customerId = 0;
    QString customerName;
    QString phone; // null when not given
    QString email; // null when not given
    QString createdBy;

    // {"id", "code", "status", "bay": {"id", "name"}, "start", "end",
    //  "service": {"id", "name"}, "vehicle", "addons": [...], "price_cents",
    //  "currency", "plate", "customer": {"name", "phone", "email"},
    //  "hold_expires_at"} with ISO-8601 times carrying their UTC offset.
    QJsonObject toJson() const;
};
