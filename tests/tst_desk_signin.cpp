// Signing in and out at the desk as front-desk staff meet it: the real
// window on the offscreen platform, a real PostgreSQL, real PINs; the
// keyboard path, wrong PINs and the lock-out every desk sees, signing out by
// hand and by idleness. Waits are bounded (QTRY_*), so a hang fails the test
// instead of stalling CTest.
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "tests/desksessionfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/common/idlewatcher.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/todaypage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

class TestDeskSignIn : public QObject, protected DeskSessionFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_desk_signin")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void signInWithTheRightPinByKeyboardShowsTodaysMenu();
    void tabGoesFromTheNamesToThePinToSignIn();
    void wrongPinsCountDownAndTheFifthLocksThePersonOnEveryDesk();
    void theRightPinResetsTheCount();
    void signOutGoesBackToSignInAndIsAudited();
    void anIdleDeskSignsOutByItself();
    void inputKeepsTheSessionAlive();
};

void TestDeskSignIn::signInWithTheRightPinByKeyboardShowsTodaysMenu()
{
    const QString name = QStringLiteral("Sam Rivera");
    const qint64 id = staffId(name);
    // Keyboard only: arrows to the name, digits (which go to the PIN field
    // by themselves), Enter.
    staffList()->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(staffList()));
    while (staffList()->currentItem()->text(0) != name)
        QTest::keyClick(staffList(), Qt::Key_Down);
    QTest::keyClicks(staffList(), m_site.pinOf(name));
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(pinField()));
    QCOMPARE(pinField()->text(), m_site.pinOf(name));
    QCOMPARE(pinField()->echoMode(), QLineEdit::Password);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);

    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->id, id);
    QCOMPARE(m_window->signedIn()->role, StaffMember::Role::Staff);
    QVERIFY(pinField()->text().isEmpty());
    QVERIFY(m_window->sessionHeader()->personText().contains(name));
    QVERIFY(m_window->windowTitle().contains(name));

    // The Today page lists the catalogue with the database's prices.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->todayPage()->services().size(), 5, kNoHangMs);
    auto *menu = m_window->todayPage()->findChild<QTableWidget *>(QStringLiteral("washMenu"));
    QCOMPARE(menu->rowCount(), 5);
    QVERIFY(menu->item(0, 0)->text().startsWith(QStringLiteral("Express Exterior")));
    QCOMPARE(menu->item(0, 2)->text(), QStringLiteral("$12.00"));
    QCOMPARE(menu->item(4, 4)->text(), QStringLiteral("$299.00"));
    QVERIFY(menu->item(0, 5)->text().contains(QStringLiteral("Tyre Shine +$4.00")));
    QVERIFY(!m_window->banner().isVisible());

    QCOMPARE(
        auditCount(QStringLiteral("staff.sign_in"), id, QStringLiteral("AND actor = 'staff:%1'").arg(id)), 1);
}

void TestDeskSignIn::tabGoesFromTheNamesToThePinToSignIn()
{
    staffList()->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(staffList()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(pinField()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("signInButton"));

    // Signed in: the header's buttons come first (the manager's Manage menu
    // among them), then the workspace's tabs and the day board's toolbar.
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    auto *walkInButton
        = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("newWalkInButton"));
    walkInButton->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(walkInButton));
    QStringList order;
    for (int i = 0; i < 6; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        order << QApplication::focusWidget()->objectName();
    }
    QCOMPARE(order,
             (QStringList {QStringLiteral("findButton"), QStringLiteral("takingsButton"),
                           QStringLiteral("manageButton"), QStringLiteral("signOutButton"),
                           QStringLiteral("qt_tabwidget_tabbar"), QStringLiteral("boardPrevious")}));
}

void TestDeskSignIn::wrongPinsCountDownAndTheFifthLocksThePersonOnEveryDesk()
{
    const QString name = QStringLiteral("Priya Patel");
    const qint64 id = staffId(name);
    const QString wrong
        = m_site.pinOf(name) == u"000000" ? QStringLiteral("111111") : QStringLiteral("000000");
    choose(name);
    for (int attempt = 1; attempt < StaffRepo::MaxFailedAttempts; ++attempt) {
        typePin(wrong);
        QVERIFY(!m_window->signedIn());
        const QString message = m_window->signInPage()->message();
        QVERIFY2(message.contains(QStringLiteral("not right")), qPrintable(message));
        QVERIFY2(message.contains(QString::number(StaffRepo::MaxFailedAttempts - attempt)),
                 qPrintable(message));
        QVERIFY(pinField()->text().isEmpty());
    }
    typePin(wrong);
    QString message = m_window->signInPage()->message();
    QVERIFY2(message.contains(QStringLiteral("locked")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("min")), qPrintable(message));
    QCOMPARE(
        m_cluster.queryBlocking(QStringLiteral("SELECT failed_attempts FROM staff WHERE id = %1").arg(id))
            .toInt(),
        StaffRepo::MaxFailedAttempts);
    QVERIFY(m_cluster
                .queryBlocking(QStringLiteral("SELECT locked_until > now() + interval '4 minutes' FROM staff "
                                              "WHERE id = %1")
                                   .arg(id))
                .toBool());
    QCOMPARE(auditCount(QStringLiteral("staff.locked"), id), 1);
    QCOMPARE(auditCount(QStringLiteral("staff.sign_in_failed"), id), StaffRepo::MaxFailedAttempts - 1);

    // Now even the right PIN is refused, with the time left.
    typePin(m_site.pinOf(name));
    QVERIFY(!m_window->signedIn());
    message = m_window->signInPage()->message();
    QVERIFY2(message.contains(QStringLiteral("locked")) && message.contains(QStringLiteral("Try again in")),
             qPrintable(message));

    // Another desk (its own pool, its own connections) sees the same lock.
    ConnectionPool otherDesk(m_site.config(QStringLiteral("other")));
    const QString pin = m_site.pinOf(name);
    auto attempt = otherDesk.withConnection(QStringLiteral("staff.sign_in"), [id, pin](QSqlDatabase &db) {
        return StaffRepo(db).signIn(id, pin);
    });
    QVERIFY(finishes(attempt));
    QVERIFY2(attempt.result().ok(), describe(attempt.result()).constData());
    QCOMPARE(attempt.result()->outcome, SignInAttempt::Outcome::Locked);
    QVERIFY(attempt.result()->lockedSeconds > 0);
    QVERIFY(attempt.result()->lockedSeconds <= StaffRepo::LockMinutes * 60);

    // And a freshly opened sign-in screen shows it on the list.
    ConnectionPool secondPool(m_site.config(QStringLiteral("second")));
    DeskWindow secondWindow;
    secondWindow.databaseReady(secondPool, m_cluster.config());
    auto *secondList = secondWindow.signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
    QTRY_COMPARE_WITH_TIMEOUT(secondList->topLevelItemCount(), int(m_site.pins().size()), kNoHangMs);
    const QTreeWidgetItem *row = secondList->findItems(name, Qt::MatchExactly).value(0);
    QVERIFY(row);
    QVERIFY2(row->text(2).startsWith(QStringLiteral("Locked")), qPrintable(row->text(2)));
}

void TestDeskSignIn::theRightPinResetsTheCount()
{
    const QString name = QStringLiteral("Sam Rivera");
    const qint64 id = staffId(name);
    choose(name);
    typePin(QStringLiteral("99999999"));
    typePin(QStringLiteral("99999999"));
    QCOMPARE(
        m_cluster.queryBlocking(QStringLiteral("SELECT failed_attempts FROM staff WHERE id = %1").arg(id))
            .toInt(),
        2);
    typePin(m_site.pinOf(name));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(
        m_cluster.queryBlocking(QStringLiteral("SELECT failed_attempts FROM staff WHERE id = %1").arg(id))
            .toInt(),
        0);
}

void TestDeskSignIn::signOutGoesBackToSignInAndIsAudited()
{
    const qint64 id = staffId(QStringLiteral("Sam Rivera"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    auto *signOut = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("signOutButton"));
    QVERIFY(signOut->isVisible());
    QTest::mouseClick(signOut, Qt::LeftButton);
    QVERIFY(!m_window->signedIn());
    QCOMPARE(m_window->currentPage(), m_window->signInPage());
    QTRY_COMPARE(
        auditCount(QStringLiteral("staff.sign_out"), id, QStringLiteral("AND details->>'reason' = 'manual'")),
        1);

    // The keyboard shortcut does the same.
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(!m_window->signedIn());
}

void TestDeskSignIn::anIdleDeskSignsOutByItself()
{
    // 0.01 min = 600 ms.
    QSettings().setValue(IdleWatcher::settingsKey(), 0.01);
    const qint64 id = staffId(QStringLiteral("Sam Rivera"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QCOMPARE(m_window->idleWatcher().timeout(), 600);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->signedIn().has_value(), 5000);
    QCOMPARE(m_window->currentPage(), m_window->signInPage());
    const QString notice = m_window->signInPage()->notice();
    QVERIFY2(notice.contains(QStringLiteral("Sam Rivera"))
                 && notice.contains(QStringLiteral("without activity")),
             qPrintable(notice));
    QTRY_COMPARE(
        auditCount(QStringLiteral("staff.sign_out"), id, QStringLiteral("AND details->>'reason' = 'idle'")),
        1);
}

void TestDeskSignIn::inputKeepsTheSessionAlive()
{
    QSettings().setValue(IdleWatcher::settingsKey(), 0.01);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // Two seconds of someone working: more than three idle timeouts.
    QElapsedTimer working;
    working.start();
    while (working.elapsed() < 2000) {
        QTest::keyClick(m_window->todayPage(), Qt::Key_Down);
        QTest::qWait(100);
        QVERIFY(m_window->signedIn().has_value());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->signedIn().has_value(), 5000);
}

int main(int argc, char *argv[])
{
    return runWithoutKeychain<TestDeskSignIn>(argc, argv);
}

#include "tst_desk_signin.moc"
