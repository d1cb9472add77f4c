#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

// An extra a customer may add to a wash: priced once (not per vehicle
// class) and lengthening the booking by extraMinutes.
struct Addon
{
    qint64 id = 0;
    QString name;
    qint64 priceCents = 0;
    int extraMinutes = 0;
    bool active = true;

    // {"id", "name", "price_cents", "extra_minutes", "active"}
    QJsonObject toJson() const;
};

// A wash package as the catalogue offers it. A vehicle class missing from
// prices is not offered for that class. Plain value, copied across threads.
struct Service
{
    qint64 id = 0;
    QString name;
    QString description;
    int durationMinutes = 0;
    bool active = true;
    QMap<QString, qint64> prices; // vehicle class ("car", "suv", "truck") -> cents
    QString currency; // ISO 4217, e.g. "USD"
    QList<Addon> addons; // the add-ons that may be ordered with it

    // The CLI's form: {"id", "name", "description", "duration_minutes",
    // "active", "price_cents": {"car": 1200, ...}, "currency", "addons": [...]}
    QJsonObject toJson() const;
};
