#pragma once

#include <QLineEdit>

#include <optional>

// An amount typed in the display locale ("12.50", "12,50"), in the site's
// currency, held as integer cents. A grouping separator is accepted; more
// than two decimals is not.
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

    // For the locale's own separators; exposed for tests.
    static std::optional<qint64> parseCents(const QString &text, const QLocale &locale);
    static QString centsText(qint64 cents, const QLocale &locale);

private:
    QString m_currency;
};
