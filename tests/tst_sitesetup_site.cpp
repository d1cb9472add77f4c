// The manager's site setup as a manager meets it, the site's own pages: who
// may open it and when it closes, every control named and every mnemonic
// given once, the site settings (a German decimal comma, the audit row, an
// out-of-range value refused), opening hours and closures. The real desk
// window on the offscreen platform, a real PostgreSQL with the demo seed,
// real PINs. A tab that could not load says so in the banner and loads on
// Retry. Every change is checked in the database itself, with its audit
// row.
#include "tests/mnemonics.h"
#include "tests/sitesetupfixture.h"
#include "ui/desk/sessionheader.h"
#include "ui/manager/bayspage.h"
#include "ui/manager/closurespage.h"
#include "ui/manager/openinghourspage.h"
#include "ui/manager/servicechecklist.h"
#include "ui/manager/servicespage.h"
#include "ui/manager/settingeditor.h"
#include "ui/manager/sitesettingspage.h"
#include "ui/common/errorbanner.h"
#include "ui/manager/sitesetupdialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace DeskTest;

class TestSiteSetupSite : public QObject, protected SiteSetupFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_sitesetup_site")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void staffCannotOpenItAndManagersCan();
    void signingOutClosesIt();
    void everyControlHasAnAccessibleName();
    void everySettingHasALabelInWords();
    void everyTabGivesEveryMnemonicToOneControl();
    void aGermanManagerTypesTheTaxRateWithADecimalComma();
    void settingsAreSavedWithTheManagerInTheAuditLog();
    void anOutOfRangeSettingIsRefusedNextToItsFieldAndNothingIsWritten();
    void aDayWithABreakAndAClosedDayAreStored();
    void anInvalidRangeIsRefused();
    void closuresAreAddedAndRemoved();
    void aTabThatCouldNotLoadSaysSoAndRetryLoadsIt_data();
    void aTabThatCouldNotLoadSaysSoAndRetryLoadsIt();
};

void TestSiteSetupSite::staffCannotOpenItAndManagersCan()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // Its entry in the Manage menu: no menu for staff, the entry disabled.
    auto *manage = m_window->sessionHeader()->findChild<QToolButton *>(QStringLiteral("manageButton"));
    auto *action = m_window->sessionHeader()->findChild<QAction *>(QStringLiteral("siteSetupAction"));
    QVERIFY(manage && action);
    QVERIFY(!manage->isVisible());
    QVERIFY(!action->isEnabled());
    action->trigger();
    QVERIFY(!m_window->openSiteSetup());
    QVERIFY(m_window->findChildren<SiteSetupDialog *>().isEmpty());
    m_window->signOut();

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    QVERIFY(manage->isVisible());
    QVERIFY(action->isEnabled());
    action->trigger();
    auto *dialog = m_window->findChild<SiteSetupDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->tabs()->count(), 6);
    // Loaded from the demo seed: five services, four bays, seven days.
    QTRY_COMPARE_WITH_TIMEOUT(dialog->servicesPage()->table()->rowCount(), 5, kNoHangMs);
    QCOMPARE(dialog->baysPage()->table()->rowCount(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->hoursPage()->rangesField(3)->text().isEmpty(), kNoHangMs);
    QCOMPARE(dialog->hoursPage()->rangesField(3)->text(), QStringLiteral("08:00-12:00, 12:30-19:00"));
    QTRY_COMPARE_WITH_TIMEOUT(dialog->closuresPage()->closures().size(), 2, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->sitePage()->editorValue(QStringLiteral("site.name")),
                              QStringLiteral("Sparkle Auto Spa"), kNoHangMs);
}

void TestSiteSetupSite::signingOutClosesIt()
{
    QPointer<SiteSetupDialog> dialog = openAsManager();
    QVERIFY(dialog);
    m_window->signOut();
    QTRY_VERIFY(!dialog);
}

void TestSiteSetupSite::everyControlHasAnAccessibleName()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QStringList unnamed;
    const QList<QWidget *> widgets = dialog->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget)
            || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
            || qobject_cast<QAbstractItemView *>(widget) || qobject_cast<QPlainTextEdit *>(widget);
        if (!control || qobject_cast<QComboBox *>(widget->parentWidget())
            || qobject_cast<QAbstractSpinBox *>(widget->parentWidget())
            || qobject_cast<QAbstractItemView *>(widget->parentWidget())
            || widget->inherits("QComboBoxListView") || widget->inherits("QCalendarWidget")
            || widget->parentWidget()->inherits("QCalendarWidget") || widget->inherits("QTabBar"))
            continue;
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
            unnamed << QStringLiteral("%1 (%2)").arg(widget->objectName(),
                                                     QString::fromLatin1(widget->metaObject()->className()));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestSiteSetupSite::everySettingHasALabelInWords()
{
    // Not its key ("booking.change_notice_minutes:"), which a manager
    // cannot be expected to read.
    for (const SettingSpec &spec : SiteSettings::specs()) {
        const QString label = SettingEditor::label(spec.key);
        QVERIFY2(!label.contains(u'.') && !label.contains(u'_'), qPrintable(label));
    }
}

void TestSiteSetupSite::everyTabGivesEveryMnemonicToOneControl()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
}

void TestSiteSetupSite::aGermanManagerTypesTheTaxRateWithADecimalComma()
{
    const QLocale before;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    auto restore = qScopeGuard([before] { QLocale::setDefault(before); });
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    SiteSettingsPage *page = dialog->sitePage();
    auto *tax = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("billing.tax_rate_percent")));
    QVERIFY(tax);
    // The stored "8.25" of the demo, as a German writes it.
    QCOMPARE(tax->text(), QStringLiteral("8,25"));
    const QString help = page->findChild<QLabel *>(QStringLiteral("help_billing_tax_rate_percent"))->text();
    QVERIFY2(help.startsWith(QStringLiteral("The sales tax rate"))
                 && help.contains(QStringLiteral("such as 8,25")),
             qPrintable(help));

    // Too precise: refused next to the field, with a German example, nothing written.
    const int audits = m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
    tax->clear();
    QTest::keyClicks(tax, QStringLiteral("0,005"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("saveSiteSettings")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    const QString error = page->fieldError(QStringLiteral("billing.tax_rate_percent"));
    QVERIFY2(error.contains(QStringLiteral("\"0,005\" has too many decimals; type it like 8,25")),
             qPrintable(error));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), audits);

    tax->clear();
    QTest::keyClicks(tax, QStringLiteral("7,75"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("saveSiteSettings")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    QTRY_VERIFY_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
    // Stored as the CLI and the receipts read it.
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'billing.tax_rate_percent'"))
            .toString(),
        QStringLiteral("7.75"));
    QCOMPARE(tax->text(), QStringLiteral("7,75"));
}

void TestSiteSetupSite::settingsAreSavedWithTheManagerInTheAuditLog()
{
    const qint64 manager = m_site.staffId(QStringLiteral("Morgan Lee"));
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    SiteSettingsPage *page = dialog->sitePage();
    auto *buffer = qobject_cast<QSpinBox *>(page->editor(QStringLiteral("booking.buffer_minutes")));
    auto *tax = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("billing.tax_rate_percent")));
    auto *address = qobject_cast<QPlainTextEdit *>(page->editor(QStringLiteral("site.address")));
    QVERIFY(buffer && tax && address);
    QCOMPARE(buffer->minimum(), 0);
    QCOMPARE(buffer->maximum(), 240);
    buffer->setValue(12);
    tax->clear();
    QTest::keyClicks(tax, QStringLiteral("7.75"));
    address->setPlainText(QStringLiteral("12 Harbour Road\nPortsmouth PO1 3AB"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("saveSiteSettings")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    QTRY_VERIFY_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);

    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'booking.buffer_minutes'"))
            .toString(),
        QStringLiteral("12"));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'billing.tax_rate_percent'"))
            .toString(),
        QStringLiteral("7.75"));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'site.address'")).toString(),
        QStringLiteral("12 Harbour Road\nPortsmouth PO1 3AB"));
    QCOMPARE(
        m_site
            .value(QStringLiteral("SELECT string_agg(entity_id, ',' ORDER BY entity_id) FROM audit_log WHERE "
                                  "action = 'setting.set' AND actor = 'staff:%1'")
                       .arg(manager))
            .toString(),
        QStringLiteral("billing.tax_rate_percent,booking.buffer_minutes,site.address"));
    // The new buffer is what the next booking is blocked with.
    const BookingOutcome booked = bookNext(1, QStringLiteral("BUF12"));
    QVERIFY(booked.isBooked());
    QCOMPARE(booked.booking.end.secsTo(booked.booking.blockedUntil), 12 * 60);
}

void TestSiteSetupSite::anOutOfRangeSettingIsRefusedNextToItsFieldAndNothingIsWritten()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    SiteSettingsPage *page = dialog->sitePage();
    const int audits = m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
    const QString taxBefore
        = m_site
              .value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'billing.tax_rate_percent'"))
              .toString();
    auto *name = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("site.name")));
    auto *tax = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("billing.tax_rate_percent")));
    name->setText(QStringLiteral("Renamed Wash"));
    tax->clear();
    QTest::keyClicks(tax, QStringLiteral("150"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("saveSiteSettings")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    // Named as the manager sees it, not by its key.
    QVERIFY2(page->fieldError(QStringLiteral("billing.tax_rate_percent"))
                 .startsWith(QStringLiteral("Tax rate (%) must be a percentage from 0 to 100")),
             qPrintable(page->fieldError(QStringLiteral("billing.tax_rate_percent"))));
    QVERIFY(page->fieldError(QStringLiteral("site.name")).isEmpty());
    // What was typed stays; nothing, not even the valid name, was written.
    QCOMPARE(tax->text(), QStringLiteral("150"));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'site.name'")).toString(),
        QStringLiteral("Sparkle Auto Spa"));
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'billing.tax_rate_percent'"))
            .toString(),
        taxBefore);
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), audits);
}

void TestSiteSetupSite::aDayWithABreakAndAClosedDayAreStored()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    OpeningHoursPage *page = dialog->hoursPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->openBox(2)->isChecked(), kNoHangMs);
    page->rangesField(2)->setText(QStringLiteral("07:30-11:00, 11:45-20:00"));
    page->openBox(7)->setChecked(false);
    QVERIFY(!page->rangesField(7)->isEnabled());
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("saveHours")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    QTRY_VERIFY_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT string_agg(to_char(opens, 'HH24:MI') || '-' || to_char(closes, 'HH24:MI'), "
                     "',' ORDER BY opens) FROM opening_hours WHERE weekday = 2"))
                 .toString(),
             QStringLiteral("07:30-11:00,11:45-20:00"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM opening_hours WHERE weekday = 7")).toInt(), 0);
    QCOMPARE(
        m_site
            .value(QStringLiteral(
                       "SELECT count(*) FROM audit_log WHERE action = 'hours.set' AND actor = 'staff:%1' "
                       "AND entity_id IN ('tue', 'sun')")
                       .arg(m_site.staffId(QStringLiteral("Morgan Lee"))))
            .toInt(),
        2);
    // Unchanged days were not rewritten.
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE action = 'hours.set' AND entity_id = 'mon'"))
                 .toInt(),
             0);
    // Put Sunday back for the other tests.
    page->openBox(7)->setChecked(true);
    page->rangesField(7)->setText(QStringLiteral("09:00-17:00"));
    page->save();
    QVERIFY(waitIdle(page));
    QTRY_COMPARE_WITH_TIMEOUT(
        m_site.value(QStringLiteral("SELECT count(*) FROM opening_hours WHERE weekday = 7")).toInt(), 1,
        kNoHangMs);
}

void TestSiteSetupSite::anInvalidRangeIsRefused()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    OpeningHoursPage *page = dialog->hoursPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->openBox(4)->isChecked(), kNoHangMs);
    const QString before
        = m_site
              .value(QStringLiteral("SELECT string_agg(opens::text, ',' ORDER BY weekday, opens) FROM "
                                    "opening_hours"))
              .toString();
    page->rangesField(1)->setText(QStringLiteral("09:00-10:00"));
    page->rangesField(4)->setText(QStringLiteral("18:00-08:00"));
    page->rangesField(5)->setText(QStringLiteral("08:00-12:00, 11:00-14:00"));
    page->save();
    QVERIFY(
        page->fieldError(QStringLiteral("hours.thu")).contains(QStringLiteral("not after the opening time")));
    QVERIFY(page->fieldError(QStringLiteral("hours.fri")).contains(QStringLiteral("overlap")));
    QVERIFY(page->fieldError(QStringLiteral("hours.mon")).isEmpty());
    QVERIFY(!page->isBusy());
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT string_agg(opens::text, ',' ORDER BY weekday, opens) FROM opening_hours"))
                 .toString(),
             before);
}

void TestSiteSetupSite::closuresAreAddedAndRemoved()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    ClosuresPage *page = dialog->closuresPage();
    const int before = int(page->closures().size());
    const QDate from = QDate::currentDate().addDays(20);
    page->findChild<QDateEdit *>(QStringLiteral("closureFrom"))->setDate(from);
    page->findChild<QDateEdit *>(QStringLiteral("closureTo"))->setDate(from.addDays(2));
    QTest::keyClicks(page->findChild<QLineEdit *>(QStringLiteral("closureReason")),
                     QStringLiteral("Resurfacing"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addClosure")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(int(page->closures().size()), before + 1, kNoHangMs);
    QCOMPARE(
        m_site
            .value(QStringLiteral(
                       "SELECT ends_on - starts_on FROM closures WHERE reason = 'Resurfacing' AND starts_on "
                       "= '%1'")
                       .arg(from.toString(Qt::ISODate)))
            .toInt(),
        2);
    const qint64 id
        = m_site.value(QStringLiteral("SELECT id FROM closures WHERE reason = 'Resurfacing'")).toLongLong();
    QCOMPARE(m_site
                 .value(QStringLiteral(
                            "SELECT actor FROM audit_log WHERE action = 'closure.add' AND entity_id = '%1'")
                            .arg(id))
                 .toString(),
             QStringLiteral("staff:%1").arg(m_site.staffId(QStringLiteral("Morgan Lee"))));

    auto *list = page->findChild<QTreeWidget *>(QStringLiteral("closureList"));
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(2) == u"Resurfacing")
            list->setCurrentItem(list->topLevelItem(i));
    }
    // No: nothing happens.
    QMessageBox *box = page->removeSelected();
    QVERIFY(box);
    QTest::mouseClick(box->button(QMessageBox::No), Qt::LeftButton);
    QTest::qWait(50);
    QVERIFY(waitIdle(page));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM closures WHERE id = %1").arg(id)).toInt(), 1);
    box = page->removeSelected();
    QVERIFY(box);
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(int(page->closures().size()), before, kNoHangMs);
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM closures WHERE id = %1").arg(id)).toInt(), 0);
    QCOMPARE(
        m_site
            .value(QStringLiteral(
                       "SELECT count(*) FROM audit_log WHERE action = 'closure.remove' AND entity_id = '%1'")
                       .arg(id))
            .toInt(),
        1);
}

void TestSiteSetupSite::aTabThatCouldNotLoadSaysSoAndRetryLoadsIt_data()
{
    QTest::addColumn<int>("tab");
    QTest::addColumn<QString>("what");
    QTest::newRow("settings") << 0 << QStringLiteral("The site settings could not be loaded.");
    QTest::newRow("hours") << 1 << QStringLiteral("The opening hours could not be loaded.");
    QTest::newRow("closures") << 2 << QStringLiteral("The closures could not be loaded.");
}

void TestSiteSetupSite::aTabThatCouldNotLoadSaysSoAndRetryLoadsIt()
{
    QFETCH(int, tab);
    QFETCH(QString, what);
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    const QList<SiteSetupPage *> pages{dialog->sitePage(), dialog->hoursPage(), dialog->closuresPage()};
    SiteSetupPage *page = pages.at(tab);
    const std::function<void()> reload = tab == 0 ? std::function<void()>([dialog] { dialog->sitePage()->reload(); })
        : tab == 1                                ? std::function<void()>([dialog] { dialog->hoursPage()->reload(); })
                                                  : std::function<void()>([dialog] { dialog->closuresPage()->reload(); });
    dialog->tabs()->setCurrentWidget(page);
    const QList<QPushButton *> buttons = page->findChildren<QPushButton *>();
    QVERIFY(!buttons.isEmpty());

    QVERIFY(m_cluster.stop());
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    reload();
    QVERIFY(page->isBusy());
    // Nothing can be saved over a page that is still loading.
    for (QPushButton *button : buttons)
        QVERIFY2(!button->isEnabled(), qPrintable(button->objectName()));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 3 * kNoHangMs);
    ErrorBanner *banner = dialog->banner();
    QVERIFY2(banner->message().contains(what), qPrintable(banner->message()));
    QVERIFY(!banner->whatToDo().isEmpty());

    restart.dismiss();
    QVERIFY(m_cluster.start());
    QSignalSpy loaded(page, SIGNAL(loaded()));
    auto *retry = banner->findChild<QPushButton *>(QStringLiteral("errorBannerRetry"));
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 2 * kNoHangMs);
    QVERIFY2(banner->message().isEmpty(), qPrintable(banner->message()));
    QVERIFY(!page->isBusy());
}

QTEST_MAIN(TestSiteSetupSite)
#include "tst_sitesetup_site.moc"
