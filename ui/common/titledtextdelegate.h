#pragma once

#include <QStyledItemDelegate>

// Shows a cell whose text is "Title\nmore text" with the title in bold and
// the rest wrapped below it in a quieter colour, and sizes the row to fit.
// The item's text stays plain, so screen readers read it whole.
class TitledTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    struct Layout
    {
        QString title;
        QString body;
        QFont titleFont;
        QRect titleRect;
        QRect bodyRect;
    };
    Layout layout(const QStyleOptionViewItem &option, const QString &text, const QRect &area) const;
};
