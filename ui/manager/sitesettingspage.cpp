#include "ui/manager/sitesettingspage.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimeZone>
#include <QVBoxLayout>

namespace {

// The label of each setting, with a mnemonic; the key is the fallback.
QString labelFor(const QString &key)
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
        {QStringLiteral("kiosk.idle_seconds"), QT_TRANSLATE_NOOP("SiteSettingsPage", "Kiosk idle (seconds):")},
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
    };
    const char *source = labels.value(key);
    return source ? SiteSettingsPage::tr(source) : key + u':';
}

QString plainLabel(const QString &key)
{
    QString text = labelFor(key);
    text.remove(u'&');
    if (text.endsWith(u':'))
        text.chop(1);
    return text;
}

} // namespace

SiteSettingsPage::SiteSettingsPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                                   QWidget *parent)
    : SiteSetupPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("siteSettingsPage"));
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    QWidget *previous = nullptr;
    for (const SettingSpec &spec : SiteSettings::specs()) {
        QWidget *edit = makeEditor(spec);
        m_editors.insert(spec.key, edit);
        auto *help = new QLabel(
            tr("%1. Accepted: %2.").arg(spec.description(), spec.acceptedText(DisplayLocale::get())), this);
        help->setWordWrap(true);
        help->setObjectName(QStringLiteral("help_") + QString(spec.key).replace(u'.', u'_'));
        QPalette muted = help->palette();
        muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
        help->setPalette(muted);
        edit->setToolTip(help->text());
        edit->setAccessibleDescription(help->text());
        auto *column = new QVBoxLayout;
        column->setSpacing(2);
        column->addWidget(edit);
        column->addWidget(fieldErrorLabel(spec.key));
        column->addWidget(help);
        if (spec.type == SettingSpec::Type::Boolean) {
            form->addRow(QString(), column);
        } else {
            auto *label = new QLabel(labelFor(spec.key), this);
            label->setBuddy(edit);
            form->addRow(label, column);
        }
        if (previous)
            setTabOrder(previous, edit);
        previous = edit;
    }

    auto *content = new QWidget(this);
    content->setLayout(form);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    m_save = new QPushButton(tr("&Save site settings"), this);
    m_save->setObjectName(QStringLiteral("saveSiteSettings"));
    m_save->setAccessibleName(tr("Save the site settings"));
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &SiteSettingsPage::save);
    m_revert = new QPushButton(tr("&Undo changes"), this);
    m_revert->setObjectName(QStringLiteral("revertSiteSettings"));
    m_revert->setAccessibleName(tr("Undo the changes not saved yet"));
    m_revert->setAutoDefault(false);
    connect(m_revert, &QPushButton::clicked, this, &SiteSettingsPage::reload);
    if (previous)
        setTabOrder(previous, m_save);
    setTabOrder(m_save, m_revert);

    statusLabel()->setObjectName(QStringLiteral("siteSettingsStatus"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_save);
    buttons->addWidget(m_revert);
    buttons->addStretch(1);
    buttons->addWidget(busyIndicator());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(statusLabel());
    layout->addLayout(buttons);
    connect(this, &SiteSetupPage::busyChanged, this, [this](bool busy) {
        m_save->setEnabled(!busy);
        m_revert->setEnabled(!busy);
    });
}

QWidget *SiteSettingsPage::makeEditor(const SettingSpec &spec)
{
    QWidget *edit = nullptr;
    switch (spec.type) {
    case SettingSpec::Type::Integer: {
        auto *spin = new QSpinBox(this);
        spin->setRange(spec.minimum, spec.maximum);
        spin->setGroupSeparatorShown(true);
        edit = spin;
        break;
    }
    case SettingSpec::Type::TimeZone: {
        auto *combo = new QComboBox(this);
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
            auto *text = new QPlainTextEdit(this);
            text->setTabChangesFocus(true);
            text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
            edit = text;
        } else {
            auto *line = new QLineEdit(this);
            line->setMaxLength(spec.maximum);
            edit = line;
        }
        break;
    case SettingSpec::Type::Percent: {
        auto *line = new QLineEdit(this);
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
        auto *combo = new QComboBox(this);
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
        edit = new QCheckBox(labelFor(spec.key), this);
        break;
    }
    edit->setObjectName(QStringLiteral("setting_") + QString(spec.key).replace(u'.', u'_'));
    edit->setAccessibleName(plainLabel(spec.key));
    return edit;
}

void SiteSettingsPage::setEditorValue(const SettingSpec &spec, const QString &value)
{
    QWidget *edit = m_editors.value(spec.key);
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

QString SiteSettingsPage::editorValue(const QString &key) const
{
    QWidget *edit = m_editors.value(key);
    if (auto *spin = qobject_cast<QSpinBox *>(edit))
        return QString::number(spin->value());
    if (auto *combo = qobject_cast<QComboBox *>(edit))
        return combo->currentText().trimmed();
    if (auto *text = qobject_cast<QPlainTextEdit *>(edit))
        return text->toPlainText();
    if (auto *check = qobject_cast<QCheckBox *>(edit))
        return check->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (auto *line = qobject_cast<QLineEdit *>(edit))
        return line->text();
    return {};
}

void SiteSettingsPage::reload()
{
    const int request = nextRequest();
    startBusy(tr("Loading…"));
    auto listed = m_pool.withRetry(QStringLiteral("settings.list"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return SettingsRepo(db).list(); });
    Async::onResult(listed, this, [this, request](const DbResult<QList<SettingValue>> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok()) {
            showFailure(tr("The site settings could not be loaded."), result.error(), [this] { reload(); });
            return;
        }
        clearFailure();
        display(result.value());
        Q_EMIT loaded();
    });
}

void SiteSettingsPage::display(const QList<SettingValue> &values)
{
    clearFieldErrors();
    m_loaded.clear();
    for (const SettingValue &v : values) {
        if (!v.spec)
            continue;
        // Compare like with like: what the editor will give back for it.
        setEditorValue(*v.spec, v.value);
        m_loaded.insert(v.key, editorValue(v.key));
    }
}

void SiteSettingsPage::save()
{
    if (isBusy())
        return;
    QMap<QString, QString> edits;
    QList<FieldError> errors;
    for (auto it = m_loaded.cbegin(); it != m_loaded.cend(); ++it) {
        const QString now = editorValue(it.key());
        if (now == it.value())
            continue;
        // Numbers as typed here ("8,25" in German), stored as the database
        // and the CLI read them ("8.25").
        QString normalised;
        if (const QString problem
            = SiteSettings::validate(it.key(), now, &normalised, DisplayLocale::get(), plainLabel(it.key()));
            !problem.isEmpty())
            errors.append({it.key(), problem});
        edits.insert(it.key(), normalised);
    }
    if (!errors.isEmpty()) {
        showFieldErrors(errors);
        return;
    }
    clearFieldErrors();
    if (edits.isEmpty()) {
        showSaved(tr("No changes to save."));
        return;
    }
    const int request = nextRequest();
    startBusy(tr("Saving…"));
    const QString actor = m_manager.actor();
    auto saved = m_pool.withRetry(
        QStringLiteral("settings.set_many"), RetryPolicy::critical(),
        [edits, actor](QSqlDatabase &db) { return SettingsRepo(db).setMany(edits, actor); });
    Async::onResult(saved, this, [this, request, count = edits.size()](const DbResult<SaveOutcome> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok()) {
            // What was typed stays; Retry sends it again.
            showFailure(tr("The site settings were not saved."), result.error(), [this] { save(); });
            return;
        }
        clearFailure();
        if (!result->ok()) {
            showFieldErrors(result->errors);
            return;
        }
        showSaved(tr("Saved (%n setting(s) changed).", nullptr, int(count)));
        Q_EMIT changed();
        reload();
    });
}
