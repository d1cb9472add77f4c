#include "ui/kiosk/kioskkeypad.h"

#include "ui/kiosk/kioskspeech.h"

#include <QAbstractButton>
#include <QApplication>
#include <QKeyEvent>
#include <QWidget>

KioskKeypad::KioskKeypad(KioskSpeech *speech, QObject *parent)
    : QObject(parent)
    , m_speech(speech)
{
    qApp->installEventFilter(this);
}

KioskKeypad::~KioskKeypad()
{
    qApp->removeEventFilter(this);
}

KioskKeypad::Action KioskKeypad::actionFor(const QKeyEvent *event)
{
    // The number row's digits and the keypad's with Num Lock on, and what
    // the same keypad keys send with Num Lock off.
    switch (event->key()) {
    case Qt::Key_4:
    case Qt::Key_Left:
        return Action::Previous;
    case Qt::Key_6:
    case Qt::Key_Right:
        return Action::Next;
    case Qt::Key_5:
    case Qt::Key_Clear:
        return Action::Select;
    case Qt::Key_0:
    case Qt::Key_Insert:
        return Action::Repeat;
    default:
        return Action::None;
    }
}

bool KioskKeypad::isKeypadKey(const QKeyEvent *event, const QWidget *receiver) const
{
    if (event->modifiers() & Qt::KeypadModifier)
        return true;
    const bool digit = event->key() >= Qt::Key_0 && event->key() <= Qt::Key_9;
    // A widget that takes typed text (line edits, spin boxes, text edits)
    // gets its digits.
    return digit && !receiver->testAttribute(Qt::WA_InputMethodEnabled);
}

bool KioskKeypad::eventFilter(QObject *watched, QEvent *event)
{
    // Key events reach the window first and then its focus widget; only the
    // widget's turn is taken, so each key acts once.
    if ((event->type() != QEvent::KeyPress && event->type() != QEvent::KeyRelease)
        || !watched->isWidgetType())
        return false;
    const auto *key = static_cast<QKeyEvent *>(event);
    const auto *receiver = static_cast<QWidget *>(watched);
    if (!isKeypadKey(key, receiver))
        return false;
    if (!m_speech->isEnabled()) {
        if (event->type() == QEvent::KeyPress && !key->isAutoRepeat()) {
            m_speech->setEnabled(true);
            emit speechRequested();
        }
        return true;
    }
    const Action action = actionFor(key);
    if (action == Action::None)
        return false;
    if (event->type() == QEvent::KeyPress && !key->isAutoRepeat())
        perform(action);
    return true;
}

void KioskKeypad::perform(Action action)
{
    switch (action) {
    case Action::Previous:
        moveFocus(-1);
        break;
    case Action::Next:
        moveFocus(+1);
        break;
    case Action::Select: {
        QWidget *screen = m_speech->currentScreen();
        QWidget *focused = screen ? screen->window()->focusWidget() : nullptr;
        if (auto *button = qobject_cast<QAbstractButton *>(focused);
            button && m_speech->navigableWidgets().contains(button))
            button->click();
        else
            m_speech->repeat();
        break;
    }
    case Action::Repeat:
        m_speech->repeat();
        break;
    case Action::None:
        break;
    }
}

void KioskKeypad::moveFocus(int step)
{
    const QList<QWidget *> widgets = m_speech->navigableWidgets();
    if (widgets.isEmpty())
        return;
    QWidget *focused = m_speech->currentScreen()->window()->focusWidget();
    const qsizetype at = widgets.indexOf(focused);
    qsizetype next;
    if (at < 0)
        next = step > 0 ? 0 : widgets.size() - 1;
    else
        next = (at + step + widgets.size()) % widgets.size();
    if (widgets.at(next) == focused)
        m_speech->repeat(); // the only choice: say it again rather than nothing
    else
        widgets.at(next)->setFocus(Qt::TabFocusReason);
}
