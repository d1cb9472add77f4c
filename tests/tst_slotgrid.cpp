// The day board's slot grid is the slot planner's (SlotPlanner::gridStarts):
// each opening period's start every slotMinutes in local wall-clock time,
// a spring-forward gap skipped, a fall-back overlap offered once at its
// first occurrence, and nothing but the hours deciding (no duration,
// notice, horizon, closure or booking). Pure: no database.
#include "db/availability/slotplanner.h"
#include "db/calendar/openinghours.h"

#include <QTest>

namespace {

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

} // namespace

class TestSlotGrid : public QObject
{
    Q_OBJECT
private slots:
    void gridStarts_data();
    void gridStarts();
    void theGridIgnoresEverythingButTheHours();
};

void TestSlotGrid::gridStarts_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("hours");
    QTest::addColumn<int>("slotMinutes");
    // Local wall-clock times with their UTC offsets, in order.
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("a plain day") << QByteArray("Europe/Berlin") << QDate(2026, 6, 10)
                                 << QStringLiteral("08:00-09:30") << 30
                                 << QStringList {QStringLiteral("08:00+02:00"), QStringLiteral("08:30+02:00"),
                                                 QStringLiteral("09:00+02:00")};
    QTest::newRow("a break between two periods")
        << QByteArray("Europe/Berlin") << QDate(2026, 6, 10) << QStringLiteral("08:00-09:00,13:10-14:00")
        << 20 << QStringList {QStringLiteral("08:00+02:00"), QStringLiteral("08:20+02:00"),
                              QStringLiteral("08:40+02:00"), QStringLiteral("13:10+02:00"),
                              QStringLiteral("13:30+02:00"), QStringLiteral("13:50+02:00")};
    QTest::newRow("spring forward skips the gap")
        << QByteArray("Europe/Berlin") << QDate(2026, 3, 29) << QStringLiteral("01:00-04:00") << 30
        << QStringList {QStringLiteral("01:00+01:00"), QStringLiteral("01:30+01:00"),
                        QStringLiteral("03:00+02:00"), QStringLiteral("03:30+02:00")};
    QTest::newRow("fall back offers the overlap once")
        << QByteArray("Europe/Berlin") << QDate(2026, 10, 25) << QStringLiteral("01:00-04:00") << 30
        << QStringList {QStringLiteral("01:00+02:00"), QStringLiteral("01:30+02:00"),
                        QStringLiteral("02:00+02:00"), QStringLiteral("02:30+02:00"),
                        QStringLiteral("03:00+01:00"), QStringLiteral("03:30+01:00")};
    QTest::newRow("no step, no grid")
        << QByteArray("UTC") << QDate(2026, 6, 10) << QStringLiteral("08:00-09:00") << 0 << QStringList {};
}

void TestSlotGrid::gridStarts()
{
    QFETCH(QByteArray, zone);
    QFETCH(QDate, date);
    QFETCH(QString, hours);
    QFETCH(int, slotMinutes);
    QFETCH(QStringList, expected);
    SlotPlanInput input;
    input.date = date;
    input.timeZone = QTimeZone(zone);
    QVERIFY(input.timeZone.isValid());
    input.periods = everyDay(hours);
    input.slotMinutes = slotMinutes;
    QStringList got;
    for (const QDateTime &start : SlotPlanner(input).gridStarts()) {
        const QDateTime local = start.toTimeZone(input.timeZone);
        QCOMPARE(local.date(), date);
        const int offset = local.offsetFromUtc() / 60;
        got << QStringLiteral("%1%2%3:%4")
                   .arg(local.time().toString(QStringLiteral("HH:mm")),
                        offset < 0 ? QStringLiteral("-") : QStringLiteral("+"))
                   .arg(qAbs(offset) / 60, 2, 10, QLatin1Char('0'))
                   .arg(qAbs(offset) % 60, 2, 10, QLatin1Char('0'));
    }
    QCOMPARE(got, expected);
}

void TestSlotGrid::theGridIgnoresEverythingButTheHours()
{
    SlotPlanInput input;
    input.date = QDate(2026, 6, 10);
    input.timeZone = QTimeZone("Europe/Berlin");
    input.periods = everyDay(QStringLiteral("08:00-10:00"));
    input.slotMinutes = 15;
    const QList<QDateTime> plain = SlotPlanner(input).gridStarts();
    QCOMPARE(plain.size(), 8);

    // A long service, a closure, a day past, beyond the horizon and fully
    // booked: the bookable slots are gone, the grid is not.
    input.durationMinutes = 90;
    input.minNoticeMinutes = 600;
    input.closures = {{1, input.date, input.date, QStringLiteral("Holiday")}};
    input.now = QDateTime(input.date.addDays(5), QTime(12, 0), input.timeZone);
    input.horizonDays = 0;
    input.bays = {{1, QStringLiteral("Bay 1")}};
    input.busy = {{1, plain.first(), plain.last().addSecs(3600)}};
    QVERIFY(SlotPlanner(input).allSlots().isEmpty());
    QCOMPARE(SlotPlanner(input).gridStarts(), plain);

    // Every bookable start of an open day lies on that grid.
    input.closures.clear();
    input.now = QDateTime(input.date, QTime(0, 0), input.timeZone);
    input.minNoticeMinutes = 0;
    input.horizonDays = 60;
    input.busy.clear();
    const QList<PlannedSlot> bookable = SlotPlanner(input).allSlots();
    QCOMPARE(bookable.size(), 3); // 08:00 … 08:30: ninety minutes end by ten
    for (const PlannedSlot &slot : bookable)
        QVERIFY(plain.contains(slot.start));
}

QTEST_APPLESS_MAIN(TestSlotGrid)
#include "tst_slotgrid.moc"
