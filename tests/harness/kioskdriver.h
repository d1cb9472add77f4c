#pragma once

#include "ui/kiosk/kioskwindow.h"

#include <QString>

#include <functional>

class QPushButton;

// Drives a KioskWindow as a customer does, for the kiosk's GUI tests
// (KioskFixture) and `carwash-bench kiosk`: left clicks in the middle of
// the buttons a customer sees (visible and enabled, else refused), every
// click counted, and bounded waits that keep the event loop running. A step
// returns false with failure() saying on which screen and why; nothing
// asserts, so a benchmark can count a failure and carry on. GUI thread only.
class KioskDriver
{
public:
    // How often a wait looks at its condition.
    static constexpr int PollMs = 5;

    // Left click in the middle of button; refused unless it is visible and enabled.
    bool tap(QPushButton *button);
    // Waits (events processed) until condition holds, at most timeoutMs;
    // false with "<what> not within N ms" otherwise.
    bool waitFor(const std::function<bool()> &condition, int timeoutMs, const QString &what);
    bool waitForScreen(KioskWindow &kiosk, KioskWindow::Screen screen, int timeoutMs);
    // The attract screen up with the washes loaded.
    bool waitForAttract(KioskWindow &kiosk, int timeoutMs);

    // Attract → wash (the first card, car) → the next free time → plate.
    bool toPlate(KioskWindow &kiosk, int timeoutMs);
    // Each character of plate on the on-screen keyboard, then Continue.
    bool enterPlate(KioskWindow &kiosk, const QString &plate);

    // Records a failure of the caller's own step on kiosk's current screen; false.
    bool fail(const KioskWindow &kiosk, const QString &reason);

    int touches() const { return m_touches; }
    void resetTouches() { m_touches = 0; }
    // Why the last step that returned false failed, with the screen it
    // failed on ("Time: a free time offered not within 60000 ms"); empty
    // before any failure.
    QString failure() const;
    QString failureScreen() const { return m_failureScreen; }
    QString failureReason() const { return m_failureReason; }

    // The screen's name as the reports say it ("Attract", "Pay", …).
    static QString screenName(KioskWindow::Screen screen);

private:
    // A failure on the kiosk driven last.
    bool fail(const QString &reason);

    const KioskWindow *m_kiosk = nullptr; // the last one driven
    int m_touches = 0;
    QString m_failureScreen;
    QString m_failureReason;
};
