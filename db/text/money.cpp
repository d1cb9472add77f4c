#include "db/text/money.h"

#include "db/text/displaylocale.h"

#include <QHash>

QString Money::format(qint64 cents, const QString &currency)
{
    return format(cents, currency, DisplayLocale::get());
}

QString Money::format(qint64 cents, const QString &currency, const QLocale &locale)
{
    static const QHash<QString, QString> symbols = {
        {QStringLiteral("USD"), QStringLiteral("$")},   {QStringLiteral("EUR"), QStringLiteral("€")},
        {QStringLiteral("GBP"), QStringLiteral("£")},   {QStringLiteral("CAD"), QStringLiteral("CA$")},
        {QStringLiteral("AUD"), QStringLiteral("A$")},  {QStringLiteral("CHF"), QStringLiteral("CHF ")},
        {QStringLiteral("MXN"), QStringLiteral("MX$")},
    };
    const QString symbol = locale.currencySymbol(QLocale::CurrencyIsoCode) == currency
        ? locale.currencySymbol(QLocale::CurrencySymbol)
        : symbols.value(currency, currency + QLatin1Char(' '));
    return locale.toCurrencyString(double(cents) / 100.0, symbol);
}
