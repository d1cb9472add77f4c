#pragma once

#include "db/bookings/bookingdetails.h"
#include "db/payments/cardrequestvalues.h"
#include "db/staff/staffmember.h"

#include <QDialog>
#include <QTimer>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

// A manager gives money back on one booking: which payment (card or cash,
// each with what is left of it), how much (all that is left unless typed
// otherwise, in the currency's units as cash is typed), and why (required;
// kept in the audit log). Cash is recorded at once; a card refund is a
// request carwash-server carries out at Stripe, so the dialog shows it
// under way until the request is answered (polled every second, like the
// card dialog; payments_changed is the fast path once the desk listens).
// Refused while no payment server runs, saying so. Amounts are checked again
// by the database, which never refunds more than is left.
class RefundDialog : public QDialog
{
    Q_OBJECT
public:
    RefundDialog(ConnectionPool &pool, const StaffMember &staff, const BookingDetails &details,
                 QWidget *parent = nullptr);

    // The payments offered, by id, with what is left of each.
    QList<qint64> refundablePaymentIds() const;
    void choosePayment(qint64 paymentId);
    qint64 chosenPaymentId() const;
    QString methodText() const;
    // What the amount field holds in cents; nullopt when it is not an amount.
    std::optional<qint64> amountCents() const;
    void setAmountText(const QString &text);
    void setReason(const QString &reason);
    // What "Refund" does; false when refused before anything is sent.
    bool refund();
    bool isBusy() const;
    // The line under the form: why it was refused, progress, or the outcome.
    QString messageText() const;
    bool isDone() const { return m_done; }

    static qint64 leftOf(const Payment &payment) { return payment.amountCents - payment.refundedCents; }

public Q_SLOTS:
    // Reads the card refund's request again (the LISTEN fast path connects here).
    void pollNow();

Q_SIGNALS:
    // Money went back (cash at once; card once the server has done it), or
    // a refund was asked for: the booking changed.
    void refunded();
    void finishedRefund(bool ok);

private:
    void paymentChosen();
    void showMessage(const QString &text, bool error);
    void finish(bool ok, const QString &text);

    ConnectionPool &m_pool;
    StaffMember m_staff;
    BookingDetails m_details;
    QList<Payment> m_refundable;
    QList<qint64> m_waitingFor; // card refunds' request ids
    qint64 m_askedCents = 0;
    QString m_currency;
    bool m_sending = false;
    bool m_polling = false;
    bool m_done = false;
    QTimer m_poll;

    QComboBox *m_payment = nullptr;
    QLabel *m_method = nullptr;
    QLineEdit *m_amount = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_refund = nullptr;
    BusyIndicator *m_busy = nullptr;
};
