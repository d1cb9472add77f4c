#pragma once

#include "db/bookings/booking.h"
#include "ui/kiosk/kioskscreen.h"

#include <QTimer>

#include <optional>

class QLabel;
class QPushButton;

// Done: the confirmation code large with its QR code, the bay and time,
// "Drive to Tunnel Lane 2"; back to the attract screen by itself after
// ReturnAfterMs (finished()) or at once with the Finish button.
class DoneScreen : public KioskScreen
{
    Q_OBJECT
public:
    static constexpr int ReturnAfterMs = 30 * 1000;

    explicit DoneScreen(QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;
    // paid false: booked, to be paid at the desk.
    void showBooking(const Booking &booking, bool paid);
    void clear();
    QString codeText() const;
    QString detailsText() const;
    QImage qrImage() const;
    QPushButton *finishButton() const { return m_finish; }
    void setReturnAfter(int milliseconds) { m_return.setInterval(milliseconds); }

Q_SIGNALS:
    void finished();

protected:
    void retranslate() override;

private:
    std::optional<Booking> m_booking;
    bool m_paid = true;
    QLabel *m_code = nullptr;
    QLabel *m_qr = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_drive = nullptr;
    QPushButton *m_finish = nullptr;
    QTimer m_return;
};
