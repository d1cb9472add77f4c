#pragma once

#include "db/bookings/booking.h"
#include "ui/kiosk/kioskscreen.h"

#include <QTimer>

#include <memory>
#include <optional>

class ConnectionPool;
class QLabel;
class QPrinter;
class QPushButton;

// Done: the confirmation code large with its QR code, the bay and time,
// "Drive to Tunnel Lane 2"; the receipt printed where the kiosk has a
// printer (the system's default printer; none: nothing is said about
// receipts), assembled from the database like the desk's; back to the
// attract screen by itself after ReturnAfterMs (finished()) or at once with
// the Finish button.
class DoneScreen : public KioskScreen
{
    Q_OBJECT
public:
    static constexpr int ReturnAfterMs = 30 * 1000;

    explicit DoneScreen(QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;
    // paid false: booked, to be paid at the desk. With a pool and a
    // printer, the receipt is printed.
    void showBooking(const Booking &booking, bool paid, ConnectionPool *pool = nullptr);
    // Where receipts go; the default printer when one is configured.
    void setReceiptPrinter(std::shared_ptr<QPrinter> printer) { m_printer = std::move(printer); }
    bool hasReceiptPrinter() const { return m_printer != nullptr; }
    // "Your receipt is printing." and what came of it; empty without a printer.
    QString receiptText() const;
    void clear();
    QString codeText() const;
    QString detailsText() const;
    QImage qrImage() const;
    QPushButton *finishButton() const { return m_finish; }
    void setReturnAfter(int milliseconds) { m_return.setInterval(milliseconds); }

Q_SIGNALS:
    void finished();
    void receiptPrinted(bool ok);

protected:
    void retranslate() override;

private:
    std::optional<Booking> m_booking;
    bool m_paid = true;
    QLabel *m_code = nullptr;
    QLabel *m_qr = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_drive = nullptr;
    QLabel *m_receipt = nullptr;
    QPushButton *m_finish = nullptr;
    QTimer m_return;
    std::shared_ptr<QPrinter> m_printer;
    enum class ReceiptState { None, Printing, Printed, Failed } m_receiptState = ReceiptState::None;
    quint64 m_generation = 0;
};
