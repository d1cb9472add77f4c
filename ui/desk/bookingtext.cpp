#include "bookingtext.h"

#include "displaylocale.h"

#include <QTimeZone>

QString BookingText::status(const QString &status)
{
    if (status == u"held")
        return tr("Held");
    if (status == u"confirmed")
        return tr("Confirmed");
    if (status == u"checked_in")
        return tr("Checked in");
    if (status == u"in_progress")
        return tr("In progress");
    if (status == u"completed")
        return tr("Completed");
    if (status == u"cancelled")
        return tr("Cancelled");
    if (status == u"no_show")
        return tr("No-show");
    if (status == u"expired")
        return tr("Expired");
    return status;
}

QString BookingText::vehicleClass(const QString &vehicleClass)
{
    if (vehicleClass == u"car")
        return tr("Car");
    if (vehicleClass == u"suv")
        return tr("SUV");
    if (vehicleClass == u"truck")
        return tr("Truck");
    return vehicleClass;
}

QString BookingText::when(const QDateTime &start)
{
    const QLocale locale = DisplayLocale::get();
    const QString time = locale.toString(start.time(), QLocale::ShortFormat);
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(start.timeZone()).date();
    if (start.date() == today)
        return time;
    if (start.date() == today.addDays(1))
        return tr("tomorrow %1").arg(time);
    return tr("%1, %2").arg(locale.toString(start.date(), tr("ddd d MMM")), time);
}
