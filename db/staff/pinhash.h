#pragma once

#include <QString>

// PIN stretching for staff sign-in: PBKDF2-HMAC-SHA256 with a random 16-byte
// salt, stored self-describing as 'pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>'
// so the iteration count can be raised later without breaking stored PINs.
// Pure functions, safe on any thread; hashing takes tens of milliseconds on
// purpose, so never call it on the GUI thread.
class PinHash
{
public:
    static constexpr int Iterations = 100000;
    static constexpr int SaltBytes = 16;
    static constexpr int HashBytes = 32;

    static QString hash(const QString &pin);
    // Constant-time in the stored hash's contents; false for anything malformed.
    static bool verify(const QString &pin, const QString &stored);
    // A uniformly random PIN of `digits` decimal digits from the system's
    // secure random source, leading zeros kept.
    static QString randomPin(int digits = 6);
};
