#include "ui/manager/moneyfield.h"

#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"

#include <QRegularExpression>
#include <QRegularExpressionValidator>

MoneyField::MoneyField(QWidget *parent)
    : QLineEdit(parent)
{
    // Only characters an amount can hold; whether they make one is said
    // with a reason (problemText) rather than by keys that do nothing.
    setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("^[0-9.,\\x{0020}\\x{00A0}\\x{202F}-]{0,20}$")), this));
    setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

void MoneyField::setCurrency(const QString &currency)
{
    m_currency = currency;
    setPlaceholderText(currency);
}

void MoneyField::setCents(qint64 cents)
{
    setText(centsText(cents, DisplayLocale::get()));
}

std::optional<qint64> MoneyField::cents() const
{
    return parseCents(text(), DisplayLocale::get());
}

QString MoneyField::centsText(qint64 cents, const QLocale &locale)
{
    QLocale plain = locale;
    plain.setNumberOptions(QLocale::OmitGroupSeparator);
    return plain.toString(double(cents) / 100.0, 'f', 2);
}

QString MoneyField::problemText(qint64 exampleCents) const
{
    const DecimalInput::Result result = DecimalInput::parse(text(), DisplayLocale::get());
    return DecimalInput::problemText(result.problem, text(), DisplayLocale::get(), 2, exampleCents);
}

std::optional<qint64> MoneyField::parseCents(const QString &text, const QLocale &locale)
{
    const DecimalInput::Result result = DecimalInput::parse(text, locale);
    if (!result.ok())
        return std::nullopt;
    return result.units;
}
