#include "ui/kiosk/kioskidleoverlay.h"

#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"

#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

KioskIdleOverlay::KioskIdleOverlay(QWidget *window)
    : KioskOverlay(window)
{
    setObjectName(QStringLiteral("kioskIdleOverlay"));

    m_title = new QLabel(panel());
    m_title->setObjectName(QStringLiteral("idleTitle"));
    m_title->setProperty(KioskStyle::RoleProperty, QStringLiteral("heading"));
    m_title->setAlignment(Qt::AlignCenter);

    m_countdown = new QLabel(panel());
    m_countdown->setObjectName(QStringLiteral("idleCountdown"));
    m_countdown->setAlignment(Qt::AlignCenter);
    m_countdown->setWordWrap(true);

    m_continue = new QPushButton(panel());
    m_continue->setObjectName(QStringLiteral("idleContinue"));
    m_continue->setProperty(KioskStyle::RoleProperty, QStringLiteral("primary"));
    m_continue->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_continue, &QPushButton::clicked, this, [this] {
        stop();
        Q_EMIT continued();
    });

    panelLayout()->addWidget(m_title);
    panelLayout()->addWidget(m_countdown);
    panelLayout()->addWidget(m_continue);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &KioskIdleOverlay::tick);
    retranslate();
}

void KioskIdleOverlay::setTickInterval(int milliseconds)
{
    m_tick.setInterval(std::max(1, milliseconds));
}

void KioskIdleOverlay::start(int seconds)
{
    m_secondsLeft = std::max(seconds, MinimumSeconds);
    showSecondsLeft();
    // Twice a target high: the one thing to touch on this screen.
    m_continue->setMinimumHeight(2 * KioskMetrics(window()->screen()).targetPixels());
    cover();
    m_continue->setFocus(Qt::OtherFocusReason);
    m_tick.start();
    Q_EMIT countdownChanged(m_secondsLeft, m_countdown->text());
}

void KioskIdleOverlay::stop()
{
    m_tick.stop();
    hide();
}

void KioskIdleOverlay::tick()
{
    if (--m_secondsLeft > 0) {
        showSecondsLeft();
        Q_EMIT countdownChanged(m_secondsLeft, m_countdown->text());
        return;
    }
    stop();
    Q_EMIT timedOut();
}

void KioskIdleOverlay::showSecondsLeft()
{
    m_countdown->setText(tr("The screen starts over in %n second(s).", nullptr, m_secondsLeft));
}

void KioskIdleOverlay::retranslate()
{
    m_title->setText(tr("Still there?"));
    setAccessibleName(m_title->text()); // what speech reads as the overlay's title
    m_continue->setText(tr("Continue"));
    m_continue->setAccessibleName(tr("Continue"));
    m_continue->setAccessibleDescription(tr("Keeps what you chose and goes on where you were."));
    showSecondsLeft();
}

void KioskIdleOverlay::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    KioskOverlay::changeEvent(event);
}
