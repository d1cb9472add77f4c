// The manager's kiosks as a manager meets them: the real desk window on the
// offscreen platform, a real PostgreSQL with the demo seed, real PINs. Each
// change is checked in kiosks and card_readers, with its audit rows in the
// signed-in manager's name.
#include "db/health/processhealthrepo.h"
#include "db/kiosk/kioskrepo.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/sessionheader.h"
#include "ui/manager/kiosksdialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestKiosksDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void staffCannotOpenItAndAManagerSeesEveryKioskAndWhetherItRuns();
    void aManagerChangesLanguageMethodsAndReaderAuditedInTheirName();
    void noWayOfPayingIsRefusedInWordsAndNothingIsWritten();
    void everyControlHasANameAndEveryMnemonicOneControl();
    void signingOutClosesIt();

private:
    KiosksDialog *openAsManager();

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    qint64 m_managerId = 0;
};

void TestKiosksDialog::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_kiosksdialog"), &error), qPrintable(error));
    m_managerId = m_site.staffId(QStringLiteral("Morgan Lee"));
    QVERIFY(m_managerId > 0);
}

void TestKiosksDialog::init()
{
    QSettings().clear();
    m_site.value(QStringLiteral(
        "DELETE FROM attendant_calls; DELETE FROM kiosks; DELETE FROM card_readers; DELETE FROM "
        "process_health; "
        "DELETE FROM audit_log WHERE entity IN ('kiosk', 'card_reader'); "
        "INSERT INTO kiosks (name, updated_by) VALUES ('Entrance', 'kiosk:Entrance'), ('Exit', "
        "'kiosk:Exit'); "
        "INSERT INTO card_readers (id, label, assigned_kind, assigned_to) VALUES "
        "('tmr_Kiosk1', 'Entrance kiosk', 'kiosk', 'Entrance'), ('tmr_Spare2', 'Spare', NULL, NULL), "
        "('tmr_Front3', 'Front desk', 'desk', 'Front')"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
}

void TestKiosksDialog::cleanup()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

KiosksDialog *TestKiosksDialog::openAsManager()
{
    if (!m_site.signIn(*m_window, QStringLiteral("Morgan Lee")))
        return nullptr;
    if (!chooseFromManageMenu(m_window.get(), Qt::Key_K))
        return nullptr;
    auto *dialog = m_window->findChild<KiosksDialog *>();
    if (!dialog || !waitIdle(dialog))
        return nullptr;
    return dialog;
}

void TestKiosksDialog::staffCannotOpenItAndAManagerSeesEveryKioskAndWhetherItRuns()
{
    // The Entrance kiosk publishes its health as a running kiosk does.
    ProcessIdentity kiosk = ProcessIdentity::current(KioskRepo::program(), QStringLiteral("Entrance"));
    kiosk.host = QStringLiteral("kiosk-pc-1");
    QVERIFY(await(m_pool->withConnection(QStringLiteral("test.publish"), [kiosk](QSqlDatabase &db) {
                ProcessHealthRepo(db).publish(kiosk, {{QStringLiteral("status"), QStringLiteral("healthy")}});
            })).ok());
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    auto *action = m_window->sessionHeader()->findChild<QAction *>(QStringLiteral("kiosksAction"));
    QVERIFY(action);
    QVERIFY(!action->isEnabled());
    action->trigger();
    QVERIFY(!m_window->openKiosks());
    QVERIFY(m_window->findChildren<KiosksDialog *>().isEmpty());
    m_window->signOut();

    KiosksDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->list()->topLevelItemCount(), 2);
    auto row = [dialog](int i) {
        QStringList cells;
        for (int c = 0; c < dialog->list()->columnCount(); ++c)
            cells << dialog->list()->topLevelItem(i)->text(c);
        return cells.join(QLatin1Char('|'));
    };
    QCOMPARE(row(0), QStringLiteral("Entrance|English|card reader, phone|tmr_Kiosk1|Running"));
    QCOMPARE(row(1), QStringLiteral("Exit|English|card reader, phone|None|Not running"));
    // The editor shows the selected kiosk; readers serving another device are not offered.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("Entrance")));
    auto *reader = dialog->findChild<QComboBox *>(QStringLiteral("kioskReaderField"));
    QCOMPARE(reader->currentData().toString(), QStringLiteral("tmr_Kiosk1"));
    QStringList offered;
    for (int i = 0; i < reader->count(); ++i)
        offered << reader->itemData(i).toString();
    QCOMPARE(offered, (QStringList {QString(), QStringLiteral("tmr_Kiosk1"), QStringLiteral("tmr_Spare2")}));
    QVERIFY(selectRow(dialog->list(), QStringLiteral("Exit")));
    offered.clear();
    for (int i = 0; i < reader->count(); ++i)
        offered << reader->itemData(i).toString();
    QCOMPARE(offered, (QStringList {QString(), QStringLiteral("tmr_Spare2")}));
    QCOMPARE(reader->currentIndex(), 0);
}

void TestKiosksDialog::aManagerChangesLanguageMethodsAndReaderAuditedInTheirName()
{
    KiosksDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QVERIFY(selectRow(dialog->list(), QStringLiteral("Exit")));
    auto *language = dialog->findChild<QComboBox *>(QStringLiteral("kioskLanguageField"));
    auto *reader = dialog->findChild<QComboBox *>(QStringLiteral("kioskReaderField"));
    auto *byReader = dialog->findChild<QCheckBox *>(QStringLiteral("kioskMethodReader"));
    auto *byDesk = dialog->findChild<QCheckBox *>(QStringLiteral("kioskMethodDesk"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveKioskButton"));
    language->setCurrentIndex(language->findData(QStringLiteral("es")));
    QCOMPARE(language->currentText(), QStringLiteral("Español"));
    QTest::mouseClick(byDesk, Qt::LeftButton);
    reader->setCurrentIndex(reader->findData(QStringLiteral("tmr_Spare2")));
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QVERIFY2(dialog->statusText().startsWith(
                 QStringLiteral("Kiosk Exit saved: Español, customers pay card reader, "
                                "phone, at the desk, card reader tmr_Spare2.")),
             qPrintable(dialog->statusText()));
    const QString actor = StaffMember::actorFor(m_managerId);
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT concat_ws('|', language, methods::text, updated_by) FROM kiosks WHERE "
                     "name = 'Exit'"))
                 .toString(),
             QStringLiteral("es|{reader,phone,desk}|%1").arg(actor));
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT concat_ws('|', assigned_kind, assigned_to) FROM card_readers WHERE id = "
                     "'tmr_Spare2'"))
                 .toString(),
             QStringLiteral("kiosk|Exit"));
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT string_agg(actor || ' ' || action, ',' ORDER BY id) FROM audit_log WHERE "
                     "entity IN ('kiosk', 'card_reader')"))
                 .toString(),
             QStringLiteral("%1 reader.assigned,%1 kiosk.changed").arg(actor));
    // The list shows it saved, the kiosk still selected.
    QCOMPARE(dialog->list()->currentItem()->text(0), QStringLiteral("Exit"));
    QCOMPARE(dialog->list()->currentItem()->text(1), QStringLiteral("Español"));
    QCOMPARE(dialog->list()->currentItem()->text(3), QStringLiteral("tmr_Spare2"));

    // The Entrance kiosk gives up its reader and the card reader as a way of paying.
    QVERIFY(selectRow(dialog->list(), QStringLiteral("Entrance")));
    QTest::mouseClick(byReader, Qt::LeftButton);
    QVERIFY(!byReader->isChecked());
    reader->setCurrentIndex(0);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT methods::text FROM kiosks WHERE name = 'Entrance'")).toString(),
        QStringLiteral("{phone}"));
    QVERIFY(m_site.value(QStringLiteral("SELECT assigned_to FROM card_readers WHERE id = 'tmr_Kiosk1'"))
                .isNull());
}

void TestKiosksDialog::noWayOfPayingIsRefusedInWordsAndNothingIsWritten()
{
    KiosksDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QVERIFY(selectRow(dialog->list(), QStringLiteral("Entrance")));
    for (const char *name : {"kioskMethodReader", "kioskMethodPhone"}) {
        auto *box = dialog->findChild<QCheckBox *>(QString::fromLatin1(name));
        QTest::mouseClick(box, Qt::LeftButton);
        QVERIFY(!box->isChecked());
    }
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveKioskButton")), Qt::LeftButton);
    QVERIFY(waitIdle(dialog));
    auto *banner = dialog->findChild<ErrorBanner *>();
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->message(), QStringLiteral("Kiosk Entrance was not changed."));
    QVERIFY2(banner->whatToDo().contains(QStringLiteral("at least one way of paying")),
             qPrintable(banner->whatToDo()));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT methods::text FROM kiosks WHERE name = 'Entrance'")).toString(),
        QStringLiteral("{reader,phone}"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'kiosk'")).toInt(),
             0);
}

void TestKiosksDialog::everyControlHasANameAndEveryMnemonicOneControl()
{
    KiosksDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QStringList unnamed;
    const QList<QWidget *> widgets = dialog->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QComboBox *>(widget)
            || qobject_cast<QAbstractItemView *>(widget);
        if (!control || qobject_cast<QComboBox *>(widget->parentWidget())
            || qobject_cast<QAbstractItemView *>(widget->parentWidget())
            || widget->inherits("QComboBoxListView"))
            continue;
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
            unnamed << QStringLiteral("%1 (%2)").arg(widget->objectName(),
                                                     QString::fromLatin1(widget->metaObject()->className()));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
}

void TestKiosksDialog::signingOutClosesIt()
{
    QPointer<KiosksDialog> dialog = openAsManager();
    QVERIFY(dialog);
    m_window->signOut();
    QTRY_VERIFY(!dialog);
}

QTEST_MAIN(TestKiosksDialog)
#include "tst_kiosksdialog.moc"
