#pragma once

#include <QCoreApplication>
#include <QList>
#include <QStringList>
#include <QLocale>
#include <QMap>
#include <QString>
#include <QTimeZone>

#include <optional>

// One setting the booking engine reads, with the values it accepts.
struct SettingSpec
{
    // Integer: minimum..maximum. Text: minimum..maximum characters, any
    // script, one line unless the key ends in ".address". Percent: 0..maximum
    // with up to two decimals. Currency: an ISO 4217 code. Boolean: true/false.
    enum class Type { Integer, TimeZone, Text, Percent, Currency, Boolean };
    QString key;
    Type type = Type::Integer;
    int minimum = 0;
    int maximum = 0;
    QString defaultValue; // empty for site.timezone: the machine's zone
    const char *descriptionSource = nullptr; // untranslated; see description()
    // Text only: when not empty, the value must be one of these.
    QStringList choices = {};

    QString description() const;

    // "5..240 (minutes)" or "an IANA time zone such as Europe/Berlin";
    // examples of numbers as typed in locale (the CLI's is C).
    QString acceptedText(const QLocale &locale = QLocale::c()) const;
};

// The site's calendar rules as the booking engine uses them: the values of
// site_settings, validated, with defaults for missing or unreadable rows.
// Plain value, copied across threads; no database access of its own.
class SiteSettings
{
    Q_DECLARE_TR_FUNCTIONS(SiteSettings)
public:
    QTimeZone timeZone;
    int slotMinutes = 15;
    int bufferMinutes = 5;
    int minNoticeMinutes = 0;
    int horizonDays = 60;
    int holdMinutes = 10;
    // A kiosk left untouched this long asks "Still there?" (then resets).
    int kioskIdleSeconds = 60;
    QString currency = QStringLiteral("USD");
    // For receipts.
    QString siteName;
    QString siteAddress; // may hold line breaks
    int taxRateBasisPoints = 0; // 8.25 % = 825
    bool pricesIncludeTax = true;
    // Confirmation e-mails (carwash-server's MailSender); its password is
    // only in the server's environment (CARWASH_SMTP_PASSWORD), never here.
    QString smtpHost; // empty: mail is not configured and stays queued
    int smtpPort = 587;
    QString smtpSecurity = QStringLiteral("starttls"); // none, starttls or tls
    QString smtpUser; // empty: no AUTH
    QString mailFrom;
    QString mailLanguage = QStringLiteral("en"); // for bookings without a language of their own

    // The settable keys, in the order the listing shows them.
    static const QList<SettingSpec> &specs();
    static std::optional<SettingSpec> spec(const QString &key);

    // Empty when value is acceptable for key (then *normalised holds the
    // form to store, numbers in C: "8.25"); otherwise a message naming the
    // setting and what it accepts: by subject when given (a screen passes
    // its field's label, "Tax rate (%)"), else by key (the CLI's word).
    // Numbers are read as typed in locale, then in C (DecimalInput). Unknown
    // keys are refused the same way.
    static QString validate(const QString &key, const QString &value, QString *normalised = nullptr,
                            const QLocale &locale = QLocale::c(), const QString &subject = {});

    // The machine's IANA zone, or UTC when it has none.
    static QString systemTimeZoneId();
    static QString defaultValue(const QString &key);
    // 825 -> "8.25", 800 -> "8", 850 -> "8.5".
    static QString basisPointsText(int basisPoints);

    // From site_settings rows. A stored value that does not validate (edited
    // by hand) falls back to the default, with a warning in the log.
    static SiteSettings fromValues(const QMap<QString, QString> &values);
};
