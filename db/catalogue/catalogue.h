#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

// The catalogue as a manager edits it: every row, active or not, with the
// links between them. Plain values, copied across threads. id 0 means a row
// not stored yet.

// A wash package with its price per vehicle class (a class missing from
// prices is not offered for it).
struct CatalogueService
{
    qint64 id = 0;
    QString name;
    QString description;
    int durationMinutes = 0;
    bool active = true;
    QMap<QString, qint64> prices; // "car", "suv", "truck" -> cents
    int bookingCount = 0; // bookings that refer to it (read only)

    // {"name", "description", "duration_minutes", "active", "price_cents": {...}}
    QJsonObject toJson() const;
};

// An extra priced once, lengthening a booking by extraMinutes, offered with
// the services in serviceIds.
struct CatalogueAddon
{
    qint64 id = 0;
    QString name;
    qint64 priceCents = 0;
    int extraMinutes = 0;
    bool active = true;
    QList<qint64> serviceIds; // sorted
    int bookingCount = 0; // read only

    // {"name", "price_cents", "extra_minutes", "active", "service_ids": [...]}
    QJsonObject toJson() const;
};

// A lane or bay and the services it can perform.
struct CatalogueBay
{
    qint64 id = 0;
    QString name;
    QString kind; // "tunnel", "detail", "self_serve"
    bool active = true;
    QList<qint64> serviceIds; // sorted
    int bookingCount = 0; // read only

    // {"name", "kind", "active", "service_ids": [...]}
    QJsonObject toJson() const;
};

struct Catalogue
{
    QList<CatalogueService> services; // catalogue order
    QList<CatalogueAddon> addons;
    QList<CatalogueBay> bays;
    QString currency; // billing.currency: what new prices are in
};
