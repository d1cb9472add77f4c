#pragma once

#include <QBoxLayout>

// A box whose parts stand beside each other on an area wider than tall (or
// too short to stack them) and one above the other otherwise: the plate
// screen's fields and keyboard on a 1280x800 screen at 150 %, where stacked
// they need more height than there is. Its minimum is the smaller need of
// the two arrangements in each direction, so a window is never held larger
// than the arrangement it will use.
class OrientationLayout : public QBoxLayout
{
public:
    explicit OrientationLayout(QWidget *parent = nullptr);

    QSize minimumSize() const override;
    void setGeometry(const QRect &rect) override;

    bool sideBySide() const { return direction() == LeftToRight; }

private:
    // The least size of the parts, with this layout's margins, arranged in
    // the direction given.
    QSize minimumFor(Direction direction) const;
};
