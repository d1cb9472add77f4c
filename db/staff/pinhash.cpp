#include "db/staff/pinhash.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QStringList>

namespace {

const QString Scheme = QStringLiteral("pbkdf2-sha256");

// A stored hash comes from our own database, but bound the work anyway so a
// tampered row cannot make sign-in spin for minutes.
constexpr int MaxIterations = 10000000;

QByteArray derive(const QString &pin, const QByteArray &salt, int iterations, int length)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, pin.toUtf8(), salt, iterations,
                                              quint64(length));
}

// Compares every byte whatever the first difference, so the time taken does
// not tell an attacker how much of a guess was right.
bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

bool isHex(const QString &text)
{
    if (text.isEmpty() || text.size() % 2 != 0)
        return false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F')))
            return false;
    }
    return true;
}

} // namespace

QString PinHash::hash(const QString &pin)
{
    QByteArray salt(SaltBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), SaltBytes / 4);
    const QByteArray key = derive(pin, salt, Iterations, HashBytes);
    return QStringLiteral("%1$%2$%3$%4")
        .arg(Scheme, QString::number(Iterations), QString::fromLatin1(salt.toHex()),
             QString::fromLatin1(key.toHex()));
}

bool PinHash::verify(const QString &pin, const QString &stored)
{
    const QStringList parts = stored.split(QLatin1Char('$'));
    if (parts.size() != 4 || parts[0] != Scheme)
        return false;
    bool ok = false;
    const int iterations = parts[1].toInt(&ok);
    if (!ok || iterations < 1 || iterations > MaxIterations)
        return false;
    if (!isHex(parts[2]) || !isHex(parts[3]))
        return false;
    const QByteArray salt = QByteArray::fromHex(parts[2].toLatin1());
    const QByteArray expected = QByteArray::fromHex(parts[3].toLatin1());
    if (expected.size() < 16 || expected.size() > 64)
        return false;
    return equalConstantTime(derive(pin, salt, iterations, int(expected.size())), expected);
}

QString PinHash::randomPin(int digits)
{
    digits = qBound(1, digits, 9);
    quint32 range = 1;
    for (int i = 0; i < digits; ++i)
        range *= 10;
    // bounded() is unbiased: it rejects draws that would favour low values.
    const quint32 value = QRandomGenerator::system()->bounded(range);
    return QString::number(value).rightJustified(digits, QLatin1Char('0'));
}
