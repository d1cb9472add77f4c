#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

// One past or coming booking in a customer's history.
struct Visit
{
    qint64 bookingId = 0;
    QString code;
    QString status;
    QDateTime start; // in the site's zone
    QString serviceName;
    QString bayName;
    QString plate;
    qint64 priceCents = 0;
    QString currency;

    QJsonObject toJson() const;
};

// A customer found by plate, phone or name, with vehicles and visit history
// (newest first). Plain value.
struct Customer
{
    qint64 id = 0;
    QString name;
    QString phone; // null when unknown
    QString email; // null when unknown
    QList<QPair<QString, QString>> vehicles; // plate, vehicle class
    QList<Visit> visits;
    int completedVisits = 0;

    // {"id", "name", "phone", "email", "vehicles": [{"plate", "vehicle"}],
    //  "visits": [{"id", "code", "status", "start", "service", "bay", "plate",
    //  "price_cents", "currency"}], "completed_visits"}
    QJsonObject toJson() const;
};
