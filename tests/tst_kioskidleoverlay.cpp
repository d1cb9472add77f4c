// The kiosk's "Still there?" overlay on the offscreen platform: over the
// whole window, counting down, Continue as often as the customer likes, one
// time-out at the end, and no touch through it to the screen below. Time is
// driven by a short tick, never by sleeping through real seconds.
#include "app/startup/translations.h"
#include "ui/kiosk/kioskidleoverlay.h"
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"

#include <QLabel>
#include <QPointingDevice>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

class TestKioskIdleOverlay : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void itStartsVisibleOverTheWholeWindowAndCountsDown();
    void itNeverGivesFewerThanTwentySeconds();
    void continueSaysContinuedAndHides();
    void continueWorksMoreThanTenTimesInARow();
    void runningOutSaysTimedOutOnce();
    void touchesBesideContinueDoNotReachTheScreenBelow();
    void continueIsABigTarget();
    void itSpeaksTheCustomersLanguage();

private:
    QPushButton *continueButton() const
    {
        return m_overlay->findChild<QPushButton *>(QStringLiteral("idleContinue"));
    }
    QString countdownText() const
    {
        return m_overlay->findChild<QLabel *>(QStringLiteral("idleCountdown"))->text();
    }

    std::unique_ptr<QWidget> m_window;
    QPushButton *m_below = nullptr; // a button on the screen under the overlay
    KioskIdleOverlay *m_overlay = nullptr;
};

void TestKioskIdleOverlay::initTestCase()
{
    // English with its plural forms, as the kiosk speaks it (CARWASH_LANG=en).
    Translations::install(*QCoreApplication::instance());
}

void TestKioskIdleOverlay::init()
{
    m_window = std::make_unique<QWidget>();
    m_window->resize(1080, 960);
    auto *layout = new QVBoxLayout(m_window.get());
    m_below = new QPushButton(QStringLiteral("Basic wash"), m_window.get());
    layout->addWidget(m_below, 0, Qt::AlignLeft | Qt::AlignTop);
    layout->addStretch(1);
    m_overlay = new KioskIdleOverlay(m_window.get());
    KioskStyle::apply(m_window.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestKioskIdleOverlay::cleanup()
{
    m_window.reset();
}

void TestKioskIdleOverlay::itStartsVisibleOverTheWholeWindowAndCountsDown()
{
    QVERIFY(!m_overlay->isVisible());
    m_overlay->setTickInterval(60000); // still, to look at the start
    m_overlay->start();
    QVERIFY(m_overlay->isVisible());
    QVERIFY(m_overlay->isRunning());
    QCOMPARE(m_overlay->geometry(), m_window->rect());
    QCOMPARE(m_overlay->secondsLeft(), 20);
    QCOMPARE(countdownText(), QStringLiteral("The screen starts over in 20 seconds."));
    QCOMPARE(m_window->childAt(m_below->geometry().center()), m_overlay); // on top of the screen

    // The window grows (a rotation, another screen): the overlay follows.
    m_window->resize(1920, 1080);
    QTRY_COMPARE(m_overlay->geometry(), m_window->rect());

    // Counting down, every second shown (and said) in turn, down to one.
    QList<int> seconds;
    QStringList texts;
    QStringList shown;
    connect(m_overlay, &KioskIdleOverlay::countdownChanged, this, [&](int left, const QString &text) {
        seconds.append(left);
        texts.append(text);
        shown.append(countdownText());
    });
    QSignalSpy timedOut(m_overlay, &KioskIdleOverlay::timedOut);
    m_overlay->setTickInterval(10);
    m_overlay->start();
    QTRY_COMPARE(timedOut.count(), 1);
    disconnect(m_overlay, &KioskIdleOverlay::countdownChanged, this, nullptr);
    QList<int> expected;
    for (int left = 20; left >= 1; --left)
        expected.append(left);
    QCOMPARE(seconds, expected);
    QCOMPARE(shown, texts); // what is said is what is on the screen
    QCOMPARE(texts.first(), QStringLiteral("The screen starts over in 20 seconds."));
    QCOMPARE(texts.at(18), QStringLiteral("The screen starts over in 2 seconds."));
    QCOMPARE(texts.last(), QStringLiteral("The screen starts over in 1 second."));
}

void TestKioskIdleOverlay::itNeverGivesFewerThanTwentySeconds()
{
    m_overlay->setTickInterval(60000);
    m_overlay->start(5);
    QCOMPARE(m_overlay->secondsLeft(), 20);
    m_overlay->start(45);
    QCOMPARE(m_overlay->secondsLeft(), 45);
}

void TestKioskIdleOverlay::continueSaysContinuedAndHides()
{
    QSignalSpy continued(m_overlay, &KioskIdleOverlay::continued);
    QSignalSpy timedOut(m_overlay, &KioskIdleOverlay::timedOut);
    // A tick of 200 ms: the countdown moves, with seconds to spare before
    // it would run out.
    m_overlay->setTickInterval(200);
    m_overlay->start();
    QTRY_VERIFY(m_overlay->secondsLeft() < 20);
    QTest::mouseClick(continueButton(), Qt::LeftButton);
    QCOMPARE(continued.count(), 1);
    QVERIFY(!m_overlay->isVisible());
    QVERIFY(!m_overlay->isRunning());
    // Stopped for good: when it would have run out there was no time-out.
    m_overlay->setTickInterval(5);
    QTest::qWait(20 * 5 * 4);
    QCOMPARE(timedOut.count(), 0);
}

void TestKioskIdleOverlay::continueWorksMoreThanTenTimesInARow()
{
    QSignalSpy continued(m_overlay, &KioskIdleOverlay::continued);
    QSignalSpy timedOut(m_overlay, &KioskIdleOverlay::timedOut);
    m_overlay->setTickInterval(200);
    for (int round = 1; round <= 12; ++round) {
        m_overlay->start();
        QTRY_VERIFY(m_overlay->secondsLeft() < 20);
        QVERIFY(m_overlay->isVisible());
        QTest::mouseClick(continueButton(), Qt::LeftButton);
        QCOMPARE(continued.count(), round);
        QVERIFY(!m_overlay->isVisible());
    }
    QCOMPARE(timedOut.count(), 0);
}

void TestKioskIdleOverlay::runningOutSaysTimedOutOnce()
{
    QSignalSpy continued(m_overlay, &KioskIdleOverlay::continued);
    QSignalSpy timedOut(m_overlay, &KioskIdleOverlay::timedOut);
    m_overlay->setTickInterval(5);
    m_overlay->start();
    QTRY_COMPARE(timedOut.count(), 1);
    QVERIFY(!m_overlay->isVisible());
    QVERIFY(!m_overlay->isRunning());
    QTest::qWait(20 * 5 * 4);
    QCOMPARE(timedOut.count(), 1);
    QCOMPARE(continued.count(), 0);
}

void TestKioskIdleOverlay::touchesBesideContinueDoNotReachTheScreenBelow()
{
    QSignalSpy continued(m_overlay, &KioskIdleOverlay::continued);
    QSignalSpy belowClicked(m_below, &QPushButton::clicked);
    m_overlay->setTickInterval(60000);
    m_overlay->start();
    const QPoint onBelow = m_below->geometry().center();
    QVERIFY(!continueButton()->geometry().contains(
        continueButton()->parentWidget()->mapFrom(m_window.get(), onBelow)));

    // A click, and a finger, where the screen's button lies under the backdrop.
    QTest::mouseClick(m_window.get(), Qt::LeftButton, {}, onBelow);
    QPointingDevice *touchScreen = QTest::createTouchDevice();
    QTest::touchEvent(m_window.get(), touchScreen).press(0, onBelow);
    QTest::touchEvent(m_window.get(), touchScreen).release(0, onBelow);
    QCoreApplication::processEvents();
    QCOMPARE(belowClicked.count(), 0);
    QCOMPARE(continued.count(), 0);
    QVERIFY(m_overlay->isVisible());

    // A finger on Continue goes on.
    const QPoint onContinue = continueButton()->mapTo(m_window.get(), continueButton()->rect().center());
    QTest::touchEvent(m_window.get(), touchScreen).press(0, onContinue);
    QTest::touchEvent(m_window.get(), touchScreen).release(0, onContinue);
    QTRY_COMPARE(continued.count(), 1);
    QVERIFY(!m_overlay->isVisible());

    // With the overlay gone the same touch does reach the screen.
    QTest::touchEvent(m_window.get(), touchScreen).press(0, onBelow);
    QTest::touchEvent(m_window.get(), touchScreen).release(0, onBelow);
    QTRY_COMPARE(belowClicked.count(), 1);
}

void TestKioskIdleOverlay::continueIsABigTarget()
{
    m_overlay->setTickInterval(60000);
    m_overlay->start();
    const KioskMetrics metrics(m_window->screen());
    QVERIFY2(continueButton()->height() >= 2 * metrics.targetPixels(),
             qPrintable(QStringLiteral("%1 px").arg(continueButton()->height())));
    QVERIFY(continueButton()->height() * 25.4 / metrics.logicalDpi() >= 2 * KioskMetrics::MinimumTargetMm);
    QVERIFY(continueButton()->width() >= 2 * metrics.targetPixels());
}

void TestKioskIdleOverlay::itSpeaksTheCustomersLanguage()
{
    m_overlay->setTickInterval(60000);
    m_overlay->start();
    auto title = [this] { return m_overlay->findChild<QLabel *>(QStringLiteral("idleTitle"))->text(); };
    // A customer who chose Spanish, then German, mid-countdown.
    Translations::install(*QCoreApplication::instance(), QStringLiteral("es"));
    QTRY_COMPARE(title(), QStringLiteral("¿Sigue ahí?"));
    QCOMPARE(countdownText(), QStringLiteral("La pantalla vuelve a empezar en 20 segundos."));
    QCOMPARE(continueButton()->text(), QStringLiteral("Continuar"));
    Translations::install(*QCoreApplication::instance(), QStringLiteral("de"));
    QTRY_COMPARE(title(), QStringLiteral("Noch da?"));
    QCOMPARE(countdownText(), QStringLiteral("Der Bildschirm beginnt in 20 Sekunden von vorn."));
    QCOMPARE(continueButton()->text(), QStringLiteral("Weiter"));
    Translations::install(*QCoreApplication::instance(), QStringLiteral("en"));
    QTRY_COMPARE(title(), QStringLiteral("Still there?"));
    QCOMPARE(countdownText(), QStringLiteral("The screen starts over in 20 seconds."));
}

QTEST_MAIN(TestKioskIdleOverlay)
#include "tst_kioskidleoverlay.moc"
