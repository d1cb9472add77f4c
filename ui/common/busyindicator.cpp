#include "ui/common/busyindicator.h"

#include <QPainter>
#include <QtMath>

namespace {
constexpr int Spokes = 12;
}

BusyIndicator::BusyIndicator(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Busy"));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    policy.setRetainSizeWhenHidden(true);
    setSizePolicy(policy);
    m_timer.setInterval(80);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_step = (m_step + 1) % Spokes;
        update();
    });
    hide();
}

void BusyIndicator::start(const QString &text)
{
    m_text = text;
    setAccessibleDescription(text);
    m_timer.start();
    updateGeometry();
    show();
    update();
}

void BusyIndicator::stop()
{
    m_timer.stop();
    m_text.clear();
    hide();
}

int BusyIndicator::spinnerSize() const
{
    return fontMetrics().height() + 4;
}

QSize BusyIndicator::sizeHint() const
{
    const int size = spinnerSize();
    const int textWidth = m_text.isEmpty() ? 0 : size / 2 + fontMetrics().horizontalAdvance(m_text);
    return {size + textWidth, size};
}

QSize BusyIndicator::minimumSizeHint() const
{
    return {spinnerSize(), spinnerSize()};
}

void BusyIndicator::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int size = spinnerSize();
    const QPointF centre(size / 2.0, height() / 2.0);
    const qreal outer = size / 2.0 - 1;
    const qreal inner = outer * 0.45;
    QColor colour = palette().color(QPalette::Highlight);
    QPen pen(colour, qMax(2.0, size / 9.0), Qt::SolidLine, Qt::RoundCap);
    for (int i = 0; i < Spokes; ++i) {
        // The newest spoke is solid; the ones behind it fade out.
        const int age = (m_step - i + Spokes) % Spokes;
        colour.setAlphaF(1.0 - age / qreal(Spokes));
        pen.setColor(colour);
        painter.setPen(pen);
        const qreal angle = 2 * M_PI * i / Spokes;
        painter.drawLine(centre + QPointF(inner * qCos(angle), inner * qSin(angle)),
                         centre + QPointF(outer * qCos(angle), outer * qSin(angle)));
    }
    if (!m_text.isEmpty()) {
        painter.setPen(palette().color(QPalette::WindowText));
        const QRect textRect(size + size / 2, 0, width() - size - size / 2, height());
        painter.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, m_text);
    }
}
