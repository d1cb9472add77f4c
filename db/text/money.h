#pragma once

#include <QString>

// Amounts as people read them: the user's locale with the currency's usual
// symbol ("$12.00", "12,00 €"), in DisplayLocale.
class Money
{
public:
    static QString format(qint64 cents, const QString &currency);
};
