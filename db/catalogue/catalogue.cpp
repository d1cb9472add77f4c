#include "db/catalogue/catalogue.h"

#include <QJsonArray>

namespace {

QJsonArray idArray(const QList<qint64> &ids)
{
    QJsonArray array;
    for (const qint64 id : ids)
        array.append(id);
    return array;
}

} // namespace

QJsonObject CatalogueService::toJson() const
{
    QJsonObject priceObject;
    for (auto it = prices.cbegin(); it != prices.cend(); ++it)
        priceObject.insert(it.key(), it.value());
    return {{QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("duration_minutes"), durationMinutes},
            {QStringLiteral("active"), active},
            {QStringLiteral("price_cents"), priceObject}};
}

QJsonObject CatalogueAddon::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("price_cents"), priceCents},
            {QStringLiteral("extra_minutes"), extraMinutes},
            {QStringLiteral("active"), active},
            {QStringLiteral("service_ids"), idArray(serviceIds)}};
}

QJsonObject CatalogueBay::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("active"), active},
            {QStringLiteral("service_ids"), idArray(serviceIds)}};
}
