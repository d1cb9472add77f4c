#pragma once

// What the kiosk speech tests share: a kiosk window in miniature, and the
// speech, keypad and helpers set up over it as the real window does, heard
// through the tests' recording engine (tests/harness/recordingspeech).

#include "tests/harness/recordingspeech/recordingspeech.h"
#include "ui/kiosk/kioskkeypad.h"
#include "ui/kiosk/kioskspeech.h"

#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVariantMap>
#include <QWidget>

#include <memory>

class QLabel;

// Two screens in a stack (a wash to choose, then a time) and Start over
// outside them, as the real window has it; choices carry accessible names
// and descriptions as the flow sets them.
struct KioskStandIn
{
    KioskStandIn();

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
};

class KioskSpeechFixture
{
public:
    static QString recordingEngine() { return QString::fromLatin1(RecordingSpeech::engineName); }
    // "Speech on. Press 4 …" in the language installed now.
    static QString intro();
    // The wash screen's title and then its focused choice.
    static QString washAnnouncement(const QString &focused);
    // The Speak key's hint while it is shown, else null.
    static QLabel *visibleHint(const QWidget &window);

protected:
    // A fresh, shown and active stand-in window; the log cleared.
    void setUp();
    void tearDown();
    // Speech on the recording engine (utterances last until stopped unless
    // parameters say otherwise), the keypad, and the window's part: each
    // screen announced as it appears.
    void makeSpeech(const QVariantMap &parameters = {{QStringLiteral("utteranceMs"), -1}});
    void showWashScreen();
    // Speech turned on and its first words heard.
    void enableSpeech();
    // A key of the keypad (or, without the modifier, the number row) to the
    // focus widget.
    void pressKeypad(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::KeypadModifier);

    std::unique_ptr<KioskStandIn> m_kiosk;
    std::unique_ptr<KioskSpeech> m_speech;
    std::unique_ptr<KioskKeypad> m_keypad;
};
