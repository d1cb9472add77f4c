// The desk and its database: the window keeps answering while a query is
// stuck on a lock, the database settings dialog tests a connection and saves
// no password, the banner while the database is down and its recovery, and
// the program started on DATABASE_URL or on the embedded database. The real
// window on the offscreen platform, a real PostgreSQL; waits are bounded
// (QTRY_*), so a hang fails the test instead of stalling CTest.
#include "app/desk/deskapplication.h"
#include "db/config/siteconfigfile.h"
#include "db/embedded/embeddedserver.h"
#include "db/pool/connectionpool.h"
#include "db/schema/migrator.h"
#include "tests/desksessionfixture.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/databasestatusindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/startuppage.h"
#include "ui/desk/todaypage.h"
#include "ui/manager/databasesettingsdialog.h"
#include "ui/manager/firstrunwizard.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

namespace {

// Whether a note of the dialog is reached from the keyboard: shown, and
// Shift+Tab from field lands on it.
bool shiftTabReaches(QDialog &dialog, const QString &field, const QString &note)
{
    dialog.show();
    if (!QTest::qWaitForWindowActive(&dialog))
        return false;
    auto *label = dialog.findChild<QLabel *>(note);
    auto *from = dialog.findChild<QWidget *>(field);
    if (!label || !label->isVisible() || !from)
        return false;
    from->setFocus(Qt::TabFocusReason);
    if (!QTest::qWaitFor([from] { return from->hasFocus(); }))
        return false;
    QTest::keyClick(from, Qt::Key_Backtab, Qt::ShiftModifier);
    return QTest::qWaitFor([label] { return label->hasFocus(); });
}

} // namespace

class TestDeskDatabase : public QObject, protected DeskSessionFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_desk_database")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void theEventLoopKeepsTurningWhileAQueryIsStuck();
    void theMenuPageStaysResponsiveWhileItsTableIsLocked();
    void testConnectionSaysWhatFailedAndWhatWorked();
    void savedSettingsHoldNoPasswordAndExplainTheMissingKeychain();
    void theDialogNamesTheUrlOrSiteFileThatOverridesIt();
    void theDialogNamesTheConnectionLimitsSetElsewhere();
    void databaseStoppedDuringUseShowsTheBannerAndRecovers();
    void theProgramStartsOnDatabaseUrlAndLeavesNoConnections();
    void theEmbeddedDatabaseStartsOffTheGuiThread();
};

void TestDeskDatabase::theEventLoopKeepsTurningWhileAQueryIsStuck()
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

void TestDeskDatabase::theMenuPageStaysResponsiveWhileItsTableIsLocked()
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

void TestDeskDatabase::testConnectionSaysWhatFailedAndWhatWorked()
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

void TestDeskDatabase::savedSettingsHoldNoPasswordAndExplainTheMissingKeychain()
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

void TestDeskDatabase::theDialogNamesTheUrlOrSiteFileThatOverridesIt()
{
    // Saved settings of this desk's own, which the other two layers beat.
    QSettings settings;
    settings.setValue(QStringLiteral("database/host"), QStringLiteral("saved.example.test"));
    auto forget = qScopeGuard([] { QSettings().remove(QStringLiteral("database")); });
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sitePath = dir.filePath(QStringLiteral("database.conf"));
    QString error;
    QVERIFY2(SiteConfigFile::write(sitePath, QStringLiteral("postgresql://carwash@site.example.test/carwash"),
                                   QStringLiteral("tst_desk_database"), &error),
             qPrintable(error));

    // What the desk would run on, as DatabaseStartup::loadConfig builds it.
    auto inUse = [&](const QProcessEnvironment &env) {
        return DatabaseConfigLoader::load(env, &settings, SiteConfigFile::path(env)).config;
    };
    QProcessEnvironment siteOnly;
    siteOnly.insert(QStringLiteral("CARWASH_SITE_CONFIG"), sitePath);
    QProcessEnvironment urlAndSite = siteOnly;
    urlAndSite.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@url.example.test/d"));
    QProcessEnvironment savedOnly;
    savedOnly.insert(QStringLiteral("CARWASH_SITE_CONFIG"), dir.filePath(QStringLiteral("missing.conf")));

    DatabaseSettingsDialog site(inUse(siteOnly));
    QVERIFY2(site.sourceText().contains(sitePath), qPrintable(site.sourceText()));
    QVERIFY2(site.sourceText().contains(QStringLiteral("will not change")), qPrintable(site.sourceText()));
    QVERIFY(!site.sourceText().contains(QStringLiteral("DATABASE_URL")));

    DatabaseSettingsDialog url(inUse(urlAndSite));
    QVERIFY2(url.sourceText().contains(QStringLiteral("DATABASE_URL")), qPrintable(url.sourceText()));
    QVERIFY2(url.sourceText().contains(QStringLiteral("will not change")), qPrintable(url.sourceText()));
    QVERIFY(!url.sourceText().contains(sitePath));

    // Its own saved settings in force: nothing to warn of, and the note is hidden.
    DatabaseSettingsDialog saved(inUse(savedOnly));
    QCOMPARE(saved.sourceText(), QString());
    QVERIFY(!saved.findChild<QLabel *>(QStringLiteral("settingsSource"))->isVisibleTo(&saved));

    // The note is reached from the keyboard: Shift+Tab from the first field
    // lands on it.
    QVERIFY(shiftTabReaches(site, QStringLiteral("settingsHost"), QStringLiteral("settingsSource")));
}

void TestDeskDatabase::theDialogNamesTheConnectionLimitsSetElsewhere()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sitePath = dir.filePath(QStringLiteral("database.conf"));
    QString error;
    QVERIFY2(SiteConfigFile::write(sitePath,
                                   QStringLiteral("postgresql://carwash@site.example.test/carwash?connect_timeout=3"),
                                   QStringLiteral("tst_desk_database"), &error),
             qPrintable(error));
    QSettings settings;
    auto inUse = [&](const QProcessEnvironment &env) {
        return DatabaseConfigLoader::load(env, &settings, SiteConfigFile::path(env)).config;
    };
    QProcessEnvironment noSite;
    noSite.insert(QStringLiteral("CARWASH_SITE_CONFIG"), dir.filePath(QStringLiteral("missing.conf")));

    QProcessEnvironment environment = noSite;
    environment.insert(QStringLiteral("DB_MAX_CONNECTIONS"), QStringLiteral("7"));
    DatabaseSettingsDialog fromEnvironment(inUse(environment));
    const QString e = fromEnvironment.limitsSourceText();
    QVERIFY2(e.contains(QStringLiteral("Most connections at once: set by DB_MAX_CONNECTIONS")), qPrintable(e));
    QVERIFY2(e.contains(QStringLiteral("change nothing")), qPrintable(e));
    QVERIFY2(!e.contains(QStringLiteral("query")), qPrintable(e));

    QProcessEnvironment url = noSite;
    url.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@url.example.test/d?statement_timeout=5"));
    DatabaseSettingsDialog fromUrl(inUse(url));
    const QString u = fromUrl.limitsSourceText();
    QVERIFY2(u.contains(QStringLiteral("The longest a query may run: set by statement_timeout in DATABASE_URL")),
             qPrintable(u));
    QVERIFY2(!u.contains(QStringLiteral("Most connections")), qPrintable(u));

    QProcessEnvironment site;
    site.insert(QStringLiteral("CARWASH_SITE_CONFIG"), sitePath);
    DatabaseSettingsDialog fromSite(inUse(site));
    const QString f = fromSite.limitsSourceText();
    QVERIFY2(f.contains(QStringLiteral("The longest wait to connect: set by connect_timeout in the site file ")
                        + QDir::toNativeSeparators(sitePath)),
             qPrintable(f));

    // Nothing set elsewhere: no note.
    DatabaseSettingsDialog own(inUse(noSite));
    QCOMPARE(own.limitsSourceText(), QString());
    QVERIFY(!own.findChild<QLabel *>(QStringLiteral("settingsLimitsSource"))->isVisibleTo(&own));

    // Read before the limits it speaks of: Shift+Tab from the first limit.
    QVERIFY(shiftTabReaches(fromEnvironment, QStringLiteral("settingsMaxConnections"),
                            QStringLiteral("settingsLimitsSource")));
}

void TestDeskDatabase::databaseStoppedDuringUseShowsTheBannerAndRecovers()
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

void TestDeskDatabase::theProgramStartsOnDatabaseUrlAndLeavesNoConnections()
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

void TestDeskDatabase::theEmbeddedDatabaseStartsOffTheGuiThread()
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
    // A new embedded database has nobody on its staff list: the desk goes
    // on to the first run (sign-in looks first, from the window's loop).
    QTRY_VERIFY_WITH_TIMEOUT(desk.window().firstRunWizard()
                                 && desk.window().currentPage() == desk.window().firstRunWizard(),
                             30000);
}

int main(int argc, char *argv[])
{
    return runWithoutKeychain<TestDeskDatabase>(argc, argv);
}

#include "tst_desk_database.moc"
