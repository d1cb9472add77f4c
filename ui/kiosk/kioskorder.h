#pragma once

#include "db/availability/slotplanner.h"
#include "db/bookings/booking.h"
#include "db/catalogue/service.h"

#include <QList>
#include <QString>

#include <optional>

// What one customer has chosen at the kiosk so far, screen by screen. The
// window owns it; screens read it and fill in their part. Prices shown come
// from the catalogue as loaded; what is charged comes from the database.
struct KioskOrder
{
    std::optional<Service> service;
    QString vehicleClass = QStringLiteral("car");
    QList<qint64> addonIds;
    std::optional<PlannedSlot> slot;
    QString plate; // as typed; normalised when booked
    QString phone; // optional, for the receipt
    QString email; // optional, for the receipt
    QString language; // the kiosk's language when the customer paid: en, es or de
    std::optional<Booking> booking; // the hold (or the booking) made on Pay

    QList<Addon> chosenAddons() const
    {
        QList<Addon> chosen;
        if (service) {
            for (const Addon &addon : service->addons) {
                if (addonIds.contains(addon.id))
                    chosen.append(addon);
            }
        }
        return chosen;
    }
    // The catalogue's price of the wash for the vehicle plus the add-ons.
    qint64 cataloguePriceCents() const
    {
        if (!service)
            return 0;
        qint64 cents = service->prices.value(vehicleClass);
        for (const Addon &addon : chosenAddons())
            cents += addon.priceCents;
        return cents;
    }
};
