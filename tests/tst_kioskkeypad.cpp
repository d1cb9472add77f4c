// The kiosk's tactile keypad and Speak key on the offscreen platform: keys
// and touches in; focus, clicks and what reaches the tests' recording speech
// engine (tests/harness/recordingspeech) out.

#include "tests/kioskspeechfixture.h"

#include "app/startup/translations.h"
#include "ui/kiosk/speakbutton.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>
#include <QWindow>

class TestKioskKeypad : public QObject, private KioskSpeechFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void keypadSixAndFourMoveAndSpeakTheNewChoice();
    void keysFromTheWindowSystemActOnce();
    void anOverlayKeepsTheKeypadWithinIt();
    void keypadFiveClicksTheFocusedButton();
    void keypadZeroRepeatsTheScreen();
    void keypadKeyTurnsSpeechOnWhenOff();
    void numberRowDigitsInATextFieldAreTyped();
    void keysOtherThanKeypadsAndDigitsPassThrough();
    void speakButtonHeldTurnsSpeechOn();
    void speakButtonShortTapOnlyShowsTheHint();
    void speakButtonTapWhileOnRepeats();
};

void TestKioskKeypad::initTestCase()
{
    Translations::install(*qApp, QStringLiteral("en"));
}

void TestKioskKeypad::keypadSixAndFourMoveAndSpeakTheNewChoice()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);

    const QList<std::pair<Qt::Key, QPushButton *>> steps = {
        {Qt::Key_6, m_kiosk->deluxe},    {Qt::Key_6, m_kiosk->ultimate},
        {Qt::Key_6, m_kiosk->startOver}, {Qt::Key_6, m_kiosk->basic}, // round again
        {Qt::Key_4, m_kiosk->startOver}, {Qt::Key_4, m_kiosk->ultimate},
    };
    for (const auto &[key, expected] : steps) {
        const qsizetype before = RecordingSpeech::said().size();
        pressKeypad(key);
        QCOMPARE(QApplication::focusWidget(), expected);
        QTRY_COMPARE(RecordingSpeech::said().size(), before + 1);
        QCOMPARE(RecordingSpeech::said().last(), KioskSpeech::textFor(expected));
    }
    QCOMPARE(RecordingSpeech::said().last(), QStringLiteral("Ultimate wash. 19.00 dollars"));
    // With Num Lock off the same keys send arrows.
    pressKeypad(Qt::Key_Left);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->deluxe);
    pressKeypad(Qt::Key_Right);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->ultimate);
}

void TestKioskKeypad::keysFromTheWindowSystemActOnce()
{
    // A real keypad's keys come from the window system: to the window first,
    // then to its focus widget. One press, one step.
    makeSpeech();
    showWashScreen();
    QWindow *window = m_kiosk->window.windowHandle();
    QVERIFY(window);
    QSignalSpy requested(m_keypad.get(), &KioskKeypad::speechRequested);
    QTest::keyClick(window, Qt::Key_8, Qt::KeypadModifier);
    QCOMPARE(requested.count(), 1);
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);
    QTest::keyClick(window, Qt::Key_6, Qt::KeypadModifier);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->deluxe);
    QTest::keyClick(window, Qt::Key_6, Qt::KeypadModifier);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->ultimate);
    QTest::keyClick(window, Qt::Key_4, Qt::KeypadModifier);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->deluxe);
    QSignalSpy deluxeClicked(m_kiosk->deluxe, &QPushButton::clicked);
    QTest::keyClick(window, Qt::Key_5, Qt::KeypadModifier);
    QCOMPARE(deluxeClicked.count(), 1);
    QCOMPARE(m_kiosk->stack->currentWidget(), m_kiosk->timeScreen);
    QCOMPARE(requested.count(), 1);
}

void TestKioskKeypad::anOverlayKeepsTheKeypadWithinIt()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    pressKeypad(Qt::Key_6);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->deluxe);

    // "Still there?" over the whole window, as the window shows it.
    QWidget overlay(&m_kiosk->window);
    overlay.setAccessibleName(QStringLiteral("Still there?"));
    overlay.setAutoFillBackground(true);
    auto *layout = new QVBoxLayout(&overlay);
    auto *continueButton = new QPushButton(QStringLiteral("Continue"), &overlay);
    continueButton->setAccessibleName(QStringLiteral("Continue"));
    continueButton->setAccessibleDescription(QStringLiteral("20 seconds left"));
    layout->addWidget(continueButton);
    auto *leave = new QPushButton(QStringLiteral("Start over now"), &overlay);
    layout->addWidget(leave);
    overlay.setGeometry(m_kiosk->window.rect());
    overlay.show();
    overlay.raise();
    m_speech->screenShown(&overlay);
    QCOMPARE(QApplication::focusWidget(), continueButton);
    QTRY_COMPARE(RecordingSpeech::said().last(), QStringLiteral("Still there? Continue. 20 seconds left"));
    QCOMPARE(m_speech->navigableWidgets(), (QList<QWidget *> {continueButton, leave}));
    pressKeypad(Qt::Key_6);
    QCOMPARE(QApplication::focusWidget(), leave);
    pressKeypad(Qt::Key_6); // round within the overlay, not to Start over behind it
    QCOMPARE(QApplication::focusWidget(), continueButton);

    // Gone: the screen again, Start over within reach.
    overlay.hide();
    m_speech->screenShown(m_kiosk->washScreen);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);
    QCOMPARE(m_speech->navigableWidgets(),
             (QList<QWidget *> {m_kiosk->basic, m_kiosk->deluxe, m_kiosk->ultimate, m_kiosk->startOver}));
}

void TestKioskKeypad::keypadFiveClicksTheFocusedButton()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    QSignalSpy basicClicked(m_kiosk->basic, &QPushButton::clicked);
    QSignalSpy deluxeClicked(m_kiosk->deluxe, &QPushButton::clicked);
    pressKeypad(Qt::Key_6);
    pressKeypad(Qt::Key_5);
    QCOMPARE(deluxeClicked.count(), 1);
    QCOMPARE(basicClicked.count(), 0);
    QCOMPARE(m_kiosk->stack->currentWidget(), m_kiosk->timeScreen);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->now);
    QTRY_COMPARE(RecordingSpeech::said().last(),
                 QStringLiteral("Pick a time. Now, Tunnel Lane 2. Ready in 4 min"));
    // The keys went nowhere else: no digit typed into the plate field.
    QVERIFY(m_kiosk->plate->text().isEmpty());
}

void TestKioskKeypad::keypadZeroRepeatsTheScreen()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    pressKeypad(Qt::Key_6);
    QTRY_COMPARE(RecordingSpeech::said().last(), QStringLiteral("Deluxe wash. 14.50 dollars"));
    const qsizetype before = RecordingSpeech::said().size();
    pressKeypad(Qt::Key_0);
    QTRY_COMPARE(RecordingSpeech::said().size(), before + 1);
    QCOMPARE(RecordingSpeech::said().last(), washAnnouncement(QStringLiteral("Deluxe wash. 14.50 dollars")));
    QCOMPARE(QApplication::focusWidget(), m_kiosk->deluxe);
}

void TestKioskKeypad::keypadKeyTurnsSpeechOnWhenOff()
{
    makeSpeech();
    showWashScreen();
    m_kiosk->startOver->setFocus();
    QSignalSpy requested(m_keypad.get(), &KioskKeypad::speechRequested);
    QSignalSpy startOverClicked(m_kiosk->startOver, &QPushButton::clicked);
    pressKeypad(Qt::Key_5); // would press Start over were speech on
    QCOMPARE(requested.count(), 1);
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(startOverClicked.count(), 0);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);
    QTRY_COMPARE(RecordingSpeech::said(),
                 QStringList {intro() + u' ' + washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars"))});

    // Off again (the window does that on Start over): a keypad key other
    // than the four turns it back on too.
    m_speech->setEnabled(false);
    pressKeypad(Qt::Key_Enter);
    QCOMPARE(requested.count(), 2);
    QTRY_VERIFY(m_speech->isEnabled());
}

void TestKioskKeypad::numberRowDigitsInATextFieldAreTyped()
{
    makeSpeech();
    m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
    m_speech->screenShown(m_kiosk->timeScreen);
    m_kiosk->plate->setFocus();
    QSignalSpy requested(m_keypad.get(), &KioskKeypad::speechRequested);
    QTest::keyClicks(m_kiosk->plate, QStringLiteral("4560"));
    QCOMPARE(m_kiosk->plate->text(), QStringLiteral("4560"));
    QCOMPARE(requested.count(), 0);
    QVERIFY(!m_speech->isEnabled());
    // The keypad's digits are the keypad's even there.
    pressKeypad(Qt::Key_4);
    QCOMPARE(requested.count(), 1);
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(m_kiosk->plate->text(), QStringLiteral("4560"));
    // And outside a text field the number row's digits are the keypad's.
    m_speech->setEnabled(false);
    m_kiosk->now->setFocus();
    pressKeypad(Qt::Key_6, Qt::NoModifier);
    QCOMPARE(requested.count(), 2);
    QTRY_VERIFY(m_speech->isEnabled());
    pressKeypad(Qt::Key_6, Qt::NoModifier);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->later);
}

void TestKioskKeypad::keysOtherThanKeypadsAndDigitsPassThrough()
{
    makeSpeech();
    m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
    m_speech->screenShown(m_kiosk->timeScreen);
    m_kiosk->plate->setFocus();
    QTest::keyClicks(m_kiosk->plate, QStringLiteral("AB"));
    QCOMPARE(m_kiosk->plate->text(), QStringLiteral("AB"));
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(RecordingSpeech::log().isEmpty());
}

void TestKioskKeypad::speakButtonHeldTurnsSpeechOn()
{
    makeSpeech();
    auto *speak = new SpeakButton(m_speech.get(), &m_kiosk->window);
    m_kiosk->window.layout()->addWidget(speak);
    speak->show();
    QCOMPARE(speak->holdTime(), 2000);
    speak->setHoldTime(150);
    showWashScreen();
    QSignalSpy requested(speak, &SpeakButton::speechRequested);
    QTest::mousePress(speak, Qt::LeftButton);
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(requested.count(), 1);
    QTest::mouseRelease(speak, Qt::LeftButton);
    QVERIFY(!visibleHint(m_kiosk->window));
    QTRY_COMPARE(RecordingSpeech::said(),
                 QStringList {intro() + u' ' + washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars"))});
}

void TestKioskKeypad::speakButtonShortTapOnlyShowsTheHint()
{
    makeSpeech();
    auto *speak = new SpeakButton(m_speech.get(), &m_kiosk->window);
    m_kiosk->window.layout()->addWidget(speak);
    speak->show();
    speak->setHoldTime(150);
    speak->setHintTime(60000);
    showWashScreen();
    QCOMPARE(speak->text(), SpeakButton::tr("Speak"));
    QTest::mousePress(speak, Qt::LeftButton);
    QTest::mouseRelease(speak, Qt::LeftButton);
    QVERIFY(visibleHint(m_kiosk->window));
    QCOMPARE(visibleHint(m_kiosk->window)->text(), SpeakButton::tr("Hold to hear the screen read aloud"));
    QCOMPARE(visibleHint(m_kiosk->window)->parentWidget(), &m_kiosk->window);
    QVERIFY(m_kiosk->window.rect().contains(visibleHint(m_kiosk->window)->geometry()));
    QTest::qWait(450); // three times the hold: the tap has long been over
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(RecordingSpeech::log().isEmpty());

    speak->setHintTime(10);
    QTest::mouseClick(speak, Qt::LeftButton);
    QTRY_VERIFY(!visibleHint(m_kiosk->window));
}

void TestKioskKeypad::speakButtonTapWhileOnRepeats()
{
    makeSpeech();
    auto *speak = new SpeakButton(m_speech.get(), &m_kiosk->window);
    m_kiosk->window.layout()->addWidget(speak);
    speak->show();
    showWashScreen();
    enableSpeech();
    const qsizetype before = RecordingSpeech::said().size();
    QTest::mouseClick(speak, Qt::LeftButton);
    QTRY_COMPARE(RecordingSpeech::said().size(), before + 1);
    QVERIFY(!visibleHint(m_kiosk->window));
}

QTEST_MAIN(TestKioskKeypad)
#include "tst_kioskkeypad.moc"
