// The kiosk's speech mode, tactile keypad and Speak key on the offscreen
// platform. What is spoken is checked where it leaves the program: at a
// text-to-speech engine loaded through Qt's own plug-in mechanism (the tests'
// recording engine, tests/harness/recordingspeech), which writes down every
// say() and stop() with the locale and voice in use. The real engines the
// kiosk uses (speechd with espeak-ng, Flite) are asked what they can speak.

#include "app/startup/translations.h"
#include "tests/harness/recordingspeech/recordingspeech.h"
#include "ui/kiosk/kioskkeypad.h"
#include "ui/kiosk/kioskspeech.h"
#include "ui/kiosk/kioskspeechengine_p.h"
#include "ui/kiosk/speakbutton.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTest>
#include <QTextToSpeech>
#include <QVBoxLayout>
#include <QWindow>

#include <memory>

namespace {

const QString Recording = QString::fromLatin1(RecordingSpeech::engineName);

QPushButton *choice(QWidget *parent, const QString &name, const QString &description)
{
    auto *button = new QPushButton(name.section(u' ', 0, 0), parent);
    button->setAccessibleName(name);
    button->setAccessibleDescription(description);
    button->setFocusPolicy(Qt::StrongFocus);
    parent->layout()->addWidget(button);
    return button;
}

// A kiosk window in miniature: two screens in a stack (a wash to choose,
// then a time) and Start over outside them, as the real window has it.
struct KioskStandIn
{
    QWidget window;
    QStackedWidget *stack = nullptr;
    QWidget *washScreen = nullptr;
    QPushButton *basic = nullptr;
    QPushButton *deluxe = nullptr;
    QPushButton *ultimate = nullptr;
    QWidget *timeScreen = nullptr;
    QPushButton *now = nullptr;
    QPushButton *later = nullptr;
    QPushButton *startOver = nullptr;
    QLineEdit *plate = nullptr;

    KioskStandIn()
    {
        auto *layout = new QVBoxLayout(&window);
        stack = new QStackedWidget(&window);
        layout->addWidget(stack);

        washScreen = new QWidget;
        washScreen->setAccessibleName(QStringLiteral("Choose your wash"));
        new QVBoxLayout(washScreen);
        basic = choice(washScreen, QStringLiteral("Basic wash"), QStringLiteral("8.00 dollars"));
        deluxe = choice(washScreen, QStringLiteral("Deluxe wash"), QStringLiteral("14.50 dollars"));
        ultimate = choice(washScreen, QStringLiteral("Ultimate wash"), QStringLiteral("19.00 dollars"));
        stack->addWidget(washScreen);

        timeScreen = new QWidget;
        timeScreen->setAccessibleName(QStringLiteral("Pick a time"));
        new QVBoxLayout(timeScreen);
        now = choice(timeScreen, QStringLiteral("Now, Tunnel Lane 2"), QStringLiteral("Ready in 4 min"));
        later = choice(timeScreen, QStringLiteral("10:30, Tunnel Lane 1"), {});
        plate = new QLineEdit(timeScreen);
        plate->setPlaceholderText(QStringLiteral("Plate"));
        timeScreen->layout()->addWidget(plate);
        stack->addWidget(timeScreen);

        startOver = new QPushButton(QStringLiteral("&Start over"), &window);
        startOver->setFocusPolicy(Qt::StrongFocus);
        layout->addWidget(startOver);
        window.resize(600, 800);
    }
};

// The Speak key's hint while it is shown, else null.
QLabel *visibleHint(const QWidget &window)
{
    auto *hint = window.findChild<QLabel *>(QStringLiteral("speakHint"));
    return hint && hint->isVisible() ? hint : nullptr;
}

QString washAnnouncement(const QString &focused)
{
    return QStringLiteral("Choose your wash. %1").arg(focused);
}

} // namespace

class TestKioskSpeech : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void recordingEngineLoadsThroughQtsPluginMechanism();
    void turningOnReadsTitleThenFocusedChoiceInTheChosenLanguage();
    void eachScreenShownIsReadWithItsFirstChoiceFocused();
    void readsAccessibleNameAndDescriptionElseText();
    void aNewUtteranceStopsOnlySpeechStillGoing();
    void languageSwitchWhileOnRereadsInTheNewVoice();
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
    void noVoiceForTheLanguageKeepsSpeechOffAndSaysWhy();
    void switchingToALanguageWithoutVoiceTurnsSpeechOff();
    void noEngineKeepsSpeechOffAndSaysWhy();
    void fliteHasNoSpanishVoice();
    void speechDispatcherSpeaksEveryKioskLanguage();
    void aWedgedEngineNeverFreezesTheKiosk();

private:
    void makeSpeech(const QVariantMap &parameters = {{QStringLiteral("utteranceMs"), -1}});
    void showWashScreen();
    // Speech turned on and its first words heard.
    void enableSpeech();
    void pressKeypad(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::KeypadModifier);
    QString intro() const;

    std::unique_ptr<KioskStandIn> m_kiosk;
    std::unique_ptr<KioskSpeech> m_speech;
    std::unique_ptr<KioskKeypad> m_keypad;
};

void TestKioskSpeech::initTestCase()
{
    Translations::install(*qApp, QStringLiteral("en"));
}

void TestKioskSpeech::init()
{
    RecordingSpeech::clear();
    m_kiosk = std::make_unique<KioskStandIn>();
    m_kiosk->window.show();
    m_kiosk->window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&m_kiosk->window));
}

void TestKioskSpeech::cleanup()
{
    m_keypad.reset();
    m_speech.reset();
    m_kiosk.reset();
    Translations::install(*qApp, QStringLiteral("en"));
}

void TestKioskSpeech::makeSpeech(const QVariantMap &parameters)
{
    m_speech = std::make_unique<KioskSpeech>(Recording, parameters);
    m_speech->setCommonControls({m_kiosk->startOver});
    m_keypad = std::make_unique<KioskKeypad>(m_speech.get());
    // The window's part: each screen as it appears, Start over on the first.
    QObject::connect(m_kiosk->deluxe, &QPushButton::clicked, m_speech.get(), [this] {
        m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
        m_speech->screenShown(m_kiosk->timeScreen);
    });
    QObject::connect(m_kiosk->startOver, &QPushButton::clicked, m_speech.get(), [this] {
        m_kiosk->stack->setCurrentWidget(m_kiosk->washScreen);
        m_speech->screenShown(m_kiosk->washScreen);
    });
}

void TestKioskSpeech::showWashScreen()
{
    m_kiosk->stack->setCurrentWidget(m_kiosk->washScreen);
    m_speech->screenShown(m_kiosk->washScreen);
}

void TestKioskSpeech::enableSpeech()
{
    m_speech->setEnabled(true);
    QTRY_VERIFY(m_speech->isEnabled());
    QTRY_VERIFY(!RecordingSpeech::said().isEmpty());
}

void TestKioskSpeech::pressKeypad(Qt::Key key, Qt::KeyboardModifiers modifiers)
{
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : &m_kiosk->window;
    QTest::keyClick(target, key, modifiers);
}

QString TestKioskSpeech::intro() const
{
    return KioskSpeech::tr("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat.");
}

void TestKioskSpeech::recordingEngineLoadsThroughQtsPluginMechanism()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(Recording),
             qPrintable(QTextToSpeech::availableEngines().join(u',')));
    QTextToSpeech speech(Recording);
    QCOMPARE(speech.engine(), Recording);
    QCOMPARE(speech.state(), QTextToSpeech::Ready);
    speech.say(QStringLiteral("hello"));
    QCOMPARE(RecordingSpeech::said(), QStringList {QStringLiteral("hello")});
}

void TestKioskSpeech::turningOnReadsTitleThenFocusedChoiceInTheChosenLanguage()
{
    Translations::install(*qApp, QStringLiteral("es"));
    QVERIFY(intro() != QStringLiteral("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat."));
    makeSpeech();
    m_speech->setLanguage(QStringLiteral("es"));
    showWashScreen();
    QVERIFY(RecordingSpeech::log().isEmpty()); // off: nothing said, no focus moved

    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setEnabled(true);
    QVERIFY(m_speech->isStarting());
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(enabled.count(), 1);
    QCOMPARE(m_speech->engineName(), Recording);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);
    QTRY_COMPARE(RecordingSpeech::log().size(), 1);
    const QList<RecordedSpeech> log = RecordingSpeech::log();
    QCOMPARE(log.first().kind, RecordedSpeech::Kind::Say);
    QCOMPARE(log.first().text, intro() + u' ' + washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars")));
    QCOMPARE(log.first().locale, QLocale(QStringLiteral("es_ES")));
    QCOMPARE(log.first().voice, QStringLiteral("recording-es_ES"));
}

void TestKioskSpeech::eachScreenShownIsReadWithItsFirstChoiceFocused()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
    m_speech->screenShown(m_kiosk->timeScreen);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->now);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    QCOMPARE(RecordingSpeech::said().last(),
             QStringLiteral("Pick a time. Now, Tunnel Lane 2. Ready in 4 min"));
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("en_US")));
    // Nothing more comes later from the focus having moved.
    const qsizetype saidSoFar = RecordingSpeech::said().size();
    QTest::qWait(50);
    QCOMPARE(RecordingSpeech::said().size(), saidSoFar);
}

void TestKioskSpeech::readsAccessibleNameAndDescriptionElseText()
{
    QCOMPARE(KioskSpeech::textFor(m_kiosk->deluxe), QStringLiteral("Deluxe wash. 14.50 dollars"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->later), QStringLiteral("10:30, Tunnel Lane 1"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->startOver), QStringLiteral("Start over"));
    m_kiosk->plate->setText(QStringLiteral("AB 123"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->plate), QStringLiteral("Plate. AB 123"));
    QPushButton truck(QStringLiteral("Truck"));
    truck.setCheckable(true);
    truck.setChecked(true);
    QCOMPARE(KioskSpeech::textFor(&truck), QStringLiteral("Truck. Selected"));
    QLabel rich(QStringLiteral("<b>Drive to</b> Tunnel Lane 2"));
    QCOMPARE(KioskSpeech::textFor(&rich), QStringLiteral("Drive to Tunnel Lane 2"));
}

void TestKioskSpeech::aNewUtteranceStopsOnlySpeechStillGoing()
{
    // Utterances that go on until stopped: each new one cuts the last.
    makeSpeech({{QStringLiteral("utteranceMs"), -1}});
    showWashScreen();
    enableSpeech();
    pressKeypad(Qt::Key_6);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    QList<RecordedSpeech> log = RecordingSpeech::log();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.at(1).kind, RecordedSpeech::Kind::Stop);
    QCOMPARE(log.at(2).text, QStringLiteral("Deluxe wash. 14.50 dollars"));

    // Utterances that end by themselves: nothing is left to stop.
    m_keypad.reset();
    m_speech.reset();
    RecordingSpeech::clear();
    makeSpeech({{QStringLiteral("utteranceMs"), 0}});
    showWashScreen();
    m_kiosk->basic->setFocus();
    enableSpeech();
    QTRY_COMPARE(RecordingSpeech::log().size(), 2); // the intro said, then done
    QCOMPARE(RecordingSpeech::log().at(1).kind, RecordedSpeech::Kind::Done);
    pressKeypad(Qt::Key_6);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    log = RecordingSpeech::log();
    QCOMPARE(log.at(2).kind, RecordedSpeech::Kind::Say);
    QCOMPARE(log.at(2).text, QStringLiteral("Deluxe wash. 14.50 dollars"));
    for (const RecordedSpeech &entry : log)
        QVERIFY(entry.kind != RecordedSpeech::Kind::Stop);
}

void TestKioskSpeech::languageSwitchWhileOnRereadsInTheNewVoice()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("en_US")));
    m_speech->setLanguage(QStringLiteral("de"));
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    const RecordedSpeech last = RecordingSpeech::log().last();
    QCOMPARE(last.text, washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars")));
    QCOMPARE(last.locale, QLocale(QStringLiteral("de_DE")));
    QCOMPARE(last.voice, QStringLiteral("recording-de_DE"));
    QVERIFY(m_speech->isEnabled());
}

void TestKioskSpeech::keypadSixAndFourMoveAndSpeakTheNewChoice()
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

void TestKioskSpeech::keysFromTheWindowSystemActOnce()
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

void TestKioskSpeech::anOverlayKeepsTheKeypadWithinIt()
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

void TestKioskSpeech::keypadFiveClicksTheFocusedButton()
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

void TestKioskSpeech::keypadZeroRepeatsTheScreen()
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

void TestKioskSpeech::keypadKeyTurnsSpeechOnWhenOff()
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

void TestKioskSpeech::numberRowDigitsInATextFieldAreTyped()
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

void TestKioskSpeech::keysOtherThanKeypadsAndDigitsPassThrough()
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

void TestKioskSpeech::speakButtonHeldTurnsSpeechOn()
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

void TestKioskSpeech::speakButtonShortTapOnlyShowsTheHint()
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

void TestKioskSpeech::speakButtonTapWhileOnRepeats()
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

void TestKioskSpeech::noVoiceForTheLanguageKeepsSpeechOffAndSaysWhy()
{
    makeSpeech({{QStringLiteral("locales"), QStringList {QStringLiteral("en_US"), QStringLiteral("es_ES")}}});
    showWashScreen();
    m_speech->setLanguage(QStringLiteral("de"));
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(!m_speech->isStarting());
    QCOMPARE(enabled.count(), 0);
    const QString reason
        = KioskSpeech::tr("Speech is not available in %1 on this kiosk.").arg(QStringLiteral("Deutsch"));
    QCOMPARE(unavailable.first().first().toString(), reason);
    QCOMPARE(m_speech->unavailableReason(), reason);
    QVERIFY(RecordingSpeech::log().isEmpty());

    // In a language it has, it speaks and the reason is gone.
    m_speech->setLanguage(QStringLiteral("es"));
    enableSpeech();
    QVERIFY(m_speech->unavailableReason().isEmpty());
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("es_ES")));
}

void TestKioskSpeech::switchingToALanguageWithoutVoiceTurnsSpeechOff()
{
    makeSpeech({{QStringLiteral("locales"), QStringList {QStringLiteral("en_US")}}});
    showWashScreen();
    enableSpeech();
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setLanguage(QStringLiteral("es"));
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(enabled.count(), 1);
    QCOMPARE(enabled.first().first().toBool(), false);
    QVERIFY(unavailable.first().first().toString().contains(QLocale(QLocale::Spanish).nativeLanguageName()));
    const qsizetype said = RecordingSpeech::said().size();
    pressKeypad(Qt::Key_6); // asks to turn on again: refused again, nothing said
    QTRY_COMPARE(unavailable.count(), 2);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(RecordingSpeech::said().size(), said);
}

void TestKioskSpeech::noEngineKeepsSpeechOffAndSaysWhy()
{
    m_speech = std::make_unique<KioskSpeech>(QStringLiteral("no-such-engine"), QVariantMap {});
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("no-such-engine")));
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("speech mode unavailable.*no-such-engine")));
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(m_speech->unavailableReason(), KioskSpeech::tr("Speech is not available on this kiosk."));
    QVERIFY(m_speech->engineName().isEmpty());
}

void TestKioskSpeech::fliteHasNoSpanishVoice()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(QStringLiteral("flite")),
             "qt6-speech-flite-plugin is missing: run scripts/setup-deps.sh");
    m_speech = std::make_unique<KioskSpeech>(QStringLiteral("flite"), QVariantMap {});
    m_speech->screenShown(m_kiosk->washScreen);
    m_speech->setLanguage(QStringLiteral("es"));
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(m_speech->engineName(), QStringLiteral("flite"));
    QCOMPARE(m_speech->unavailableReason(),
             KioskSpeech::tr("Speech is not available in %1 on this kiosk.")
                 .arg(QLocale(QLocale::Spanish).nativeLanguageName()));
}

void TestKioskSpeech::speechDispatcherSpeaksEveryKioskLanguage()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(QStringLiteral("speechd")),
             "qt6-speech-speechd-plugin is missing: run scripts/setup-deps.sh");
    qunsetenv("CARWASH_SPEECH_ENGINE");
    QCOMPARE(KioskSpeech::preferredEngine(), QStringLiteral("speechd"));
    // The kiosk's engine as KioskSpeech drives it, asked for a voice of each
    // of the kiosk's languages (espeak-ng's) but made to say nothing: a
    // speech-dispatcher without a sound card stops answering once it has
    // spoken (KioskSpeech's own thread keeps the kiosk alive then).
    KioskSpeechEngine engine(KioskSpeech::preferredEngine(), {});
    QSignalSpy answered(&engine, &KioskSpeechEngine::languageAnswered);
    int request = 0;
    for (const QString &language : {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")}) {
        engine.useLanguage(language, ++request);
        QCOMPARE(answered.size(), request);
        const QList<QVariant> answer = answered.last();
        QVERIFY2(answer.at(1).value<KioskSpeechEngine::Outcome>() == KioskSpeechEngine::Outcome::Ready,
                 qPrintable(language + QStringLiteral(": ") + answer.at(3).toString()));
        QCOMPARE(answer.at(2).toString(), QStringLiteral("speechd"));
    }
}

void TestKioskSpeech::aWedgedEngineNeverFreezesTheKiosk()
{
    // The engine takes 3 s to start; the kiosk waits 200 ms for it.
    const int startsBefore = RecordingSpeech::engineStarts();
    makeSpeech({{QStringLiteral("startDelayMs"), 3000}});
    m_speech->setEngineTimeout(200);
    showWashScreen();
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    m_speech->setEnabled(true);
    // The GUI thread turns its events over meanwhile: the timeout fires
    // while the engine is still starting.
    QTRY_COMPARE(unavailable.count(), 1);
    QCOMPARE(m_speech->unavailableReason(), KioskSpeech::tr("Speech is not available on this kiosk."));
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(!m_speech->isStarting());
    QVERIFY(RecordingSpeech::log().isEmpty());
    // Its late answer does not turn speech on behind the kiosk's back.
    QTRY_VERIFY_WITH_TIMEOUT(RecordingSpeech::engineStarts() == startsBefore + 1, 10000);
    QTest::qWait(100);
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(RecordingSpeech::log().isEmpty());
}

QTEST_MAIN(TestKioskSpeech)
#include "tst_kioskspeech.moc"
