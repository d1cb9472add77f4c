#include "db/customers/customer.h"

#include "db/text/isotime.h"

#include <QJsonArray>

namespace {

QJsonValue orNull(const QString &text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject Visit::toJson() const
{
    return QJsonObject {
        {QStringLiteral("id"), bookingId},        {QStringLiteral("code"), code},
        {QStringLiteral("status"), status},       {QStringLiteral("start"), IsoTime::format(start)},
        {QStringLiteral("service"), serviceName}, {QStringLiteral("bay"), bayName},
        {QStringLiteral("plate"), plate},         {QStringLiteral("price_cents"), priceCents},
        {QStringLiteral("currency"), currency},
    };
}

QJsonObject Customer::toJson() const
{
    QJsonArray vehicleArray;
    for (const auto &v : vehicles)
        vehicleArray.append(
            QJsonObject {{QStringLiteral("plate"), v.first}, {QStringLiteral("vehicle"), v.second}});
    QJsonArray visitArray;
    for (const Visit &v : visits)
        visitArray.append(v.toJson());
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("phone"), orNull(phone)},
        {QStringLiteral("email"), orNull(email)},
        {QStringLiteral("vehicles"), vehicleArray},
        {QStringLiteral("visits"), visitArray},
        {QStringLiteral("completed_visits"), completedVisits},
    };
}
