// The slot planner's times: the DST days of America/New_York and
// Europe/Berlin, night hours across the change, local instants in the
// repeated hour and the gap, and starts written as JSON and ISO text with
// their offsets. No database: SlotPlanner is pure.
#include "db/availability/slotplanner.h"
#include "db/calendar/openinghours.h"
#include "db/text/isotime.h"
#include "tests/slotplannerfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace SlotPlannerTest;

class TestSlotPlannerTimes : public QObject
{
    Q_OBJECT
private slots:
    void dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets_data();
    void dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets();
    void nightHoursAcrossTheChange_data();
    void nightHoursAcrossTheChange();
    void localInstantPicksTheFirstOccurrenceAndSkipsTheGap();
    void jsonHasOffsetsAndBays();
    void jsonTextIsTheSameArrayAsToJson();
    void isoFormatWritesWhatQtsFormatWrites();
};

void TestSlotPlannerTimes::dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets_data()
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

void TestSlotPlannerTimes::dstDaysHaveTheOrdinaryLocalTimesWithTheirOffsets()
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

void TestSlotPlannerTimes::nightHoursAcrossTheChange_data()
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

void TestSlotPlannerTimes::nightHoursAcrossTheChange()
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

void TestSlotPlannerTimes::localInstantPicksTheFirstOccurrenceAndSkipsTheGap()
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

void TestSlotPlannerTimes::jsonHasOffsetsAndBays()
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

void TestSlotPlannerTimes::jsonTextIsTheSameArrayAsToJson()
{
    SlotPlanInput in = baseInput();
    in.bays = bays(3);
    // Names a JSON writer must escape: quotes, backslashes, control
    // characters, non-ASCII and a character outside the BMP.
    in.bays[0].name = QStringLiteral("Bay \"1\" \\ north");
    in.bays[1].name = QStringLiteral("Bahía\tdos\n\x01\x1f é 🚗");
    in.bays[2].name = QString();
    in.periods = everyDay(QStringLiteral("06:00-22:00"));
    in.busy
        = {{2, QDateTime(in.date, QTime(9, 0), in.timeZone), QDateTime(in.date, QTime(11, 0), in.timeZone)}};
    const QList<PlannedSlot> planned = SlotPlanner(in).freeSlots();
    QVERIFY(planned.size() > 10);
    QVERIFY(std::any_of(planned.cbegin(), planned.cend(),
                        [](const PlannedSlot &p) { return p.bays.size() == 2; }));
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

void TestSlotPlannerTimes::isoFormatWritesWhatQtsFormatWrites()
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

QTEST_APPLESS_MAIN(TestSlotPlannerTimes)
#include "tst_slotplanner_times.moc"
