#include "sitesettings.h"

#include <QLoggingCategory>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcSettings, "carwash.db.settings", QtWarningMsg)

QString SettingSpec::description() const
{
    // Translated when shown, so a translator installed after start-up applies.
    return SiteSettings::tr(descriptionSource);
}

QString SettingSpec::acceptedText() const
{
    if (type == Type::TimeZone)
        return SiteSettings::tr("an IANA time zone such as Europe/Berlin or America/New_York");
    return SiteSettings::tr("a whole number from %1 to %2").arg(minimum).arg(maximum);
}

const QList<SettingSpec> &SiteSettings::specs()
{
    using T = SettingSpec::Type;
    static const QList<SettingSpec> all = {
        {QStringLiteral("site.timezone"), T::TimeZone, 0, 0, QString(),
         QT_TR_NOOP("the site's time zone; opening hours and slots are in it")},
        {QStringLiteral("booking.slot_minutes"), T::Integer, 5, 240, QStringLiteral("15"),
         QT_TR_NOOP("minutes between possible start times")},
        {QStringLiteral("booking.buffer_minutes"), T::Integer, 0, 240, QStringLiteral("5"),
         QT_TR_NOOP("cleanup minutes a bay stays busy after each booking")},
        {QStringLiteral("booking.min_notice_minutes"), T::Integer, 0, 10080, QStringLiteral("0"),
         QT_TR_NOOP("minutes between now and the earliest bookable start")},
        {QStringLiteral("booking.horizon_days"), T::Integer, 1, 365, QStringLiteral("60"),
         QT_TR_NOOP("how many days ahead bookings may be made")},
        {QStringLiteral("booking.hold_minutes"), T::Integer, 1, 120, QStringLiteral("10"),
         QT_TR_NOOP("minutes an unpaid kiosk hold keeps its slot")},
    };
    return all;
}

std::optional<SettingSpec> SiteSettings::spec(const QString &key)
{
    for (const SettingSpec &s : specs()) {
        if (s.key == key)
            return s;
    }
    return std::nullopt;
}

QString SiteSettings::systemTimeZoneId()
{
    const QByteArray id = QTimeZone::systemTimeZoneId();
    if (!id.isEmpty() && QTimeZone::isTimeZoneIdAvailable(id))
        return QString::fromLatin1(id);
    return QStringLiteral("UTC");
}

QString SiteSettings::defaultValue(const QString &key)
{
    if (key == u"site.timezone")
        return systemTimeZoneId();
    const std::optional<SettingSpec> s = spec(key);
    return s ? s->defaultValue : QString();
}

QString SiteSettings::validate(const QString &key, const QString &value, QString *normalised)
{
    const std::optional<SettingSpec> s = spec(key);
    if (!s) {
        QStringList keys;
        for (const SettingSpec &known : specs())
            keys << known.key;
        return tr("Unknown setting \"%1\". Settable keys: %2.").arg(key, keys.join(QStringLiteral(", ")));
    }
    const QString text = value.trimmed();
    if (s->type == SettingSpec::Type::TimeZone) {
        // IANA ids are ASCII; a non-ASCII string is not one, whatever
        // toLatin1() would make of it.
        static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_+\\-/]+$"));
        if (!shape.match(text).hasMatch() || !QTimeZone::isTimeZoneIdAvailable(text.toLatin1()))
            return tr("%1 must be %2; \"%3\" is not one.").arg(key, s->acceptedText(), value);
        if (normalised)
            *normalised = text;
        return {};
    }
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,6}$"));
    const int number = text.toInt();
    if (!digits.match(text).hasMatch() || number < s->minimum || number > s->maximum)
        return tr("%1 must be %2; \"%3\" is not.").arg(key, s->acceptedText(), value);
    if (normalised)
        *normalised = QString::number(number);
    return {};
}

SiteSettings SiteSettings::fromValues(const QMap<QString, QString> &values)
{
    auto read = [&values](const QString &key) {
        const QString stored = values.value(key);
        QString normalised;
        if (!stored.isNull() && validate(key, stored, &normalised).isEmpty())
            return normalised;
        if (!stored.isNull())
            qCWarning(lcSettings).noquote()
                << "ignoring the stored value of" << key << "(out of range); using" << defaultValue(key);
        return defaultValue(key);
    };
    SiteSettings s;
    s.timeZone = QTimeZone(read(QStringLiteral("site.timezone")).toLatin1());
    s.slotMinutes = read(QStringLiteral("booking.slot_minutes")).toInt();
    s.bufferMinutes = read(QStringLiteral("booking.buffer_minutes")).toInt();
    s.minNoticeMinutes = read(QStringLiteral("booking.min_notice_minutes")).toInt();
    s.horizonDays = read(QStringLiteral("booking.horizon_days")).toInt();
    s.holdMinutes = read(QStringLiteral("booking.hold_minutes")).toInt();
    const QString currency = values.value(QStringLiteral("billing.currency"));
    if (QRegularExpression(QStringLiteral("^[A-Z]{3}$")).match(currency).hasMatch())
        s.currency = currency;
    return s;
}
