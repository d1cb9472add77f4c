#include "ui/manager/settingeditor.h"

#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QHash>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTimeZone>

// The labels keep SiteSettingsPage as their translation context: they were
// first written there.
QString SettingEditor::label(const QString &key)
{
    static const QHash<QString, const char *> labels = {
        {QStringLiteral("site.timezone"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Time &zone:")},
        {QStringLiteral("booking.slot_minutes"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Slot e&very (minutes):")},
        {QStringLiteral("booking.buffer_minutes"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Clean-up buffe&r (minutes):")},
        {QStringLiteral("booking.min_notice_minutes"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Minimum &notice (minutes):")},
        {QStringLiteral("booking.horizon_days"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Boo&k ahead (days):")},
        {QStringLiteral("booking.hold_minutes"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Kiosk h&old (minutes):")},
        {QStringLiteral("kiosk.idle_seconds"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Kiosk idle (seconds):")},
        {QStringLiteral("site.name"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Business na&me:")},
        {QStringLiteral("site.address"), QT_TRANSLATE_NOOP("SiteSettingsPage", "&Address:")},
        {QStringLiteral("billing.currency"), QT_TRANSLATE_NOOP("SiteSettingsPage", "&Currency:")},
        {QStringLiteral("billing.tax_rate_percent"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Ta&x rate (%):")},
        {QStringLiteral("billing.prices_include_tax"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Prices include the &tax")},
        {QStringLiteral("mail.smtp_host"), QT_TRANSLATE_NOOP("SiteSettingsPage", "SMTP server:")},
        {QStringLiteral("mail.smtp_port"), QT_TRANSLATE_NOOP("SiteSettingsPage", "SMTP port:")},
        {QStringLiteral("mail.smtp_security"), QT_TRANSLATE_NOOP("SiteSettingsPage", "SMTP encryption:")},
        {QStringLiteral("mail.smtp_user"), QT_TRANSLATE_NOOP("SiteSettingsPage", "SMTP user:")},
        {QStringLiteral("mail.from"), QT_TRANSLATE_NOOP("SiteSettingsPage", "E-mail sender:")},
        {QStringLiteral("mail.language"), QT_TRANSLATE_NOOP("SiteSettingsPage", "E-mail language:")},
        {QStringLiteral("booking.change_notice_minutes"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Online changes until (minutes before):")},
        {QStringLiteral("api.write_burst"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Online API burst:")},
        {QStringLiteral("api.write_rate_per_minute"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Online API changes per minute:")},
        {QStringLiteral("api.cors_origins"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Web sites allowed (CORS):")},
        {QStringLiteral("api.trusted_proxies"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Trusted proxies:")},
        {QStringLiteral("retention.process_health_days"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Keep process health (days):")},
        {QStringLiteral("retention.audit_log_days"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Keep the audit log (days):")},
        {QStringLiteral("retention.stripe_events_days"),
         QT_TRANSLATE_NOOP("SiteSettingsPage", "Keep Stripe events (days):")},
        {QStringLiteral("backup.keep_days"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Keep backups (days):")},
        {QStringLiteral("backup.folder"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Backup folder:")},
    };
    const char *source = labels.value(key);
    return source ? QCoreApplication::translate("SiteSettingsPage", source) : key + u':';
}

QString SettingEditor::plainLabel(const QString &key)
{
    QString text = label(key);
    text.remove(u'&');
    if (text.endsWith(u':'))
        text.chop(1);
    return text;
}

QWidget *SettingEditor::make(const SettingSpec &spec, QWidget *parent)
{
    QWidget *edit = nullptr;
    switch (spec.type) {
    case SettingSpec::Type::Integer: {
        auto *spin = new QSpinBox(parent);
        spin->setRange(spec.minimum, spec.maximum);
        spin->setGroupSeparatorShown(true);
        edit = spin;
        break;
    }
    case SettingSpec::Type::TimeZone: {
        auto *combo = new QComboBox(parent);
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        QStringList zones;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            zones << QString::fromLatin1(id);
        combo->addItems(zones);
        auto *completer = new QCompleter(zones, combo);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        combo->setCompleter(completer);
        edit = combo;
        break;
    }
    case SettingSpec::Type::Text:
        if (spec.key.endsWith(u".address")) {
            auto *text = new QPlainTextEdit(parent);
            text->setTabChangesFocus(true);
            text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
            edit = text;
        } else {
            auto *line = new QLineEdit(parent);
            line->setMaxLength(spec.maximum);
            edit = line;
        }
        break;
    case SettingSpec::Type::Percent: {
        auto *line = new QLineEdit(parent);
        // Only what a number can hold; whether it is one (and how precise)
        // is said on saving, next to the field, rather than by keys that
        // do nothing.
        line->setValidator(
            new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^[0-9.,-]{0,12}$")), line));
        line->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
        edit = line;
        break;
    }
    case SettingSpec::Type::Currency: {
        auto *combo = new QComboBox(parent);
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        combo->addItems({QStringLiteral("USD"), QStringLiteral("EUR"), QStringLiteral("GBP"),
                         QStringLiteral("CAD"), QStringLiteral("AUD"), QStringLiteral("CHF"),
                         QStringLiteral("MXN")});
        combo->setValidator(
            new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^[A-Za-z]{0,3}$")), combo));
        edit = combo;
        break;
    }
    case SettingSpec::Type::Boolean:
        edit = new QCheckBox(label(spec.key), parent);
        break;
    }
    edit->setObjectName(QStringLiteral("setting_") + QString(spec.key).replace(u'.', u'_'));
    edit->setAccessibleName(plainLabel(spec.key));
    return edit;
}

void SettingEditor::setValue(QWidget *edit, const SettingSpec &spec, const QString &value)
{
    if (auto *spin = qobject_cast<QSpinBox *>(edit))
        spin->setValue(value.toInt());
    else if (auto *combo = qobject_cast<QComboBox *>(edit))
        combo->setCurrentText(value);
    else if (auto *text = qobject_cast<QPlainTextEdit *>(edit))
        text->setPlainText(value);
    else if (auto *check = qobject_cast<QCheckBox *>(edit))
        check->setChecked(value == u"true");
    else if (auto *line = qobject_cast<QLineEdit *>(edit))
        line->setText(spec.type == SettingSpec::Type::Percent ? DecimalInput::text(
                          DecimalInput::parse(value, QLocale::c()).units, DisplayLocale::get(), 2, true)
                                                              : value);
}

QString SettingEditor::value(const QWidget *edit)
{
    if (auto *spin = qobject_cast<const QSpinBox *>(edit))
        return QString::number(spin->value());
    if (auto *combo = qobject_cast<const QComboBox *>(edit))
        return combo->currentText().trimmed();
    if (auto *text = qobject_cast<const QPlainTextEdit *>(edit))
        return text->toPlainText();
    if (auto *check = qobject_cast<const QCheckBox *>(edit))
        return check->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (auto *line = qobject_cast<const QLineEdit *>(edit))
        return line->text();
    return {};
}
