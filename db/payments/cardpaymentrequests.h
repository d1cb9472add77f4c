#pragma once

#include "db/payments/cardpaymentavailability.h"
#include "db/payments/cardrequestvalues.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <optional>

struct AmountDue;
struct Payment;

// Card work as desks, kiosks and carwash-admin ask for it: a payment or
// refund row and a payment_requests row in one transaction, which
// carwash-server picks up (LISTEN payment_requests, a poll as fallback) and
// answers by updating the request row. Nothing here talks to Stripe. Runs
// inside a unit of work on a pooled connection (blocking; throws DbException
// from the Sql helpers, which the pool retries).
//
// Every change locks the booking's row first (FOR UPDATE), as cash does, so
// two desks asking at once take turns; amounts come from the database
// (PaymentRepo::lockDue), never from a screen. Only one card payment of a
// booking is live (pending or processing; payments_one_live_card_idx):
// starting the other way of paying cancels the first in the same
// transaction. Idempotency keys, also what the server sends to Stripe:
// payment-<payment id>-checkout | -reader_payment | -cancel, refund-<refund
// id>, reconcile-<request id>. Each request is announced with
// pg_notify('payment_requests', '<request id>'), each change to a booking
// with bookings_changed, and audited with who asked.
class CardPaymentRequests
{
    Q_DECLARE_TR_FUNCTIONS(CardPaymentRequests)
public:
    explicit CardPaymentRequests(QSqlDatabase &db);

    // A Checkout session for what the booking owes. Reuses the booking's
    // live stripe_checkout payment when it is for that amount and either has
    // its URL with time left (checkout_expires_at > now()) or its checkout
    // request is still with the server. Otherwise: Invalid for a cancelled,
    // no-show or expired booking, when nothing is owed, or while a card
    // payment is 'processing'; a live terminal payment (or a stale checkout)
    // cancelled (see cancel()); a pending stripe_checkout payment of the
    // amount owed with its charge (tax) recorded, and a 'checkout' request
    // carrying locale ('en', 'de', … for Checkout's pages). NotFound without
    // such a booking.
    DbResult<CardPaymentStart> startCheckout(qint64 bookingId, const QString &actor, const QString &locale);

    // The same for the desk's or kiosk's reader: method 'terminal', a
    // 'reader_payment' request with reader_id. Reuses a live terminal
    // payment on the same reader for the same amount unless its request
    // failed; cancels a live checkout. NotFound for an unknown reader.
    DbResult<CardPaymentStart> startReaderPayment(qint64 bookingId, const QString &readerId,
                                                  const QString &actor);

    // One attempt by a desk or kiosk: on readerId's reader when onReader,
    // else by Checkout (locale for its pages). After a decline the previous
    // attempt (previousPaymentId, 0: none) is still open at Stripe: it is
    // cancelled first, when still pending.
    DbResult<CardPaymentStart> startAttempt(qint64 bookingId, bool onReader, const QString &readerId,
                                            const QString &locale, const QString &actor,
                                            qint64 previousPaymentId);

    // Cancels a pending card payment: status 'cancelled'; its create request
    // still queued is failed with error_code 'cancelled' (the server never
    // sent it), otherwise a 'cancel' request asks the server to end the
    // session or the reader's action. Returns that request's id, or 0 when
    // nothing had reached Stripe. Invalid for cash or a payment not pending.
    DbResult<qint64> cancel(qint64 paymentId, const QString &actor);

    // Gives money back, amountCents or (nullopt) all that is left: the
    // booking's succeeded payments, the newest card payment first, then
    // cash; left = amount - refunded - refunds still pending. Cash: a
    // succeeded refunds row at once, the payment's refunded_cents (and
    // status 'refunded' when nothing is left of it) updated. Card: a pending
    // refunds row and a 'refund' request; the server completes both. Invalid
    // for a non-positive amount, more than is left, or nothing paid. With
    // cardAllowed false (no carwash-server running) a refund that needs a
    // card part writes nothing and returns blockedForCard.
    DbResult<RefundOutcome> refundBooking(qint64 bookingId, std::optional<qint64> amountCents,
                                          const QString &reason, const QString &actor,
                                          bool cardAllowed = true);
    // The same, from one payment only.
    DbResult<RefundOutcome> refundPayment(qint64 paymentId, std::optional<qint64> amountCents,
                                          const QString &reason, const QString &actor,
                                          bool cardAllowed = true);

    // One refund as it stands now (a card refund turns succeeded or failed
    // when the server has heard from Stripe); nullopt when there is none.
    std::optional<RefundPart> refundById(qint64 refundId);

    // Inside the caller's transaction, after PaymentRepo::lockDue(): cancels
    // the booking's live pending card payment, if any (as cancel() does),
    // because money is being taken another way (cash at the desk, or
    // CardPaymentUpdater when another card payment succeeded). Returns the
    // ids of the payments cancelled.
    QList<qint64> cancelLiveCard(const AmountDue &owed, const QString &actor, const QString &why);

    // Asks the server to fetch pending card payments from Stripe once, now.
    // Returns the request's id.
    qint64 requestReconcile(const QString &actor);

    // What a caller polls; nullopt when there is no such request.
    std::optional<PaymentRequestState> request(qint64 requestId);

    // From process_health: is a carwash-server publishing? Read only.
    CardPaymentAvailability availability();

private:
    DbResult<CardPaymentStart> start(qint64 bookingId, const QString &method, const QString &readerId,
                                     const QString &actor, const QString &locale);
    // Cancels live (pending) inside the caller's transaction; the cancel
    // request's id or 0.
    qint64 cancelLive(const Payment &live, const QString &code, const QString &actor, const QString &why);
    DbResult<RefundOutcome> refund(const AmountDue &owed, qint64 onlyPaymentId,
                                   std::optional<qint64> amountCents, const QString &reason,
                                   const QString &actor, bool cardAllowed);
    qint64 insertRequest(const QString &kind, qint64 bookingId, qint64 paymentId, qint64 refundId,
                         const QString &readerId, const QString &locale, const QString &key,
                         const QString &actor);
    qint64 nextId(const QString &table);

    QSqlDatabase &m_db;
};
