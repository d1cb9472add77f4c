#include "db/catalogue/service.h"

#include <QJsonArray>

QJsonObject Addon::toJson() const
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("price_cents"), priceCents},
        {QStringLiteral("extra_minutes"), extraMinutes},
        {QStringLiteral("active"), active},
    };
}

QJsonObject Service::toJson() const
{
    QJsonObject priceObject;
    for (auto it = prices.cbegin(); it != prices.cend(); ++it)
        priceObject.insert(it.key(), it.value());
    QJsonArray addonArray;
    for (const Addon &addon : addons)
        addonArray.append(addon.toJson());
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("description"), description},
        {QStringLiteral("duration_minutes"), durationMinutes},
        {QStringLiteral("active"), active},
        {QStringLiteral("price_cents"), priceObject},
        {QStringLiteral("currency"), currency},
        {QStringLiteral("addons"), addonArray},
    };
}
