#include "db/text/money.h"

#include "db/text/displaylocale.h"

#include <QHash>

namespace {

// The locale's own sign for its own currency, else the usual one, else the
// ISO code and a space (so "XYZ 12.00").
QString signOf(const QString &currency, const QLocale &locale)
{
    static const QHash<QString, QString> symbols = {
        {QStringLiteral("USD"), QStringLiteral("$")},   {QStringLiteral("EUR"), QStringLiteral("€")},
        {QStringLiteral("GBP"), QStringLiteral("£")},   {QStringLiteral("CAD"), QStringLiteral("CA$")},
        {QStringLiteral("AUD"), QStringLiteral("A$")},  {QStringLiteral("CHF"), QStringLiteral("CHF ")},
        {QStringLiteral("MXN"), QStringLiteral("MX$")},
    };
    return locale.currencySymbol(QLocale::CurrencyIsoCode) == currency
        ? locale.currencySymbol(QLocale::CurrencySymbol)
        : symbols.value(currency, currency + QLatin1Char(' '));
}

} // namespace

QString Money::format(qint64 cents, const QString &currency)
{
    return format(cents, currency, DisplayLocale::get());
}

QString Money::format(qint64 cents, const QString &currency, const QLocale &locale)
{
    return locale.toCurrencyString(double(cents) / 100.0, signOf(currency, locale));
}

QString Money::symbol(const QString &currency)
{
    return signOf(currency, DisplayLocale::get()).trimmed();
}
