#pragma once

#include "db/payments/payment.h"
#include "db/staff/staffmember.h"

#include <QDialog>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class ReceiptActions;

// Cash at the desk for one booking: the amount due (as the database said
// when the booking was loaded), what the customer hands over (typed in the
// site's currency with the display locale's decimal separator, or one of
// the quick amounts), the change worked out as it is typed. "Take payment"
// is enabled once the amount covers what is due; the payment is recorded
// through the pool (the database works out the amount again and refuses a
// booking paid meanwhile). Then the change shows in large type, with Print
// receipt / Save receipt PDF.
class CashPaymentDialog : public QDialog
{
    Q_OBJECT
public:
    CashPaymentDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId, const QString &code,
                      qint64 dueCents, const QString &currency, QWidget *parent = nullptr);

    qint64 dueCents() const { return m_dueCents; }
    // What the tendered field holds, in cents; nullopt when it is not an amount.
    std::optional<qint64> tenderedCents() const;
    void setTendered(qint64 cents); // as the quick buttons do
    // Records the payment (what "Take payment" does); false when the input
    // is refused before anything is sent.
    bool takePayment();
    bool isBusy() const;
    // The inline message: why the input is refused, or what the database said.
    QString messageText() const;
    std::optional<Payment> payment() const { return m_payment; }
    ReceiptActions *receiptActions() const { return m_receipt; }

    // The quick amounts offered for due: exact, then the next multiples of 5,
    // 10 and 20 currency units above it, without repeats.
    static QList<qint64> quickAmounts(qint64 dueCents);
    // A typed amount in locale (or plain digits with '.'), in cents; nullopt
    // for anything else, more than two decimals, or negative amounts.
    static std::optional<qint64> parseAmount(const QString &text, const QLocale &locale);

Q_SIGNALS:
    // The payment was recorded (the booking is paid).
    void paid(const Payment &payment);

private:
    void updateChange();
    void showMessage(const QString &text);

    ConnectionPool &m_pool;
    StaffMember m_staff;
    qint64 m_bookingId = 0;
    qint64 m_dueCents = 0;
    QString m_currency;
    QStackedWidget *m_pages = nullptr;
    QLineEdit *m_tendered = nullptr;
    QLabel *m_change = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_take = nullptr;
    BusyIndicator *m_busy = nullptr;
    QLabel *m_doneChange = nullptr;
    QLabel *m_doneSummary = nullptr;
    QLabel *m_receiptStatus = nullptr;
    ReceiptActions *m_receipt = nullptr;
    std::optional<Payment> m_payment;
    bool m_sending = false;
};
