#include "ui/kiosk/speakbutton.h"

#include "ui/kiosk/kioskspeech.h"

#include <QEvent>
#include <QLabel>
#include <QPainter>

SpeakButton::SpeakButton(KioskSpeech *speech, QWidget *parent)
    : QPushButton(parent)
    , m_speech(speech)
{
    // Touching it leaves the focus, and so the keypad's place, where it was.
    setFocusPolicy(Qt::NoFocus);
    m_hold.setSingleShot(true);
    m_progress.setInterval(50);
    m_hintTimer.setSingleShot(true);
    connect(&m_hold, &QTimer::timeout, this, &SpeakButton::onHeld);
    connect(&m_progress, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    connect(&m_hintTimer, &QTimer::timeout, this, [this] {
        if (m_hint)
            m_hint->hide();
    });
    connect(this, &QAbstractButton::pressed, this, &SpeakButton::onPressed);
    connect(this, &QAbstractButton::released, this, &SpeakButton::onReleased);
    retranslate();
}

void SpeakButton::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QPushButton::changeEvent(event);
}

void SpeakButton::retranslate()
{
    setText(tr("Speak"));
    setAccessibleName(tr("Speak"));
    setAccessibleDescription(tr("Hold for two seconds to hear the screen read aloud."));
    if (m_hint)
        m_hint->setText(tr("Hold to hear the screen read aloud"));
}

void SpeakButton::onPressed()
{
    m_heldLongEnough = false;
    m_hold.start(m_holdMs);
    if (!m_speech->isEnabled()) {
        m_pressedFor.start();
        m_progress.start();
    }
}

void SpeakButton::onReleased()
{
    const bool wasHolding = m_hold.isActive();
    m_hold.stop();
    m_progress.stop();
    m_pressedFor.invalidate();
    update();
    if (m_heldLongEnough || !wasHolding)
        return;
    if (m_speech->isEnabled())
        m_speech->repeat();
    else
        showHint();
}

void SpeakButton::onHeld()
{
    m_heldLongEnough = true;
    m_progress.stop();
    m_pressedFor.invalidate();
    update();
    if (m_hint)
        m_hint->hide();
    if (m_speech->isEnabled()) {
        m_speech->repeat();
        return;
    }
    m_speech->setEnabled(true);
    emit speechRequested();
}

void SpeakButton::showHint()
{
    QWidget *host = window();
    if (!m_hint || m_hint->parentWidget() != host) {
        delete m_hint;
        m_hint = new QLabel(host);
        m_hint->setObjectName(QStringLiteral("speakHint"));
        m_hint->setWordWrap(true);
        m_hint->setAlignment(Qt::AlignCenter);
        m_hint->setAutoFillBackground(true);
        m_hint->setFrameShape(QFrame::Box);
        m_hint->setMargin(fontMetrics().height() / 2);
        retranslate();
    }
    // Above the key where it fits, else below it, inside the window.
    const int width = qMin(host->width(), qMax(this->width() * 3, fontMetrics().height() * 16));
    m_hint->setFixedWidth(width);
    m_hint->adjustSize();
    const QPoint topCentre = mapTo(host, QPoint(this->width() / 2, 0));
    int y = topCentre.y() - m_hint->height() - fontMetrics().height() / 2;
    if (y < 0)
        y = mapTo(host, QPoint(0, height())).y() + fontMetrics().height() / 2;
    const int x = qBound(0, topCentre.x() - width / 2, qMax(0, host->width() - width));
    m_hint->move(x, y);
    m_hint->show();
    m_hint->raise();
    m_hintTimer.start(m_hintMs);
}

void SpeakButton::paintEvent(QPaintEvent *event)
{
    QPushButton::paintEvent(event);
    if (!m_pressedFor.isValid() || m_holdMs <= 0)
        return;
    // The hold's progress as a band filling from the left.
    const double done = qBound(0.0, double(m_pressedFor.elapsed()) / m_holdMs, 1.0);
    QPainter painter(this);
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlpha(110);
    painter.fillRect(QRect(0, 0, int(width() * done), height()), fill);
}
