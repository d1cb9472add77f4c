#pragma once

#include "ui/kiosk/kioskscreen.h"

#include <QTimer>

class QLabel;

// "Out of service - please see the desk", with the time: while the database
// cannot be reached (at start or later). The window retries by itself and
// leaves this screen by itself; there is nothing to touch here but Call
// attendant.
class OutOfServiceScreen : public KioskScreen
{
    Q_OBJECT
public:
    explicit OutOfServiceScreen(QWidget *parent = nullptr);

    QString title() const override;
    QString clockText() const;

protected:
    void retranslate() override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLabel *m_message = nullptr;
    QLabel *m_clock = nullptr;
    QTimer m_tick;
};
