#include "db/bookings/bookingstatus.h"

#include <QHash>

const QStringList &BookingStatus::all()
{
    static const QStringList statuses = {
        QStringLiteral("held"),        QStringLiteral("confirmed"), QStringLiteral("checked_in"),
        QStringLiteral("in_progress"), QStringLiteral("completed"), QStringLiteral("cancelled"),
        QStringLiteral("no_show"),     QStringLiteral("expired"),
    };
    return statuses;
}

bool BookingStatus::isKnown(const QString &status)
{
    return all().contains(status);
}

bool BookingStatus::isActive(const QString &status)
{
    return status == u"held" || status == u"confirmed" || status == u"checked_in" || status == u"in_progress";
}

QStringList BookingStatus::allowedFrom(const QString &from)
{
    static const QHash<QString, QStringList> transitions = {
        {QStringLiteral("held"),
         {QStringLiteral("confirmed"), QStringLiteral("expired"), QStringLiteral("cancelled")}},
        {QStringLiteral("confirmed"),
         {QStringLiteral("checked_in"), QStringLiteral("cancelled"), QStringLiteral("no_show")}},
        {QStringLiteral("checked_in"), {QStringLiteral("in_progress"), QStringLiteral("cancelled")}},
        {QStringLiteral("in_progress"), {QStringLiteral("completed")}},
    };
    return transitions.value(from);
}

bool BookingStatus::canChange(const QString &from, const QString &to)
{
    return allowedFrom(from).contains(to);
}

QString BookingStatus::activeSqlList()
{
    return QStringLiteral("'held', 'confirmed', 'checked_in', 'in_progress'");
}
