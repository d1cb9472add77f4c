#pragma once

#include "db/payments/cardrequestvalues.h"
#include "db/payments/payment.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include <optional>

class QSqlDatabase;

// Where a card payment asked for at a desk or a kiosk stands, read from the
// database: the payment row and the request carwash-server answers. The
// card dialogs show it and decide from it; every poll (and, once the desk
// listens for payments_changed, every notification) produces a new one.
// Plain value, copied across threads.
struct CardPaymentProgress
{
    Q_DECLARE_TR_FUNCTIONS(CardPaymentProgress)
public:
    enum class State {
        Sending, // the request is not answered yet
        Waiting, // reader: waiting for the card; Checkout: the QR code is up
        Processing, // the bank is working on it
        Declined, // reader: the card was refused; another may be tried
        Failed, // the request failed (Stripe's message) or the payment failed
        Cancelled,
        Expired, // the Checkout session ran out unpaid
        Paid,
    };

    std::optional<Payment> payment;
    std::optional<PaymentRequestState> request;

    State state() const;
    bool isFinal() const;
    // The live line under the amount, in words; reader says which way of
    // paying it is ("the reader", "the customer's phone").
    QString text(bool reader) const;
    // The Checkout link once the server has made it; empty before.
    QString checkoutUrl() const;
    QDateTime checkoutExpiresAt() const;
    // "12:34 left" (minutes and seconds) from now to the Checkout
    // session's end; empty without one.
    static QString timeLeft(const QDateTime &expiresAt, const QDateTime &now);
    // The payment and (when requestId) its request as they stand now; in a
    // unit of work on a pooled connection (the desk's and kiosk's polls).
    static CardPaymentProgress read(QSqlDatabase &db, qint64 paymentId, qint64 requestId);
};
