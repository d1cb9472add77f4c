// `carwash --kiosk` as the program starts it (DeskApplication with a
// Kiosk): the database unreachable at start is the out-of-service screen,
// never a dialog, and the kiosk comes back by itself once the database is
// there; its profile is made, its health published as carwash-kiosk with
// its name, and leaving closes every connection it had.
#include "app/desk/deskapplication.h"
#include "db/staff/pinhash.h"
#include "tests/harness/nohang.h"
#include "tests/kioskfixture.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/managerpinoverlay.h"

#include <QApplication>
#include <QDialog>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using TestWaits::kNoHangMs;

class TestKioskStartup : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startKioskSite(QStringLiteral("tst_kioskstartup")); }
    void init() { resetKioskSite(); }
    void cleanupTestCase() { stopKioskSite(); }

    void unreachableAtStartIsOutOfServiceThenTheKioskComesBack();
    void keysDoNotLeaveButAManagersPinDoes();
};

void TestKioskStartup::unreachableAtStartIsOutOfServiceThenTheKioskComesBack()
{
    const QString applicationName = QStringLiteral("tst_kioskstartup-app");
    qputenv("DATABASE_URL",
            QStringLiteral("%1?application_name=%2&connect_timeout=3")
                .arg(m_cluster.url(), applicationName)
                .toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] {
        if (!m_cluster.isRunning())
            m_cluster.start();
    });
    {
        DeskApplication app(DeskApplication::Kiosk {QStringLiteral("Gate")});
        QVERIFY(app.kioskWindow());
        app.kioskWindow()->setStartRetryInterval(200);
        QSignalSpy ready(&app, &DeskApplication::ready);
        QSignalSpy finished(&app, &DeskApplication::shutDownFinished);
        app.start();
        KioskWindow *kiosk = app.kioskWindow();
        QVERIFY(kiosk->isVisible());
        QVERIFY(kiosk->isFullScreen());
        // Every screen fits (the test's screen is 800 logical pixels wide,
        // smaller than a 1280x800 panel at 150 %).
        const QSize fits = kiosk->QWidget::screen()->geometry().size();
        QVERIFY2(kiosk->minimumSizeHint().width() <= fits.width()
                     && kiosk->minimumSizeHint().height() <= fits.height(),
                 qPrintable(QStringLiteral("%1x%2")
                                .arg(kiosk->minimumSizeHint().width())
                                .arg(kiosk->minimumSizeHint().height())));
        QCOMPARE(kiosk->screen(), KioskWindow::Screen::Starting);

        QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::OutOfService, kNoHangMs);
        QCOMPARE(kiosk->currentScreen()->accessibleName(),
                 QStringLiteral("Out of service - please see the desk"));
        QVERIFY(QApplication::topLevelWidgets().size() >= 1);
        for (QWidget *top : QApplication::topLevelWidgets())
            QVERIFY2(!qobject_cast<QDialog *>(top) || !top->isVisible(), qPrintable(top->objectName()));

        // The database is back: the kiosk retries by itself.
        QVERIFY(m_cluster.start());
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kNoHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(!kiosk->attractScreen()->services().isEmpty(), kNoHangMs);
        QCOMPARE(one(QStringLiteral(
                     "SELECT concat_ws('|', name, language, array_to_string(methods, ',')) FROM kiosks")),
                 QStringLiteral("Gate|en|reader,phone"));
        QTRY_COMPARE_WITH_TIMEOUT(
            one(QStringLiteral("SELECT concat_ws('|', program, label) FROM process_health "
                               "WHERE pid = %1")
                    .arg(QCoreApplication::applicationPid())),
            QStringLiteral("carwash-kiosk|Gate"), kNoHangMs);
        QVERIFY(m_cluster.countConnections(applicationName) >= 1);

        app.shutDown();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kNoHangMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(applicationName), 0, kNoHangMs);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM process_health WHERE pid = %1")
                       .arg(QCoreApplication::applicationPid())),
             0);
}

void TestKioskStartup::keysDoNotLeaveButAManagersPinDoes()
{
    sql(QStringLiteral("DELETE FROM staff WHERE name = 'Morgan'; "
                       "INSERT INTO staff (name, role, pin_hash) VALUES ('Morgan', 'manager', '%1')")
            .arg(PinHash::hash(QStringLiteral("2468"))));
    qputenv("DATABASE_URL", QStringLiteral("%1?connect_timeout=3").arg(m_cluster.url()).toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    DeskApplication app(DeskApplication::Kiosk {QStringLiteral("Locked")});
    QSignalSpy finished(&app, &DeskApplication::shutDownFinished);
    app.start();
    KioskWindow *kiosk = app.kioskWindow();
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
    QVERIFY(QTest::qWaitForWindowExposed(kiosk));

    // The ways out a keyboard knows lead nowhere.
    QTest::keyClick(kiosk, Qt::Key_Escape);
    QTest::keyClick(kiosk, Qt::Key_F4, Qt::AltModifier);
    QTest::keyClick(kiosk, Qt::Key_Q, Qt::ControlModifier);
    QVERIFY(!kiosk->close());
    QTest::qWait(100);
    QVERIFY(kiosk->isVisible());
    QVERIFY(kiosk->isFullScreen());
    QCOMPARE(finished.size(), 0);

    // A deliberate hold in the corner, then a manager's PIN.
    kiosk->guard()->setCornerHoldDuration(200);
    QTest::mousePress(kiosk, Qt::LeftButton, {}, QPoint(2, 2));
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->managerPinOverlay() && kiosk->managerPinOverlay()->isVisible(),
                             kNoHangMs);
    QTest::mouseRelease(kiosk, Qt::LeftButton, {}, QPoint(2, 2));
    // The site's one manager is chosen already.
    QTRY_VERIFY_WITH_TIMEOUT(
        kiosk->managerPinOverlay()->findChild<QPushButton *>(QStringLiteral("managerName")), kNoHangMs);
    QVERIFY(kiosk->managerPinOverlay()->findChild<QPushButton *>(QStringLiteral("managerName"))->isChecked());
    for (const QChar digit : QStringLiteral("2468"))
        QVERIFY(
            tap(kiosk->managerPinOverlay()->findChild<QPushButton *>(QStringLiteral("pinKey%1").arg(digit))));
    QVERIFY(tap(kiosk->managerPinOverlay()->findChild<QPushButton *>(QStringLiteral("pinOk"))));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kNoHangMs);
    QVERIFY(!kiosk->isVisible());
}

int main(int argc, char *argv[])
{
    // No keychain service for this process: a bus address that leads nowhere.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/carwash-test-bus");
    QApplication app(argc, argv);
    TestKioskStartup test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_kioskstartup.moc"
