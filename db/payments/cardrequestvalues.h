#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

// One row of payment_requests as the desk, the kiosk and carwash-admin poll
// it: Stripe work asked of carwash-server and its answer. Plain value.
struct PaymentRequestState
{
    qint64 id = 0;
    QString kind; // checkout, reader_payment, cancel, refund, reconcile
    QString status; // pending, working, done, failed
    qint64 bookingId = 0; // 0 for reconcile
    qint64 paymentId = 0;
    qint64 refundId = 0;
    QString readerId;
    QString idempotencyKey;
    QString errorCode; // Stripe's type/code, or ours ('stripe_unreachable')
    QString errorMessage; // for the person who asked (Stripe's message)
    QJsonObject result; // checkout: {"session_id", "url", "expires_at"}
    QDateTime createdAt; // UTC
    QDateTime answeredAt; // invalid until done or failed

    bool isAnswered() const { return status == u"done" || status == u"failed"; }
    bool failed() const { return status == u"failed"; }
};

// A card payment asked for: the payment row and the request carwash-server
// answers. reused: the booking's live payment was still good (a Checkout
// session with its URL and time left, or the same reader's payment under
// way); then requestId is the request that created it.
struct CardPaymentStart
{
    qint64 paymentId = 0;
    qint64 requestId = 0;
    bool reused = false;
    qint64 amountCents = 0;
    QString currency;
    QList<qint64> cancelledPaymentIds; // the other way of paying, cancelled
};

// One refund row written: cash succeeds at once; a card refund is pending
// until carwash-server has carried out requestId at Stripe.
struct RefundPart
{
    qint64 refundId = 0;
    qint64 paymentId = 0;
    QString method; // cash, card
    QString status; // succeeded (cash), pending (card)
    qint64 amountCents = 0;
    QString currency;
    qint64 requestId = 0; // 0 for cash
};

// What a refund came to. blockedForCard: a card refund was needed while no
// carwash-server was running, so nothing at all was written (the caller
// shows why card payment is unavailable).
struct RefundOutcome
{
    QList<RefundPart> parts; // newest card payment first, then cash
    qint64 totalCents = 0;
    QString currency;
    bool blockedForCard = false;

    QList<qint64> requestIds() const
    {
        QList<qint64> ids;
        for (const RefundPart &p : parts) {
            if (p.requestId)
                ids.append(p.requestId);
        }
        return ids;
    }
};
