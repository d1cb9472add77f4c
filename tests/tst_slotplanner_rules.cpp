// The slot rules as a table: opening hours, breaks, closures, notice,
// horizon, buffer, duration with add-ons and busy bays; why a start is
// refused, and the check agreeing with the generated day. No database:
// SlotPlanner is pure.
#include "db/availability/slotplanner.h"
#include "db/calendar/openinghours.h"
#include "db/text/isotime.h"
#include "tests/slotplannerfixture.h"

#include <QSet>
#include <QTest>

using namespace SlotPlannerTest;

class TestSlotPlannerRules : public QObject
{
    Q_OBJECT
private slots:
    void freeStarts_data();
    void freeStarts();
    void checkSaysWhyAStartIsRefused_data();
    void checkSaysWhyAStartIsRefused();
    void checkAgreesWithTheGeneratedDay_data();
    void checkAgreesWithTheGeneratedDay();
};

void TestSlotPlannerRules::freeStarts_data()
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

void TestSlotPlannerRules::freeStarts()
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

void TestSlotPlannerRules::checkSaysWhyAStartIsRefused_data()
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

void TestSlotPlannerRules::checkSaysWhyAStartIsRefused()
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

void TestSlotPlannerRules::checkAgreesWithTheGeneratedDay_data()
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

void TestSlotPlannerRules::checkAgreesWithTheGeneratedDay()
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

QTEST_APPLESS_MAIN(TestSlotPlannerRules)
#include "tst_slotplanner_rules.moc"
