#include "db/calendar/closure.h"

QJsonObject Closure::toJson() const
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("from"), startsOn.toString(Qt::ISODate)},
        {QStringLiteral("to"), endsOn.toString(Qt::ISODate)},
        {QStringLiteral("reason"), reason},
    };
}
