#include "ui/kiosk/kiosktext.h"

#include "db/text/displaylocale.h"

QString KioskText::vehicleClass(const QString &vehicleClass)
{
    if (vehicleClass == u"suv")
        return tr("SUV");
    if (vehicleClass == u"truck")
        return tr("Truck");
    return tr("Car");
}

QString KioskText::time(const QDateTime &when)
{
    return DisplayLocale::get().toString(when.time(), QLocale::ShortFormat);
}

QString KioskText::bayName(const PlannedSlot &slot)
{
    return slot.bays.isEmpty() ? QString() : slot.bays.first().name;
}

QString KioskText::slot(const PlannedSlot &slot, const QDateTime &now)
{
    const qint64 minutes = (now.secsTo(slot.start) + 59) / 60;
    if (minutes <= NowWithinMinutes) {
        if (minutes <= 0)
            return tr("Now, %1, ready now").arg(bayName(slot));
        return tr("Now, %1, ready in %n min", nullptr, int(minutes)).arg(bayName(slot));
    }
    return tr("%1, %2").arg(time(slot.start), bayName(slot));
}
