#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>

class KioskKeypad;
class KioskSpeech;
class KioskWindow;
class QLabel;
class QScreen;
class QWindow;
class SpeakButton;

// What makes a KioskWindow the kiosk `carwash --kiosk` shows, beyond its
// own lock and way out (KioskGuard, ManagerPinOverlay): the high-contrast
// style sized again whenever the window moves to another screen, and the
// speech mode: KioskSpeech told of every screen and overlay, the language
// and the controls every screen shares, the tactile keypad (KioskKeypad)
// and the Speak key in the top bar; speech goes off whenever the kiosk is
// back on its attract screen or a manager unlocks it. Why speech cannot be
// on is said in the top bar, never in a dialog. A child of the window; GUI
// thread only.
class KioskShell : public QObject
{
    Q_OBJECT
public:
    // Speech through speechEngine (KioskSpeech::preferredEngine() when
    // empty) with its parameters.
    explicit KioskShell(KioskWindow *window, const QString &speechEngine = {},
                        const QVariantMap &speechParameters = {});
    ~KioskShell() override;

    KioskSpeech *speech() const { return m_speech; }
    KioskKeypad *keypad() const { return m_keypad; }
    SpeakButton *speakButton() const { return m_speak; }
    // What the top bar says of speech (why it is unavailable); empty when
    // nothing is shown.
    QString speechNotice() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyStyle();
    void followScreenOf(QWindow *handle);
    void screenChanged();
    void watchOverlays();
    void showScreenOrOverlay();

    KioskWindow *m_window;
    KioskSpeech *m_speech = nullptr;
    KioskKeypad *m_keypad = nullptr;
    SpeakButton *m_speak = nullptr;
    QLabel *m_speechNotice = nullptr;
    QPointer<QWindow> m_followedHandle;
    QPointer<QScreen> m_styledFor;
};
