#pragma once

#include "db/bookings/booking.h"
#include "db/kiosk/kioskprofile.h"
#include "db/payments/cardreader.h"
#include "db/payments/taxamounts.h"
#include "db/pool/dberror.h"
#include "ui/common/cardpaymentprogress.h"
#include "ui/kiosk/kioskscreen.h"

#include <QTimer>

#include <optional>

class ConnectionPool;
class QLabel;
class QPushButton;
struct KioskHold;
struct KioskOrder;

// Pay: the hold is made as the screen opens (BookingRepo::create with
// hold, the kiosk's actor and one idempotency key per attempt; a time taken
// meanwhile is answered by holding the next free one and saying so), then
// the summary with the tax as the database computes it, and the card:
// on the kiosk's reader at once when it has one and offers it, or by phone
// (the QR code of a Checkout link). Live state is read from the payment and
// its request rows (a poll every second; pollNow() for payments_changed).
// Card payment unavailable (no carwash-server): said plainly, with "Book
// now, pay at the desk" where the kiosk offers it. leave() releases the
// hold and cancels the card payment (KioskRepo::releaseHold).
class PayScreen : public KioskScreen
{
    Q_OBJECT
public:
    enum class Stage { Idle, Holding, Choosing, OnReader, OnPhone, Finishing, Paid, Failed };

    PayScreen(KioskOrder &order, QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;

    // Makes the hold for the order and offers the ways to pay.
    void begin(ConnectionPool &pool, const KioskProfile &profile);
    // Leaving Pay unpaid: the hold released and any card payment cancelled
    // (through the pool; nothing waits). Forgets the booking.
    void leave();
    Stage stage() const { return m_stage; }
    // The reader processing a card, or the customer paying on the phone.
    bool paymentInProgress() const;
    const CardPaymentProgress &progress() const { return m_progress; }
    qint64 paymentId() const { return m_paymentId; }
    std::optional<CardReader> reader() const { return m_reader; }
    bool cardAvailable() const { return m_cardAvailable; }
    QString noticeText() const;
    QString summaryText() const;
    QString stateText() const;
    QString checkoutUrl() const { return m_shownUrl; }
    void setPollInterval(int milliseconds) { m_poll.setInterval(milliseconds); }

    QPushButton *readerButton() const { return m_readerButton; }
    QPushButton *phoneButton() const { return m_phoneButton; }
    QPushButton *tryAgainButton() const { return m_tryAgain; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *deskButton() const { return m_deskButton; }

public Q_SLOTS:
    void pollNow();

Q_SIGNALS:
    // The booking is paid (or, pay at the desk, confirmed unpaid).
    void finished(const Booking &booking, bool paid);
    void stageChanged();
    void databaseTrouble(const DbError &error);

protected:
    void retranslate() override;

private:
    void held(const KioskHold &hold);
    void startCard(bool reader);
    void cancelCard();
    void payAtDesk();
    void show(const CardPaymentProgress &progress);
    void setStage(Stage stage);
    void updateButtons();
    QString progressText() const;

    KioskOrder &m_order;
    ConnectionPool *m_pool = nullptr;
    KioskProfile m_profile;
    Stage m_stage = Stage::Idle;
    quint64 m_generation = 0;
    bool m_slotWasTaken = false;
    TaxAmounts m_charge;
    int m_taxRateBasisPoints = 0;
    bool m_pricesIncludeTax = true;
    QString m_currency;
    bool m_cardAvailable = false;
    QString m_unavailableReason;
    std::optional<CardReader> m_reader;
    bool m_onReader = false;
    bool m_sending = false;
    bool m_polling = false;
    qint64 m_paymentId = 0;
    qint64 m_requestId = 0;
    CardPaymentProgress m_progress;
    QString m_shownUrl;
    QString m_error;
    QTimer m_poll;

    QLabel *m_notice = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_qr = nullptr;
    QPushButton *m_readerButton = nullptr;
    QPushButton *m_phoneButton = nullptr;
    QPushButton *m_tryAgain = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_deskButton = nullptr;
};
