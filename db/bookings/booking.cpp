#include "db/bookings/booking.h"

#include "db/text/isotime.h"

#include <QJsonArray>

namespace {

QJsonValue orNull(const QString &text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject BookedAddon::toJson() const
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("price_cents"), priceCents},
        {QStringLiteral("extra_minutes"), extraMinutes},
    };
}

QJsonObject Booking::toJson() const
{
    QJsonArray addonArray;
    for (const BookedAddon &a : addons)
        addonArray.append(a.toJson());
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("code"), code},
        {QStringLiteral("status"), status},
        {QStringLiteral("bay"), bay.toJson()},
        {QStringLiteral("start"), IsoTime::format(start)},
        {QStringLiteral("end"), IsoTime::format(end)},
        {QStringLiteral("service"),
         QJsonObject {{QStringLiteral("id"), serviceId}, {QStringLiteral("name"), serviceName}}},
        {QStringLiteral("vehicle"), vehicleClass},
        {QStringLiteral("addons"), addonArray},
        {QStringLiteral("price_cents"), priceCents},
        {QStringLiteral("currency"), currency},
        {QStringLiteral("plate"), plate},
        {QStringLiteral("customer"),
         QJsonObject {{QStringLiteral("name"), customerName},
                      {QStringLiteral("phone"), orNull(phone)},
                      {QStringLiteral("email"), orNull(email)}}},
        {QStringLiteral("hold_expires_at"),
         holdExpiresAt ? QJsonValue(IsoTime::format(*holdExpiresAt)) : QJsonValue(QJsonValue::Null)},
    };
}
