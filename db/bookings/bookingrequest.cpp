#include "db/bookings/bookingrequest.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace {

constexpr int MaxNameLength = 100;
constexpr int MaxPhoneLength = 32;
constexpr int MaxEmailLength = 254;
constexpr int MaxKeyLength = 255;

qsizetype codePoints(const QString &text)
{
    return text.toUcs4().size();
}

bool hasControlCharacters(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.category() == QChar::Other_Control; });
}

} // namespace

QString BookingRequest::normalisePlate(const QString &plate)
{
    QString out;
    const QString composed = plate.normalized(QString::NormalizationForm_C);
    for (const QChar c : composed) {
        if (c.isSpace() || c == u'-' || c.category() == QChar::Punctuation_Dash)
            continue;
        out += c;
    }
    // Upper case can decompose ("ΐ" becomes I, diaeresis, acute): composed
    // again, so a normalised plate normalises to itself.
    return out.toUpper().normalized(QString::NormalizationForm_C);
}

QString BookingRequest::phoneSearchDigits(const QString &text)
{
    QString digits;
    for (const QChar c : text) {
        if (c.isDigit() && c.unicode() < 128)
            digits += c;
    }
    return digits.size() >= 3 ? digits : QString();
}

BookingRequest BookingRequest::normalised() const
{
    BookingRequest r = *this;
    r.plate = normalisePlate(plate);
    r.name = name.trimmed().normalized(QString::NormalizationForm_C);
    r.phone = phone.trimmed();
    r.email = email.trimmed();
    r.language = language.trimmed().toLower();
    r.idempotencyKey = idempotencyKey.trimmed();
    std::sort(r.slot.addonIds.begin(), r.slot.addonIds.end());
    r.slot.addonIds.erase(std::unique(r.slot.addonIds.begin(), r.slot.addonIds.end()), r.slot.addonIds.end());
    // Only a move may look past a booking; a new one competes with all.
    r.slot.ignoreBookingId = 0;
    return r;
}

QList<FieldError> BookingRequest::validate() const
{
    QList<FieldError> errors;
    if (!start.isValid())
        errors.append(
            {QStringLiteral("start"),
             tr("The start must be an ISO-8601 date and time, for example 2025-06-11T09:30:00+02:00.")});

    const QList<uint> plateChars = plate.toUcs4();
    const bool plateCharsOk = std::all_of(plateChars.cbegin(), plateChars.cend(),
                                          [](uint c) { return QChar::isLetterOrNumber(char32_t(c)); });
    if (plateChars.size() < 2 || plateChars.size() > 10 || !plateCharsOk)
        errors.append({QStringLiteral("plate"),
                       tr("The plate must have 2 to 10 letters or digits (spaces and dashes are ignored), "
                          "not \"%1\".")
                           .arg(plate)});

    if (name.isEmpty())
        errors.append(
            {QStringLiteral("name"), tr("The name is required (1 to %1 characters).").arg(MaxNameLength)});
    else if (codePoints(name) > MaxNameLength)
        errors.append(
            {QStringLiteral("name"), tr("The name may have at most %1 characters.").arg(MaxNameLength)});
    else if (hasControlCharacters(name))
        errors.append(
            {QStringLiteral("name"), tr("The name may not contain line breaks or control characters.")});

    if (!phone.isEmpty()) {
        static const QRegularExpression shape(QStringLiteral("^\\+?[0-9 ()\\-]+$"));
        const qsizetype digits
            = std::count_if(phone.cbegin(), phone.cend(), [](QChar c) { return c.isDigit(); });
        if (!shape.match(phone).hasMatch() || digits < 3 || digits > 15 || phone.size() > MaxPhoneLength)
            errors.append({QStringLiteral("phone"),
                           tr("The phone number may have digits, a leading +, spaces, dashes and parentheses "
                              "(3 to 15 digits), not \"%1\".")
                               .arg(phone)});
    }

    if (!email.isEmpty()) {
        // Deliberately permissive (international addresses are valid); it
        // catches typing mistakes, not every RFC 5322 corner.
        static const QRegularExpression shape(QStringLiteral("^[^@\\s\"(),:;<>\\[\\]\\\\]+@[^@\\s\"(),:;<>\\["
                                                             "\\]\\\\.]+(\\.[^@\\s\"(),:;<>\\[\\]\\\\.]+)+$"),
                                              QRegularExpression::UseUnicodePropertiesOption);
        if (!shape.match(email).hasMatch() || email.size() > MaxEmailLength || email.startsWith(u'.')
            || email.contains(QStringLiteral("..")))
            errors.append({QStringLiteral("email"),
                           tr("The e-mail address must look like name@example.com, not \"%1\".").arg(email)});
    }

    if (!language.isEmpty() && language != u"en" && language != u"es" && language != u"de")
        errors.append({QStringLiteral("language"),
                       tr("The language must be en, es or de, not \"%1\".").arg(language)});

    if (!idempotencyKey.isNull()
        && (idempotencyKey.isEmpty() || idempotencyKey.size() > MaxKeyLength
            || hasControlCharacters(idempotencyKey)))
        errors.append({QStringLiteral("idempotency_key"),
                       tr("The idempotency key must have 1 to %1 printable characters.").arg(MaxKeyLength)});
    return errors;
}

QString BookingRequest::requestHash(const QDateTime &startInstant) const
{
    QJsonArray addons;
    QList<qint64> ids = slot.addonIds;
    std::sort(ids.begin(), ids.end());
    for (const qint64 id : ids)
        addons.append(id);
    // QJsonObject keeps its keys sorted and Compact has no whitespace, so
    // the text is canonical.
    const QJsonObject canonical {
        {QStringLiteral("addons"), addons},
        {QStringLiteral("bay"), slot.bayId},
        {QStringLiteral("email"), email},
        {QStringLiteral("hold"), hold},
        {QStringLiteral("name"), name},
        {QStringLiteral("phone"), phone},
        {QStringLiteral("plate"), plate},
        {QStringLiteral("service"), slot.serviceId},
        {QStringLiteral("start"), startInstant.toMSecsSinceEpoch()},
        {QStringLiteral("vehicle"), slot.vehicleClass},
        {QStringLiteral("version"), 1},
    };
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(canonical).toJson(QJsonDocument::Compact),
                                 QCryptographicHash::Sha256)
            .toHex());
}
