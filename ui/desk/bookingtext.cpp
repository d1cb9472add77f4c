#include "ui/desk/bookingtext.h"

#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"

#include <QTimeZone>

QString BookingText::status(const QString &status)
{
    return BookingWords::status(status);
}

QString BookingText::vehicleClass(const QString &vehicleClass)
{
    return BookingWords::vehicleClass(vehicleClass);
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
