#include "ui/kiosk/kioskoverlay.h"

#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

KioskOverlay::KioskOverlay(QWidget *window)
    : QWidget(window)
{
    Q_ASSERT(window);
    // No WA_AcceptTouchEvents: touches become mouse presses, which the
    // panel's buttons take and the backdrop swallows (accepting touch here
    // would take them from the buttons too).
    setAttribute(Qt::WA_NoMousePropagation);
    hide();

    m_panel = new QFrame(this);
    m_panel->setProperty(KioskStyle::RoleProperty, QStringLiteral("panel"));
    m_panel->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Maximum);
    m_panelLayout = new QVBoxLayout(m_panel);

    auto *middle = new QVBoxLayout;
    middle->addStretch(1);
    middle->addWidget(m_panel, 0, Qt::AlignHCenter);
    middle->addStretch(1);
    auto *row = new QHBoxLayout(this);
    row->addStretch(1);
    row->addLayout(middle);
    row->addStretch(1);

    window->installEventFilter(this);
}

void KioskOverlay::cover()
{
    QWidget *window = parentWidget();
    const KioskMetrics metrics(window->screen());
    m_panelLayout->setSpacing(metrics.gapPixels() * 2);
    m_panelLayout->setContentsMargins(metrics.targetPixels() / 2, metrics.targetPixels() / 2,
                                      metrics.targetPixels() / 2, metrics.targetPixels() / 2);
    // Wide enough that a sentence of the large text wraps into few lines,
    // never wider than the window.
    m_panel->setFixedWidth(std::min(window->width() - 2 * metrics.gapPixels(), 14 * metrics.targetPixels()));
    setGeometry(window->rect());
    show();
    raise();
}

bool KioskOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        cover();
    else if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    else if (watched == parentWidget() && event->type() == QEvent::ChildAdded && isVisible())
        raise(); // a screen added meanwhile stays below
    return QWidget::eventFilter(watched, event);
}

void KioskOverlay::paintEvent(QPaintEvent *)
{
    // Dim, not hide: the customer still sees where they were.
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0, 0, 0, 200));
}

// The window and the screen below never hear of a touch on the backdrop.
void KioskOverlay::mousePressEvent(QMouseEvent *event)
{
    event->accept();
}

void KioskOverlay::mouseReleaseEvent(QMouseEvent *event)
{
    event->accept();
}
