// The manager's card readers as a manager meets them: the real desk window on
// the offscreen platform, a real PostgreSQL with the demo seed, real PINs.
// Every change is checked in card_readers itself, with its audit row in the
// signed-in manager's name.
#include "db/health/processidentity.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/sessionheader.h"
#include "ui/manager/cardreadersdialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestCardReaders : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void staffCannotOpenItAndManagersCan();
    void signingOutClosesIt();
    void everyControlHasANameAndEveryMnemonicOneControl();
    void addAssignRefuseUnassignRemoveAuditedAsTheManager();
    void aMalformedIdIsRefusedInWordsAndNothingIsWritten();
    void theWindowTurnsWhileAnAssignmentWaits();
    void aManagerDoesItAllWithTheKeyboard();

private:
    CardReadersDialog *openAsManager();
    QString assignment(const QString &id);
    int audits(const QString &action, const QString &id);
    QWidget *focused() { return QApplication::focusWidget(); }

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    qint64 m_managerId = 0;
};

void TestCardReaders::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_cardreaders"), &error), qPrintable(error));
    m_managerId = m_site.staffId(QStringLiteral("Morgan Lee"));
    QVERIFY(m_managerId > 0);
}

void TestCardReaders::init()
{
    QSettings().clear();
    m_site.value(QStringLiteral("DELETE FROM card_readers"));
    m_site.value(QStringLiteral("DELETE FROM audit_log WHERE entity = 'card_reader'"));
    m_site.value(QStringLiteral("DELETE FROM process_health"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
}

void TestCardReaders::cleanup()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

CardReadersDialog *TestCardReaders::openAsManager()
{
    if (!m_site.signIn(*m_window, QStringLiteral("Morgan Lee")))
        return nullptr;
    CardReadersDialog *dialog = m_window->openCardReaders();
    if (!dialog || !waitIdle(dialog))
        return nullptr;
    return dialog;
}

// "desk:Front", "kiosk:Entrance", "-" when unassigned, "" when not there.
QString TestCardReaders::assignment(const QString &id)
{
    return m_site
        .value(QStringLiteral("SELECT coalesce(assigned_kind || ':' || assigned_to, '-') FROM card_readers "
                              "WHERE id = %1")
                   .arg(quoted(id)))
        .toString();
}

int TestCardReaders::audits(const QString &action, const QString &id)
{
    return m_site
        .value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = %1 AND entity = 'card_reader' "
                              "AND entity_id = %2 AND actor = 'staff:%3'")
                   .arg(quoted(action), quoted(id))
                   .arg(m_managerId))
        .toInt();
}

void TestCardReaders::staffCannotOpenItAndManagersCan()
{
    // Another desk has reported its health: its name is offered, after this one.
    m_site.value(QStringLiteral("INSERT INTO process_health (host, pid, started_at, program, snapshot) "
                                "VALUES ('back-office', 42, now(), 'carwash', '{}'), "
                                "('server-host', 43, now(), 'carwash-server', '{}')"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // Its entry in the Manage menu: no menu for staff, the entry disabled.
    auto *manage = m_window->sessionHeader()->findChild<QToolButton *>(QStringLiteral("manageButton"));
    auto *action = m_window->sessionHeader()->findChild<QAction *>(QStringLiteral("cardReadersAction"));
    QVERIFY(manage && action);
    QVERIFY(!manage->isVisible());
    QVERIFY(!action->isEnabled());
    action->trigger();
    QVERIFY(!m_window->openCardReaders());
    QVERIFY(m_window->findChildren<CardReadersDialog *>().isEmpty());
    m_window->signOut();

    m_site.value(QStringLiteral("INSERT INTO card_readers (id, label, assigned_kind, assigned_to) VALUES "
                                "('tmr_Existing1', 'Wall reader', 'kiosk', 'Entrance')"));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    QVERIFY(manage->isVisible());
    QVERIFY(action->isEnabled());
    action->trigger();
    auto *dialog = m_window->findChild<CardReadersDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(waitIdle(dialog));
    QCOMPARE(dialog->list()->topLevelItemCount(), 1);
    const QTreeWidgetItem *row = dialog->list()->topLevelItem(0);
    QCOMPARE(row->text(0), QStringLiteral("tmr_Existing1"));
    QCOMPARE(row->text(1), QStringLiteral("Wall reader"));
    QCOMPARE(row->text(2), QStringLiteral("Kiosk \"Entrance\""));
    const QString thisDesk = ProcessIdentity::current(QStringLiteral("carwash")).host;
    QCOMPARE(dialog->knownDesks(), (QStringList {thisDesk, QStringLiteral("back-office")}));
    auto *device = dialog->findChild<QComboBox *>(QStringLiteral("readerDeviceField"));
    QCOMPARE(device->itemText(0), QStringLiteral("%1 (this desk)").arg(thisDesk));
    QCOMPARE(device->itemText(1), QStringLiteral("back-office"));
    // Kiosks: the names readers serve already.
    auto *kind = dialog->findChild<QComboBox *>(QStringLiteral("readerKindField"));
    kind->setCurrentIndex(1);
    QCOMPARE(device->count(), 1);
    QCOMPARE(device->itemText(0), QStringLiteral("Entrance"));
}

void TestCardReaders::signingOutClosesIt()
{
    QPointer<CardReadersDialog> dialog = openAsManager();
    QVERIFY(dialog);
    m_window->signOut();
    QTRY_VERIFY(!dialog);
}

void TestCardReaders::everyControlHasANameAndEveryMnemonicOneControl()
{
    CardReadersDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QStringList unnamed;
    const QList<QWidget *> widgets = dialog->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget)
            || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractItemView *>(widget);
        if (!control || qobject_cast<QComboBox *>(widget->parentWidget())
            || qobject_cast<QAbstractItemView *>(widget->parentWidget()) || widget->inherits("QComboBoxListView"))
            continue;
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
            unnamed << QStringLiteral("%1 (%2)").arg(widget->objectName(),
                                                     QString::fromLatin1(widget->metaObject()->className()));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
    QVERIFY2(Mnemonics::clashes(m_window.get()).isEmpty(),
             qPrintable(Mnemonics::clashes(m_window.get()).join(u'\n')));
}

void TestCardReaders::addAssignRefuseUnassignRemoveAuditedAsTheManager()
{
    CardReadersDialog *dialog = openAsManager();
    QVERIFY(dialog);
    auto *id = dialog->findChild<QLineEdit *>(QStringLiteral("readerIdField"));
    auto *label = dialog->findChild<QLineEdit *>(QStringLiteral("readerLabelField"));
    auto *add = dialog->findChild<QPushButton *>(QStringLiteral("addReaderButton"));
    auto *kind = dialog->findChild<QComboBox *>(QStringLiteral("readerKindField"));
    auto *device = dialog->findChild<QComboBox *>(QStringLiteral("readerDeviceField"));
    auto *assign = dialog->findChild<QPushButton *>(QStringLiteral("assignReaderButton"));
    auto *unassign = dialog->findChild<QPushButton *>(QStringLiteral("unassignReaderButton"));
    auto *remove = dialog->findChild<QPushButton *>(QStringLiteral("removeReaderButton"));
    const QString thisDesk = ProcessIdentity::current(QStringLiteral("carwash")).host;

    // Two readers, each added with its label.
    for (const auto &[readerId, readerLabel] :
         {std::pair {QStringLiteral("tmr_Front1"), QStringLiteral("Front desk reader")},
          std::pair {QStringLiteral("tmr_Spare2"), QStringLiteral("Spare reader")}}) {
        id->setText(readerId);
        label->setText(readerLabel);
        QTest::mouseClick(add, Qt::LeftButton);
        QVERIFY(waitIdle(dialog));
        QVERIFY2(!dialog->findChild<ErrorBanner *>()->isVisible(),
                 qPrintable(dialog->findChild<ErrorBanner *>()->message()));
        QCOMPARE(
            m_site.value(QStringLiteral("SELECT label FROM card_readers WHERE id = %1").arg(quoted(readerId)))
                .toString(),
            readerLabel);
        QCOMPARE(assignment(readerId), QStringLiteral("-"));
        QCOMPARE(audits(QStringLiteral("reader.added"), readerId), 1);
        QVERIFY(dialog->statusText().contains(readerId));
        QVERIFY(id->text().isEmpty() && label->text().isEmpty());
        // The new reader is the selected one.
        QCOMPARE(dialog->list()->currentItem()->text(0), readerId);
    }
    QCOMPARE(dialog->list()->topLevelItemCount(), 2);
    QVERIFY(!unassign->isEnabled()); // nothing to unassign yet

    // The first serves this desk.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("tmr_Front1")));
    kind->setCurrentIndex(0);
    device->setCurrentIndex(0);
    QTest::mouseClick(assign, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(assignment(QStringLiteral("tmr_Front1")), QStringLiteral("desk:") + thisDesk);
    QCOMPARE(audits(QStringLiteral("reader.assigned"), QStringLiteral("tmr_Front1")), 1);
    QCOMPARE(dialog->list()->findItems(QStringLiteral("tmr_Front1"), Qt::MatchExactly, 0).first()->text(2),
             QStringLiteral("Desk \"%1\" (this desk)").arg(thisDesk));
    QVERIFY(unassign->isEnabled());

    // The second for the same desk: refused with ReaderRepo's sentence.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("tmr_Spare2")));
    device->setCurrentIndex(0);
    QTest::mouseClick(assign, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    auto *banner = dialog->findChild<ErrorBanner *>();
    QVERIFY(banner->isVisible());
    const QString refusal = QStringLiteral("The desk \"%1\" has reader tmr_Front1 already; a desk or kiosk has one "
                                           "reader. Unassign tmr_Front1 first.")
                                .arg(thisDesk);
    QVERIFY2(banner->message().contains(refusal), qPrintable(banner->message()));
    QVERIFY(banner->message().startsWith(QStringLiteral("Reader tmr_Spare2 was not assigned.")));
    QCOMPARE(assignment(QStringLiteral("tmr_Spare2")), QStringLiteral("-"));
    QCOMPARE(assignment(QStringLiteral("tmr_Front1")), QStringLiteral("desk:") + thisDesk);
    QCOMPARE(audits(QStringLiteral("reader.assigned"), QStringLiteral("tmr_Spare2")), 0);

    // A typed kiosk name instead.
    kind->setCurrentIndex(1);
    device->setEditText(QStringLiteral("Entrance"));
    QTest::mouseClick(assign, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QVERIFY(!banner->isVisible());
    QCOMPARE(assignment(QStringLiteral("tmr_Spare2")), QStringLiteral("kiosk:Entrance"));
    QVERIFY(dialog->statusText().contains(QStringLiteral("kiosk \"Entrance\"")));

    // Unassigned, the desk is free for the spare.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("tmr_Front1")));
    QTest::mouseClick(unassign, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(assignment(QStringLiteral("tmr_Front1")), QStringLiteral("-"));
    QCOMPARE(audits(QStringLiteral("reader.unassigned"), QStringLiteral("tmr_Front1")), 1);
    QCOMPARE(dialog->list()->findItems(QStringLiteral("tmr_Front1"), Qt::MatchExactly, 0).first()->text(2),
             QStringLiteral("Not assigned"));

    // Removed: gone from the table and the list.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("tmr_Front1")));
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT count(*) FROM card_readers WHERE id = 'tmr_Front1'")).toInt(), 0);
    QCOMPARE(audits(QStringLiteral("reader.removed"), QStringLiteral("tmr_Front1")), 1);
    QCOMPARE(dialog->list()->topLevelItemCount(), 1);
    QCOMPARE(dialog->readers().first().id, QStringLiteral("tmr_Spare2"));
    QCOMPARE(m_site
                 .value(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'card_reader' "
                                       "AND actor <> 'staff:%1'")
                            .arg(m_managerId))
                 .toInt(),
             0);
}

void TestCardReaders::aMalformedIdIsRefusedInWordsAndNothingIsWritten()
{
    CardReadersDialog *dialog = openAsManager();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("readerIdField"))->setText(QStringLiteral("reader 7"));
    dialog->findChild<QLineEdit *>(QStringLiteral("readerLabelField"))->setText(QStringLiteral("Front"));
    dialog->addReader();
    QVERIFY(waitIdle(dialog));
    auto *banner = dialog->findChild<ErrorBanner *>();
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->message().contains(QStringLiteral("\"reader 7\" is not a Stripe reader ID")),
             qPrintable(banner->message()));
    // What was typed stays, to be corrected.
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("readerIdField"))->text(), QStringLiteral("reader 7"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM card_readers")).toInt(), 0);
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'card_reader'")).toInt(),
        0);
}

void TestCardReaders::theWindowTurnsWhileAnAssignmentWaits()
{
    m_site.value(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('tmr_Waits1', 'Front')"));
    CardReadersDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QVERIFY(selectRow(dialog->list(), QStringLiteral("tmr_Waits1")));
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool locker(lockerConfig);
    bool granted = false;
    auto lock = m_site.holdTableLocked(locker, QStringLiteral("card_readers"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });

    dialog->findChild<QComboBox *>(QStringLiteral("readerDeviceField"))->setEditText(QStringLiteral("Front"));
    dialog->assignSelected();
    const QString assignQuery = QStringLiteral("FROM card_readers WHERE id");
    QTRY_VERIFY_WITH_TIMEOUT(m_site.waitingOnALock({}, assignQuery) >= 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QVERIFY(m_site.waitingOnALock({}, assignQuery) >= 1);
    QVERIFY(dialog->isBusy());
    QVERIFY(dialog->findChild<BusyIndicator *>()->isRunning());
    QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("assignReaderButton"))->isEnabled());

    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QVERIFY(finishes(lock));
    QVERIFY(waitIdle(dialog));
    QVERIFY(!dialog->findChild<BusyIndicator *>()->isRunning());
    QCOMPARE(assignment(QStringLiteral("tmr_Waits1")), QStringLiteral("desk:Front"));
}

void TestCardReaders::aManagerDoesItAllWithTheKeyboard()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    // Alt+M in the main window opens the Manage menu, C opens it.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isActiveWindow() && focused(), kNoHangMs);
    QVERIFY(DeskTest::chooseFromManageMenu(m_window.get(), Qt::Key_C));
    CardReadersDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = m_window->findChild<CardReadersDialog *>()), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isActiveWindow(), kNoHangMs);
    QVERIFY(waitIdle(dialog));

    // Alt+I: the id; Tab: the label; Enter adds.
    QTest::keyClick(focused(), Qt::Key_I, Qt::AltModifier);
    QCOMPARE(focused()->objectName(), QStringLiteral("readerIdField"));
    QTest::keyClicks(focused(), QStringLiteral("tmr_Keys1"));
    QTest::keyClick(focused(), Qt::Key_Tab);
    QCOMPARE(focused()->objectName(), QStringLiteral("readerLabelField"));
    QTest::keyClicks(focused(), QStringLiteral("Keyboard reader"));
    QTest::keyClick(focused(), Qt::Key_Return);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(m_site.value(QStringLiteral("SELECT label FROM card_readers WHERE id = 'tmr_Keys1'")).toString(),
             QStringLiteral("Keyboard reader"));
    QVERIFY(dialog->isVisible()); // Enter added; it did not close the dialog

    // Alt+T: desk or kiosk (a desk); Alt+N: its name, typed; Enter assigns.
    QTest::keyClick(focused(), Qt::Key_T, Qt::AltModifier);
    QCOMPARE(focused()->objectName(), QStringLiteral("readerKindField"));
    QTest::keyClick(focused(), Qt::Key_N, Qt::AltModifier);
    auto *device = dialog->findChild<QComboBox *>(QStringLiteral("readerDeviceField"));
    QVERIFY(focused() == device || focused() == device->lineEdit());
    QTest::keyClick(focused(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(focused(), QStringLiteral("Car park desk"));
    QTest::keyClick(focused(), Qt::Key_Return);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(assignment(QStringLiteral("tmr_Keys1")), QStringLiteral("desk:Car park desk"));

    // Alt+U unassigns, Alt+M removes the selected reader (a button's
    // mnemonic clicks it a moment later, as a click is shown).
    QCOMPARE(focused()->objectName(), QStringLiteral("cardReaderList"));
    QSignalSpy reloaded(dialog, &CardReadersDialog::loaded);
    QTest::keyClick(focused(), Qt::Key_U, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() == 1, kNoHangMs);
    QCOMPARE(assignment(QStringLiteral("tmr_Keys1")), QStringLiteral("-"));
    QTest::keyClick(focused(), Qt::Key_M, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() == 2, kNoHangMs);
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM card_readers")).toInt(), 0);
    QCOMPARE(m_site
                 .value(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log "
                                       "WHERE entity = 'card_reader' AND actor = 'staff:%1'")
                            .arg(m_managerId))
                 .toString(),
             QStringLiteral("reader.added,reader.assigned,reader.unassigned,reader.removed"));
    // Escape closes it.
    QTest::keyClick(focused(), Qt::Key_Escape);
    QTRY_VERIFY(!dialog->isVisible());
}

QTEST_MAIN(TestCardReaders)
#include "tst_cardreaders.moc"
