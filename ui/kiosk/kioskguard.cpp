#include "ui/kiosk/kioskguard.h"

#include "ui/kiosk/kioskmetrics.h"

#include <QApplication>
#include <QCloseEvent>
#include <QKeyEvent>
#include <QLoggingCategory>
#include <QMouseEvent>
#include <QPointingDevice>
#include <QScreen>
#include <QTouchEvent>
#include <QWidget>

#include <cstdio>
#include <cstdlib>

Q_LOGGING_CATEGORY(lcKioskGuard, "carwash.ui.kiosk.guard", QtWarningMsg)

namespace {

// Full screen and not minimised (Qt keeps the full-screen flag while a
// window is minimised).
bool fullScreen(Qt::WindowStates state)
{
    return state.testFlag(Qt::WindowFullScreen) && !state.testFlag(Qt::WindowMinimized);
}

} // namespace

KioskGuard::KioskGuard(QWidget *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
{
    Q_ASSERT(window);
    m_cornerHold.setSingleShot(true);
    m_cornerHold.setInterval(DefaultCornerHoldMs);
    connect(&m_cornerHold, &QTimer::timeout, this, [this] {
        m_pressedAt.reset();
        Q_EMIT exitRequested();
    });
    m_cursorHide.setSingleShot(true);
    m_cursorHide.setInterval(DefaultCursorHideMs);
    connect(&m_cursorHide, &QTimer::timeout, this, [this] {
        if (m_locked)
            hideCursor();
    });
    qApp->installEventFilter(this);
}

KioskGuard::~KioskGuard()
{
    if (qApp)
        qApp->removeEventFilter(this);
    showCursor();
}

void KioskGuard::lock()
{
    m_locked = true;
    if (m_window) {
        m_window->setWindowFlags(m_window->windowFlags() | Qt::FramelessWindowHint
                                 | Qt::WindowStaysOnTopHint);
        if (QScreen *primary = QGuiApplication::primaryScreen()) {
            m_window->setScreen(primary);
            m_window->setGeometry(primary->geometry());
        }
        m_window->showFullScreen();
    }
    hideCursor();
}

void KioskGuard::unlock()
{
    m_locked = false;
    m_cornerHold.stop();
    m_pressedAt.reset();
    m_cursorHide.stop();
    showCursor();
}

void KioskGuard::setCornerHoldDuration(int milliseconds)
{
    m_cornerHold.setInterval(std::max(1, milliseconds));
}

void KioskGuard::setCursorHideDelay(int milliseconds)
{
    m_cursorHide.setInterval(std::max(1, milliseconds));
}

int KioskGuard::cornerSize() const
{
    // Two targets square: easy to find on purpose, in a spot no screen
    // puts a control in.
    return 2 * KioskMetrics(m_window ? m_window->screen() : nullptr).targetPixels();
}

bool KioskGuard::leavesTheWindow(const QKeyEvent *key)
{
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return true; // Alt+F4, Alt+Tab, Ctrl+Q, Ctrl+W, Ctrl+Alt+…, Meta+…
    const int code = key->key();
    if (code >= Qt::Key_F1 && code <= Qt::Key_F35)
        return true; // F11 (full screen), F1 (help), …
    switch (code) {
    case Qt::Key_Escape:
    case Qt::Key_Menu:
    case Qt::Key_Close:
    case Qt::Key_Back:
    case Qt::Key_Forward:
    case Qt::Key_Super_L:
    case Qt::Key_Super_R:
    case Qt::Key_Meta:
    case Qt::Key_Alt:
    case Qt::Key_AltGr:
    case Qt::Key_Control:
    case Qt::Key_Launch0:
    case Qt::Key_PowerOff:
    case Qt::Key_Sleep:
    case Qt::Key_Suspend:
    case Qt::Key_Hibernate:
    case Qt::Key_LogOff:
        return true;
    default:
        return false;
    }
}

bool KioskGuard::fromRealMouse(const QMouseEvent *mouse)
{
    if (mouse->source() != Qt::MouseEventNotSynthesized)
        return false; // made from a touch by Qt or by the window system
    const QPointingDevice *device = mouse->pointingDevice();
    return device
        && (device->type() == QInputDevice::DeviceType::Mouse
            || device->type() == QInputDevice::DeviceType::TouchPad);
}

bool KioskGuard::inWindow(QObject *watched) const
{
    const auto *widget = qobject_cast<QWidget *>(watched);
    return m_window && widget && widget->window() == m_window;
}

bool KioskGuard::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::ShortcutOverride:
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
        if (m_locked && leavesTheWindow(static_cast<QKeyEvent *>(event))) {
            // An accepted override keeps the shortcut map from firing;
            // returning true keeps the key from every widget.
            event->accept();
            return true;
        }
        break;
    case QEvent::Close:
        if (m_locked && watched == m_window) {
            qCInfo(lcKioskGuard) << "A close of the locked kiosk window was refused.";
            event->ignore();
            return true;
        }
        break;
    case QEvent::WindowStateChange:
        if (m_locked && watched == m_window && !fullScreen(m_window->windowState())) {
            // Minimised or restored by the window manager: back at once,
            // after Qt has finished this change.
            QTimer::singleShot(0, this, [this] {
                if (m_locked && m_window && !fullScreen(m_window->windowState()))
                    m_window->showFullScreen();
            });
        }
        break;
    case QEvent::MouseMove:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease: {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (m_locked && fromRealMouse(mouse)) {
            showCursor();
            m_cursorHide.start();
        }
        if (!m_locked || !inWindow(watched))
            break;
        if (event->type() == QEvent::MouseButtonPress)
            pressStarted(mouse->globalPosition());
        else if (event->type() == QEvent::MouseMove && (mouse->buttons() & Qt::LeftButton))
            pressMoved(mouse->globalPosition());
        else if (event->type() == QEvent::MouseButtonRelease)
            pressEnded();
        break;
    }
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TouchEnd:
    case QEvent::TouchCancel: {
        // Widgets that take touches themselves (kinetic lists) get no
        // mouse events made from them: the hold is followed here too.
        const auto *touch = static_cast<QTouchEvent *>(event);
        if (!m_locked || !inWindow(watched) || touch->points().isEmpty())
            break;
        const QPointF global = touch->points().first().globalPosition();
        if (event->type() == QEvent::TouchBegin)
            pressStarted(global);
        else if (event->type() == QEvent::TouchUpdate)
            pressMoved(global);
        else
            pressEnded();
        break;
    }
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void KioskGuard::pressStarted(const QPointF &globalPosition)
{
    if (m_pressedAt && *m_pressedAt == globalPosition)
        return; // the same press handed on to a parent widget, or its mouse twin
    const QPoint inWindow = m_window->mapFromGlobal(globalPosition.toPoint());
    const int corner = cornerSize();
    if (QRect(0, 0, corner, corner).contains(inWindow)) {
        m_pressedAt = globalPosition;
        m_cornerHold.start();
    } else {
        pressEnded();
    }
}

void KioskGuard::pressMoved(const QPointF &globalPosition)
{
    if (!m_pressedAt)
        return;
    // A finger rolls a little; a swipe is not a hold.
    const double allowed = KioskMetrics(m_window->screen()).targetPixels() / 2.0;
    if (QLineF(*m_pressedAt, globalPosition).length() > allowed)
        pressEnded();
}

void KioskGuard::pressEnded()
{
    m_pressedAt.reset();
    m_cornerHold.stop();
}

void KioskGuard::hideCursor()
{
    if (m_cursorHidden)
        return;
    QGuiApplication::setOverrideCursor(QCursor(Qt::BlankCursor));
    m_cursorHidden = true;
}

void KioskGuard::showCursor()
{
    if (!m_cursorHidden)
        return;
    QGuiApplication::restoreOverrideCursor();
    m_cursorHidden = false;
}

namespace {

void quietMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = qFormatLogMessage(type, context, message).toLocal8Bit();
    std::fprintf(stderr, "%s\n", line.constData());
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::_Exit(70); // EX_SOFTWARE; no abort(), so no crash reporter's window
}

} // namespace

void KioskGuard::installQuietMessageHandler()
{
    qunsetenv("QT_FATAL_WARNINGS");
    qunsetenv("QT_FATAL_CRITICALS");
    qInstallMessageHandler(quietMessageHandler);
}
