#include "payments/stripeparams.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace {

QJsonObject metadataObject(const QMap<QString, QString> &metadata)
{
    QJsonObject object;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

bool isCurrency(const QString &currency)
{
    static const QRegularExpression iso(QStringLiteral("^[A-Za-z]{3}$"));
    return iso.match(currency).hasMatch();
}

// Stripe's metadata limits: 50 keys, keys up to 40 characters without
// brackets, values up to 500 characters.
StripeError checkMetadata(const QString &param, const QMap<QString, QString> &metadata)
{
    if (metadata.size() > 50)
        return StripeError::refusedLocally(param, StripeError::tr("Stripe keeps at most 50 metadata keys."));
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        if (it.key().isEmpty() || it.key().size() > 40 || it.key().contains(u'[') || it.key().contains(u']'))
            return StripeError::refusedLocally(
                param,
                StripeError::tr("The metadata key \"%1\" is not one Stripe accepts (1 to 40 characters, "
                                "no brackets).")
                    .arg(it.key()));
        if (it.value().size() > 500)
            return StripeError::refusedLocally(
                param + u'[' + it.key() + u']',
                StripeError::tr("The metadata value of \"%1\" is longer than Stripe's 500 characters.")
                    .arg(it.key()));
    }
    return {};
}

} // namespace

StripeError CheckoutSessionParams::check(const QDateTime &now) const
{
    if (!isCurrency(currency))
        return StripeError::refusedLocally(
            QStringLiteral("currency"),
            StripeError::tr("The currency \"%1\" is not a three-letter ISO code.").arg(currency));
    if (lineItems.isEmpty())
        return StripeError::refusedLocally(
            QStringLiteral("line_items"),
            StripeError::tr("A Checkout session needs at least one line item."));
    for (qsizetype i = 0; i < lineItems.size(); ++i) {
        const CheckoutLineItem &item = lineItems.at(i);
        const QString param = QStringLiteral("line_items[%1]").arg(i);
        if (item.name.trimmed().isEmpty())
            return StripeError::refusedLocally(param,
                                               StripeError::tr("Line item %1 has no name.").arg(i + 1));
        if (item.unitAmountCents < 0)
            return StripeError::refusedLocally(
                param, StripeError::tr("Line item %1 has a negative price.").arg(i + 1));
        if (item.quantity < 1)
            return StripeError::refusedLocally(
                param, StripeError::tr("Line item %1 has a quantity below 1.").arg(i + 1));
    }
    if (successUrl.isEmpty() || cancelUrl.isEmpty())
        return StripeError::refusedLocally(
            successUrl.isEmpty() ? QStringLiteral("success_url") : QStringLiteral("cancel_url"),
            StripeError::tr("A Checkout session needs both the page after paying and the page "
                            "after cancelling."));
    if (expiresAt.isValid()) {
        const qint64 ahead = now.secsTo(expiresAt);
        if (ahead < 30 * 60 || ahead > 24 * 60 * 60)
            return StripeError::refusedLocally(
                QStringLiteral("expires_at"),
                StripeError::tr("A Checkout session must expire between 30 minutes and 24 hours from now "
                                "(Stripe's limits), "
                                "not at %1.")
                    .arg(expiresAt.toUTC().toString(Qt::ISODate)));
    }
    if (StripeError error = checkMetadata(QStringLiteral("metadata"), metadata); error.isError())
        return error;
    return checkMetadata(QStringLiteral("payment_intent_data[metadata]"), paymentIntentMetadata);
}

QJsonObject CheckoutSessionParams::toParams() const
{
    QJsonArray items;
    for (const CheckoutLineItem &item : lineItems) {
        items.append(QJsonObject {
            {QStringLiteral("price_data"),
             QJsonObject {
                 {QStringLiteral("currency"), currency.toLower()},
                 {QStringLiteral("unit_amount"), item.unitAmountCents},
                 {QStringLiteral("product_data"), QJsonObject {{QStringLiteral("name"), item.name}}}}},
            {QStringLiteral("quantity"), item.quantity},
        });
    }
    QJsonObject params {
        {QStringLiteral("mode"), QStringLiteral("payment")},
        {QStringLiteral("payment_method_types"), QJsonArray {QStringLiteral("card")}},
        {QStringLiteral("line_items"), items},
        {QStringLiteral("success_url"), successUrl},
        {QStringLiteral("cancel_url"), cancelUrl},
    };
    if (!clientReferenceId.isEmpty())
        params.insert(QStringLiteral("client_reference_id"), clientReferenceId);
    if (!metadata.isEmpty())
        params.insert(QStringLiteral("metadata"), metadataObject(metadata));
    if (!paymentIntentMetadata.isEmpty())
        params.insert(QStringLiteral("payment_intent_data"),
                      QJsonObject {{QStringLiteral("metadata"), metadataObject(paymentIntentMetadata)}});
    if (!locale.isEmpty())
        params.insert(QStringLiteral("locale"), locale);
    if (expiresAt.isValid())
        params.insert(QStringLiteral("expires_at"), expiresAt.toSecsSinceEpoch());
    return params;
}

StripeError PaymentIntentParams::check() const
{
    if (!isCurrency(currency))
        return StripeError::refusedLocally(
            QStringLiteral("currency"),
            StripeError::tr("The currency \"%1\" is not a three-letter ISO code.").arg(currency));
    if (amountCents <= 0)
        return StripeError::refusedLocally(QStringLiteral("amount"),
                                           StripeError::tr("A card payment must be for more than 0."));
    return checkMetadata(QStringLiteral("metadata"), metadata);
}

QJsonObject PaymentIntentParams::toParams() const
{
    QJsonObject params {
        {QStringLiteral("amount"), amountCents},
        {QStringLiteral("currency"), currency.toLower()},
        {QStringLiteral("payment_method_types"), QJsonArray {QStringLiteral("card_present")}},
        {QStringLiteral("capture_method"), QStringLiteral("automatic")},
    };
    if (!description.isEmpty())
        params.insert(QStringLiteral("description"), description);
    if (!metadata.isEmpty())
        params.insert(QStringLiteral("metadata"), metadataObject(metadata));
    return params;
}

StripeError ReaderCart::check() const
{
    if (!isCurrency(currency))
        return StripeError::refusedLocally(
            QStringLiteral("cart[currency]"),
            StripeError::tr("The currency \"%1\" is not a three-letter ISO code.").arg(currency));
    if (lineItems.isEmpty())
        return StripeError::refusedLocally(QStringLiteral("cart[line_items]"),
                                           StripeError::tr("The reader's cart has no lines."));
    for (const ReaderCartLine &line : lineItems) {
        if (line.description.trimmed().isEmpty() || line.quantity < 1)
            return StripeError::refusedLocally(
                QStringLiteral("cart[line_items]"),
                StripeError::tr("Every line of the reader's cart needs a description and a "
                                "quantity of at least 1."));
    }
    if (totalCents < 0)
        return StripeError::refusedLocally(QStringLiteral("cart[total]"),
                                           StripeError::tr("The reader's cart has a negative total."));
    return {};
}

QJsonObject ReaderCart::toParams() const
{
    QJsonArray lines;
    for (const ReaderCartLine &line : lineItems) {
        lines.append(QJsonObject {{QStringLiteral("description"), line.description},
                                  {QStringLiteral("amount"), line.amountCents},
                                  {QStringLiteral("quantity"), line.quantity}});
    }
    return QJsonObject {
        {QStringLiteral("type"), QStringLiteral("cart")},
        {QStringLiteral("cart"),
         QJsonObject {{QStringLiteral("currency"), currency.toLower()},
                      {QStringLiteral("line_items"), lines},
                      {QStringLiteral("total"), totalCents}}},
    };
}

StripeError RefundParams::check() const
{
    if (!paymentIntentId.startsWith(u"pi_"))
        return StripeError::refusedLocally(
            QStringLiteral("payment_intent"),
            StripeError::tr("A card refund needs the payment's PaymentIntent (pi_…)."));
    if (amountCents && *amountCents <= 0)
        return StripeError::refusedLocally(QStringLiteral("amount"),
                                           StripeError::tr("A refund must be for more than 0."));
    static const QStringList reasons {QStringLiteral("duplicate"), QStringLiteral("fraudulent"),
                                      QStringLiteral("requested_by_customer")};
    if (!reason.isEmpty() && !reasons.contains(reason))
        return StripeError::refusedLocally(QStringLiteral("reason"),
                                           StripeError::tr("Stripe knows the refund reasons %1 only.")
                                               .arg(reasons.join(QStringLiteral(", "))));
    return checkMetadata(QStringLiteral("metadata"), metadata);
}

QJsonObject RefundParams::toParams() const
{
    QJsonObject params {{QStringLiteral("payment_intent"), paymentIntentId}};
    if (amountCents)
        params.insert(QStringLiteral("amount"), *amountCents);
    if (!reason.isEmpty())
        params.insert(QStringLiteral("reason"), reason);
    if (!metadata.isEmpty())
        params.insert(QStringLiteral("metadata"), metadataObject(metadata));
    return params;
}
