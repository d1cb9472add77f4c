#include "ui/common/idlewatcher.h"

#include <QCoreApplication>
#include <QEvent>
#include <QSettings>

#include <algorithm>
#include <cmath>

IdleWatcher::IdleWatcher(QObject *parent)
    : QObject(parent)
{
    m_sinceInput.start();
    connect(&m_check, &QTimer::timeout, this, &IdleWatcher::check);
    QCoreApplication::instance()->installEventFilter(this);
    setTimeout(timeoutFromSettings());
}

IdleWatcher::~IdleWatcher()
{
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

int IdleWatcher::timeoutFromSettings()
{
    QSettings settings;
    bool ok = false;
    double minutes = settings.value(settingsKey(), DefaultMinutes).toDouble(&ok);
    if (!ok || !std::isfinite(minutes) || minutes < 0)
        minutes = DefaultMinutes;
    // A day is more than any shift: beyond it the setting is a typo.
    minutes = std::min(minutes, 24.0 * 60);
    return int(std::lround(minutes * 60000));
}

void IdleWatcher::setTimeout(int milliseconds)
{
    m_timeoutMs = std::max(0, milliseconds);
    // Checking a few times per timeout (at most once a second) makes the
    // sign-out at most a quarter late without a timer restart per event.
    m_check.setInterval(std::clamp(m_timeoutMs / 4, 20, 1000));
    setActive(m_active);
}

void IdleWatcher::setActive(bool active)
{
    m_active = active;
    m_sinceInput.restart();
    if (m_active && m_timeoutMs > 0)
        m_check.start();
    else
        m_check.stop();
}

bool IdleWatcher::eventFilter(QObject *watched, QEvent *event)
{
    // Only what came from the window system: Qt re-sends input to parent
    // widgets and makes up events of its own, neither of which is a person.
    if (!event->spontaneous())
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TabletPress:
        m_sinceInput.restart();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void IdleWatcher::check()
{
    if (!m_active || m_timeoutMs <= 0 || m_sinceInput.elapsed() < m_timeoutMs)
        return;
    m_active = false;
    m_check.stop();
    Q_EMIT idle();
}
