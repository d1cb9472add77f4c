#include "ui/common/titledtextdelegate.h"

#include <QApplication>
#include <QPainter>

namespace {
constexpr int Margin = 4;
constexpr int Flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
} // namespace

TitledTextDelegate::Layout TitledTextDelegate::layout(const QStyleOptionViewItem &option, const QString &text,
                                                      const QRect &area) const
{
    Layout l;
    // Item views turn '\n' into U+2028 for display; accept both.
    qsizetype newline = text.indexOf(u'\n');
    if (newline < 0)
        newline = text.indexOf(QChar::LineSeparator);
    l.title = newline < 0 ? text : text.left(newline);
    l.body = newline < 0 ? QString() : text.mid(newline + 1);
    l.titleFont = option.font;
    l.titleFont.setBold(true);
    const QRect inner = area.adjusted(Margin, Margin, -Margin, -Margin);
    l.titleRect = QFontMetrics(l.titleFont).boundingRect(inner, Flags, l.title);
    l.titleRect.setWidth(inner.width());
    if (!l.body.isEmpty()) {
        const QRect below(inner.left(), l.titleRect.bottom() + 1 + Margin / 2, inner.width(), inner.height());
        l.bodyRect = QFontMetrics(option.font).boundingRect(below, Flags, l.body);
        l.bodyRect.setWidth(inner.width());
    }
    return l;
}

void TitledTextDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    // Background, selection and focus as the style draws them.
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const Layout l = layout(opt, text, opt.rect);
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group
        = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QColor titleColour
        = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor bodyColour = titleColour;
    if (!selected)
        bodyColour.setAlphaF(0.72);

    painter->save();
    painter->setClipRect(opt.rect);
    painter->setFont(l.titleFont);
    painter->setPen(titleColour);
    painter->drawText(l.titleRect, Flags, l.title);
    if (!l.body.isEmpty()) {
        painter->setFont(opt.font);
        painter->setPen(bodyColour);
        painter->drawText(l.bodyRect, Flags, l.body);
    }
    painter->restore();
}

QSize TitledTextDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // The table hands over the column's width when it sizes rows to fit.
    const int width
        = opt.rect.width() > 2 * Margin ? opt.rect.width() : QFontMetrics(opt.font).averageCharWidth() * 40;
    const Layout l = layout(opt, opt.text, QRect(0, 0, width, 100000));
    const int bottom = l.body.isEmpty() ? l.titleRect.bottom() : l.bodyRect.bottom();
    return {width, bottom + 1 + Margin};
}
