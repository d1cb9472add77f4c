#pragma once

#include <QWidget>

class QFrame;
class QVBoxLayout;

// What the kiosk's overlays share: a widget over the whole of its window,
// a dark backdrop that takes every touch and click on it (nothing reaches
// the screen below) and a bordered panel in the middle that holds the
// content. Hidden until show(); follows the window's size. Not a dialog and
// never a window of its own: a kiosk shows no Qt dialogs.
class KioskOverlay : public QWidget
{
    Q_OBJECT
public:
    explicit KioskOverlay(QWidget *window);

protected:
    // The panel's layout, for the content.
    QVBoxLayout *panelLayout() const { return m_panelLayout; }
    QFrame *panel() const { return m_panel; }
    // Over the window's current contents, sized to it, on top.
    void cover();

    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QFrame *m_panel = nullptr;
    QVBoxLayout *m_panelLayout = nullptr;
};
