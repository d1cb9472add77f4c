#pragma once

#include "db/payments/cardreader.h"
#include "db/staff/staffmember.h"
#include "ui/common/cardpaymentprogress.h"

#include <QDialog>
#include <QTimer>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class QLabel;
class QPushButton;
class QStackedWidget;
class ReceiptActions;

// Card payment for one booking at the desk. First it asks, off the GUI
// thread, whether card payment can be offered at all (a carwash-server has
// reported within the minute) and which reader serves this desk; when not,
// it says why and what to do (take cash) and nothing else. Otherwise two
// ways: on the desk's reader (only when card_readers assigns one to this
// desk, see deskName()) or a QR code of a Stripe Checkout link for the
// customer's phone. Either writes a payment and a request row through
// CardPaymentRequests (amounts from the database, never from here) and then
// shows the live state, read from those rows.
//
// How it learns about answers: pollNow() reads the payment and its request
// in one unit of work; a timer calls it every second while a payment is
// under way (idempotent: a poll in flight is not doubled). That timer is
// the fallback: carwash-server NOTIFYs payments_changed with every change it
// applies, the desk's BookingChangeListener hears it and the booking's
// BookingDetailsDialog::paymentNews() calls pollNow() at once.
class CardPaymentDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Page { Checking, Unavailable, Choose, Reader, QrCode, Paid };

    CardPaymentDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId, const QString &code,
                      qint64 dueCents, const QString &currency, QWidget *parent = nullptr);

    // This desk's name as card_readers knows it: the computer's host name,
    // as the process health rows name it (ProcessIdentity). A manager
    // assigns the desk's reader with
    //   carwash-admin reader add tmr_… --label "Front desk" --desk <host name>
    static QString deskName();
    // A held booking's hold ends the Checkout session early (the server
    // expires it then): the time left counts to whichever comes first.
    void setHoldExpiresAt(const QDateTime &holdExpiresAt) { m_holdExpiresAt = holdExpiresAt; }

    Page page() const;
    // Why card payment is unavailable (the Unavailable page); empty otherwise.
    QString unavailableText() const;
    // This desk's reader, when it has one.
    std::optional<CardReader> reader() const { return m_reader; }
    // Whether the reader way is offered (the Choose page).
    bool offersReader() const;

    // What the buttons do (tests call them too); false when not offered now.
    bool payOnReader();
    bool payByQrCode();
    // After a decline or a failure: a fresh attempt the same way.
    bool tryAgain();
    // Cancels the payment under way (at the reader, or the Checkout session).
    bool cancelPayment();

    qint64 paymentId() const { return m_paymentId; }
    qint64 requestId() const { return m_requestId; }
    const CardPaymentProgress &progress() const { return m_progress; }
    QString stateText() const;
    QString checkoutUrl() const { return m_shownUrl; }
    // The QR code on show; null before the link is there.
    QImage qrImage() const;
    bool isBusy() const;
    // How often the fallback poll reads the rows while a payment is under way.
    void setPollInterval(int milliseconds) { m_poll.setInterval(milliseconds); }
    std::optional<Payment> payment() const { return m_progress.payment; }
    ReceiptActions *receiptActions() const { return m_receipt; }

public Q_SLOTS:
    // Reads the payment and its request again. The LISTEN fast path
    // (payments_changed) connects here.
    void pollNow();

Q_SIGNALS:
    // The booking was paid by card.
    void paid(const Payment &payment);
    // After each poll's answer was shown.
    void progressChanged();
    // The payment was cancelled from here (the booking changed).
    void cancelled();

private:
    void check();
    void start(bool reader);
    void started(qint64 paymentId, qint64 requestId, bool reader);
    void show(const CardPaymentProgress &progress);
    void showError(const QString &text);
    void updateTimeLeft();
    void setPage(Page page);

    ConnectionPool &m_pool;
    StaffMember m_staff;
    qint64 m_bookingId = 0;
    QString m_code;
    qint64 m_dueCents = 0;
    QString m_currency;
    std::optional<CardReader> m_reader;
    bool m_onReader = false;
    qint64 m_paymentId = 0;
    qint64 m_requestId = 0;
    CardPaymentProgress m_progress;
    QString m_shownUrl;
    QDateTime m_holdExpiresAt;
    bool m_checking = false;
    bool m_sending = false;
    bool m_polling = false;
    QTimer m_poll;
    QTimer m_countdown;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_unavailable = nullptr;
    QPushButton *m_readerButton = nullptr;
    QPushButton *m_qrButton = nullptr;
    QLabel *m_noReader = nullptr;
    QLabel *m_chooseError = nullptr;
    QLabel *m_readerState = nullptr;
    QPushButton *m_readerRetry = nullptr;
    QPushButton *m_readerCancel = nullptr;
    QLabel *m_qrImage = nullptr;
    QLabel *m_qrLink = nullptr;
    QLabel *m_qrState = nullptr;
    QLabel *m_qrTimeLeft = nullptr;
    QPushButton *m_qrRetry = nullptr;
    QPushButton *m_qrCancel = nullptr;
    QLabel *m_paidSummary = nullptr;
    QLabel *m_receiptStatus = nullptr;
    BusyIndicator *m_busy = nullptr;
    ReceiptActions *m_receipt = nullptr;
};
