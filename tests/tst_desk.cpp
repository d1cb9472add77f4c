// The desk as front-desk staff and managers meet it: the real window on the
// offscreen platform, a real PostgreSQL, real PINs. Waits are bounded
// (QTRY_*), so a hang fails the test instead of stalling CTest.
#include "app/desk/deskapplication.h"
#include "db/embedded/embeddedserver.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "db/staff/pinhash.h"
#include "db/staff/staffrepo.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/databasestatusindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/idlewatcher.h"
#include "ui/common/stafftext.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/startuppage.h"
#include "ui/desk/todaypage.h"
#include "ui/manager/databasesettingsdialog.h"
#include "ui/manager/diagnosticswindow.h"
#include "ui/manager/staffdialog.h"
#include "ui/manager/staffformdialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestDesk : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void signInWithTheRightPinByKeyboardShowsTodaysMenu();
    void tabGoesFromTheNamesToThePinToSignIn();
    void everyControlHasAnAccessibleName();
    void managerDialogsGiveEveryMnemonicToOneControl();
    void wrongPinsCountDownAndTheFifthLocksThePersonOnEveryDesk();
    void theRightPinResetsTheCount();
    void signOutGoesBackToSignInAndIsAudited();
    void anIdleDeskSignsOutByItself();
    void inputKeepsTheSessionAlive();
    void settingsAndStaffAreForManagersOnly();
    void theHeaderFitsALaptopScreenAt125Percent();
    void signingOutClosesTheManagersDialogs();
    void aManagerAddsAPersonAndGivesANewPin();
    void aPinMustBeFourToEightDigits();
    void aManagerDeactivatesAPersonAndChangesARole();
    void theEventLoopKeepsTurningWhileAQueryIsStuck();
    void theMenuPageStaysResponsiveWhileItsTableIsLocked();
    void testConnectionSaysWhatFailedAndWhatWorked();
    void savedSettingsHoldNoPasswordAndExplainTheMissingKeychain();
    void databaseStoppedDuringUseShowsTheBannerAndRecovers();
    void theProgramStartsOnDatabaseUrlAndLeavesNoConnections();
    void theEmbeddedDatabaseStartsOffTheGuiThread();

private:
    qint64 staffId(const QString &name);
    QTreeWidget *staffList() const;
    QLineEdit *pinField() const;
    void choose(const QString &name);
    void typePin(const QString &pin);
    int auditCount(const QString &action, qint64 staffId, const QString &extraCondition = {});

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
};

void TestDesk::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_desk"), &error), qPrintable(error));
    QCOMPARE(m_site.pins().size(), 3);
}

void TestDesk::init()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    if (!m_cluster.isRunning())
        QVERIFY(m_cluster.start());
    m_cluster.queryBlocking(QStringLiteral("UPDATE staff SET failed_attempts = 0, locked_until = NULL"));
    // The demo's people as seeded, whatever a staff test changed.
    m_cluster.queryBlocking(QStringLiteral("UPDATE staff SET active = true, role = CASE name WHEN 'Morgan Lee' "
                                           "THEN 'manager' ELSE 'staff' END"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
    QCOMPARE(m_window->currentPage(), m_window->signInPage());
}

void TestDesk::cleanup()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

qint64 TestDesk::staffId(const QString &name)
{
    return m_cluster.queryBlocking(QStringLiteral("SELECT id FROM staff WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

QTreeWidget *TestDesk::staffList() const
{
    return m_window->signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
}

QLineEdit *TestDesk::pinField() const
{
    return m_window->signInPage()->findChild<QLineEdit *>(QStringLiteral("pinField"));
}

void TestDesk::choose(const QString &name)
{
    const QList<QTreeWidgetItem *> found = staffList()->findItems(name, Qt::MatchExactly);
    QVERIFY2(!found.isEmpty(), qPrintable(name));
    staffList()->setCurrentItem(found.first());
}

void TestDesk::typePin(const QString &pin)
{
    QTRY_VERIFY(!m_window->signInPage()->isChecking());
    pinField()->setFocus();
    QTest::keyClicks(pinField(), pin);
    QTest::keyClick(pinField(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->signInPage()->isChecking(), kNoHangMs);
}

int TestDesk::auditCount(const QString &action, qint64 staffId, const QString &extraCondition)
{
    return m_cluster
        .queryBlocking(
            QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1' AND entity = 'staff' "
                           "AND entity_id = '%2' %3")
                .arg(action)
                .arg(staffId)
                .arg(extraCondition))
        .toInt();
}

void TestDesk::signInWithTheRightPinByKeyboardShowsTodaysMenu()
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

void TestDesk::tabGoesFromTheNamesToThePinToSignIn()
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

void TestDesk::managerDialogsGiveEveryMnemonicToOneControl()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    StaffDialog *staff = m_window->openStaffManagement();
    StaffFormDialog *form = staff->addPerson();
    DatabaseSettingsDialog *settings = m_window->openDatabaseSettings();
    for (QWidget *top : QList<QWidget *> {m_window.get(), staff, form, settings})
        QVERIFY2(Mnemonics::clashes(top).isEmpty(),
                 qPrintable(top->objectName() + QStringLiteral(": ") + Mnemonics::clashes(top).join(u'\n')));
    // The Manage menu: every entry has a letter, each letter one entry.
    auto *menu = m_window->sessionHeader()->findChild<QMenu *>(QStringLiteral("manageMenu"));
    QVERIFY(menu);
    QCOMPARE(Mnemonics::menuLetters(menu).size(), 7);
    QVERIFY2(Mnemonics::menuClashes(menu).isEmpty(), qPrintable(Mnemonics::menuClashes(menu).join(u'\n')));
}

void TestDesk::everyControlHasAnAccessibleName()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    StaffDialog *staff = m_window->openStaffManagement();
    StaffFormDialog *form = staff->addPerson();
    DatabaseSettingsDialog *settings = m_window->openDatabaseSettings();
    QStringList unnamed;
    for (QWidget *top : QList<QWidget *> {m_window.get(), staff, form, settings}) {
        const QList<QWidget *> widgets = top->findChildren<QWidget *>();
        for (QWidget *widget : widgets) {
            const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget)
                || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QAbstractItemView *>(widget);
            // Parts of other controls (a combo box's popup list, a spin
            // box's line edit, a table's headers) are named by their owner.
            if (!control || qobject_cast<QComboBox *>(widget->parentWidget())
                || qobject_cast<QAbstractSpinBox *>(widget->parentWidget())
                || qobject_cast<QAbstractItemView *>(widget->parentWidget())
                || widget->inherits("QComboBoxListView"))
                continue;
            QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
            if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
                unnamed << QStringLiteral("%1 (%2)").arg(
                    widget->objectName(), QString::fromLatin1(widget->metaObject()->className()));
        }
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));

    // The Manage menu and each of its screens, as a screen reader hears them.
    auto *menu = m_window->sessionHeader()->findChild<QMenu *>(QStringLiteral("manageMenu"));
    QAccessibleInterface *accessibleMenu = QAccessible::queryAccessibleInterface(menu);
    QVERIFY(accessibleMenu);
    QCOMPARE(accessibleMenu->text(QAccessible::Name), QStringLiteral("Manager screens"));
    QStringList entries;
    for (int i = 0; i < accessibleMenu->childCount(); ++i) {
        if (accessibleMenu->child(i)->role() != QAccessible::Separator)
            entries << accessibleMenu->child(i)->text(QAccessible::Name);
    }
    QCOMPARE(entries,
             (QStringList {QStringLiteral("Site setup…"), QStringLiteral("Staff…"),
                           QStringLiteral("Card readers…"), QStringLiteral("Kiosks…"), QStringLiteral("Backups…"),
                           QStringLiteral("Database settings…"), QStringLiteral("Diagnostics…")}));
}

void TestDesk::wrongPinsCountDownAndTheFifthLocksThePersonOnEveryDesk()
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

void TestDesk::theRightPinResetsTheCount()
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

void TestDesk::signOutGoesBackToSignInAndIsAudited()
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

void TestDesk::anIdleDeskSignsOutByItself()
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

void TestDesk::inputKeepsTheSessionAlive()
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

void TestDesk::settingsAndStaffAreForManagersOnly()
{
    SessionHeader *header = m_window->sessionHeader();
    auto *manage = header->findChild<QToolButton *>(QStringLiteral("manageButton"));
    QVERIFY(manage);
    const QStringList screens {QStringLiteral("siteSetupAction"), QStringLiteral("staffAction"),
                               QStringLiteral("cardReadersAction"), QStringLiteral("settingsAction"),
                               QStringLiteral("diagnosticsAction")};
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // No Manage menu for staff, and its entries lead nowhere, even triggered.
    QVERIFY(!manage->isVisible());
    for (const QString &name : screens) {
        QAction *action = header->findChild<QAction *>(name);
        QVERIFY2(action, qPrintable(name));
        QVERIFY2(!action->isEnabled(), qPrintable(name));
        action->trigger();
    }
    QVERIFY(!m_window->openDatabaseSettings());
    QVERIFY(!m_window->openStaffManagement());
    QVERIFY(!m_window->openDiagnostics());
    QVERIFY(m_window->findChildren<QDialog *>().isEmpty());
    QVERIFY(!m_window->findChild<DiagnosticsWindow *>());
    m_window->signOut();

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    QVERIFY(manage->isVisible());
    for (const QString &name : screens)
        QVERIFY2(header->findChild<QAction *>(name)->isEnabled(), qPrintable(name));
    header->findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
    auto *settings = m_window->findChild<DatabaseSettingsDialog *>();
    QVERIFY(settings);
    QTRY_VERIFY(settings->isVisible());
    settings->close();

    // By keyboard, as a manager does it: Alt+M opens the Manage menu, T
    // (S&taff…) opens the staff list.
    QVERIFY(DeskTest::chooseFromManageMenu(m_window.get(), Qt::Key_T));
    auto *staff = m_window->findChild<StaffDialog *>();
    QVERIFY(staff);
    QTRY_VERIFY(staff->isVisible());
    auto *list = staff->findChild<QTreeWidget *>(QStringLiteral("staffManagementList"));
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), int(m_site.pins().size()), kNoHangMs);
}

void TestDesk::theHeaderFitsALaptopScreenAt125Percent()
{
    // docs/screenshots/11-day-board-125.png: a manager's desk on a 1366 px
    // screen with QT_SCALE_FACTOR=1.25 (scripts/screenshots.sh). Qt lays out
    // in logical pixels, which that factor multiplies: the header fits when
    // its logical width is at most 1366 / 1.25 px. One button per manager
    // screen made it 1535 px there; then the board's legend made the window
    // 1398 px.
    const int laptopWidth = 1366;
    const qreal scale = 1.25;
    SessionHeader *header = m_window->sessionHeader();
    for (const QString &who : {QStringLiteral("Morgan Lee"), QStringLiteral("Sam Rivera")}) {
        QVERIFY(m_site.signIn(*m_window, who));
        QTRY_VERIFY(header->isVisible());
        // Measured with the board loaded and its status line filled in.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->dayBoardPage()->statusText().startsWith(QStringLiteral("Updated ")),
                                 kNoHangMs);
        const int width = header->sizeHint().width();
        QVERIFY2(
            width * scale <= laptopWidth,
            qPrintable(QStringLiteral("%1: %2 px, %3 px at 125 %").arg(who).arg(width).arg(width * scale)));
        // And so does the whole desk, the day board's legend included.
        const int windowWidth = m_window->minimumSizeHint().width();
        QVERIFY2(windowWidth * scale <= laptopWidth,
                 qPrintable(QStringLiteral("%1: the window needs %2 px, %3 px at 125 %")
                                .arg(who)
                                .arg(windowWidth)
                                .arg(windowWidth * scale)));
        m_window->signOut();
    }
}

void TestDesk::signingOutClosesTheManagersDialogs()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    QPointer<DatabaseSettingsDialog> settings = m_window->openDatabaseSettings();
    QPointer<StaffDialog> staff = m_window->openStaffManagement();
    QPointer<DiagnosticsWindow> diagnostics = m_window->openDiagnostics();
    QVERIFY(settings && staff && diagnostics);
    QVERIFY(diagnostics->isVisible());
    m_window->signOut();
    // Whoever signs in next does not find the manager's dialogs open.
    QTRY_VERIFY(!settings);
    QTRY_VERIFY(!staff);
    QTRY_VERIFY(!diagnostics);
}

void TestDesk::aManagerAddsAPersonAndGivesANewPin()
{
    const qint64 managerId = staffId(QStringLiteral("Morgan Lee"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    StaffDialog *staff = m_window->openStaffManagement();
    QVERIFY(staff);
    auto *list = staff->findChild<QTreeWidget *>(QStringLiteral("staffManagementList"));
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), int(m_site.pins().size()), kNoHangMs);

    StaffFormDialog *form = staff->addPerson();
    QVERIFY(form);
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffName")), QStringLiteral("Jo Okafor"));
    form->findChild<QComboBox *>(QStringLiteral("staffRole"))->setCurrentIndex(0);
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPin")), QStringLiteral("4821"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPinRepeat")), QStringLiteral("4821"));
    QPointer<StaffFormDialog> watch = form;
    QTest::mouseClick(form->findChild<QPushButton *>(QStringLiteral("staffFormOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!watch, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), int(m_site.pins().size()) + 1, kNoHangMs);
    QVERIFY2(staff->statusText().contains(QStringLiteral("Jo Okafor")), qPrintable(staff->statusText()));
    const qint64 joId = staffId(QStringLiteral("Jo Okafor"));
    QVERIFY(joId > 0);
    const QString storedHash
        = m_cluster.queryBlocking(QStringLiteral("SELECT pin_hash FROM staff WHERE id = %1").arg(joId))
              .toString();
    QVERIFY(PinHash::verify(QStringLiteral("4821"), storedHash));
    QVERIFY(!storedHash.contains(QStringLiteral("4821")));
    QCOMPARE(auditCount(QStringLiteral("staff.added"), joId,
                        QStringLiteral("AND actor = 'staff:%1'").arg(managerId)),
             1);

    // A second person of the same name is refused, and says why.
    form = staff->addPerson();
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffName")), QStringLiteral("Jo Okafor"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPin")), QStringLiteral("1234"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPinRepeat")), QStringLiteral("1234"));
    QTest::mouseClick(form->findChild<QPushButton *>(QStringLiteral("staffFormOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(form->problem().contains(QStringLiteral("already")), kNoHangMs);
    form->close();

    // A new PIN lifts a lock-out.
    m_cluster.queryBlocking(
        QStringLiteral(
            "UPDATE staff SET failed_attempts = 5, locked_until = now() + interval '5 minutes' WHERE id = %1")
            .arg(joId));
    staff->reload();
    QTRY_VERIFY_WITH_TIMEOUT(!list->findItems(QStringLiteral("Jo Okafor"), Qt::MatchExactly).isEmpty()
                                 && list->findItems(QStringLiteral("Jo Okafor"), Qt::MatchExactly)
                                        .first()
                                        ->text(2)
                                        .startsWith(QStringLiteral("Locked")),
                             kNoHangMs);
    list->setCurrentItem(list->findItems(QStringLiteral("Jo Okafor"), Qt::MatchExactly).first());
    form = staff->newPinForSelected();
    QVERIFY(form);
    watch = form;
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPin")), QStringLiteral("13572468"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPinRepeat")),
                     QStringLiteral("13572468"));
    QTest::mouseClick(form->findChild<QPushButton *>(QStringLiteral("staffFormOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!watch, kNoHangMs);
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT failed_attempts = 0 AND locked_until IS NULL FROM staff "
                                          "WHERE id = %1")
                               .arg(joId))
            .toBool(),
        true);
    QCOMPARE(auditCount(QStringLiteral("staff.pin_reset"), joId,
                        QStringLiteral("AND actor = 'staff:%1'").arg(managerId)),
             1);

    // Jo signs in with the new PIN.
    m_window->signOut();
    QTRY_COMPARE_WITH_TIMEOUT(staffList()->topLevelItemCount(), int(m_site.pins().size()) + 1, kNoHangMs);
    choose(QStringLiteral("Jo Okafor"));
    typePin(QStringLiteral("13572468"));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->id, joId);
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM staff WHERE id = %1").arg(joId));
}

void TestDesk::aManagerDeactivatesAPersonAndChangesARole()
{
    const qint64 morgan = staffId(QStringLiteral("Morgan Lee"));
    const qint64 sam = staffId(QStringLiteral("Sam Rivera"));
    const qint64 priya = staffId(QStringLiteral("Priya Patel"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    StaffDialog *staff = m_window->openStaffManagement();
    QVERIFY(staff);
    auto *list = staff->findChild<QTreeWidget *>(QStringLiteral("staffManagementList"));
    auto *activeButton = staff->findChild<QPushButton *>(QStringLiteral("staffActiveButton"));
    auto *roleButton = staff->findChild<QPushButton *>(QStringLiteral("staffRoleButton"));
    auto *banner = staff->findChild<ErrorBanner *>();
    QVERIFY(activeButton && roleButton && banner);
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), int(m_site.pins().size()), kNoHangMs);
    auto row = [&list](const QString &name) {
        const QList<QTreeWidgetItem *> found = list->findItems(name, Qt::MatchExactly);
        return found.isEmpty() ? nullptr : found.first();
    };

    // The only manager cannot make himself staff: the database says no.
    list->setCurrentItem(row(QStringLiteral("Morgan Lee")));
    QCOMPARE(roleButton->text(), QStringLiteral("Make &staff"));
    QTest::mouseClick(roleButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(banner->message().contains(QStringLiteral("last active manager")), kNoHangMs);
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT role FROM staff WHERE id = %1").arg(morgan))
                 .toString(),
             QStringLiteral("manager"));

    // Priya becomes a manager.
    list->setCurrentItem(row(QStringLiteral("Priya Patel")));
    QCOMPARE(roleButton->text(), QStringLiteral("Make &manager"));
    QTest::mouseClick(roleButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("Priya Patel"))
                                 && row(QStringLiteral("Priya Patel"))->text(1)
                                     == StaffText::role(StaffMember::Role::Manager),
                             kNoHangMs);
    QCOMPARE(
        m_cluster.queryBlocking(QStringLiteral("SELECT role FROM staff WHERE id = %1").arg(priya)).toString(),
        QStringLiteral("manager"));
    QCOMPARE(auditCount(QStringLiteral("staff.role_changed"), priya,
                        QStringLiteral("AND actor = 'staff:%1'").arg(morgan)),
             1);
    QVERIFY2(staff->statusText().contains(QStringLiteral("Priya Patel")), qPrintable(staff->statusText()));

    // Sam leaves: deactivated, and the sign-in list no longer offers him.
    list->setCurrentItem(row(QStringLiteral("Sam Rivera")));
    QCOMPARE(activeButton->text(), QStringLiteral("&Deactivate"));
    QTest::mouseClick(activeButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("Sam Rivera"))
                                 && row(QStringLiteral("Sam Rivera"))->text(2)
                                     == QStringLiteral("No longer active"),
                             kNoHangMs);
    QCOMPARE(
        m_cluster.queryBlocking(QStringLiteral("SELECT active FROM staff WHERE id = %1").arg(sam)).toBool(),
        false);
    QCOMPARE(auditCount(QStringLiteral("staff.deactivated"), sam,
                        QStringLiteral("AND actor = 'staff:%1'").arg(morgan)),
             1);
    QTRY_COMPARE_WITH_TIMEOUT(activeButton->text(), QStringLiteral("&Reactivate"), kNoHangMs);
    m_window->signOut();
    QTRY_COMPARE_WITH_TIMEOUT(staffList()->topLevelItemCount(), int(m_site.pins().size()) - 1, kNoHangMs);
    QVERIFY(staffList()->findItems(QStringLiteral("Sam Rivera"), Qt::MatchExactly).isEmpty());
    // His PIN signs nobody in, even if a stale list still offered him.
    auto attempt = m_pool->withConnection(QStringLiteral("staff.sign_in"),
                                          [sam, pin = m_site.pinOf(QStringLiteral("Sam Rivera"))](
                                              QSqlDatabase &db) { return StaffRepo(db).signIn(sam, pin); });
    QTRY_VERIFY_WITH_TIMEOUT(attempt.isFinished(), kNoHangMs);
    QCOMPARE(attempt.result()->outcome, SignInAttempt::Outcome::NotFound);

    // Priya, now a manager, brings him back.
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Priya Patel")));
    staff = m_window->openStaffManagement();
    list = staff->findChild<QTreeWidget *>(QStringLiteral("staffManagementList"));
    activeButton = staff->findChild<QPushButton *>(QStringLiteral("staffActiveButton"));
    QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("Sam Rivera")), kNoHangMs);
    list->setCurrentItem(row(QStringLiteral("Sam Rivera")));
    QCOMPARE(activeButton->text(), QStringLiteral("&Reactivate"));
    QTest::mouseClick(activeButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_cluster.queryBlocking(QStringLiteral("SELECT active FROM staff WHERE id = %1").arg(sam)).toBool(),
        kNoHangMs);
    QCOMPARE(auditCount(QStringLiteral("staff.reactivated"), sam,
                        QStringLiteral("AND actor = 'staff:%1'").arg(priya)),
             1);
}

void TestDesk::aPinMustBeFourToEightDigits()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    StaffDialog *staff = m_window->openStaffManagement();
    StaffFormDialog *form = staff->addPerson();
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffName")), QStringLiteral("Short Pin"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPin")), QStringLiteral("12"));
    QTest::keyClicks(form->findChild<QLineEdit *>(QStringLiteral("staffPinRepeat")), QStringLiteral("12"));
    QTest::mouseClick(form->findChild<QPushButton *>(QStringLiteral("staffFormOk")), Qt::LeftButton);
    QVERIFY2(form->problem().contains(QStringLiteral("4 to 8 digits")), qPrintable(form->problem()));
    // Letters never reach the field; more than eight digits neither.
    auto *pin = form->findChild<QLineEdit *>(QStringLiteral("staffPin"));
    pin->clear();
    QTest::keyClicks(pin, QStringLiteral("12ab345678901"));
    QCOMPARE(pin->text(), QStringLiteral("12345678"));
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM staff WHERE name = 'Short Pin'"))
                 .toInt(),
             0);

    // The repository refuses a bad PIN too, whoever calls it.
    const qint64 managerId = staffId(QStringLiteral("Morgan Lee"));
    auto refused = m_pool->withConnection(QStringLiteral("staff.add"), [managerId](QSqlDatabase &db) {
        return StaffRepo(db).add(QStringLiteral("Short Pin"), StaffMember::Role::Staff,
                                 QStringLiteral("12a4"), managerId);
    });
    QVERIFY(finishes(refused));
    QCOMPARE(refused.result().error().kind(), DbError::Kind::Invalid);
    // And only a manager may add anyone.
    const qint64 staffMemberId = staffId(QStringLiteral("Sam Rivera"));
    auto notAManager = m_pool->withConnection(QStringLiteral("staff.add"), [staffMemberId](QSqlDatabase &db) {
        return StaffRepo(db).add(QStringLiteral("Sneaky"), StaffMember::Role::Manager, QStringLiteral("1234"),
                                 staffMemberId);
    });
    QVERIFY(finishes(notAManager));
    QCOMPARE(notAManager.result().error().kind(), DbError::Kind::Invalid);
}

void TestDesk::theEventLoopKeepsTurningWhileAQueryIsStuck()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // Another desk holds the customers locked until this test lets go.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool other(lockerConfig);
    bool granted = false;
    auto locker = m_site.holdTableLocked(other, QStringLiteral("customers"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });

    // A search started as staff start it (Ctrl+F, typing) gets stuck on the
    // lock, as the server shows; from then on every tick of the loop came
    // while it was stuck.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    auto *find = m_window->findChild<FindDialog *>();
    QVERIFY(find);
    QTRY_VERIFY_WITH_TIMEOUT(find->isActiveWindow(), kNoHangMs);
    QSignalSpy searched(find, &FindDialog::searched);
    QTest::keyClicks(find->findChild<QLineEdit *>(QStringLiteral("findField")), QStringLiteral("Jordan"));
    const QString searchQuery = QStringLiteral("WITH people AS");
    QTRY_COMPARE_WITH_TIMEOUT(m_site.waitingOnALock({}, searchQuery), 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QCOMPARE(m_site.waitingOnALock({}, searchQuery), 1);
    QVERIFY(find->isSearching());
    QVERIFY(searched.isEmpty());

    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QTRY_VERIFY_WITH_TIMEOUT(!searched.isEmpty() && !find->isSearching(), kNoHangMs);
    QVERIFY(finishes(locker));
}

void TestDesk::theMenuPageStaysResponsiveWhileItsTableIsLocked()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    TodayPage *today = m_window->todayPage();
    QTRY_COMPARE_WITH_TIMEOUT(today->services().size(), 5, kNoHangMs);

    // Another connection holds the catalogue locked until this test lets go.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool other(lockerConfig);
    bool granted = false;
    auto locker = m_site.holdTableLocked(other, QStringLiteral("services"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });

    QSignalSpy loaded(today, &TodayPage::loaded);
    QTest::mouseClick(today->findChild<QPushButton *>(QStringLiteral("todayRefresh")), Qt::LeftButton);
    QVERIFY(today->isLoading());
    // While the query waits on the lock (the server says so) the window
    // answers: the clock ticks, the menu already on screen stays, the
    // person can still sign out. (ServiceRepo's statement: availability's
    // joins the prices on more.)
    const QString menuQuery = QStringLiteral("p.service_id = s.id\n WHERE");
    QTRY_COMPARE_WITH_TIMEOUT(m_site.waitingOnALock({}, menuQuery), 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QCOMPARE(m_site.waitingOnALock({}, menuQuery), 1);
    QVERIFY(today->isLoading());
    QCOMPARE(today->findChild<QTableWidget *>(QStringLiteral("washMenu"))->rowCount(), 5);
    QVERIFY(
        m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("signOutButton"))->isEnabled());

    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kNoHangMs);
    QVERIFY(finishes(locker));
    QVERIFY(!today->isLoading());
}

void TestDesk::testConnectionSaysWhatFailedAndWhatWorked()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    DatabaseSettingsDialog *dialog = m_window->openDatabaseSettings();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsHost"))->setText(QStringLiteral("127.0.0.1"));
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(QStringLiteral("carwash"));
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsUser"))->setText(QStringLiteral("carwash"));
    dialog->findChild<QSpinBox *>(QStringLiteral("settingsConnectTimeout"))->setValue(3);
    auto *port = dialog->findChild<QSpinBox *>(QStringLiteral("settingsPort"));

    QSignalSpy tested(dialog, &DatabaseSettingsDialog::connectionTested);
    port->setValue(PgTestCluster::freePort());
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("settingsTest")), Qt::LeftButton);
    QVERIFY(dialog->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, kNoHangMs);
    QCOMPARE(tested.at(0).at(0).toBool(), false);
    QString status = dialog->statusText();
    QVERIFY2(status.contains(QStringLiteral("Could not connect to 127.0.0.1:%1").arg(port->value())),
             qPrintable(status));
    // libpq's own words say what failed.
    QVERIFY2(status.contains(QStringLiteral("Connection refused")), qPrintable(status));

    dialog->findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(QStringLiteral("no_such_db"));
    port->setValue(m_cluster.port());
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("settingsTest")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, kNoHangMs);
    status = dialog->statusText();
    QVERIFY2(status.contains(QStringLiteral("no_such_db"))
                 && status.contains(QStringLiteral("does not exist")),
             qPrintable(status));

    dialog->findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(QStringLiteral("carwash"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("settingsTest")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 3, kNoHangMs);
    QCOMPARE(tested.at(2).at(0).toBool(), true);
    status = dialog->statusText();
    QVERIFY2(status.contains(QStringLiteral("Connected to PostgreSQL")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("schema version %1").arg(Migrator::latestVersion())),
             qPrintable(status));
    // The short-lived test pool left nothing behind.
    QTRY_COMPARE(m_cluster.countConnections(QStringLiteral("carwash-settings-test")), 0);
}

void TestDesk::savedSettingsHoldNoPasswordAndExplainTheMissingKeychain()
{
    // This process has no D-Bus session (main() points it nowhere), which
    // is how a desk without a keychain service looks.
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    DatabaseSettingsDialog *dialog = m_window->openDatabaseSettings();
    dialog->setKeychainTimeout(5000);
    QSignalSpy checked(dialog, &DatabaseSettingsDialog::keychainChecked);
    QTRY_COMPARE_WITH_TIMEOUT(checked.size(), 1, kNoHangMs);
    QVERIFY2(dialog->keychainText().contains(QStringLiteral("No keychain service")),
             qPrintable(dialog->keychainText()));
    QVERIFY2(dialog->keychainText().contains(QStringLiteral("DATABASE_URL=postgresql://")),
             qPrintable(dialog->keychainText()));

    const QString password = QStringLiteral("Very-S3cret-Pw");
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsHost"))
        ->setText(QStringLiteral("db.example.test"));
    dialog->findChild<QSpinBox *>(QStringLiteral("settingsPort"))->setValue(6543);
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(QStringLiteral("washes"));
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsUser"))->setText(QStringLiteral("desk"));
    dialog->findChild<QLineEdit *>(QStringLiteral("settingsPassword"))->setText(password);
    dialog->findChild<QComboBox *>(QStringLiteral("settingsSslMode"))
        ->setCurrentText(QStringLiteral("require"));
    dialog->findChild<QSpinBox *>(QStringLiteral("settingsMaxConnections"))->setValue(7);
    auto *statementTimeout = dialog->findChild<QSpinBox *>(QStringLiteral("settingsStatementTimeout"));
    QCOMPARE(statementTimeout->value(), 30); // the default
    statementTimeout->setValue(45);
    QSignalSpy saved(dialog, &DatabaseSettingsDialog::saved);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("settingsSave")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, kNoHangMs);
    QCOMPARE(saved.at(0).at(0).toBool(), false);
    const QString status = dialog->statusText();
    QVERIFY2(status.contains(QStringLiteral("saved, but not the password")), qPrintable(status));
    QVERIFY2(status.contains(
                 QStringLiteral("DATABASE_URL=postgresql://desk:PASSWORD@db.example.test:6543/washes")),
             qPrintable(status));

    QSettings settings;
    settings.sync();
    QCOMPARE(settings.value(QStringLiteral("database/host")).toString(), QStringLiteral("db.example.test"));
    QCOMPARE(settings.value(QStringLiteral("database/port")).toInt(), 6543);
    QCOMPARE(settings.value(QStringLiteral("database/sslmode")).toString(), QStringLiteral("require"));
    QCOMPARE(settings.value(QStringLiteral("database/connection_limit")).toInt(), 7);
    QCOMPARE(settings.value(QStringLiteral("database/statement_timeout")).toInt(), 45);
    QVERIFY(!settings.contains(QStringLiteral("database/password")));
    // Nowhere in any settings file, under any key.
    QString why;
    QVERIFY2(m_site.settingsFilesLackSecret(password.toUtf8(), &why), qPrintable(why));
}

void TestDesk::databaseStoppedDuringUseShowsTheBannerAndRecovers()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    TodayPage *today = m_window->todayPage();
    QTRY_COMPARE_WITH_TIMEOUT(today->services().size(), 5, kNoHangMs);
    DatabaseHealthWatcher *health = m_window->healthWatcher();
    health->setInterval(200);
    auto *indicator = m_window->findChild<DatabaseStatusIndicator *>();
    QTRY_COMPARE_WITH_TIMEOUT(indicator->text(), QStringLiteral("Database OK"), kNoHangMs);

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QTRY_COMPARE_WITH_TIMEOUT(m_window->banner().message(), QStringLiteral("Database unavailable — retrying"),
                              kNoHangMs);
    QVERIFY(m_window->banner().isVisible());
    QCOMPARE(indicator->text(), QStringLiteral("Database unavailable"));
    QVERIFY(indicator->toolTip().contains(QStringLiteral("Database unavailable")));
    // The menu stays on screen meanwhile, and the window keeps working.
    QCOMPARE(today->findChild<QTableWidget *>(QStringLiteral("washMenu"))->rowCount(), 5);
    QTest::mouseClick(today->findChild<QPushButton *>(QStringLiteral("todayRefresh")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!today->isLoading(), kNoHangMs);
    QCOMPARE(today->findChild<QTableWidget *>(QStringLiteral("washMenu"))->rowCount(), 5);

    QVERIFY(m_cluster.start());
    restart.dismiss();
    // Back by itself: no click needed.
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->banner().isVisible(), kNoHangMs);
    QVERIFY(m_window->banner().message().isEmpty());
    QVERIFY(health->state() != DatabaseHealthWatcher::State::Unavailable);
    QVERIFY(indicator->text() != QStringLiteral("Database unavailable"));
    QTRY_VERIFY_WITH_TIMEOUT(!today->isLoading(), kNoHangMs);
}

void TestDesk::theProgramStartsOnDatabaseUrlAndLeavesNoConnections()
{
    cleanup(); // this test brings its own application object
    const QString applicationName = QStringLiteral("tst_desk-app");
    qputenv("DATABASE_URL",
            QStringLiteral("%1?application_name=%2&connect_timeout=3")
                .arg(m_cluster.url(), applicationName)
                .toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    {
        DeskApplication desk;
        QSignalSpy ready(&desk, &DeskApplication::ready);
        desk.start();
        // Said before anything was waited for.
        QVERIFY2(desk.window().startupPage().statusText().startsWith(
                     QStringLiteral("Reading the database password"))
                     || desk.window().startupPage().statusText().startsWith(
                         QStringLiteral("Connecting to the database")),
                 qPrintable(desk.window().startupPage().statusText()));
        QVERIFY(desk.window().isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kNoHangMs);
        QCOMPARE(desk.stage(), DeskApplication::Stage::Ready);
        QCOMPARE(desk.window().currentPage(), desk.window().signInPage());
        auto *list = desk.window().signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
        QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), int(m_site.pins().size()), kNoHangMs);
        QVERIFY(m_cluster.countConnections(applicationName) >= 1);
        // The desk publishes its health for the managers' diagnostics.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_cluster
                .queryBlocking(QStringLiteral("SELECT count(*) FROM process_health WHERE "
                                              "program = 'carwash' AND pid = %1")
                                   .arg(QCoreApplication::applicationPid()))
                .toInt(),
            1, kNoHangMs);
    }
    // The application object is gone: so is every backend it had, and its
    // health row (a clean exit is not a stale process).
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(applicationName), 0, 10000);
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(*) FROM process_health WHERE pid = %1")
                                    .arg(QCoreApplication::applicationPid()))
                 .toInt(),
             0);
}

void TestDesk::theEmbeddedDatabaseStartsOffTheGuiThread()
{
    cleanup();
    QTemporaryDir home(QStringLiteral("/tmp/carwash-desk-home-XXXXXX"));
    QVERIFY(home.isValid());
    const QByteArray oldHome = qgetenv("HOME");
    const QByteArray oldDataHome = qgetenv("XDG_DATA_HOME");
    qputenv("HOME", home.path().toUtf8());
    qunsetenv("XDG_DATA_HOME");
    qunsetenv("DATABASE_URL");
    QSettings().remove(QStringLiteral("database"));
    const QString dataRoot = EmbeddedServer::defaultDataRoot();
    QVERIFY2(dataRoot.startsWith(home.path()), qPrintable(dataRoot));
    auto restore = qScopeGuard([&] {
        EmbeddedServer server(dataRoot);
        server.stopBlocking();
        // Under root the cluster lives outside HOME; take it away too.
        const QString serverRoot = QFileInfo(server.dataDirectory()).absolutePath();
        if (!serverRoot.startsWith(home.path())
            && serverRoot.startsWith(QStringLiteral("/var/lib/carwash-desk/")))
            QDir(serverRoot).removeRecursively();
        qputenv("HOME", oldHome);
        if (!oldDataHome.isEmpty())
            qputenv("XDG_DATA_HOME", oldDataHome);
    });

    LoopTicks ticks;
    DeskApplication desk;
    QSignalSpy ready(&desk, &DeskApplication::ready);
    QSignalSpy failed(&desk, &DeskApplication::failed);
    desk.start();
    QCOMPARE(desk.stage(), DeskApplication::Stage::StartingServer);
    QCOMPARE(desk.window().startupPage().statusText(), QStringLiteral("Starting the database…"));
    QTRY_VERIFY_WITH_TIMEOUT(ready.size() + failed.size() > 0, 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    // start() returned at once (the stage above) and the answer came
    // through the window's own loop, which kept turning meanwhile.
    QVERIFY(ticks.count() > 0);
    QVERIFY(desk.config().embedded);
    QCOMPARE(desk.window().currentPage(), desk.window().signInPage());
}

int main(int argc, char *argv[])
{
    // No keychain service for this process: a bus address that leads
    // nowhere (never the tester's own session, never an autolaunched one).
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/carwash-test-bus");
    QApplication app(argc, argv);
    TestDesk test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desk.moc"
