#pragma once

#include <QLineEdit>

#include <optional>

// An amount typed in the display locale ("12,50" in German, "12.50"
// anywhere), in the site's currency, held as integer cents; read by
// DecimalInput, so grouping that could mean two amounts and more than two
// decimals are refused with a reason (problemText).
class MoneyField : public QLineEdit
{
    Q_OBJECT
public:
    explicit MoneyField(QWidget *parent = nullptr);

    void setCurrency(const QString &currency);
    QString currency() const { return m_currency; }
    void setCents(qint64 cents);
    // nullopt when the text is not an amount (empty counts as not one).
    std::optional<qint64> cents() const;
    // Why the text is not an amount, with exampleCents as this locale
    // writes it; empty when it is one.
    QString problemText(qint64 exampleCents) const;

    // For the locale's own separators; exposed for tests.
    static std::optional<qint64> parseCents(const QString &text, const QLocale &locale);
    static QString centsText(qint64 cents, const QLocale &locale);

private:
    QString m_currency;
};
