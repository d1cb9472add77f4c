#include "ui/manager/sitesettingspage.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/manager/settingeditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

SiteSettingsPage::SiteSettingsPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                                   QWidget *parent)
    : SiteSetupPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("siteSettingsPage"));
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    QWidget *previous = nullptr;
    for (const SettingSpec &spec : SiteSettings::specs()) {
        QWidget *edit = SettingEditor::make(spec, this);
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
            auto *label = new QLabel(SettingEditor::label(spec.key), this);
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
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(statusLabel());
    layout->addLayout(saveRow(m_save, m_revert));
}

void SiteSettingsPage::reload()
{
    load(
        QStringLiteral("settings.list"), tr("The site settings could not be loaded."),
        [](QSqlDatabase &db) { return SettingsRepo(db).list(); },
        [this](const QList<SettingValue> &values) {
            display(values);
            Q_EMIT loaded();
        },
        [this] { reload(); });
}

void SiteSettingsPage::display(const QList<SettingValue> &values)
{
    clearFieldErrors();
    m_loaded.clear();
    for (const SettingValue &v : values) {
        if (!v.spec)
            continue;
        // Compare like with like: what the editor will give back for it.
        SettingEditor::setValue(m_editors.value(v.key), *v.spec, v.value);
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
            = SiteSettings::validate(it.key(), now, &normalised, DisplayLocale::get(),
                                     SettingEditor::plainLabel(it.key()));
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

QString SiteSettingsPage::editorValue(const QString &key) const
{
    return SettingEditor::value(m_editors.value(key));
}
