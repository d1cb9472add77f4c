// The first start of the desk on a new site (nobody on the staff list): the
// owner answers the first run's pages by keyboard in the real window on the
// offscreen platform, against a real PostgreSQL, and lands on the day board
// signed in as the new manager; what the database then holds is checked
// row by row. Waits are bounded (QTRY_*), never timed.
#include "db/pool/connectionpool.h"
#include "db/staff/pinhash.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/signinpage.h"
#include "ui/manager/firstrunmenupage.h"
#include "ui/manager/firstrunpages.h"
#include "ui/manager/firstrunwizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestFirstRun : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theOwnerSetsUpTheSiteByKeyboardAndLandsOnTheBoardAsManager();
    void aBadCurrencyOrPinIsRefusedOnItsPageAndNothingTypedIsLost();
    void theWindowKeepsTurningWhileTheSetUpWaitsOnTheDatabase();
    void theDemoMenuBringsTheDemosWashesInTheOwnersCurrency();
    void aSiteSetUpMeanwhileAtAnotherDeskGetsNothingFromThisOne();
    void aSiteWithOnlyDeactivatedStaffGetsNoFirstRun();
    void aRefusalByTheDatabaseReturnsToItsPageWithEverythingKept();
    void everyPageFitsTheSmallestDeskScreenAndGivesEachMnemonicToOneControl();
    void theDatabaseAwayAtFinishSaysSoAndRetryWritesItAll();
    void aCommitWhoseAnswerIsLostIsRecognisedByItsRetry();

private:
    static QWidget *focused() { return QApplication::focusWidget(); }
    static void type(const QString &text) { QTest::keyClicks(focused(), text); }
    // Select all in the focused field, then type over it.
    static void retype(const QString &text)
    {
        QTest::keyClick(focused(), Qt::Key_A, Qt::ControlModifier);
        if (text.isEmpty())
            QTest::keyClick(focused(), Qt::Key_Delete);
        else
            type(text);
    }
    static void tab() { QTest::keyClick(focused(), Qt::Key_Tab); }
    // The wizard's "&Next >" or "< &Back" by its mnemonic (Alt+N, Alt+B); a
    // button so pressed clicks once its short press animation is over.
    static void press(Qt::Key key)
    {
        QAbstractButton *button = nullptr;
        for (QAbstractButton *b : focused()->window()->findChildren<QAbstractButton *>()) {
            if (b->isVisible() && b->shortcut() == QKeySequence(Qt::ALT | key))
                button = b;
        }
        QVERIFY(button);
        QSignalSpy clicked(button, &QAbstractButton::clicked);
        QTest::keyClick(focused(), key, Qt::AltModifier);
        QTRY_COMPARE_WITH_TIMEOUT(clicked.count(), 1, kNoHangMs);
    }
    static void next() { press(Qt::Key_N); }
    template<typename W> W *field(const QString &name) const
    {
        return m_window->firstRunWizard()->currentPage()->findChild<W *>(name);
    }
    // The first two pages answered: name, address, zone; currency, tax.
    void answerSiteAndMoney(const QString &currency);
    // The manager page: name and the PIN twice, then Enter (Next).
    void answerManager(const QString &name, const QString &pin, const QString &repeat);
    // The site in USD, the default hours and this manager: true on the
    // ready page.
    bool answeredUpToReady(const QString &manager, const QString &pin);
    int count(const QString &table);
    QString setting(const QString &key);

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
};

void TestFirstRun::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_firstrun"), &error, DeskTestSite::Content::Migrated),
             qPrintable(error));
}

void TestFirstRun::init()
{
    // A new site again: the schema with nothing in it.
    m_site.value(
        QStringLiteral("TRUNCATE staff, services, addons, bays, opening_hours, closures, site_settings, "
                       "audit_log RESTART IDENTITY CASCADE"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->firstRunWizard(), kNoHangMs);
    QCOMPARE(m_window->currentPage(), m_window->firstRunWizard());
    QCOMPARE(m_window->firstRunWizard()->currentPage(), m_window->firstRunWizard()->sitePage());
}

void TestFirstRun::cleanup()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

int TestFirstRun::count(const QString &table)
{
    return m_site.value(QStringLiteral("SELECT count(*) FROM %1").arg(table)).toInt();
}

QString TestFirstRun::setting(const QString &key)
{
    return m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = %1").arg(quoted(key)))
        .toString();
}

void TestFirstRun::answerSiteAndMoney(const QString &currency)
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    // The focus starts in the name; Tab goes to the address, then the zone.
    QCOMPARE(focused(), wizard->sitePage()->editor(QStringLiteral("site.name")));
    type(QStringLiteral("Harbor Wash"));
    tab();
    type(QStringLiteral("1 Pier Road"));
    tab();
    auto *zone = qobject_cast<QComboBox *>(wizard->sitePage()->editor(QStringLiteral("site.timezone")));
    QCOMPARE(focused(), zone);
    // The offscreen platform makes the completer's list the active window
    // after it closes (a window system gives it back to the desk), so here
    // the zone completes inline instead of in a list: typed all the same.
    zone->completer()->setCompletionMode(QCompleter::InlineCompletion);
    retype(QStringLiteral("Europe/Berlin"));
    QCOMPARE(wizard->currentPage(), wizard->sitePage());
    next();
    QCOMPARE(wizard->currentPage(), wizard->moneyPage());
    QCOMPARE(focused(), wizard->moneyPage()->editor(QStringLiteral("billing.currency")));
    retype(currency);
    tab();
    retype(QStringLiteral("19"));
    next();
}

void TestFirstRun::answerManager(const QString &name, const QString &pin, const QString &repeat)
{
    QCOMPARE(focused()->objectName(), QStringLiteral("managerName"));
    retype(name);
    tab();
    retype(pin);
    tab();
    retype(repeat);
    QTest::keyClick(focused(), Qt::Key_Return);
}

bool TestFirstRun::answeredUpToReady(const QString &manager, const QString &pin)
{
    answerSiteAndMoney(QStringLiteral("USD"));
    next();
    answerManager(manager, pin, pin);
    next();
    FirstRunWizard *wizard = m_window->firstRunWizard();
    return !QTest::currentTestFailed() && wizard->currentPage() == wizard->readyPage();
}

void TestFirstRun::theOwnerSetsUpTheSiteByKeyboardAndLandsOnTheBoardAsManager()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    answerSiteAndMoney(QStringLiteral("eur"));

    // Hours: closed on Sunday (Space on its box), Saturday mornings only.
    QCOMPARE(wizard->currentPage(), wizard->hoursPage());
    field<QCheckBox>(QStringLiteral("open_sun"))->setFocus(Qt::TabFocusReason);
    QTest::keyClick(focused(), Qt::Key_Space);
    field<QLineEdit>(QStringLiteral("hours_sat"))->setFocus(Qt::TabFocusReason);
    retype(QStringLiteral("09:00-13:00"));
    next();

    QCOMPARE(wizard->currentPage(), wizard->managerPage());
    answerManager(QStringLiteral("Alex Owner"), QStringLiteral("4321"), QStringLiteral("4321"));

    // The menu: its price columns in the currency of the second page; the
    // first wash dearer for cars, the third left out, 3 bays.
    QCOMPARE(wizard->currentPage(), wizard->menuPage());
    QCOMPARE(field<QLabel>(QStringLiteral("price_header_car"))->text(), QStringLiteral("Car (€)"));
    QCOMPARE(field<QLabel>(QStringLiteral("price_header_truck"))->text(), QStringLiteral("Truck (€)"));
    field<QLineEdit>(QStringLiteral("wash_1_price_car"))->setFocus(Qt::TabFocusReason);
    retype(QStringLiteral("11.50"));
    field<QLineEdit>(QStringLiteral("wash_3_name"))->setFocus(Qt::TabFocusReason);
    retype(QString());
    field<QWidget>(QStringLiteral("bayCount"))->setFocus(Qt::TabFocusReason);
    retype(QStringLiteral("3"));
    next();

    QCOMPARE(wizard->currentPage(), wizard->readyPage());
    const QString summary = wizard->readyPage()->summary();
    for (const QString &part :
         {QStringLiteral("Harbor Wash"), QStringLiteral("Europe/Berlin"), QStringLiteral("EUR"),
          QStringLiteral("19"), QStringLiteral("Alex Owner"), QStringLiteral("Open 6 day"),
          QStringLiteral("2 wash"), QStringLiteral("3 bay")})
        QVERIFY2(summary.contains(part), qPrintable(summary));
    QCOMPARE(count(QStringLiteral("staff")), 0); // nothing is written before Finish
    QTest::keyClick(focused(), Qt::Key_Return);

    // The board, signed in as the new manager.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->name, QStringLiteral("Alex Owner"));
    QVERIFY(m_window->signedIn()->isManager());
    QCOMPARE(m_window->workspaceTabs()->currentWidget(), m_window->dayBoardPage());
    QVERIFY(!m_window->firstRunWizard());

    QCOMPARE(setting(QStringLiteral("site.name")), QStringLiteral("Harbor Wash"));
    QCOMPARE(setting(QStringLiteral("site.address")), QStringLiteral("1 Pier Road"));
    QCOMPARE(setting(QStringLiteral("site.timezone")), QStringLiteral("Europe/Berlin"));
    QCOMPARE(setting(QStringLiteral("billing.currency")), QStringLiteral("EUR"));
    QCOMPARE(setting(QStringLiteral("billing.tax_rate_percent")), QStringLiteral("19"));
    QCOMPARE(setting(QStringLiteral("billing.prices_include_tax")), QStringLiteral("true"));
    QCOMPARE(
        m_site
            .value(QStringLiteral("SELECT string_agg(weekday || ' ' || to_char(opens, 'HH24:MI') || '-' || "
                                  "to_char(closes, 'HH24:MI'), ', ' ORDER BY weekday) FROM opening_hours"))
            .toString(),
        QStringLiteral("1 08:00-19:00, 2 08:00-19:00, 3 08:00-19:00, 4 08:00-19:00, 5 08:00-19:00, "
                       "6 09:00-13:00"));
    QCOMPARE(count(QStringLiteral("staff")), 1);
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT name || ' ' || role || ' ' || active FROM staff")).toString(),
        QStringLiteral("Alex Owner manager true"));
    QVERIFY(PinHash::verify(QStringLiteral("4321"),
                            m_site.value(QStringLiteral("SELECT pin_hash FROM staff")).toString()));
    QCOMPARE(
        m_site
            .value(QStringLiteral("SELECT string_agg(s.name || ' ' || s.duration_minutes || ' ' || "
                                  "p.vehicle_class || ' ' || p.price_cents || ' ' || p.currency, ', ' "
                                  "ORDER BY s.id, p.vehicle_class) FROM services s JOIN service_prices p "
                                  "ON p.service_id = s.id"))
            .toString(),
        QStringLiteral(
            "Basic wash 10 car 1150 EUR, Basic wash 10 suv 1200 EUR, Basic wash 10 truck 1400 EUR, "
            "Deluxe wash 15 car 1600 EUR, Deluxe wash 15 suv 1900 EUR, Deluxe wash 15 truck 2200 EUR"));
    QCOMPARE(
        m_site
            .value(QStringLiteral("SELECT string_agg(b.name || ':' || (SELECT count(*) FROM bay_services bs "
                                  "WHERE bs.bay_id = b.id), ' ' ORDER BY b.id) FROM bays b"))
            .toString(),
        QStringLiteral("Bay 1:2 Bay 2:2 Bay 3:2"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT actor FROM audit_log WHERE action = 'site.first_run'"))
                 .toString(),
             QStringLiteral("staff:%1").arg(m_window->signedIn()->id));
}

void TestFirstRun::aBadCurrencyOrPinIsRefusedOnItsPageAndNothingTypedIsLost()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    // Two letters (the list completes "EU" to EUR as one types; "XY" it cannot).
    answerSiteAndMoney(QStringLiteral("XY"));
    // Refused on its page, said next to the field, the focus back on it.
    QCOMPARE(wizard->currentPage(), wizard->moneyPage());
    QVERIFY2(wizard->moneyPage()
                 ->fieldError(QStringLiteral("billing.currency"))
                 .contains(QStringLiteral("three-letter")),
             qPrintable(wizard->moneyPage()->fieldError(QStringLiteral("billing.currency"))));
    auto *currency
        = qobject_cast<QComboBox *>(wizard->moneyPage()->editor(QStringLiteral("billing.currency")));
    QCOMPARE(focused(), currency);
    QCOMPARE(currency->currentText(), QStringLiteral("XY"));
    QCOMPARE(
        qobject_cast<QLineEdit *>(wizard->moneyPage()->editor(QStringLiteral("billing.tax_rate_percent")))
            ->text(),
        QStringLiteral("19"));
    retype(QStringLiteral("CHF"));
    next();
    QCOMPARE(wizard->currentPage(), wizard->hoursPage());
    QVERIFY(wizard->moneyPage()->fieldError(QStringLiteral("billing.currency")).isEmpty());
    next();

    // A PIN too short, then two that differ: the page stays, the name stays.
    answerManager(QStringLiteral("Robin Boss"), QStringLiteral("12"), QStringLiteral("12"));
    QCOMPARE(wizard->currentPage(), wizard->managerPage());
    QVERIFY2(
        wizard->managerPage()->fieldError(QStringLiteral("manager.pin")).contains(QStringLiteral("4 to 8")),
        qPrintable(wizard->managerPage()->fieldError(QStringLiteral("manager.pin"))));
    QCOMPARE(focused()->objectName(), QStringLiteral("managerPin"));
    field<QWidget>(QStringLiteral("managerName"))->setFocus(Qt::TabFocusReason);
    answerManager(QStringLiteral("Robin Boss"), QStringLiteral("2468"), QStringLiteral("2469"));
    QCOMPARE(wizard->currentPage(), wizard->managerPage());
    QVERIFY(wizard->managerPage()
                ->fieldError(QStringLiteral("manager.pin"))
                .contains(QStringLiteral("not the same")));

    // Back to the start (Alt+B, by keyboard) and forward again: every answer is still there.
    for (int i = 0; i < 3; ++i)
        press(Qt::Key_B);
    QCOMPARE(wizard->currentPage(), wizard->sitePage());
    QCOMPARE(qobject_cast<QLineEdit *>(wizard->sitePage()->editor(QStringLiteral("site.name")))->text(),
             QStringLiteral("Harbor Wash"));
    for (int i = 0; i < 3; ++i)
        next();
    QCOMPARE(wizard->currentPage(), wizard->managerPage());
    QCOMPARE(field<QLineEdit>(QStringLiteral("managerName"))->text(), QStringLiteral("Robin Boss"));
    field<QWidget>(QStringLiteral("managerPinRepeat"))->setFocus(Qt::TabFocusReason);
    retype(QStringLiteral("2468"));
    QTest::keyClick(focused(), Qt::Key_Return);
    QCOMPARE(wizard->currentPage(), wizard->menuPage());
    QCOMPARE(count(QStringLiteral("site_settings")) + count(QStringLiteral("staff")), 0);
    next();
    QTest::keyClick(focused(), Qt::Key_Return);

    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->name, QStringLiteral("Robin Boss"));
    QCOMPARE(setting(QStringLiteral("billing.currency")), QStringLiteral("CHF"));
    QCOMPARE(setting(QStringLiteral("site.name")), QStringLiteral("Harbor Wash"));
    QVERIFY(PinHash::verify(QStringLiteral("2468"),
                            m_site.value(QStringLiteral("SELECT pin_hash FROM staff")).toString()));
    QCOMPARE(count(QStringLiteral("services")), 3);
}

void TestFirstRun::theWindowKeepsTurningWhileTheSetUpWaitsOnTheDatabase()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    QVERIFY(answeredUpToReady(QStringLiteral("Sam Keeper"), QStringLiteral("9753")));

    // Another connection holds the staff table until this test lets go.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool other(lockerConfig);
    bool granted = false;
    auto locker = m_site.holdTableLocked(other, QStringLiteral("staff"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });

    // Finish, as the owner presses it: the set-up waits on the lock, as the
    // server shows, and every tick from then on came while it waited.
    QTest::keyClick(focused(), Qt::Key_Return);
    const QString lockQuery = QStringLiteral("LOCK TABLE staff");
    QTRY_COMPARE_WITH_TIMEOUT(m_site.waitingOnALock({}, lockQuery), 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QCOMPARE(m_site.waitingOnALock({}, lockQuery), 1);
    QVERIFY(wizard->isBusy());
    QVERIFY(!wizard->button(QWizard::FinishButton)->isEnabled());
    QCOMPARE(m_window->currentPage(), wizard);

    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->name, QStringLiteral("Sam Keeper"));
    QVERIFY(finishes(locker));
}

void TestFirstRun::theDemoMenuBringsTheDemosWashesInTheOwnersCurrency()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    answerSiteAndMoney(QStringLiteral("GBP"));
    next();
    answerManager(QStringLiteral("Kim Demo"), QStringLiteral("1357"), QStringLiteral("1357"));
    // The focus starts on "Washes of my own"; Down chooses the demo.
    QCOMPARE(focused(), wizard->menuPage()->findChild<QRadioButton *>(QStringLiteral("ownMenu")));
    QTest::keyClick(focused(), Qt::Key_Down);
    QVERIFY(wizard->menuPage()->demoButton()->isChecked());
    QVERIFY(!field<QLineEdit>(QStringLiteral("wash_1_name"))->isEnabled());
    next();
    QVERIFY(wizard->readyPage()->summary().contains(QStringLiteral("demo")));
    QTest::keyClick(focused(), Qt::Key_Return);

    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(count(QStringLiteral("services")), 5);
    QCOMPARE(count(QStringLiteral("addons")), 7);
    QCOMPARE(count(QStringLiteral("bays")), 4);
    QCOMPARE(count(QStringLiteral("closures")), 2);
    QCOMPARE(m_site.value(QStringLiteral("SELECT string_agg(DISTINCT currency, ',') FROM service_prices"))
                 .toString(),
             QStringLiteral("GBP"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT string_agg(DISTINCT currency, ',') FROM addons")).toString(),
             QStringLiteral("GBP"));
    // The owner's site, not the demo's; and only the owner on the staff list.
    QCOMPARE(setting(QStringLiteral("site.name")), QStringLiteral("Harbor Wash"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT string_agg(name, ',') FROM staff")).toString(),
             QStringLiteral("Kim Demo"));
}

void TestFirstRun::aSiteSetUpMeanwhileAtAnotherDeskGetsNothingFromThisOne()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    answerSiteAndMoney(QStringLiteral("USD"));
    next();
    answerManager(QStringLiteral("Late Owner"), QStringLiteral("8642"), QStringLiteral("8642"));
    QCOMPARE(field<QLabel>(QStringLiteral("price_header_suv"))->text(), QStringLiteral("SUV ($)"));
    next();
    QCOMPARE(wizard->currentPage(), wizard->readyPage());
    // Meanwhile another desk's first run made its manager.
    m_site.value(
        QStringLiteral("INSERT INTO staff (name, role, pin_hash) VALUES ('Early Owner', 'manager', %1)")
            .arg(quoted(PinHash::hash(QStringLiteral("1111")))));
    QTest::keyClick(focused(), Qt::Key_Return);

    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), m_window->signInPage(), kNoHangMs);
    QVERIFY(!m_window->signedIn());
    QVERIFY2(m_window->signInPage()->notice().contains(QStringLiteral("another desk")),
             qPrintable(m_window->signInPage()->notice()));
    QTRY_COMPARE_WITH_TIMEOUT(
        m_window->signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"))->topLevelItemCount(), 1,
        kNoHangMs);
    // Nothing of this desk's answers: no half-written site.
    QCOMPARE(m_site.value(QStringLiteral("SELECT string_agg(name, ',') FROM staff")).toString(),
             QStringLiteral("Early Owner"));
    QCOMPARE(count(QStringLiteral("site_settings")), 0);
    QCOMPARE(count(QStringLiteral("opening_hours")), 0);
    QCOMPARE(count(QStringLiteral("services")), 0);
    QCOMPARE(count(QStringLiteral("bays")), 0);
}

void TestFirstRun::aSiteWithOnlyDeactivatedStaffGetsNoFirstRun()
{
    cleanup();
    m_site.value(
        QStringLiteral("INSERT INTO staff (name, role, pin_hash, active) VALUES ('Gone Person', 'manager', "
                       "%1, false)")
            .arg(quoted(PinHash::hash(QStringLiteral("1111")))));
    QVERIFY(m_site.openDesk(m_pool, m_window));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signInPage()->message().contains(QStringLiteral("deactivated")),
                             kNoHangMs);
    QCOMPARE(m_window->currentPage(), m_window->signInPage());
    QVERIFY(!m_window->firstRunWizard());
}

void TestFirstRun::aRefusalByTheDatabaseReturnsToItsPageWithEverythingKept()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    answerSiteAndMoney(QStringLiteral("USD"));
    next();
    answerManager(QStringLiteral("Pat Early"), QStringLiteral("5555"), QStringLiteral("5555"));
    QTest::keyClick(focused(), Qt::Key_Down); // the demo's menu
    next();
    QCOMPARE(wizard->currentPage(), wizard->readyPage());
    // Meanwhile someone added a wash from a shell: the demo's cannot come.
    m_site.value(QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES ('Shell Wash', 10)"));
    QTest::keyClick(focused(), Qt::Key_Return);

    // Back on the menu page, saying why, the answers all still there.
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentPage(), wizard->menuPage(), kNoHangMs);
    QVERIFY2(
        wizard->menuPage()->fieldError(QStringLiteral("menu")).contains(QStringLiteral("washes already")),
        qPrintable(wizard->menuPage()->fieldError(QStringLiteral("menu"))));
    QVERIFY(wizard->menuPage()->demoButton()->isChecked());
    QCOMPARE(wizard->plan().managerName, QStringLiteral("Pat Early"));
    QCOMPARE(wizard->plan().settings.value(QStringLiteral("site.name")), QStringLiteral("Harbor Wash"));
    // Nothing of it written, the manager included.
    QCOMPARE(count(QStringLiteral("staff")) + count(QStringLiteral("site_settings"))
                 + count(QStringLiteral("opening_hours")) + count(QStringLiteral("bays")),
             0);

    // The owner's own washes instead: accepted.
    wizard->menuPage()->findChild<QRadioButton *>(QStringLiteral("ownMenu"))->setFocus(Qt::TabFocusReason);
    QTest::keyClick(focused(), Qt::Key_Space);
    QVERIFY(!wizard->menuPage()->demoButton()->isChecked());
    next();
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(count(QStringLiteral("services")), 4);
}

void TestFirstRun::everyPageFitsTheSmallestDeskScreenAndGivesEachMnemonicToOneControl()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    const QSize smallest(1024, 768);
    auto checkPage = [&] {
        const QSize needed = m_window->minimumSizeHint();
        QVERIFY2(needed.width() <= smallest.width() && needed.height() <= smallest.height(),
                 qPrintable(QStringLiteral("%1 needs %2x%3")
                                .arg(wizard->currentPage()->objectName())
                                .arg(needed.width())
                                .arg(needed.height())));
        const QStringList clashes = Mnemonics::clashes(m_window.get());
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u'\n')));
    };
    checkPage();
    answerSiteAndMoney(QStringLiteral("USD"));
    for (int page = 0; page < 2; ++page) { // hours, manager
        checkPage();
        if (wizard->currentPage() == wizard->managerPage())
            answerManager(QStringLiteral("Max Fit"), QStringLiteral("1234"), QStringLiteral("1234"));
        else
            next();
    }
    // The menu with as many washes as it takes.
    QCOMPARE(wizard->currentPage(), wizard->menuPage());
    auto *add = wizard->menuPage()->findChild<QAbstractButton *>(QStringLiteral("addWash"));
    while (add->isEnabled())
        add->click();
    QCOMPARE(wizard->menuPage()->rowCount(), FirstRun::MaxWashes);
    checkPage();
    next();
    checkPage();
}

void TestFirstRun::theDatabaseAwayAtFinishSaysSoAndRetryWritesItAll()
{
    FirstRunWizard *wizard = m_window->firstRunWizard();
    QVERIFY(answeredUpToReady(QStringLiteral("Lee Patient"), QStringLiteral("3690")));

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QTest::keyClick(focused(), Qt::Key_Return);
    // Once the retries are spent: what failed and what to do, on the page
    // and in the banner with Retry; the wizard still on its last page.
    auto *problem = wizard->readyPage()->findChild<QLabel *>(QStringLiteral("firstRunProblem"));
    // (RetryPolicy::critical gives up within 20 s; the bound only stops a hang.)
    QTRY_VERIFY_WITH_TIMEOUT(!problem->text().isEmpty(), 60000);
    QVERIFY2(problem->text().startsWith(QStringLiteral("The set-up did not finish")), qPrintable(problem->text()));
    QVERIFY(!wizard->isBusy());
    QCOMPARE(wizard->currentPage(), wizard->readyPage());
    ErrorBanner &banner = m_window->banner();
    QCOMPARE(banner.currentSource(), QStringLiteral("firstRun"));
    QVERIFY2(banner.message().contains(QStringLiteral("could not be set up")), qPrintable(banner.message()));

    restart.dismiss();
    QVERIFY(m_cluster.start());
    banner.findChild<QAbstractButton *>(QStringLiteral("errorBannerRetry"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->name, QStringLiteral("Lee Patient"));
    QCOMPARE(setting(QStringLiteral("site.name")), QStringLiteral("Harbor Wash"));
    QCOMPARE(count(QStringLiteral("services")), 3);
}

void TestFirstRun::aCommitWhoseAnswerIsLostIsRecognisedByItsRetry()
{
    QVERIFY(answeredUpToReady(QStringLiteral("Robin Unlucky"), QStringLiteral("2468")));

    // A synchronous standby that never answers: the server writes a COMMIT,
    // then waits for the standby before it answers. Ending that backend
    // there keeps the commit and loses its answer (PostgreSQL sends the
    // client nothing more), as a connection dropped after COMMIT does.
    m_site.value(QStringLiteral("ALTER SYSTEM SET synchronous_standby_names = 'nobody'"));
    m_site.value(QStringLiteral("ALTER SYSTEM SET synchronous_commit = on"));
    m_site.value(QStringLiteral("SELECT pg_reload_conf()"));
    const auto unconfigure = [this] {
        m_site.value(QStringLiteral("ALTER SYSTEM RESET synchronous_standby_names"));
        m_site.value(QStringLiteral("ALTER SYSTEM RESET synchronous_commit"));
        m_site.value(QStringLiteral("SELECT pg_reload_conf()"));
    };
    auto restore = qScopeGuard(unconfigure);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_site
            .value(QStringLiteral(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND query = 'COMMIT'"))
            .toInt(),
        1, kNoHangMs);
    m_site.value(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = "
                                "'SyncRep'"));
    restore.dismiss();
    unconfigure();

    // The retry finds its own set-up, not another desk's: on to the board
    // as the manager it made, everything written once.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signedIn().has_value(), kNoHangMs);
    QCOMPARE(m_window->signedIn()->name, QStringLiteral("Robin Unlucky"));
    QCOMPARE(m_window->workspaceTabs()->currentWidget(), m_window->dayBoardPage());
    QCOMPARE(m_site.value(QStringLiteral("SELECT string_agg(name, ',') FROM staff")).toString(),
             QStringLiteral("Robin Unlucky"));
    QCOMPARE(count(QStringLiteral("services")), 3);
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'site.first_run'"))
                 .toInt(),
             1);
}

QTEST_MAIN(TestFirstRun)
#include "tst_firstrun.moc"
