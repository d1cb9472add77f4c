#pragma once

#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QTimer>

#include <optional>

class QKeyEvent;
class QMouseEvent;
class QWidget;

// Keeps a kiosk window locked: an event filter on the application that,
// while locked, swallows the keys that leave or switch a window (Escape,
// Alt+F4, Ctrl+Q, Ctrl+W, Alt+Tab as far as Qt sees it, F1-F35, anything
// with Ctrl, Alt or Meta) before any widget or shortcut sees them, refuses
// the window's close events, and puts the window back to full screen if
// something minimises it. Plain keys (digits, Enter, arrows) still pass:
// the tactile keypad uses them. The cursor is hidden until a real mouse
// moves (mouse events Qt or the system made from a touch do not count) and
// hidden again after a few still seconds. The way out is deliberate: a
// press held in the window's top-left corner for 3 s without moving says
// exitRequested(); the window then asks for a manager's PIN and unlocks.
// GUI thread only; the window outlives the guard or the guard stops.
class KioskGuard : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultCornerHoldMs = 3000;
    static constexpr int DefaultCursorHideMs = 4000;

    explicit KioskGuard(QWidget *window, QObject *parent = nullptr);
    ~KioskGuard() override;

    // Frameless, on top of other windows, full screen on the primary
    // screen; keys and closing blocked; the cursor hidden.
    void lock();
    // After a manager's PIN: keys, closing and the cursor as usual.
    void unlock();
    bool isLocked() const { return m_locked; }

    void setCornerHoldDuration(int milliseconds);
    void setCursorHideDelay(int milliseconds);
    bool isCursorHidden() const { return m_cursorHidden; }
    // The top-left square, in the window's pixels, a hold must start in.
    int cornerSize() const;

    // For the kiosk's start-up, before anything is logged: messages go to
    // stderr only and never open a window; QT_FATAL_WARNINGS and
    // QT_FATAL_CRITICALS are taken out of the environment so a warning
    // cannot end a kiosk; a fatal error ends the process at once with
    // status 70, without abort(), so no crash reporter (apport, ABRT,
    // DrKonqi) puts its dialog over the screen: the service manager
    // restarts the kiosk.
    static void installQuietMessageHandler();

Q_SIGNALS:
    void exitRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    static bool leavesTheWindow(const QKeyEvent *key);
    static bool fromRealMouse(const QMouseEvent *mouse);
    bool inWindow(QObject *watched) const;
    void pressStarted(const QPointF &globalPosition);
    void pressMoved(const QPointF &globalPosition);
    void pressEnded();
    void hideCursor();
    void showCursor();

    QPointer<QWidget> m_window;
    QTimer m_cornerHold;
    QTimer m_cursorHide;
    std::optional<QPointF> m_pressedAt; // global, of a press that began in the corner
    bool m_locked = false;
    bool m_cursorHidden = false;
};
