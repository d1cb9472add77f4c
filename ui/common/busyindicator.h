#pragma once

#include <QTimer>
#include <QWidget>

// A small spinner with an optional line of text ("Checking PIN…"), shown
// while work runs on the pool. Hidden when stopped, but it keeps its place
// in the layout so nothing jumps.
class BusyIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit BusyIndicator(QWidget *parent = nullptr);

    void start(const QString &text = {});
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    QString text() const { return m_text; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int spinnerSize() const;

    QTimer m_timer;
    int m_step = 0;
    QString m_text;
};
