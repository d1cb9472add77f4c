#pragma once

#include <QString>

// Short confirmation codes a person reads aloud or types at a kiosk: six
// characters from an alphabet without 0/O, 1/I/L. Every code has at least
// one letter, so a code is never mistaken for a numeric booking ID.
// Uniqueness among active bookings is the database's job (a unique index);
// BookingRepo draws again on a clash.
class ConfirmationCode
{
public:
    static constexpr int Length = 6;
    static constexpr const char *Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    // From the system's cryptographic random source, so codes cannot be
    // guessed from one another.
    static QString generate();
    // Whether text (any case, surrounding spaces ignored) has a code's shape.
    static bool looksLikeCode(const QString &text);
};
