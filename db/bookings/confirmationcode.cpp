#include "db/bookings/confirmationcode.h"

#include <QRandomGenerator>

#include <cstring>

QString ConfirmationCode::generate()
{
    const int size = int(std::strlen(Alphabet));
    for (;;) {
        QString code;
        bool hasLetter = false;
        for (int i = 0; i < Length; ++i) {
            const char c = Alphabet[QRandomGenerator::system()->bounded(size)];
            hasLetter = hasLetter || (c >= 'A' && c <= 'Z');
            code += QLatin1Char(c);
        }
        if (hasLetter)
            return code;
    }
}

bool ConfirmationCode::looksLikeCode(const QString &text)
{
    const QString code = text.trimmed().toUpper();
    if (code.size() != Length)
        return false;
    bool hasLetter = false;
    for (const QChar c : code) {
        if (c.unicode() < 32 || c.unicode() > 127 || !std::strchr(Alphabet, char(c.unicode())))
            return false;
        hasLetter = hasLetter || c.isLetter();
    }
    return hasLetter;
}
