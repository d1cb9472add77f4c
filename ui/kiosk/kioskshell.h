#pragma once

#include "db/staff/staffmember.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>

class KioskGuard;
class KioskKeypad;
class KioskSpeech;
class KioskWindow;
class ManagerPinOverlay;
class QLabel;
class QScreen;
class QWindow;
class SpeakButton;

// What makes a KioskWindow the kiosk `carwash --kiosk` shows, attached
// through the window's public API: the high-contrast style sized for the
// window's screen (again whenever it moves to another screen); the lock
// (KioskGuard); the way out, a 3 s hold in the top-left corner, then a
// manager's PIN (ManagerPinOverlay, audited by StaffRepo::signIn), then the
// holds this kiosk made released and the window closed; and the speech
// mode: KioskSpeech told of every screen and overlay, the language and the
// controls every screen shares, the tactile keypad (KioskKeypad) and the
// Speak key in the top bar; speech goes off whenever the kiosk is back on
// its attract screen. Why speech cannot be on is said in the top bar, never
// in a dialog. A child of the window; GUI thread only.
class KioskShell : public QObject
{
    Q_OBJECT
public:
    // Speech through speechEngine (KioskSpeech::preferredEngine() when
    // empty) with its parameters.
    explicit KioskShell(KioskWindow *window, const QString &speechEngine = {},
                        const QVariantMap &speechParameters = {});
    ~KioskShell() override;

    // Frameless, full screen on the primary screen, keys and closing
    // blocked, the cursor hidden (KioskGuard::lock). Once only.
    void lock();

    KioskGuard *guard() const { return m_guard; }
    KioskSpeech *speech() const { return m_speech; }
    KioskKeypad *keypad() const { return m_keypad; }
    SpeakButton *speakButton() const { return m_speak; }
    // Made on the first corner hold after the database is ready.
    ManagerPinOverlay *pinOverlay() const { return m_pin; }
    // What the top bar says of speech (why it is unavailable); empty when
    // nothing is shown.
    QString speechNotice() const;
    // A manager's PIN was accepted and the kiosk is closing.
    bool isLeaving() const { return m_leaving; }

Q_SIGNALS:
    // A manager unlocked the kiosk; the window closes once this kiosk's
    // holds are released.
    void leaving(const StaffMember &manager);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyStyle();
    void followScreenOf(QWindow *handle);
    void askForManager();
    void leave(const StaffMember &manager);
    void screenChanged();
    void watchOverlays();
    void showScreenOrOverlay();

    KioskWindow *m_window;
    KioskGuard *m_guard = nullptr;
    KioskSpeech *m_speech = nullptr;
    KioskKeypad *m_keypad = nullptr;
    SpeakButton *m_speak = nullptr;
    QLabel *m_speechNotice = nullptr;
    ManagerPinOverlay *m_pin = nullptr;
    QPointer<QWindow> m_followedHandle;
    QPointer<QScreen> m_styledFor;
    bool m_locked = false;
    bool m_leaving = false;
};
