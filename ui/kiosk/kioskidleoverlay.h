#pragma once

#include "ui/kiosk/kioskoverlay.h"

#include <QTimer>

class QLabel;
class QPushButton;

// "Still there?" over the kiosk's window after a quiet spell: a countdown
// the customer watches and one big Continue (WCAG 2.2.1: warned, at least
// 20 s to answer with one simple action, as often as they like). Continue
// hides it and says continued(); the countdown running out hides it and
// says timedOut() once. Touches elsewhere on it reach nothing below. The
// window decides when to start it and what a time-out resets.
class KioskIdleOverlay : public KioskOverlay
{
    Q_OBJECT
public:
    static constexpr int MinimumSeconds = 20;

    explicit KioskIdleOverlay(QWidget *window);

    // Shows it over the window and counts down from seconds (never fewer
    // than MinimumSeconds). Starting a running overlay starts it afresh.
    void start(int seconds = MinimumSeconds);
    // Hides it without a signal (e.g. a payment began meanwhile).
    void stop();
    bool isRunning() const { return m_tick.isActive(); }
    int secondsLeft() const { return m_secondsLeft; }
    // One countdown step, normally a second; tests make it short.
    void setTickInterval(int milliseconds);

Q_SIGNALS:
    void continued();
    void timedOut();
    // At start() and at each step of the countdown, with the text shown:
    // what the speech mode reads to a customer who cannot see the screen.
    void countdownChanged(int secondsLeft, const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void tick();
    void showSecondsLeft();
    void retranslate();

    QLabel *m_title = nullptr;
    QLabel *m_countdown = nullptr;
    QPushButton *m_continue = nullptr;
    QTimer m_tick;
    int m_secondsLeft = 0;
};
