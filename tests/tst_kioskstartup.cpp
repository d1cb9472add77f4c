// `carwash --kiosk` as the program starts it (DeskApplication with a
// Kiosk): the database unreachable at start is the out-of-service screen,
// never a dialog, and the kiosk comes back by itself once the database is
// there; its profile is made, its health published as carwash-kiosk with
// its name, and leaving closes every connection it had.
#include "app/desk/deskapplication.h"
#include "db/staff/pinhash.h"
#include "tests/harness/deskfixture.h"
#include "tests/harness/nohang.h"
#include "tests/kioskfixture.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/managerpinoverlay.h"
#include "ui/kiosk/washscreen.h"

#include <QApplication>
#include <QDialog>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QWindow>

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
    void aLongMenuScrollsByAFlickAndEveryWashCanBeChosen();
    void withNoWashOnOfferTheCustomerIsSentToTheDesk();
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

void TestKioskStartup::aLongMenuScrollsByAFlickAndEveryWashCanBeChosen()
{
    // Sixteen more washes than a 1280x800 panel can show at once.
    sql(QStringLiteral(
        "WITH s AS (INSERT INTO services (name, duration_minutes, sort_order) "
        "  SELECT 'Menu wash ' || lpad(n::text, 2, '0'), 10, 100 + n FROM generate_series(1, 16) n RETURNING "
        "id), "
        "p AS (INSERT INTO service_prices (service_id, vehicle_class, price_cents) "
        "  SELECT id, 'car', 1000 FROM s RETURNING service_id) "
        "INSERT INTO bay_services (bay_id, service_id) SELECT b.id, p.service_id FROM bays b, p"));
    std::unique_ptr<KioskWindow> kiosk = openKiosk(QStringLiteral("Menu"));
    QVERIFY(kiosk);
    kiosk->resize(1280, 800);
    QVERIFY(tap(kiosk->attractScreen()->findChild<QPushButton *>(QStringLiteral("attractStart"))));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Wash, kNoHangMs);
    WashScreen *wash = kiosk->washScreen();
    QScrollArea *area = wash->choicesArea();
    QTRY_VERIFY_WITH_TIMEOUT(area->verticalScrollBar()->maximum() > 0, kNoHangMs);
    // The cards keep their size (a finger's target) instead of being squeezed.
    const int target = KioskMetrics(kiosk->QWidget::screen()).targetPixels();
    const qint64 last
        = one(QStringLiteral("SELECT id FROM services WHERE name = 'Menu wash 16'")).toLongLong();
    QPushButton *lastCard = wash->washButton(last);
    QVERIFY(lastCard);
    for (QPushButton *card : wash->findChildren<QPushButton *>()) {
        if (card->objectName().startsWith(u"wash_"))
            QVERIFY2(card->height() >= target, qPrintable(card->objectName()));
    }
    // The sizes and Continue stay on the screen whatever the menu's length.
    QVERIFY(kiosk->rect().contains(
        QRect(wash->continueButton()->mapTo(kiosk.get(), QPoint()), wash->continueButton()->size())));

    // A finger drags the menu up: it scrolls, and lets go without choosing.
    // Through the window, as the platform delivers a finger's moves.
    QWidget *viewport = area->viewport();
    QWindow *window = kiosk->windowHandle();
    const QPoint from = viewport->mapTo(kiosk.get(), QPoint(viewport->width() / 2, viewport->height() - 10));
    const int distance = viewport->height() * 4 / 5;
    QTest::mousePress(window, Qt::LeftButton, {}, from);
    for (int step = 1; step <= 20; ++step)
        QTest::mouseMove(window, from - QPoint(0, step * distance / 20), 15);
    QTest::mouseRelease(window, Qt::LeftButton, {}, from - QPoint(0, distance), 15);
    QTRY_VERIFY_WITH_TIMEOUT(area->verticalScrollBar()->value() > 0, kNoHangMs);

    // The last wash, brought into view as the keypad's focus brings it, is
    // chosen by a touch.
    lastCard->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY_WITH_TIMEOUT(
        viewport->rect().contains(QRect(lastCard->mapTo(viewport, QPoint()), lastCard->size())), kNoHangMs);
    QVERIFY(tap(lastCard));
    QVERIFY(kiosk->order().service);
    QCOMPARE(kiosk->order().service->id, last);
}

void TestKioskStartup::withNoWashOnOfferTheCustomerIsSentToTheDesk()
{
    std::unique_ptr<KioskWindow> kiosk = openKiosk(QStringLiteral("Empty"));
    QVERIFY(kiosk);
    auto *start = kiosk->attractScreen()->findChild<QPushButton *>(QStringLiteral("attractStart"));
    QVERIFY(start->isEnabled());
    // The manager takes every wash off the menu: the next customer is not
    // let in to an empty wash screen.
    sql(QStringLiteral("UPDATE services SET active = false"));
    kiosk->startOver();
    QTRY_VERIFY_WITH_TIMEOUT(!start->isEnabled(), kNoHangMs);
    QVERIFY(kiosk->attractScreen()->offerText().contains(u"Please see the desk"));
    QVERIFY(!tap(start));
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Attract);
    // Back on the menu: in again.
    sql(QStringLiteral("UPDATE services SET active = true"));
    kiosk->startOver();
    QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), kNoHangMs);
    QVERIFY(tap(start));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Wash, kNoHangMs);
}

int main(int argc, char *argv[])
{
    return DeskTest::runWithoutKeychain<TestKioskStartup>(argc, argv);
}

#include "tst_kioskstartup.moc"
