// `carwash --kiosk` as the program makes it (DeskApplication with a Kiosk,
// its KioskShell locking the window) against a real PostgreSQL: a customer
// holding a time on the pay screen; Escape, Alt+F4, Ctrl+Q and a close
// request leave nothing (the window up, full screen, on its screen, the hold
// still held); the corner hold and then a staff member's PIN leave nothing
// either; a manager's PIN does: the window closes, the hold is released in
// the database, the sign-ins are audited and every connection is closed.
#include "app/desk/deskapplication.h"
#include "db/staff/pinhash.h"
#include "tests/harness/deskfixture.h"
#include "tests/harness/nohang.h"
#include "tests/kioskfixture.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/kioskshell.h"
#include "ui/kiosk/managerpinoverlay.h"
#include "ui/kiosk/payscreen.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using TestWaits::kNoHangMs;

class TestKioskShellLock : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startKioskSite(QStringLiteral("tst_kioskshelllock")); }
    void init() { resetKioskSite(); }
    void cleanupTestCase() { stopKioskSite(); }

    void onlyAManagersPinLeavesAndLeavingReleasesTheHold();

private:
    qint64 addPerson(const QString &name, const QString &role, const QString &pin);
    int audits(const QString &action, qint64 staffId);
    // Still the kiosk, as the customer left it.
    void verifyStillUp(KioskWindow *kiosk, qint64 booking);
    void typePin(ManagerPinOverlay *pin, const QString &digits);
    void holdCorner(KioskWindow *kiosk);
};

qint64 TestKioskShellLock::addPerson(const QString &name, const QString &role, const QString &pin)
{
    return value(QStringLiteral("INSERT INTO staff (name, role, pin_hash) VALUES ('%1', '%2', '%3') RETURNING id")
                     .arg(name, role, PinHash::hash(pin)))
        .toLongLong();
}

int TestKioskShellLock::audits(const QString &action, qint64 staffId)
{
    return int(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1' AND entity = 'staff' "
                                    "AND entity_id = '%2'")
                         .arg(action)
                         .arg(staffId)));
}

void TestKioskShellLock::verifyStillUp(KioskWindow *kiosk, qint64 booking)
{
    // A moment for anything the key or the request might have set off.
    QTest::qWait(200);
    QVERIFY(kiosk->isVisible());
    QVERIFY(kiosk->isFullScreen());
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Pay);
    QVERIFY(kiosk->order().booking);
    QCOMPARE(kiosk->order().booking->id, booking);
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)), QStringLiteral("held"));
}

void TestKioskShellLock::typePin(ManagerPinOverlay *pin, const QString &digits)
{
    for (const QChar digit : digits)
        QVERIFY(tap(pin->findChild<QPushButton *>(QStringLiteral("pinKey%1").arg(digit))));
    QVERIFY(tap(pin->findChild<QPushButton *>(QStringLiteral("pinOk"))));
}

void TestKioskShellLock::holdCorner(KioskWindow *kiosk)
{
    // A finger held still in the top-left corner for the guard's 3 s.
    const QPoint corner(kiosk->guard()->cornerSize() / 4, kiosk->guard()->cornerSize() / 4);
    QTest::mousePress(kiosk->windowHandle(), Qt::LeftButton, {}, corner);
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->managerPinOverlay() && kiosk->managerPinOverlay()->isVisible(), kNoHangMs);
    QTest::mouseRelease(kiosk->windowHandle(), Qt::LeftButton, {}, corner);
}

void TestKioskShellLock::onlyAManagersPinLeavesAndLeavingReleasesTheHold()
{
    sql(QStringLiteral("DELETE FROM audit_log WHERE entity = 'staff'; DELETE FROM staff"));
    const qint64 morgan = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"), QStringLiteral("4321"));
    const qint64 sam = addPerson(QStringLiteral("Sam"), QStringLiteral("staff"), QStringLiteral("1234"));
    // No carwash-server: card payment unavailable, so Pay holds the time
    // and offers the desk, and nothing but this test moves the booking.
    setKiosk(QStringLiteral("Gate"), {QStringLiteral("phone"), QStringLiteral("desk")});

    const QString applicationName = QStringLiteral("tst_kioskshelllock-app");
    qputenv("DATABASE_URL", QStringLiteral("%1?application_name=%2").arg(m_cluster.url(), applicationName).toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    qint64 booking = 0;
    {
        DeskApplication app(DeskApplication::Kiosk {QStringLiteral("Gate")});
        KioskWindow *kiosk = app.kioskWindow();
        KioskShell *shell = app.kioskShell();
        QVERIFY(kiosk);
        QVERIFY(shell);
        QSignalSpy closed(kiosk, &KioskWindow::closed);
        QSignalSpy finished(&app, &DeskApplication::shutDownFinished);
        app.start();
        QVERIFY(kiosk->guard()->isLocked());
        QVERIFY(kiosk->isFullScreen());
        QVERIFY(kiosk->windowFlags().testFlag(Qt::FramelessWindowHint));
        QVERIFY(QTest::qWaitForWindowExposed(kiosk));
        QTRY_VERIFY_WITH_TIMEOUT(kiosk->screen() == KioskWindow::Screen::Attract
                                     && !kiosk->attractScreen()->services().isEmpty(),
                                 kNoHangMs);
        kiosk->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(kiosk));

        // A customer half way: the time held, the pay screen up.
        QVERIFY(toPlate(*kiosk));
        QVERIFY(enterPlate(*kiosk, QStringLiteral("LCK 42")));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk->payScreen()->stage(), PayScreen::Stage::Choosing, kNoHangMs);
        booking = kiosk->order().booking->id;
        QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)), QStringLiteral("held"));

        // The keys that leave a window elsewhere, to whatever has the focus.
        const auto focus = [kiosk]() -> QWidget * {
            return QApplication::focusWidget() ? QApplication::focusWidget() : kiosk;
        };
        QTest::keyClick(focus(), Qt::Key_Escape);
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QTest::keyClick(focus(), Qt::Key_F4, Qt::AltModifier);
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QTest::keyClick(focus(), Qt::Key_Q, Qt::ControlModifier);
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QTest::keyClick(focus(), Qt::Key_W, Qt::ControlModifier);
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        // What a window manager's close button asks.
        QVERIFY(!kiosk->close());
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(closed.size(), 0);

        // The corner hold opens the PIN pad; Morgan, the only manager, is chosen.
        holdCorner(kiosk);
        if (QTest::currentTestFailed())
            return;
        ManagerPinOverlay *pin = kiosk->managerPinOverlay();
        QCOMPARE(pin->accessibleName(), QStringLiteral("Manager PIN"));
        // Sam's PIN is not Morgan's: refused, and the kiosk stays.
        typePin(pin, QStringLiteral("1234"));
        QTRY_VERIFY_WITH_TIMEOUT(pin->message().startsWith(QStringLiteral("That PIN is not right.")), kNoHangMs);
        QVERIFY(pin->isVisible());
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(kiosk->guard()->isLocked());
        // Cancelled: back to the customer's screen, still locked.
        QVERIFY(tap(pin->findChild<QPushButton *>(QStringLiteral("pinCancel"))));
        QVERIFY(!pin->isVisible());
        verifyStillUp(kiosk, booking);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(!kiosk->close());

        // Morgan's PIN: the kiosk lets go of the hold and closes, and the
        // program leaves as the desk does.
        holdCorner(kiosk);
        if (QTest::currentTestFailed())
            return;
        typePin(pin, QStringLiteral("4321"));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kNoHangMs);
        QVERIFY(!kiosk->isVisible());
        QVERIFY(!kiosk->guard()->isLocked());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kNoHangMs);
    }
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)), QStringLiteral("cancelled"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'held'")), 0);
    QCOMPARE(audits(QStringLiteral("staff.sign_in"), morgan), 1);
    QCOMPARE(audits(QStringLiteral("staff.sign_in_failed"), morgan), 1);
    QCOMPARE(audits(QStringLiteral("staff.sign_in"), sam), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(applicationName), 0, kNoHangMs);
}

int main(int argc, char *argv[])
{
    return DeskTest::runWithoutKeychain<TestKioskShellLock>(argc, argv);
}

#include "tst_kioskshelllock.moc"
