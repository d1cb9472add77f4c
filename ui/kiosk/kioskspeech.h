#pragma once

#include <QList>
#include <QLocale>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QVariantMap>

class KioskSpeechEngine;
class QThread;
class QWidget;

// The kiosk's speech mode (ADA 2010 §707.5): while enabled it reads each
// screen's title and then the focused choice, and every newly focused widget,
// in the kiosk's language, through Qt TextToSpeech. What it says of a widget is
// its accessibleName and accessibleDescription ("Deluxe wash. 14.50 dollars"),
// else a button's or label's text. A new utterance stops the one still being
// spoken. The engine is made on first use: speech-dispatcher where Qt has it
// (espeak-ng speaks English, Spanish and German), else Qt's default; the
// CARWASH_SPEECH_ENGINE environment variable names another. Without an engine,
// or without a voice for the language, it stays off and says why, in the log
// and through unavailable(). GUI thread only; it never blocks: the engine
// runs on a thread of its own, so turning speech on and switching its
// language are answered asynchronously (enabledChanged(), unavailable()).
class KioskSpeech : public QObject
{
    Q_OBJECT
public:
    // The engine preferredEngine() names.
    explicit KioskSpeech(QObject *parent = nullptr);
    // A named engine ("speechd", "flite", a test's recording engine) with its
    // parameters; an empty name is Qt's default.
    KioskSpeech(const QString &engine, const QVariantMap &engineParameters, QObject *parent = nullptr);
    ~KioskSpeech() override;

    // CARWASH_SPEECH_ENGINE when set, else "speechd" when Qt has it, else
    // empty (Qt's default engine).
    static QString preferredEngine();

    // Turning it on makes the engine if need be and picks a voice of the
    // language; once the engine has answered it is on (enabledChanged()), moves
    // the focus into the current screen and announces the keys, the screen's
    // title and the focused choice. It stays off, and emits unavailable(),
    // when that cannot be done or the engine does not answer in time.
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // Asked to turn on, waiting for the engine.
    bool isStarting() const { return m_starting; }
    // How long the engine may take to answer (default 5 s).
    void setEngineTimeout(int milliseconds) { m_engineTimeoutMs = milliseconds; }

    // "en", "es" or "de" (any language Qt knows works): the voice speaks it
    // from now on and, while on, the screen is read again in it. While on, a
    // language without a voice turns speech off and emits unavailable().
    void setLanguage(const QString &code);

    // The window calls it whenever a screen (or an overlay standing in for
    // one) appears: its accessibleName is the title, the keypad moves among
    // its focusable widgets. While on, the title and the focused choice are
    // spoken. Kept while off, so turning speech on reads the screen.
    void screenShown(QWidget *screen);
    QWidget *currentScreen() const { return m_screen; }
    // Widgets outside the screens that every screen has (Start over, Back,
    // the languages, Call attendant): the keypad reaches them after the
    // screen's own, unless the screen lies over them (an overlay).
    void setCommonControls(const QList<QWidget *> &controls);

    // What the keypad moves among, in focus-chain order: the current screen's
    // visible, enabled, tab-focusable widgets, then the visible common
    // controls the screen does not cover.
    QList<QWidget *> navigableWidgets() const;
    // The screen's title and the focused choice again.
    void repeat();
    // The words read for a widget: its accessible name and description, else
    // its text.
    static QString textFor(const QWidget *widget);

    // Why speech cannot be on (translated), empty when it can.
    QString unavailableReason() const { return m_unavailableReason; }
    // The engine in use (empty until it first answered, or without one).
    QString engineName() const { return m_engineName; }

Q_SIGNALS:
    void enabledChanged(bool enabled);
    // Said to the window: speech is not possible, and why, in words for the
    // customer ("Speech is not available in Deutsch on this kiosk.").
    void unavailable(const QString &reason);

private:
    void requestLanguage();
    void onLanguageAnswered(int request, int outcome, const QString &engine, const QString &detail);
    void onEngineTimeout();
    void refuse(const QString &reason, const QString &logDetail);
    void focusFirstChoice();
    QString screenAnnouncement() const;
    void say(const QString &text);
    void onFocusChanged(QWidget *now);
    void speakFocused();

    QString m_engineRequested;
    QVariantMap m_engineParameters;
    QThread *m_thread = nullptr;
    KioskSpeechEngine *m_engine = nullptr; // lives in m_thread
    QString m_engineName;
    int m_request = 0; // the language request whose answer counts
    QTimer m_engineTimeout;
    int m_engineTimeoutMs = 5000;
    QTimer m_focusSpeech;
    bool m_enabled = false;
    bool m_starting = false;
    bool m_announcing = false;
    QString m_language = QStringLiteral("en");
    QPointer<QWidget> m_screen;
    QList<QPointer<QWidget>> m_commonControls;
    QString m_unavailableReason;
    QString m_lastUtterance;
};
