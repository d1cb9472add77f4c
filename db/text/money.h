#pragma once

#include <QLocale>
#include <QString>

// Amounts as people read them: the user's locale with the currency's usual
// symbol ("$12.00", "12,00 €"), in DisplayLocale.
class Money
{
public:
    static QString format(qint64 cents, const QString &currency);
    // In a given locale (an e-mail in its reader's language).
    static QString format(qint64 cents, const QString &currency, const QLocale &locale);
    // The sign format() writes for currency ("$", "€", "CHF"), for a column
    // amounts are typed in.
    static QString symbol(const QString &currency);
};
