#include "ui/kiosk/orientationlayout.h"

#include <algorithm>

OrientationLayout::OrientationLayout(QWidget *parent)
    : QBoxLayout(TopToBottom, parent)
{ }

QSize OrientationLayout::minimumFor(Direction along) const
{
    const bool horizontal = along == LeftToRight;
    int length = 0;
    int breadth = 0;
    int parts = 0;
    for (int i = 0; i < count(); ++i) {
        QLayoutItem *item = itemAt(i);
        if (item->isEmpty())
            continue;
        const QSize least = item->minimumSize();
        length += horizontal ? least.width() : least.height();
        breadth = std::max(breadth, horizontal ? least.height() : least.width());
        ++parts;
    }
    length += std::max(0, parts - 1) * std::max(0, spacing());
    const QMargins margins = contentsMargins();
    const QSize size = horizontal ? QSize(length, breadth) : QSize(breadth, length);
    return size.grownBy(margins);
}

QSize OrientationLayout::minimumSize() const
{
    const QSize stacked = minimumFor(TopToBottom);
    const QSize beside = minimumFor(LeftToRight);
    return QSize(std::min(stacked.width(), beside.width()), std::min(stacked.height(), beside.height()));
}

void OrientationLayout::setGeometry(const QRect &rect)
{
    // Beside each other where they fit so and the area is wide, or where
    // stacked they would not fit; otherwise stacked.
    const QSize stacked = minimumFor(TopToBottom);
    const QSize beside = minimumFor(LeftToRight);
    const bool wide = rect.width() > rect.height() || rect.height() < stacked.height();
    setDirection(wide && rect.width() >= beside.width() ? LeftToRight : TopToBottom);
    QBoxLayout::setGeometry(rect);
}
