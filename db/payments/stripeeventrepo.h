#pragma once

#include "db/payments/stripeupdate.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

// What receiving one event (or one reconciled object) did.
struct StripeEventOutcome
{
    enum class Result {
        Applied, // the payment (or its refunds, or the booking) changed
        Unchanged, // known payment, nothing new (an older state, a repeat in other words)
        Duplicate, // this event id was stored before: nothing applied again
        Ignored, // a type we do not act on: stored and marked processed
        UnknownPayment, // no payment of ours matches: stored with processing_error
    };
    Result result = Result::Unchanged;
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString paymentStatus; // after the update; empty without a payment
};

// Stripe's events into the database, for carwash-server: each event stored
// once by its id and applied in the same transaction, so the webhook's 2xx
// goes out after the commit and a redelivery changes nothing. The rules of
// what an update does are CardPaymentUpdater's (a forward-only state
// machine, so delivery order does not matter); the reconciler's fetched
// objects go through the same code. Runs inside a unit of work on a pooled
// connection (blocking; each call its own transaction; throws DbException
// for transient failures, which the pool retries; the caller answers 503
// when they persist).
class StripeEventRepo
{
public:
    explicit StripeEventRepo(QSqlDatabase &db);

    // The event types applied; any other is stored, marked processed and
    // otherwise left alone.
    static const QStringList &handledTypes();

    // One verified event: payload its raw JSON (stored as jsonb), update
    // what its data.object says (made by the server from the payload).
    // Inserted into stripe_events (a known id: Duplicate, nothing applied),
    // applied, audited, notified (payments_changed, bookings_changed,
    // payment_requests for an automatic refund) and marked processed, in
    // one transaction. No payment of ours matching is not an error: the
    // event is kept with processing_error.
    StripeEventOutcome receive(const QString &eventId, const QString &type, const QByteArray &payload,
                               const StripeUpdate &update);

    // What the reconciler fetched from Stripe, applied the same way without
    // an event row (update.eventId empty: audited as source "reconcile").
    StripeEventOutcome applyReconciled(const StripeUpdate &update);

private:
    QSqlDatabase &m_db;
};
