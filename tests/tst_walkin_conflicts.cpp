// A walk-in when the desk is not alone: a slot taken meanwhile by another
// desk offers the next start and keeps the typing; a closed site says so and
// books nothing; the database away keeps everything and Retry books once; a
// start picked on the day board is booked there, or said to be taken and the
// next offered. The real desk window on the offscreen platform, a real
// PostgreSQL with the demo catalogue; other desks are a second pool writing
// through the booking engine. Waits are bounded (QTRY_*).
#include "db/availability/availabilityrepo.h"
#include "tests/walkinfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/walkindialog.h"

#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace DeskTest;

class TestWalkInConflicts : public QObject, protected WalkInFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_walkin_conflicts")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void aSlotTakenMeanwhileOffersTheNextStartAndKeepsTheTyping();
    void aClosedSiteSaysSoAndBooksNothing();
    void theDatabaseAwayKeepsEverythingAndRetryBooksOnce();
    void aStartPickedOnTheBoardIsBookedThere();
    void aBoardStartNoLongerFreeIsSaidAndTheNextOffered();
};

void TestWalkInConflicts::aSlotTakenMeanwhileOffersTheNextStartAndKeepsTheTyping()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    const qint64 ultimate = serviceId(QStringLiteral("Ultimate Shine"));
    QTest::keyClick(focused(), Qt::Key_3, Qt::AltModifier);
    QCOMPARE(dialog->chosenService()->id, ultimate);
    QTest::keyClicks(focused(), QStringLiteral("RACE01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Rae Slow"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    const QDateTime shown = dialog->proposedSlot()->start;

    // Every bay free at that start goes to other desks meanwhile.
    const QList<BayRef> bays = dialog->proposedSlot()->bays;
    QVERIFY(!bays.isEmpty());
    for (int i = 0; i < bays.size(); ++i)
        QVERIFY(bookOutside(ultimate, bays[i].id, shown, QStringLiteral("OTHER%1").arg(i),
                            QStringLiteral("Other Desk"))
                    .id
                != 0);

    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("just taken")), qPrintable(dialog->noticeText()));
    const QDateTime offered = dialog->proposedSlot()->start;
    QVERIFY(offered > shown);
    QCOMPARE(booked.size(), 0);
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("plateField"))->text(), QStringLiteral("RACE01"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text(), QStringLiteral("Rae Slow"));
    QCOMPARE(bookingsWithPlate(QStringLiteral("RACE01")), 0);

    // One more Enter books what is offered.
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.start, offered);
    QCOMPARE(booking.plate, QStringLiteral("RACE01"));
    QCOMPARE(bookingsWithPlate(QStringLiteral("RACE01")), 1);
}

void TestWalkInConflicts::aClosedSiteSaysSoAndBooksNothing()
{
    // Closed every day of the horizon.
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM opening_hours"));
    auto reopen = qScopeGuard([this] {
        m_cluster.queryBlocking(QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) "
                                               "SELECT d, '00:00', '24:00' FROM generate_series(1, 7) AS d"));
    });
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QSignalSpy shown(dialog, &WalkInDialog::slotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.size() >= 1 && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY(!dialog->proposedSlot());
    QVERIFY2(dialog->slotText().startsWith(QStringLiteral("No free time")), qPrintable(dialog->slotText()));
    QTest::keyClicks(focused(), QStringLiteral("SHUT01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Cy Closed"));
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("no free time")), qPrintable(dialog->noticeText()));
    QVERIFY(!dialog->lastBooking());
    QCOMPARE(bookingsWithPlate(QStringLiteral("SHUT01")), 0);
}

void TestWalkInConflicts::theDatabaseAwayKeepsEverythingAndRetryBooksOnce()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QTest::keyClicks(focused(), QStringLiteral("AWAY01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Dee Beedown"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLookingUp(), kNoHangMs);
    const QDateTime start = dialog->proposedSlot()->start;

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Immediate));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QVERIFY(dialog->isBooking());
    QVERIFY(!child<QPushButton>(dialog, QStringLiteral("walkInBook"))->isEnabled());
    // The critical policy rides out a short outage; this one lasts longer.
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 60000);
    QCOMPARE(booked.size(), 0);
    auto *banner = child<ErrorBanner>(dialog, QStringLiteral("walkInBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->message().contains(QStringLiteral("not saved")), qPrintable(banner->message()));
    const QString key = dialog->pendingIdempotencyKey();
    QVERIFY(!key.isEmpty());
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("plateField"))->text(), QStringLiteral("AWAY01"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text(), QStringLiteral("Dee Beedown"));
    QCOMPARE(dialog->proposedSlot()->start, start);
    QVERIFY(child<QPushButton>(dialog, QStringLiteral("walkInBook"))->isEnabled());

    restart.dismiss();
    QVERIFY(m_cluster.start());
    auto *retry = banner->findChild<QPushButton *>(QStringLiteral("errorBannerRetry"));
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, 60000);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.start, start);
    QCOMPARE(bookingsWithPlate(QStringLiteral("AWAY01")), 1);
    // The same intent, the same key: had the first try committed unseen,
    // this would have been its replay.
    QCOMPARE(m_cluster
                 .queryBlocking(
                     QStringLiteral("SELECT idempotency_key FROM bookings WHERE id = %1").arg(booking.id))
                 .toString(),
             key);
    QVERIFY(!banner->isVisible());
}

void TestWalkInConflicts::aStartPickedOnTheBoardIsBookedThere()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    const QList<qint64> bays = baysOffering(express);
    const qint64 secondBay = bays.last();
    const QString bayName
        = m_cluster.queryBlocking(QStringLiteral("SELECT name FROM bays WHERE id = %1").arg(secondBay))
              .toString();
    // A free start on the second lane an hour or so ahead: not what "next
    // free" would offer.
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const QDateTime nextFree = (*next.result())->start;
    auto later = m_otherDesk->withConnection(
        QStringLiteral("free"), [express, secondBay, nextFree](QSqlDatabase &db) {
            AvailabilityRequest request;
            request.serviceId = express;
            request.bayId = secondBay;
            QList<PlannedSlot> found = AvailabilityRepo(db).freeStartsAfter(request, nextFree.addSecs(3600),
                                                                            nextFree.timeZone(), 1);
            return found;
        });
    QVERIFY(finishes(later));
    QVERIFY(later.result().ok() && !later.result()->isEmpty());
    const QDateTime start = later.result()->first().start;

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = m_window->openWalkIn(BayRef {secondBay, bayName}, start);
    QVERIFY(dialog);
    QCOMPARE(dialog->presetStart(), start);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
    QVERIFY2(dialog->slotText().contains(QStringLiteral("Chosen on the board")),
             qPrintable(dialog->slotText()));
    QVERIFY(dialog->chooseService(express));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QCOMPARE(dialog->proposedSlot()->start, start);
    QCOMPARE(dialog->proposedBay()->id, secondBay);
    QVERIFY2(dialog->slotText().contains(bayName), qPrintable(dialog->slotText()));
    QVERIFY(dialog->noticeText().isEmpty());

    QTRY_VERIFY_WITH_TIMEOUT(dialog->isActiveWindow(), kNoHangMs);
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("plateField")), QStringLiteral("BRD001"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Bo Ard"));
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.bay.id, secondBay);
    QCOMPARE(booking.start, start);
}

void TestWalkInConflicts::aBoardStartNoLongerFreeIsSaidAndTheNextOffered()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    const qint64 firstBay = baysOffering(express).first();
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express, firstBay](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        request.bayId = firstBay;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const QDateTime start = (*next.result())->start;
    const QString bayName
        = m_cluster.queryBlocking(QStringLiteral("SELECT name FROM bays WHERE id = %1").arg(firstBay))
              .toString();

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = m_window->openWalkIn(BayRef {firstBay, bayName}, start);
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
    // Taken at another desk between the click on the board and the choice of wash.
    QVERIFY(bookOutside(express, firstBay, start, QStringLiteral("GONE01"), QStringLiteral("Gone Before")).id
            != 0);
    QVERIFY(dialog->chooseService(express));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("not free")), qPrintable(dialog->noticeText()));
    QVERIFY2(dialog->noticeText().contains(bayName), qPrintable(dialog->noticeText()));
    QVERIFY(!(dialog->proposedSlot()->start == start && dialog->proposedBay()->id == firstBay));
    QVERIFY2(dialog->slotText().contains(QStringLiteral("Next free")), qPrintable(dialog->slotText()));
}

QTEST_MAIN(TestWalkInConflicts)
#include "tst_walkin_conflicts.moc"
