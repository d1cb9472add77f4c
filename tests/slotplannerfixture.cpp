#include "tests/slotplannerfixture.h"

#include "db/calendar/openinghours.h"

namespace SlotPlannerTest {

QList<OpeningPeriod> everyDay(const QString &spec)
{
    QList<OpeningPeriod> all;
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QString error;
        const auto periods = OpeningHours::parse(weekday, spec, &error);
        if (!periods)
            qFatal("bad hours in the test table: %s", qPrintable(error));
        all += *periods;
    }
    return all;
}

QList<BusyInterval> busyOn(const QDate &date, const QTimeZone &zone, const QString &spec)
{
    QList<BusyInterval> busy;
    for (const QString &item : spec.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const int colon = item.indexOf(QLatin1Char(':'));
        const qint64 bay = item.left(colon).toLongLong();
        const QStringList ends = item.mid(colon + 1).split(QLatin1Char('-'));
        const int from = *OpeningHours::parseClock(ends[0], false);
        const int to = *OpeningHours::parseClock(ends[1], true);
        busy.append({bay, *SlotPlanner::localInstant(date, from * 60, zone),
                     SlotPlanner::localInstantAtOrAfter(date, to * 60, zone)});
    }
    return busy;
}

QList<BayRef> bays(int count)
{
    QList<BayRef> list;
    for (int i = 1; i <= count; ++i)
        list.append({i, QStringLiteral("Bay %1").arg(i)});
    return list;
}

QStringList texts(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

QString describe(const QList<PlannedSlot> &planned, int bayCount)
{
    QStringList parts;
    for (const PlannedSlot &s : planned) {
        QString text = s.start.toString(QStringLiteral("HH:mm"));
        if (s.bays.size() != bayCount) {
            QStringList ids;
            for (const BayRef &b : s.bays)
                ids << QString::number(b.id);
            text += QLatin1Char('[') + ids.join(QLatin1Char(',')) + QLatin1Char(']');
        }
        parts << text;
    }
    return parts.join(QLatin1Char(' '));
}

QString grid(const char *from, const char *last, int step)
{
    QStringList parts;
    const int end = *OpeningHours::parseClock(QString::fromLatin1(last), false);
    for (int m = *OpeningHours::parseClock(QString::fromLatin1(from), false); m <= end; m += step)
        parts << OpeningHours::clockText(m);
    return parts.join(QLatin1Char(' '));
}

SlotPlanInput baseInput()
{
    SlotPlanInput in;
    in.timeZone = QTimeZone("Europe/Berlin");
    in.date = QDate(2025, 6, 11); // a Wednesday
    in.now = QDateTime(QDate(2025, 6, 1), QTime(12, 0), in.timeZone);
    in.periods = everyDay(QStringLiteral("08:00-10:00"));
    in.slotMinutes = 15;
    in.durationMinutes = 30;
    in.bufferMinutes = 5;
    in.horizonDays = 60;
    in.bays = bays(1);
    return in;
}

} // namespace SlotPlannerTest
