#include "ui/manager/firstrunpages.h"

#include "db/staff/staffrepo.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"
#include "ui/common/pincheck.h"
#include "ui/manager/openinghourseditor.h"
#include "ui/manager/settingeditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace {

QLabel *helpLabel(const QString &text, QWidget *parent)
{
    auto *help = new QLabel(text, parent);
    help->setWordWrap(true);
    QPalette muted = help->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    help->setPalette(muted);
    return help;
}

QString defaultValue(const QString &key)
{
    if (key == u"site.name")
        return {}; // the owner's to type
    if (key == u"billing.currency") {
        // The currency of the place the desk is set up in, when it has one.
        const QString local = DisplayLocale::get().currencySymbol(QLocale::CurrencyIsoCode);
        return local.size() == 3 ? local : SiteSettings::defaultValue(key);
    }
    return SiteSettings::defaultValue(key);
}

} // namespace

SettingsFirstRunPage::SettingsFirstRunPage(const QStringList &keys, QWidget *parent)
    : FirstRunPage(parent)
    , m_keys(keys)
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    QWidget *previous = nullptr;
    for (const QString &key : keys) {
        const std::optional<SettingSpec> spec = SiteSettings::spec(key);
        Q_ASSERT(spec);
        QWidget *edit = SettingEditor::make(*spec, this);
        SettingEditor::setValue(edit, *spec, defaultValue(key));
        m_editors.insert(key, edit);
        QLabel *help = helpLabel(
            tr("%1. Accepted: %2.").arg(spec->description(), spec->acceptedText(DisplayLocale::get())), this);
        edit->setAccessibleDescription(help->text());
        auto *column = new QVBoxLayout;
        column->setSpacing(2);
        column->addWidget(edit);
        column->addWidget(errorLabel(key, edit));
        column->addWidget(help);
        if (spec->type == SettingSpec::Type::Boolean) {
            form->addRow(QString(), column);
        } else {
            auto *label = new QLabel(SettingEditor::label(key), this);
            label->setBuddy(edit);
            form->addRow(label, column);
        }
        if (previous)
            setTabOrder(previous, edit);
        previous = edit;
    }
}

QList<FieldError> SettingsFirstRunPage::check() const
{
    QList<FieldError> errors;
    for (const QString &key : m_keys) {
        if (const QString problem
            = SiteSettings::validate(key, SettingEditor::value(m_editors.value(key)), nullptr,
                                     DisplayLocale::get(), SettingEditor::plainLabel(key));
            !problem.isEmpty())
            errors.append({key, problem});
    }
    return errors;
}

void SettingsFirstRunPage::fill(FirstRunPlan &plan) const
{
    for (const QString &key : m_keys) {
        QString normalised;
        SiteSettings::validate(key, SettingEditor::value(m_editors.value(key)), &normalised,
                               DisplayLocale::get());
        plan.settings.insert(key, normalised);
    }
}

HoursFirstRunPage::HoursFirstRunPage(QWidget *parent)
    : FirstRunPage(parent)
{
    auto *intro = new QLabel(tr("Times are in the site's time zone. Separate ranges with commas for a break, "
                                "for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight."),
                             this);
    intro->setWordWrap(true);
    m_editor
        = new OpeningHoursEditor([this](const QString &field) { return errorLabel(field, nullptr); }, this);
    // What most car washes keep; the owner changes what differs.
    QList<OpeningPeriod> usual;
    for (int weekday = 1; weekday <= 6; ++weekday)
        usual.append({weekday, 8 * 60, 19 * 60});
    usual.append({7, 9 * 60, 17 * 60});
    m_editor->setPeriods(usual);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_editor);
    layout->addStretch(1);
}

QList<FieldError> HoursFirstRunPage::check() const
{
    QList<FieldError> errors;
    m_editor->week(&errors);
    return errors;
}

void HoursFirstRunPage::fill(FirstRunPlan &plan) const
{
    plan.hours = m_editor->week(nullptr);
}

ManagerFirstRunPage::ManagerFirstRunPage(QWidget *parent)
    : FirstRunPage(parent)
{
    auto *intro = new QLabel(tr("You sign in with this name and PIN, as the manager: the only one who can "
                                "change the site, the wash menu and the staff. Add the rest of your staff "
                                "later, under Manage, Staff."),
                             this);
    intro->setWordWrap(true);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("managerName"));
    m_name->setAccessibleName(tr("Your name"));
    m_name->setMaxLength(100);
    m_pin = PinCheck::field(this, QStringLiteral("managerPin"), tr("PIN"));
    m_pin->setPlaceholderText(
        tr("%1 to %2 digits").arg(StaffRepo::MinPinDigits).arg(StaffRepo::MaxPinDigits));
    m_repeat = PinCheck::field(this, QStringLiteral("managerPinRepeat"), tr("PIN again"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *nameColumn = new QVBoxLayout;
    nameColumn->addWidget(m_name);
    nameColumn->addWidget(errorLabel(QStringLiteral("manager.name"), m_name));
    auto labelFor = [this](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text, this);
        label->setBuddy(buddy);
        return label;
    };
    form->addRow(labelFor(tr("Your na&me:"), m_name), nameColumn);
    form->addRow(tr("&PIN:"), m_pin);
    auto *repeatColumn = new QVBoxLayout;
    repeatColumn->addWidget(m_repeat);
    repeatColumn->addWidget(errorLabel(QStringLiteral("manager.pin"), m_pin));
    form->addRow(labelFor(tr("PIN a&gain:"), m_repeat), repeatColumn);
    setTabOrder(m_name, m_pin);
    setTabOrder(m_pin, m_repeat);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addStretch(1);
}

QList<FieldError> ManagerFirstRunPage::check() const
{
    QList<FieldError> errors;
    if (m_name->text().simplified().isEmpty())
        errors.append(
            {QStringLiteral("manager.name"), tr("Type your name: the desk shows who is signed in.")});
    if (const QString problem = PinCheck::newPinProblem(m_pin->text(), m_repeat->text()); !problem.isEmpty())
        errors.append({QStringLiteral("manager.pin"), problem});
    return errors;
}

void ManagerFirstRunPage::fill(FirstRunPlan &plan) const
{
    plan.managerName = m_name->text().simplified();
    plan.managerPin = m_pin->text();
}

ReadyFirstRunPage::ReadyFirstRunPage(QWidget *parent)
    : FirstRunPage(parent)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("firstRunSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *after
        = new QLabel(tr("Everything is written at once when you press Open the car wash, and the desk "
                        "opens with you signed in. Every answer can be changed later under Manage."),
                     this);
    after->setWordWrap(true);
    m_busy = new BusyIndicator(this);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("firstRunProblem"));
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Problem"));
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(after);
    layout->addWidget(m_busy);
    layout->addWidget(m_problem);
    layout->addStretch(1);
}

bool ReadyFirstRunPage::validatePage()
{
    if (m_done)
        return true;
    if (!m_busyNow)
        Q_EMIT finishRequested();
    return false;
}

bool ReadyFirstRunPage::isComplete() const
{
    return !m_busyNow;
}

void ReadyFirstRunPage::setBusy(bool busy)
{
    m_busyNow = busy;
    if (busy)
        m_busy->start(tr("Setting up the car wash…"));
    else
        m_busy->stop();
    Q_EMIT completeChanged();
}

void ReadyFirstRunPage::setProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

QString ReadyFirstRunPage::summary() const
{
    return m_summary->text();
}

void ReadyFirstRunPage::showSummary(const FirstRunPlan &plan)
{
    const QLocale locale = DisplayLocale::get();
    const QString tax = DecimalInput::text(
        DecimalInput::parse(plan.settings.value(QStringLiteral("billing.tax_rate_percent")), QLocale::c())
            .units,
        locale, 2, true);
    int openDays = 0;
    for (auto it = plan.hours.cbegin(); it != plan.hours.cend(); ++it)
        openDays += it->isEmpty() ? 0 : 1;
    QStringList lines;
    lines << tr("Car wash: %1").arg(plan.settings.value(QStringLiteral("site.name")))
          << tr("Time zone: %1").arg(plan.settings.value(QStringLiteral("site.timezone")))
          << (plan.settings.value(QStringLiteral("billing.prices_include_tax")) == u"true"
                  ? tr("Prices in %1, with %2 % tax included")
                        .arg(plan.settings.value(QStringLiteral("billing.currency")), tax)
                  : tr("Prices in %1, with %2 % tax added")
                        .arg(plan.settings.value(QStringLiteral("billing.currency")), tax))
          << tr("Open %n day(s) a week", nullptr, openDays) << tr("First manager: %1").arg(plan.managerName)
          << (plan.demoMenu ? tr("Wash menu: the demo car wash's washes, add-ons, lanes and holidays")
                            : tr("Wash menu: %n wash(es) of your own", nullptr, int(plan.washes.size()))
                      + QStringLiteral(", ") + tr("%n bay(s)", nullptr, plan.bays));
    m_summary->setText(lines.join(u'\n'));
}
