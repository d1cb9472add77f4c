#include "db/calendar/sitesettings.h"

#include "db/text/decimalinput.h"

#include <QDir>
#include <QLoggingCategory>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

Q_LOGGING_CATEGORY(lcSettings, "carwash.db.settings", QtWarningMsg)

namespace {

// What is wrong with a CORS origin ("https://www.example.com[:port]", no
// path, never "*"), in words; empty when nothing. entry is normalised.
QString originProblem(QString &entry)
{
    if (entry == u"*")
        return SiteSettings::tr("is not allowed: name each web site (any site at all would let every page "
                                "on the internet book in your name).");
    const QUrl url(entry, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty()
        || !(url.path().isEmpty() || url.path() == u"/") || url.hasQuery() || url.hasFragment()
        || !url.userInfo().isEmpty())
        return SiteSettings::tr("is not a web site's origin such as https://www.example.com.");
    entry = url.scheme() + QStringLiteral("://") + url.host(QUrl::FullyEncoded)
        + (url.port() > 0 ? u':' + QString::number(url.port()) : QString());
    return {};
}

// What is wrong with a proxy's address or range; empty when nothing.
QString proxyProblem(QString &entry)
{
    const QString problem
        = SiteSettings::tr("is not an address or range such as 10.0.0.5 or 10.0.0.0/8.");
    if (entry.contains(u'/')) {
        const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
        if (subnet.first.isNull())
            return problem;
        entry = subnet.first.toString() + u'/' + QString::number(subnet.second);
        return {};
    }
    const QHostAddress address(entry);
    if (address.isNull())
        return problem;
    entry = address.toString();
    return {};
}

} // namespace

QString SettingSpec::description() const
{
    // Translated when shown, so a translator installed after start-up applies.
    return SiteSettings::tr(descriptionSource);
}

QString SettingSpec::acceptedText(const QLocale &locale) const
{
    switch (type) {
    case Type::TimeZone:
        return SiteSettings::tr("an IANA time zone such as Europe/Berlin or America/New_York");
    case Type::Text:
        if (!choices.isEmpty())
            return SiteSettings::tr("one of %1").arg(choices.join(QStringLiteral(", ")));
        return SiteSettings::tr("text of %1 to %2 characters").arg(minimum).arg(maximum);
    case Type::Percent:
        return SiteSettings::tr("a percentage from 0 to %1 with at most two decimals, such as %2")
            .arg(maximum)
            .arg(DecimalInput::text(825, locale, 2, true));
    case Type::Currency:
        return SiteSettings::tr("a three-letter currency code such as USD or EUR");
    case Type::Boolean:
        return SiteSettings::tr("true or false");
    case Type::Integer:
        break;
    }
    return SiteSettings::tr("a whole number from %1 to %2").arg(minimum).arg(maximum);
}

const QList<SettingSpec> &SiteSettings::specs()
{
    using T = SettingSpec::Type;
    static const QList<SettingSpec> all = {
        {QStringLiteral("site.timezone"), T::TimeZone, 0, 0, QString(),
         QT_TR_NOOP("The site's time zone; opening hours and slots are in it")},
        {QStringLiteral("booking.slot_minutes"), T::Integer, 5, 240, QStringLiteral("15"),
         QT_TR_NOOP("Minutes between possible start times")},
        {QStringLiteral("booking.buffer_minutes"), T::Integer, 0, 240, QStringLiteral("5"),
         QT_TR_NOOP("Cleanup minutes a bay stays busy after each booking")},
        {QStringLiteral("booking.min_notice_minutes"), T::Integer, 0, 10080, QStringLiteral("0"),
         QT_TR_NOOP("Minutes between now and the earliest bookable start")},
        {QStringLiteral("booking.horizon_days"), T::Integer, 1, 365, QStringLiteral("60"),
         QT_TR_NOOP("How many days ahead bookings may be made")},
        {QStringLiteral("booking.hold_minutes"), T::Integer, 1, 120, QStringLiteral("10"),
         QT_TR_NOOP("Minutes an unpaid kiosk hold keeps its slot")},
        {QStringLiteral("booking.change_notice_minutes"), T::Integer, 0, 10080, QStringLiteral("120"),
         QT_TR_NOOP("Minutes before its start until which a customer may move or cancel a booking online")},
        {QStringLiteral("api.write_burst"), T::Integer, 1, 100000, QStringLiteral("300"),
         QT_TR_NOOP("Bookings and changes one client may send to the online API at once")},
        {QStringLiteral("api.write_rate_per_minute"), T::Integer, 0, 100000, QStringLiteral("30"),
         QT_TR_NOOP("Bookings and changes per minute a client's allowance refills by; 0 turns the limit off")},
        {QStringLiteral("api.cors_origins"), T::Text, 0, 2000, QString(),
         QT_TR_NOOP("Web sites whose pages may call the online API, such as https://www.example.com; "
                    "separated by spaces")},
        {QStringLiteral("api.trusted_proxies"), T::Text, 0, 2000, QString(),
         QT_TR_NOOP("Reverse proxies whose X-Forwarded-For names the real client: addresses or ranges "
                    "such as 10.0.0.0/8, separated by spaces")},
        {QStringLiteral("kiosk.idle_seconds"), T::Integer, 20, 600, QStringLiteral("60"),
         QT_TR_NOOP("Seconds without a touch before a kiosk asks \"Still there?\"")},
        {QStringLiteral("site.name"), T::Text, 1, 100, QStringLiteral("Car wash"),
         QT_TR_NOOP("The business name printed on receipts")},
        {QStringLiteral("site.address"), T::Text, 0, 300, QString(),
         QT_TR_NOOP("The address printed on receipts; one line per line")},
        {QStringLiteral("billing.currency"), T::Currency, 0, 0, QStringLiteral("USD"),
         QT_TR_NOOP("The currency of every price")},
        {QStringLiteral("billing.tax_rate_percent"), T::Percent, 0, 100, QStringLiteral("0"),
         QT_TR_NOOP("The sales tax rate shown on receipts, in percent")},
        {QStringLiteral("billing.prices_include_tax"), T::Boolean, 0, 0, QStringLiteral("true"),
         QT_TR_NOOP("Whether menu prices already include the tax")},
        {QStringLiteral("retention.process_health_days"), T::Integer, 1, 365, QStringLiteral("7"),
         QT_TR_NOOP("Days a stopped process's health snapshot is kept before maintenance removes it")},
        {QStringLiteral("retention.audit_log_days"), T::Integer, 30, 3650, QStringLiteral("730"),
         QT_TR_NOOP("Days audit log entries are kept before maintenance removes them")},
        {QStringLiteral("retention.stripe_events_days"), T::Integer, 7, 3650, QStringLiteral("90"),
         QT_TR_NOOP("Days processed payment events and answered attendant calls are kept before "
                    "maintenance removes them")},
        {QStringLiteral("backup.keep_days"), T::Integer, 1, 3650, QStringLiteral("14"),
         QT_TR_NOOP("Days the daily backups of this PC's database are kept before they are deleted")},
        {QStringLiteral("backup.folder"), T::Text, 0, 1000, QString(),
         QT_TR_NOOP("The folder backups are written to, such as a USB disk; empty: the backups folder "
                    "in the data folder")},
        {QStringLiteral("mail.smtp_host"), T::Text, 0, 253, QString(),
         QT_TR_NOOP("The SMTP server confirmation e-mails are sent through; empty: no e-mails are sent "
                    "(they wait in the queue)")},
        {QStringLiteral("mail.smtp_port"), T::Integer, 1, 65535, QStringLiteral("587"),
         QT_TR_NOOP("The SMTP server's port")},
        {QStringLiteral("mail.smtp_security"), T::Text, 0, 0, QStringLiteral("starttls"),
         QT_TR_NOOP("How the connection to the SMTP server is encrypted: none, starttls or tls"),
         {QStringLiteral("none"), QStringLiteral("starttls"), QStringLiteral("tls")}},
        {QStringLiteral("mail.smtp_user"), T::Text, 0, 254, QString(),
         QT_TR_NOOP("The user name for the SMTP server; empty: no login. The password is set in "
                    "carwash-server's environment (CARWASH_SMTP_PASSWORD)")},
        {QStringLiteral("mail.from"), T::Text, 0, 254, QString(),
         QT_TR_NOOP("The sender address of confirmation e-mails, such as bookings@example.com")},
        {QStringLiteral("mail.language"), T::Text, 0, 0, QStringLiteral("en"),
         QT_TR_NOOP("The language of e-mails to customers who did not choose one"),
         {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")}},
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
    if (!id.isEmpty() && QTimeZone(id).isValid())
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

QString SiteSettings::validate(const QString &key, const QString &value, QString *normalised,
                               const QLocale &locale, const QString &subject)
{
    const QString name = subject.isEmpty() ? key : subject;
    const std::optional<SettingSpec> s = spec(key);
    if (!s) {
        QStringList keys;
        for (const SettingSpec &known : specs())
            keys << known.key;
        return tr("Unknown setting \"%1\". Settable keys: %2.").arg(name, keys.join(QStringLiteral(", ")));
    }
    const QString text = value.trimmed();
    if (s->type == SettingSpec::Type::TimeZone) {
        // IANA ids are ASCII; a non-ASCII string is not one, whatever
        // toLatin1() would make of it. Validity rather than Qt's list of
        // available ids: that list comes from zone1970.tab and leaves out
        // links such as Etc/UTC, which machines commonly report.
        static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_+\\-/]+$"));
        if (!shape.match(text).hasMatch() || !QTimeZone(text.toLatin1()).isValid())
            return tr("%1 must be %2; \"%3\" is not one.").arg(name, s->acceptedText(), value);
        if (normalised)
            *normalised = text;
        return {};
    }
    switch (s->type) {
    case SettingSpec::Type::TimeZone:
    case SettingSpec::Type::Integer:
        break;
    case SettingSpec::Type::Text: {
        if (!s->choices.isEmpty()) {
            if (!s->choices.contains(text))
                return tr("%1 must be %2; \"%3\" is not.").arg(name, s->acceptedText(), value);
            if (normalised)
                *normalised = text;
            return {};
        }
        // Line breaks only where the text is an address; no other control
        // characters anywhere (they would corrupt a printed receipt).
        const bool multiLine = key.endsWith(u".address");
        QString clean = multiLine ? value : value.trimmed();
        if (multiLine) {
            clean.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
            QStringList lines = clean.split(u'\n');
            for (QString &line : lines)
                line = line.trimmed();
            while (!lines.isEmpty() && lines.constLast().isEmpty())
                lines.removeLast();
            while (!lines.isEmpty() && lines.constFirst().isEmpty())
                lines.removeFirst();
            clean = lines.join(u'\n');
        }
        for (const QChar c : clean) {
            if ((c.category() == QChar::Other_Control && !(multiLine && c == u'\n'))
                || c.category() == QChar::Other_Format)
                return tr("%1 must be %2 without control characters.").arg(name, s->acceptedText());
        }
        if (clean.size() < s->minimum || clean.size() > s->maximum)
            return tr("%1 must be %2; it has %3.").arg(name, s->acceptedText()).arg(clean.size());
        if (key == u"api.cors_origins" || key == u"api.trusted_proxies") {
            const bool origins = key == u"api.cors_origins";
            QStringList entries = clean.split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
            for (QString &entry : entries) {
                const QString problem = origins ? originProblem(entry) : proxyProblem(entry);
                if (!problem.isEmpty())
                    return tr("%1: \"%2\" %3").arg(name, entry, problem);
            }
            clean = entries.join(u' ');
        }
        // Sent as they are in SMTP commands and headers: no spaces, one @.
        static const QRegularExpression address(QStringLiteral("^[^@\\s<>()\\[\\],;:\"]+@[A-Za-z0-9.-]+$"));
        static const QRegularExpression host(QStringLiteral("^[A-Za-z0-9.-]+$"));
        if (key == u"mail.from" && !clean.isEmpty() && !address.match(clean).hasMatch())
            return tr("%1 must be an e-mail address such as bookings@example.com; \"%2\" is not.")
                .arg(name, value);
        if (key == u"mail.smtp_host" && !clean.isEmpty() && !host.match(clean).hasMatch())
            return tr("%1 must be a host name or address such as smtp.example.com; \"%2\" is not.")
                .arg(name, value);
        if (key == u"mail.smtp_user" && clean.contains(u' '))
            return tr("%1 may not contain spaces.").arg(name);
        if (key == u"backup.folder" && !clean.isEmpty() && !QDir::isAbsolutePath(clean))
            return tr("%1 must be a full path such as /media/usb/carwash-backups; \"%2\" is not.")
                .arg(name, value);
        if (normalised)
            *normalised = clean;
        return {};
    }
    case SettingSpec::Type::Percent: {
        // Hundredths of a percent, exactly; stored in C ("8.25") whatever
        // the locale it was typed in.
        const DecimalInput::Result basis = DecimalInput::parse(text, locale, 2);
        if (!basis.ok())
            return tr("%1 must be %2.").arg(name, s->acceptedText(locale)) + u' '
                + DecimalInput::problemText(basis.problem, value, locale, 2, 825);
        if (basis.units > qint64(s->maximum) * 100)
            return tr("%1 must be %2; \"%3\" is not.").arg(name, s->acceptedText(locale), value);
        if (normalised)
            *normalised = basisPointsText(int(basis.units));
        return {};
    }
    case SettingSpec::Type::Currency: {
        static const QRegularExpression shape(QStringLiteral("^[A-Za-z]{3}$"));
        if (!shape.match(text).hasMatch())
            return tr("%1 must be %2; \"%3\" is not.").arg(name, s->acceptedText(), value);
        if (normalised)
            *normalised = text.toUpper();
        return {};
    }
    case SettingSpec::Type::Boolean: {
        const QString lower = text.toLower();
        if (lower != u"true" && lower != u"false")
            return tr("%1 must be %2; \"%3\" is not.").arg(name, s->acceptedText(), value);
        if (normalised)
            *normalised = lower;
        return {};
    }
    }
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,6}$"));
    const int number = text.toInt();
    if (!digits.match(text).hasMatch() || number < s->minimum || number > s->maximum)
        return tr("%1 must be %2; \"%3\" is not.").arg(name, s->acceptedText(), value);
    if (normalised)
        *normalised = QString::number(number);
    return {};
}

QString SiteSettings::basisPointsText(int basisPoints)
{
    return DecimalInput::text(basisPoints, QLocale::c(), 2, true);
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
    s.kioskIdleSeconds = read(QStringLiteral("kiosk.idle_seconds")).toInt();
    s.currency = read(QStringLiteral("billing.currency"));
    s.siteName = read(QStringLiteral("site.name"));
    s.siteAddress = read(QStringLiteral("site.address"));
    const QString rate = read(QStringLiteral("billing.tax_rate_percent"));
    s.taxRateBasisPoints = int(DecimalInput::parse(rate, QLocale::c(), 2).units);
    s.pricesIncludeTax = read(QStringLiteral("billing.prices_include_tax")) == u"true";
    s.smtpHost = read(QStringLiteral("mail.smtp_host"));
    s.smtpPort = read(QStringLiteral("mail.smtp_port")).toInt();
    s.smtpSecurity = read(QStringLiteral("mail.smtp_security"));
    s.smtpUser = read(QStringLiteral("mail.smtp_user"));
    s.mailFrom = read(QStringLiteral("mail.from"));
    s.mailLanguage = read(QStringLiteral("mail.language"));
    return s;
}
