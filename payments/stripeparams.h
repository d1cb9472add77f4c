#pragma once

#include "payments/stripeerror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// What the server asks Stripe for, as plain values: amounts in integer cents
// (from the database, never from a screen), currencies as ISO codes. Each
// knows Stripe's limits that can be checked before sending (check(): an
// InvalidRequest error naming the parameter, or none) and its form fields
// (toParams(), encoded by StripeForm).

struct CheckoutLineItem
{
    QString name; // line_items[i][price_data][product_data][name]
    qint64 unitAmountCents = 0;
    int quantity = 1;
};

struct CheckoutSessionParams
{
    QString currency; // "eur": lower or upper case
    QList<CheckoutLineItem> lineItems;
    QString successUrl;
    QString cancelUrl;
    QString clientReferenceId; // our booking code
    QMap<QString, QString> metadata; // payment_id, booking_id…
    QMap<QString, QString> paymentIntentMetadata; // payment_intent_data[metadata]
    QString locale; // "de", "es", "en", "auto"; empty: Stripe decides
    QDateTime expiresAt; // invalid: Stripe's default (24 h)

    // expires_at between 30 min and 24 h after now (Stripe's limits), at least
    // one line item, amounts ≥ 0, quantities ≥ 1, a three-letter currency, both URLs.
    StripeError check(const QDateTime &now) const;
    QJsonObject toParams() const;
};

// A card_present PaymentIntent for a Terminal reader, captured automatically.
struct PaymentIntentParams
{
    qint64 amountCents = 0;
    QString currency;
    QString description; // on the dashboard and receipts; may be empty
    QMap<QString, QString> metadata;

    StripeError check() const;
    QJsonObject toParams() const;
};

// What the reader's display shows while it waits for the card.
struct ReaderCartLine
{
    QString description;
    qint64 amountCents = 0; // the line's amount (unit price × quantity)
    int quantity = 1;
};

struct ReaderCart
{
    QString currency;
    QList<ReaderCartLine> lineItems;
    qint64 totalCents = 0;

    StripeError check() const;
    QJsonObject toParams() const; // type=cart, cart[…]
};

struct RefundParams
{
    QString paymentIntentId;
    std::optional<qint64> amountCents; // none: all that is left
    QString reason; // duplicate, fraudulent, requested_by_customer, or empty
    QMap<QString, QString> metadata;

    StripeError check() const;
    QJsonObject toParams() const;
};
