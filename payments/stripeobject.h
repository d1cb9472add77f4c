#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// Read access to a Stripe object (a webhook event's data.object, or what the
// client fetched) in the terms the server applies: which object, which
// payment of ours, its state and amounts. Missing fields read as empty or
// none, never as an error: events of every type pass through here.
class StripeObject
{
public:
    StripeObject() = default;
    explicit StripeObject(QJsonObject json)
        : m_json(std::move(json))
    { }

    const QJsonObject &json() const { return m_json; }
    bool isEmpty() const { return m_json.isEmpty(); }

    // "checkout.session", "payment_intent", "charge", "refund", "terminal.reader"…
    QString type() const;
    QString id() const;

    // The Checkout Session's id when this is one.
    QString checkoutSessionId() const;
    // The PaymentIntent this object is or belongs to: its own id, a
    // session's or charge's or refund's payment_intent (an id or an
    // expanded object), a reader action's process_payment_intent.
    QString paymentIntentId() const;
    // The reader's id when this is a terminal.reader.
    QString readerId() const;
    // A reader's current action: type (process_payment_intent…), status
    // (in_progress, succeeded, failed), failure code and message.
    QString readerActionType() const;
    QString readerActionStatus() const;

    // Why a payment failed, wherever the object keeps it: a reader action's
    // failure_code/failure_message, a PaymentIntent's last_payment_error
    // (decline_code before code), a charge's failure_code/failure_message.
    QString failureCode() const;
    QString failureMessage() const;

    // metadata[key], empty when absent.
    QString metadata(const QString &key) const;
    // Our ids as the server put them in metadata (payment_id, booking_id);
    // none when absent or not a whole number.
    std::optional<qint64> paymentId() const;
    std::optional<qint64> bookingId() const;
    // A Checkout Session's client_reference_id (our booking code).
    QString clientReferenceId() const;

    QString status() const; // the object's status
    QString paymentStatus() const; // a session's payment_status: paid, unpaid, no_payment_required
    QString currency() const; // as Stripe writes it (lower case)
    // amount (intent, charge, refund) or amount_total (session); none when absent.
    std::optional<qint64> amount() const;
    // A PaymentIntent's amount_received.
    std::optional<qint64> amountReceived() const;
    // A charge's amount_refunded.
    std::optional<qint64> amountRefunded() const;

private:
    QJsonObject m_json;
};
