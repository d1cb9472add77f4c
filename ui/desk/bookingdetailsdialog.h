#pragma once

#include "db/bookings/bookingdetails.h"
#include "db/staff/staffmember.h"

#include <QDialog>
#include <QHash>
#include <QPointer>

#include <optional>

class BusyIndicator;
class CardPaymentDialog;
class CashPaymentDialog;
class ConnectionPool;
class ErrorBanner;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class ReceiptActions;
class RefundDialog;
class RescheduleDialog;

// One booking at the desk: what was booked, by whom, the money (paid, or
// what is due) and its history; the lifecycle steps its status allows
// (Check in, Start, Complete, Cancel… with a reason, No-show), Reschedule…,
// Take cash…, Card… (the desk's reader or a QR code), Refund… (managers)
// and the receipt. Everything loads and changes through the
// pool, in the signed-in person's name; after each change, and after a
// refusal (another desk moved it on meanwhile), the booking is loaded
// again so the screen shows what the database holds. A button is shown
// only when it can do something for the booking as it stands.
class BookingDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    BookingDetailsDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId,
                         QWidget *parent = nullptr);

    qint64 bookingId() const { return m_bookingId; }
    const std::optional<BookingDetails> &details() const { return m_details; }
    bool isBusy() const;
    // The line under the buttons: what just happened, or why it did not.
    QString messageText() const;

    void reload();
    // The actions the buttons take (tests call them too). Each returns false
    // when it is not offered for the booking as loaded.
    bool changeStatus(const QString &status);
    // Opens the reason form for a cancellation; confirmCancel() sends it.
    bool startCancel();
    bool confirmCancel(const QString &reason);
    RescheduleDialog *openReschedule();
    CashPaymentDialog *openCashPayment();
    // Card…: offered where Take cash is.
    CardPaymentDialog *openCardPayment();
    // Refund…: managers only, when something paid is left to give back.
    RefundDialog *openRefund();
    ReceiptActions *receiptActions() const { return m_receipt; }
    // The status names whose buttons are shown now, in lifecycle order.
    QStringList offeredTransitions() const;
    // carwash-server's news about a payment (the desk's listener): the open
    // Card… or Refund… of this booking reads its rows again at once.
    void paymentNews(qint64 bookingId);

Q_SIGNALS:
    void loaded();
    // After an action came back, successful or not.
    void actionFinished(bool ok);
    // The booking changed in the database (status, time, payment).
    void bookingChanged(qint64 bookingId);

private:
    void display(const BookingDetails &details);
    void updateButtons();
    void showMessage(const QString &text, bool error);
    void runStatusChange(const QString &status, const QString &reason);

    ConnectionPool &m_pool;
    StaffMember m_staff;
    qint64 m_bookingId = 0;
    std::optional<BookingDetails> m_details;
    quint64 m_loadSerial = 0; // the latest load; older answers are dropped
    bool m_loading = false;
    bool m_acting = false;

    ErrorBanner *m_banner = nullptr;
    QLabel *m_title = nullptr;
    QFormLayout *m_form = nullptr;
    QHash<QString, QLabel *> m_fields; // by objectName suffix
    QTreeWidget *m_payments = nullptr;
    QTreeWidget *m_history = nullptr;
    QHash<QString, QPushButton *> m_transitionButtons; // by target status
    QPushButton *m_reschedule = nullptr;
    QPushButton *m_cash = nullptr;
    QPushButton *m_card = nullptr;
    QPushButton *m_refund = nullptr;
    QPushButton *m_printReceipt = nullptr;
    QPushButton *m_saveReceipt = nullptr;
    QPushButton *m_refresh = nullptr;
    QWidget *m_cancelForm = nullptr;
    QLineEdit *m_cancelReason = nullptr;
    QLabel *m_message = nullptr;
    BusyIndicator *m_busy = nullptr;
    ReceiptActions *m_receipt = nullptr;
    QPointer<RescheduleDialog> m_rescheduleDialog;
    QPointer<CashPaymentDialog> m_cashDialog;
    QPointer<CardPaymentDialog> m_cardDialog;
    QPointer<RefundDialog> m_refundDialog;
};
