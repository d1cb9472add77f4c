// The walk-in's proposal of a start, as plain rules: the board's start is
// used while it is one of the day's free starts (on the board's bay, or the
// first free one), and otherwise said to be not free; the next free start
// is proposed on its first free bay. No database: the repository part is
// covered through the dialog in tst_walkin_conflicts.
#include "db/availability/startproposal.h"

#include <QTest>
#include <QTimeZone>

namespace {

const QTimeZone Zone("Europe/Berlin");

PlannedSlot slotAt(int hour, int minute, const QList<BayRef> &bays)
{
    PlannedSlot slot;
    slot.start = QDateTime(QDate(2026, 3, 10), QTime(hour, minute), Zone);
    slot.end = slot.start.addSecs(30 * 60);
    slot.bays = bays;
    return slot;
}

const BayRef Bay1 {1, QStringLiteral("Bay 1")};
const BayRef Bay2 {2, QStringLiteral("Bay 2")};

} // namespace

class TestStartProposal : public QObject
{
    Q_OBJECT
private slots:
    void theBoardsStartIsUsedWhileFree_data();
    void theBoardsStartIsUsedWhileFree();
    void theNextFreeStartIsOnItsFirstFreeBay();
};

void TestStartProposal::theBoardsStartIsUsedWhileFree_data()
{
    QTest::addColumn<int>("hour");
    QTest::addColumn<int>("minute");
    QTest::addColumn<bool>("withBay");
    QTest::addColumn<bool>("used");
    QTest::addColumn<qint64>("bay");

    QTest::newRow("free start, no bay: the first free bay") << 9 << 30 << false << true << qint64(2);
    QTest::newRow("free start on the board's bay") << 9 << 30 << true << true << qint64(1);
    QTest::newRow("taken start") << 9 << 15 << false << false << qint64(0);
    QTest::newRow("off the grid") << 9 << 31 << true << false << qint64(0);
}

void TestStartProposal::theBoardsStartIsUsedWhileFree()
{
    QFETCH(int, hour);
    QFETCH(int, minute);
    QFETCH(bool, withBay);
    QFETCH(bool, used);
    QFETCH(qint64, bay);
    const QList<PlannedSlot> free
        = {slotAt(9, 0, {Bay1}), slotAt(9, 30, {Bay2, Bay1}), slotAt(10, 0, {Bay2})};
    const QDateTime start(QDate(2026, 3, 10), QTime(hour, minute), Zone);
    const StartProposal p
        = StartProposal::atStart(free, start, withBay ? std::optional<BayRef>(Bay1) : std::nullopt);
    QCOMPARE(p.preset, used ? StartProposal::Preset::Used : StartProposal::Preset::NotFree);
    QCOMPARE(p.slot.has_value(), used);
    if (used) {
        QCOMPARE(p.slot->start, start);
        QCOMPARE(p.bay.id, bay);
    }
}

void TestStartProposal::theNextFreeStartIsOnItsFirstFreeBay()
{
    const StartProposal next = StartProposal::nextFree(slotAt(11, 0, {Bay2, Bay1}));
    QCOMPARE(next.preset, StartProposal::Preset::NotAsked);
    QVERIFY(next.slot);
    QCOMPARE(next.slot->start, QDateTime(QDate(2026, 3, 10), QTime(11, 0), Zone));
    QCOMPARE(next.bay, Bay2);

    const StartProposal none = StartProposal::nextFree(std::nullopt);
    QVERIFY(!none.slot);
    QCOMPARE(none.bay, BayRef());
}

QTEST_GUILESS_MAIN(TestStartProposal)
#include "tst_startproposal.moc"
