#include "moneyfield.h"

#include "displaylocale.h"

#include <QRegularExpression>
#include <QRegularExpressionValidator>

MoneyField::MoneyField(QWidget *parent)
    : QLineEdit(parent)
{
    const QLocale locale = DisplayLocale::get();
    // Digits, the locale's group separator and one decimal separator with up
    // to two decimals; both '.' and ',' as the decimal point are taken, as
    // people type what their keypad has.
    const QString group = QRegularExpression::escape(locale.groupSeparator());
    setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("^[0-9%1 ]{0,12}([.,][0-9]{0,2})?$").arg(group)), this));
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

std::optional<qint64> MoneyField::parseCents(const QString &text, const QLocale &locale)
{
    QString t = text.trimmed();
    t.remove(u' ');
    t.remove(QChar(0x00A0));
    t.remove(QChar(0x202F));
    const QString group = locale.groupSeparator();
    // The last '.' or ',' followed by one or two digits is the decimal
    // point, whatever the locale says (people type what their keypad has);
    // any other separator is grouping ("1,234.50", "1.234,50").
    static const QRegularExpression shape(QStringLiteral("^([0-9.,]*?)(?:[.,]([0-9]{1,2}))?$"));
    const QRegularExpressionMatch m = shape.match(t);
    if (t.isEmpty() || !m.hasMatch())
        return std::nullopt;
    QString whole = m.captured(1);
    const QString fraction = m.captured(2);
    whole.remove(group);
    if (whole.contains(u'.') || whole.contains(u','))
        return std::nullopt;
    if (whole.isEmpty() && fraction.isEmpty())
        return std::nullopt;
    if (whole.size() > 12)
        return std::nullopt;
    const qint64 units = whole.isEmpty() ? 0 : whole.toLongLong();
    const qint64 hundredths = fraction.isEmpty() ? 0 : fraction.leftJustified(2, u'0').toLongLong();
    return units * 100 + hundredths;
}
