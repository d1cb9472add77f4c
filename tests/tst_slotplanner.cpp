// The slot rules as a table: opening hours, breaks, closures, notice,
// horizon, buffer, duration with add-ons and busy bays, and the DST days of
// America/New_York and Europe/Berlin. No database: SlotPlanner is pure.
#include "db/availability/slotplanner.h"
#include "db/calendar/openinghours.h"
#include "db/text/isotime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

namespace {

// "08:00-12:00,13:00-17:00" for every weekday.
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

// "1:09:00-10:00;2:11:00-11:30" → busy intervals of bays 1 and 2 on date.
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

// "08:00 08:15[2] …": local start times; [ids] when not every bay is free.
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

// Every grid time from..to (exclusive of the last start that would not fit).
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

} // namespace

class TestSlotPlanner : public QObject
{
    Q_OBJECT
private slots:
    void freeStarts_data();
    void freeStarts();
    void dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets_data();
    void dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets();
    void nightHoursAcrossTheChange_data();
    void nightHoursAcrossTheChange();
    void localInstantPicksTheFirstOccurrenceAndSkipsTheGap();
    void checkSaysWhyAStartIsRefused_data();
    void checkSaysWhyAStartIsRefused();
    void checkAgreesWithTheGeneratedDay_data();
    void checkAgreesWithTheGeneratedDay();
    void jsonHasOffsetsAndBays();
    void jsonTextIsTheSameArrayAsToJson();
    void isoFormatWritesWhatQtsFormatWrites();
};

void TestSlotPlanner::freeStarts_data()
{
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("closures"); // "2025-06-10..2025-06-12"
    QTest::addColumn<int>("slotMinutes");
    QTest::addColumn<int>("durationMinutes");
    QTest::addColumn<int>("bufferMinutes");
    QTest::addColumn<int>("noticeMinutes");
    QTest::addColumn<int>("horizonDays");
    QTest::addColumn<QString>("now"); // local, on or before 2025-06-11
    QTest::addColumn<int>("bayCount");
    QTest::addColumn<QString>("busy");
    QTest::addColumn<QString>("expected");

    const QString early = QStringLiteral("2025-06-01T12:00");
    QTest::newRow("plain hours: every 15 minutes, the last start ends at closing")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 0 << 60 << early << 1 << "" << grid("08:00", "09:30", 15);
    QTest::newRow("a 20-minute grid counts from opening")
        << "08:10-10:00"
        << "" << 20 << 30 << 5 << 0 << 60 << early << 1 << ""
        << "08:10 08:30 08:50 09:10 09:30";
    QTest::newRow("a break: nothing runs into it") << "08:00-09:00,10:00-11:00"
                                                   << "" << 15 << 30 << 0 << 0 << 60 << early << 1 << ""
                                                   << "08:00 08:15 08:30 10:00 10:15 10:30";
    QTest::newRow("add-ons lengthen the wash: 50 minutes fit until 09:00")
        << "08:00-10:00"
        << "" << 15 << 50 << 5 << 0 << 60 << early << 1 << ""
        << "08:00 08:15 08:30 08:45 09:00";
    QTest::newRow("the buffer may run past closing") << "08:00-09:00"
                                                     << "" << 30 << 30 << 15 << 0 << 60 << early << 1 << ""
                                                     << "08:00 08:30";
    QTest::newRow("open until midnight") << "22:00-24:00"
                                         << "" << 30 << 30 << 5 << 0 << 60 << early << 1 << ""
                                         << "22:00 22:30 23:00 23:30";
    QTest::newRow("a closure covering the day")
        << "08:00-10:00"
        << "2025-06-10..2025-06-12" << 15 << 30 << 5 << 0 << 60 << early << 1 << ""
        << "";
    QTest::newRow("a closure of another day") << "08:00-10:00"
                                              << "2025-06-12..2025-06-13" << 15 << 30 << 5 << 0 << 60 << early
                                              << 1 << "" << grid("08:00", "09:30", 15);
    QTest::newRow("closed all day") << "closed"
                                    << "" << 15 << 30 << 5 << 0 << 60 << early << 1 << ""
                                    << "";
    QTest::newRow("today: nothing before now")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 0 << 60 << "2025-06-11T08:50" << 1 << ""
        << "09:00 09:15 09:30";
    QTest::newRow("today: now on a start time is still bookable")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 0 << 60 << "2025-06-11T09:00" << 1 << ""
        << "09:00 09:15 09:30";
    QTest::newRow("minimum notice of 40 minutes")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 40 << 60 << "2025-06-11T08:10" << 1 << ""
        << "09:00 09:15 09:30";
    QTest::newRow("notice reaching past closing leaves nothing")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 120 << 60 << "2025-06-11T07:45" << 1 << ""
        << "";
    QTest::newRow("a past day") << "08:00-10:00"
                                << "" << 15 << 30 << 5 << 0 << 60 << "2025-06-12T07:00" << 1 << ""
                                << "";
    QTest::newRow("the last day of the horizon")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 0 << 10 << early << 1 << "" << grid("08:00", "09:30", 15);
    QTest::newRow("a day past the horizon") << "08:00-10:00"
                                            << "" << 15 << 30 << 5 << 0 << 9 << early << 1 << ""
                                            << "";
    QTest::newRow("a booking blocks the starts whose wash or buffer meets it")
        << "08:00-10:00"
        << "" << 15 << 30 << 5 << 0 << 60 << early << 1 << "1:09:00-09:35"
        << "08:00 08:15";
    QTest::newRow("back to back: a wash and buffer ending as a booking starts fit")
        << "08:00-10:00"
        << "" << 30 << 25 << 5 << 0 << 60 << early << 1 << "1:08:30-09:00"
        << "08:00 09:00 09:30";
    QTest::newRow("two bays: the free one is offered")
        << "08:00-10:00"
        << "" << 30 << 30 << 0 << 0 << 60 << early << 2 << "1:08:00-09:00;2:09:00-09:30"
        << "08:00[2] 08:30[2] 09:00[1] 09:30";
    QTest::newRow("two bays both busy: no slot")
        << "08:00-09:00"
        << "" << 30 << 30 << 0 << 0 << 60 << early << 2 << "1:08:00-09:00;2:08:00-09:00"
        << "";
    QTest::newRow("another bay's booking is ignored")
        << "08:00-09:00"
        << "" << 30 << 30 << 0 << 0 << 60 << early << 1 << "7:08:00-09:00"
        << "08:00 08:30";
}

void TestSlotPlanner::freeStarts()
{
    QFETCH(QString, hours);
    QFETCH(QString, closures);
    QFETCH(int, slotMinutes);
    QFETCH(int, durationMinutes);
    QFETCH(int, bufferMinutes);
    QFETCH(int, noticeMinutes);
    QFETCH(int, horizonDays);
    QFETCH(QString, now);
    QFETCH(int, bayCount);
    QFETCH(QString, busy);
    QFETCH(QString, expected);

    SlotPlanInput in = baseInput();
    in.periods = everyDay(hours);
    if (!closures.isEmpty()) {
        const QStringList ends = closures.split(QStringLiteral(".."));
        in.closures.append({1, *IsoTime::parseDate(ends[0]), *IsoTime::parseDate(ends[1]), QString()});
    }
    in.slotMinutes = slotMinutes;
    in.durationMinutes = durationMinutes;
    in.bufferMinutes = bufferMinutes;
    in.minNoticeMinutes = noticeMinutes;
    in.horizonDays = horizonDays;
    bool hasOffset = true;
    const QDateTime wall = IsoTime::parseDateTime(now, &hasOffset);
    QVERIFY(!hasOffset);
    in.now = QDateTime(wall.date(), wall.time(), in.timeZone);
    in.bays = bays(bayCount);
    in.busy = busyOn(in.date, in.timeZone, busy);

    const SlotPlanner planner(in);
    const QList<PlannedSlot> free = planner.freeSlots();
    QCOMPARE(describe(free, bayCount), expected);
    for (const PlannedSlot &s : free) {
        QCOMPARE(s.start.secsTo(s.end), qint64(durationMinutes) * 60);
        QCOMPARE(s.start.timeZone(), in.timeZone);
    }
}

void TestSlotPlanner::dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("ordinaryDay");
    QTest::addColumn<QDate>("changeDay");
    QTest::addColumn<QString>("offsetBefore"); // of the ordinary day
    QTest::addColumn<QString>("offsetAfter"); // of the change day's opening hours

    QTest::newRow("New York, spring forward")
        << QByteArray("America/New_York") << QDate(2025, 3, 8) << QDate(2025, 3, 9) << "-05:00"
        << "-04:00";
    QTest::newRow("New York, fall back")
        << QByteArray("America/New_York") << QDate(2025, 11, 1) << QDate(2025, 11, 2) << "-04:00"
        << "-05:00";
    QTest::newRow("Berlin, spring forward")
        << QByteArray("Europe/Berlin") << QDate(2025, 3, 29) << QDate(2025, 3, 30) << "+01:00"
        << "+02:00";
    QTest::newRow("Berlin, fall back")
        << QByteArray("Europe/Berlin") << QDate(2025, 10, 25) << QDate(2025, 10, 26) << "+02:00"
        << "+01:00";
}

void TestSlotPlanner::dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets()
{
    QFETCH(QByteArray, zone);
    QFETCH(QDate, ordinaryDay);
    QFETCH(QDate, changeDay);
    QFETCH(QString, offsetBefore);
    QFETCH(QString, offsetAfter);

    QVERIFY2(QTimeZone(zone).isValid(), zone.constData());
    auto plan = [&zone](const QDate &date) {
        SlotPlanInput in = baseInput();
        in.timeZone = QTimeZone(zone);
        in.periods = everyDay(QStringLiteral("08:00-12:00,13:00-18:00"));
        in.date = date;
        in.now = QDateTime(QDate(2025, 1, 1), QTime(0, 0), in.timeZone);
        in.horizonDays = 365;
        in.durationMinutes = 20;
        return SlotPlanner(in).freeSlots();
    };
    const QList<PlannedSlot> ordinary = plan(ordinaryDay);
    const QList<PlannedSlot> change = plan(changeDay);

    const QString expected = grid("08:00", "11:40", 15) + QLatin1Char(' ') + grid("13:00", "17:30", 15);
    QCOMPARE(describe(ordinary, 1), expected);
    QCOMPARE(describe(change, 1), expected);
    for (const PlannedSlot &s : ordinary)
        QVERIFY2(IsoTime::format(s.start).endsWith(offsetBefore), qPrintable(IsoTime::format(s.start)));
    for (const PlannedSlot &s : change) {
        const QString start = IsoTime::format(s.start);
        QVERIFY2(start.startsWith(changeDay.toString(Qt::ISODate)) && start.endsWith(offsetAfter),
                 qPrintable(start));
        QVERIFY(IsoTime::format(s.end).endsWith(offsetAfter));
        QCOMPARE(s.start.secsTo(s.end), 20 * 60);
    }
    // The same wall-clock time is one hour further from the ordinary day's in
    // UTC terms than 24 hours would be, by the change.
    const qint64 shift = ordinary.first().start.secsTo(change.first().start);
    QCOMPARE(std::abs(shift - 24 * 3600), qint64(3600));
}

void TestSlotPlanner::nightHoursAcrossTheChange_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QStringList>("expected"); // start/end pairs

    QTest::newRow("New York spring: 02:00-02:59 does not exist")
        << QByteArray("America/New_York") << QDate(2025, 3, 9) << "01:00-04:00"
        << texts({"2025-03-09T01:00:00-05:00/2025-03-09T01:30:00-05:00",
                  "2025-03-09T01:30:00-05:00/2025-03-09T03:00:00-04:00",
                  "2025-03-09T03:00:00-04:00/2025-03-09T03:30:00-04:00",
                  "2025-03-09T03:30:00-04:00/2025-03-09T04:00:00-04:00"});
    QTest::newRow("New York fall: 01:00-01:59 once, at its first occurrence")
        << QByteArray("America/New_York") << QDate(2025, 11, 2) << "00:30-03:00"
        << texts({"2025-11-02T00:30:00-04:00/2025-11-02T01:00:00-04:00",
                  "2025-11-02T01:00:00-04:00/2025-11-02T01:30:00-04:00",
                  "2025-11-02T01:30:00-04:00/2025-11-02T01:00:00-05:00",
                  "2025-11-02T02:00:00-05:00/2025-11-02T02:30:00-05:00",
                  "2025-11-02T02:30:00-05:00/2025-11-02T03:00:00-05:00"});
    QTest::newRow("Berlin spring: opening inside the gap starts at 03:00")
        << QByteArray("Europe/Berlin") << QDate(2025, 3, 30) << "02:00-04:00"
        << texts({"2025-03-30T03:00:00+02:00/2025-03-30T03:30:00+02:00",
                  "2025-03-30T03:30:00+02:00/2025-03-30T04:00:00+02:00"});
    QTest::newRow("Berlin spring: closing inside the gap ends at the jump")
        << QByteArray("Europe/Berlin") << QDate(2025, 3, 30) << "01:00-02:30"
        << texts({"2025-03-30T01:00:00+01:00/2025-03-30T01:30:00+01:00",
                  "2025-03-30T01:30:00+01:00/2025-03-30T03:00:00+02:00"});
    QTest::newRow("Berlin fall: 02:00-02:59 once, at its first occurrence")
        << QByteArray("Europe/Berlin") << QDate(2025, 10, 26) << "01:30-03:30"
        << texts({"2025-10-26T01:30:00+02:00/2025-10-26T02:00:00+02:00",
                  "2025-10-26T02:00:00+02:00/2025-10-26T02:30:00+02:00",
                  "2025-10-26T02:30:00+02:00/2025-10-26T02:00:00+01:00",
                  "2025-10-26T03:00:00+01:00/2025-10-26T03:30:00+01:00"});
    QTest::newRow("a whole day in New York, spring: 23 hours, 46 starts")
        << QByteArray("America/New_York") << QDate(2025, 3, 9) << "00:00-24:00" << texts({"count:46"});
    QTest::newRow("a whole day in New York, fall: 25 hours, still 48 starts")
        << QByteArray("America/New_York") << QDate(2025, 11, 2) << "00:00-24:00" << texts({"count:48"});
}

void TestSlotPlanner::nightHoursAcrossTheChange()
{
    QFETCH(QByteArray, zone);
    QFETCH(QDate, date);
    QFETCH(QString, hours);
    QFETCH(QStringList, expected);

    SlotPlanInput in = baseInput();
    in.timeZone = QTimeZone(zone);
    in.periods = everyDay(hours);
    in.date = date;
    in.now = QDateTime(QDate(2025, 1, 1), QTime(0, 0), in.timeZone);
    in.horizonDays = 365;
    in.slotMinutes = 30;
    in.durationMinutes = 30;
    const QList<PlannedSlot> planned = SlotPlanner(in).freeSlots();
    if (expected.size() == 1 && expected.first().startsWith(u"count:")) {
        QCOMPARE(planned.size(), expected.first().mid(6).toInt());
        for (qsizetype i = 1; i < planned.size(); ++i)
            QVERIFY(planned[i - 1].start < planned[i].start);
        return;
    }
    QStringList actual;
    for (const PlannedSlot &s : planned)
        actual << IsoTime::format(s.start) + QLatin1Char('/') + IsoTime::format(s.end);
    QCOMPARE(actual, expected);
    for (const PlannedSlot &s : planned)
        QCOMPARE(s.start.secsTo(s.end), 30 * 60); // real minutes, whatever the clock did
}

void TestSlotPlanner::localInstantPicksTheFirstOccurrenceAndSkipsTheGap()
{
    const QTimeZone newYork("America/New_York");
    QVERIFY(!SlotPlanner::localInstant(QDate(2025, 3, 9), 2 * 3600 + 30 * 60, newYork));
    QCOMPARE(
        IsoTime::format(SlotPlanner::localInstantAtOrAfter(QDate(2025, 3, 9), 2 * 3600 + 30 * 60, newYork)),
        QStringLiteral("2025-03-09T03:00:00-04:00"));
    QCOMPARE(IsoTime::format(*SlotPlanner::localInstant(QDate(2025, 11, 2), 3600 + 30 * 60, newYork)),
             QStringLiteral("2025-11-02T01:30:00-04:00"));
    QCOMPARE(IsoTime::format(*SlotPlanner::localInstant(QDate(2025, 11, 2), 24 * 3600, newYork)),
             QStringLiteral("2025-11-03T00:00:00-05:00"));
    QCOMPARE(IsoTime::format(*SlotPlanner::localInstant(QDate(2025, 6, 1), 12 * 3600, QTimeZone("UTC"))),
             QStringLiteral("2025-06-01T12:00:00+00:00"));
    // Lord Howe Island moves by half an hour.
    const QTimeZone lordHowe("Australia/Lord_Howe");
    QVERIFY(!SlotPlanner::localInstant(QDate(2025, 10, 5), 2 * 3600 + 15 * 60, lordHowe));
    QCOMPARE(IsoTime::format(*SlotPlanner::localInstant(QDate(2025, 4, 6), 3600 + 45 * 60, lordHowe)),
             QStringLiteral("2025-04-06T01:45:00+11:00"));
}

void TestSlotPlanner::checkSaysWhyAStartIsRefused_data()
{
    QTest::addColumn<QString>("start");
    QTest::addColumn<int>("verdict");

    QTest::newRow("a grid start") << "2025-06-11T08:30:00+02:00" << int(SlotPlanner::Verdict::Bookable);
    QTest::newRow("the same instant in UTC") << "2025-06-11T06:30:00Z" << int(SlotPlanner::Verdict::Bookable);
    QTest::newRow("off the grid") << "2025-06-11T08:20:00+02:00" << int(SlotPlanner::Verdict::OffGrid);
    QTest::newRow("before opening") << "2025-06-11T07:00:00+02:00" << int(SlotPlanner::Verdict::OutsideHours);
    QTest::newRow("would end after closing")
        << "2025-06-11T09:45:00+02:00" << int(SlotPlanner::Verdict::OutsideHours);
    QTest::newRow("in the past") << "2025-06-11T08:30:00+02:00" << -1;
}

void TestSlotPlanner::checkSaysWhyAStartIsRefused()
{
    QFETCH(QString, start);
    QFETCH(int, verdict);
    SlotPlanInput in = baseInput();
    if (verdict == -1) {
        in.now = QDateTime(QDate(2025, 6, 11), QTime(9, 0), in.timeZone);
        verdict = int(SlotPlanner::Verdict::TooSoon);
    }
    bool hasOffset = false;
    const QDateTime instant = IsoTime::parseDateTime(start, &hasOffset);
    QVERIFY(hasOffset);
    const SlotPlanner planner(in);
    QCOMPARE(int(planner.check(instant)), verdict);
    const QString text = planner.explain(planner.check(instant), instant);
    QCOMPARE(text.isEmpty(), verdict == int(SlotPlanner::Verdict::Bookable));

    SlotPlanInput closed = baseInput();
    closed.closures.append({1, in.date, in.date, QStringLiteral("Holiday")});
    QCOMPARE(SlotPlanner(closed).check(instant), SlotPlanner::Verdict::Closed);
    SlotPlanInput far = baseInput();
    far.horizonDays = 3;
    QCOMPARE(SlotPlanner(far).check(instant), SlotPlanner::Verdict::BeyondHorizon);
}

void TestSlotPlanner::checkAgreesWithTheGeneratedDay_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("hours");
    QTest::addColumn<int>("slotMinutes");
    QTest::addColumn<int>("durationMinutes");

    QTest::newRow("Berlin, an ordinary day with a break")
        << QByteArray("Europe/Berlin") << QDate(2025, 6, 11) << "08:00-12:00,13:00-18:00" << 15 << 30;
    QTest::newRow("New York, spring forward, night hours")
        << QByteArray("America/New_York") << QDate(2025, 3, 9) << "00:00-24:00" << 30 << 30;
    QTest::newRow("New York, fall back, night hours")
        << QByteArray("America/New_York") << QDate(2025, 11, 2) << "00:30-03:00" << 15 << 45;
    QTest::newRow("Berlin, spring: closing inside the gap")
        << QByteArray("Europe/Berlin") << QDate(2025, 3, 30) << "01:00-02:30,05:00-07:00" << 20 << 25;
    QTest::newRow("Berlin, fall back, a grid not dividing the hour")
        << QByteArray("Europe/Berlin") << QDate(2025, 10, 26) << "01:10-04:00" << 25 << 10;
    QTest::newRow("Lord Howe, half-hour change")
        << QByteArray("Australia/Lord_Howe") << QDate(2025, 10, 5) << "00:00-24:00" << 15 << 15;
}

void TestSlotPlanner::checkAgreesWithTheGeneratedDay()
{
    // check() judges one start without generating the day; what it accepts
    // must be exactly what allSlots() offers, DST days included.
    QFETCH(QByteArray, zone);
    QFETCH(QDate, date);
    QFETCH(QString, hours);
    QFETCH(int, slotMinutes);
    QFETCH(int, durationMinutes);

    SlotPlanInput in = baseInput();
    in.timeZone = QTimeZone(zone);
    in.periods = everyDay(hours);
    in.date = date;
    in.now = QDateTime(date.addDays(-3), QTime(0, 0), in.timeZone);
    in.horizonDays = 30;
    in.slotMinutes = slotMinutes;
    in.durationMinutes = durationMinutes;
    in.bays = bays(2);
    in.busy = busyOn(date, in.timeZone,
                     QStringLiteral("1:%1-%2;2:%1-%2")
                         .arg(OpeningHours::clockText(in.periods.first().opensMinute),
                              OpeningHours::clockText(in.periods.first().opensMinute + 60)));
    const SlotPlanner planner(in);
    QSet<qint64> offered;
    for (const PlannedSlot &s : planner.allSlots())
        offered.insert(s.start.toMSecsSinceEpoch());
    QVERIFY(!offered.isEmpty());

    const QDateTime from = QDateTime(date.addDays(-1), QTime(12, 0), QTimeZone::utc());
    int bookable = 0;
    for (qint64 minute = 0; minute <= 48 * 60; minute += 5) {
        for (const int extraSeconds : {0, 30}) {
            const QDateTime start = from.addSecs(minute * 60 + extraSeconds);
            const SlotPlanner::Verdict verdict = planner.check(start);
            const bool isOffered = offered.contains(start.toMSecsSinceEpoch());
            QVERIFY2((verdict == SlotPlanner::Verdict::Bookable) == isOffered,
                     qPrintable(QStringLiteral("%1: verdict %2, offered %3")
                                    .arg(IsoTime::format(start, in.timeZone))
                                    .arg(int(verdict))
                                    .arg(isOffered)));
            bookable += verdict == SlotPlanner::Verdict::Bookable;
        }
    }
    QCOMPARE(bookable, offered.size());
}

void TestSlotPlanner::jsonHasOffsetsAndBays()
{
    SlotPlanInput in = baseInput();
    in.bays = bays(2);
    const QList<PlannedSlot> planned = SlotPlanner(in).freeSlots();
    QVERIFY(!planned.isEmpty());
    const QJsonObject first = planned.first().toJson();
    QCOMPARE(first[u"start"].toString(), QStringLiteral("2025-06-11T08:00:00+02:00"));
    QCOMPARE(first[u"end"].toString(), QStringLiteral("2025-06-11T08:30:00+02:00"));
    QCOMPARE(first[u"bays"].toArray().size(), 2);
    QCOMPARE(first[u"bays"][0][u"name"].toString(), QStringLiteral("Bay 1"));
    const QJsonObject next = planned.first().toFirstBayJson();
    QCOMPARE(next[u"bay"][u"id"].toInteger(), 1);
}

QTEST_APPLESS_MAIN(TestSlotPlanner)
#include "tst_slotplanner.moc"

void TestSlotPlanner::jsonTextIsTheSameArrayAsToJson()
{
    SlotPlanInput in = baseInput();
    in.bays = bays(3);
    // Names a JSON writer must escape: quotes, backslashes, control
    // characters, non-ASCII and a character outside the BMP.
    in.bays[0].name = QStringLiteral("Bay \"1\" \\ north");
    in.bays[1].name = QStringLiteral("Bahía\tdos\n\x01\x1f é 🚗");
    in.bays[2].name = QString();
    in.periods = everyDay(QStringLiteral("06:00-22:00"));
    in.busy = {{2, QDateTime(in.date, QTime(9, 0), in.timeZone), QDateTime(in.date, QTime(11, 0), in.timeZone)}};
    const QList<PlannedSlot> planned = SlotPlanner(in).freeSlots();
    QVERIFY(planned.size() > 10);
    QVERIFY(std::any_of(planned.cbegin(), planned.cend(), [](const PlannedSlot &p) { return p.bays.size() == 2; }));
    QJsonArray expected;
    for (const PlannedSlot &slot : planned)
        expected.append(slot.toJson());
    const QByteArray text = PlannedSlot::toJsonText(planned);
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(text, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(parsed.array(), expected);
    // Byte for byte what QJsonDocument writes, so answers do not change shape.
    QCOMPARE(text, QJsonDocument(expected).toJson(QJsonDocument::Compact));
    QCOMPARE(PlannedSlot::toJsonText({}), QByteArray("[]"));
}

void TestSlotPlanner::isoFormatWritesWhatQtsFormatWrites()
{
    // The old spelling, through Qt's formatter: the oracle.
    const auto qtFormat = [](const QDateTime &t) {
        const int minutes = std::abs(t.offsetFromUtc()) / 60;
        return t.toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss"))
            + QStringLiteral("%1%2:%3")
                  .arg(t.offsetFromUtc() < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                  .arg(minutes / 60, 2, 10, QLatin1Char('0'))
                  .arg(minutes % 60, 2, 10, QLatin1Char('0'));
    };
    const QList<QTimeZone> zones {QTimeZone::utc(),
                                  QTimeZone("America/New_York"),
                                  QTimeZone("America/St_Johns"),
                                  QTimeZone("Asia/Kathmandu"),
                                  QTimeZone("Pacific/Chatham"),
                                  QTimeZone("Australia/Lord_Howe"),
                                  QTimeZone(-9 * 3600 - 30 * 60)};
    const QList<QDateTime> instants {QDateTime(QDate(2025, 3, 9), QTime(6, 59, 59), QTimeZone::utc()),
                                     QDateTime(QDate(2025, 11, 2), QTime(5, 30), QTimeZone::utc()),
                                     QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), QTimeZone::utc()),
                                     QDateTime(QDate(1970, 1, 1), QTime(0, 0), QTimeZone::utc()),
                                     QDateTime(QDate(9999, 12, 30), QTime(12, 0), QTimeZone::utc()),
                                     QDateTime(QDate(1, 1, 2), QTime(12, 0), QTimeZone::utc()),
                                     QDateTime(QDate(999, 7, 4), QTime(1, 2, 3), QTimeZone::utc())};
    int compared = 0;
    for (const QTimeZone &zone : zones) {
        QVERIFY(zone.isValid());
        for (const QDateTime &instant : instants) {
            for (int hour = 0; hour < 48; hour += 5) {
                const QDateTime t = instant.addSecs(hour * 3600 + hour * 61).toTimeZone(zone);
                QCOMPARE(IsoTime::format(t), qtFormat(t));
                ++compared;
            }
        }
    }
    QCOMPARE(compared, 7 * 7 * 10);
    QCOMPARE(IsoTime::format(QDateTime()), QString());
}
