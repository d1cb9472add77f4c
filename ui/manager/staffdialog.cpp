#include "ui/manager/staffdialog.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/common/stafftext.h"
#include "ui/manager/staffformdialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
enum Column { NameColumn, RoleColumn, StateColumn };
}

StaffDialog::StaffDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_manager(manager)
{
    setObjectName(QStringLiteral("staffDialog"));
    setWindowTitle(tr("Staff"));
    m_banner = new ErrorBanner(this);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("staffManagementList"));
    m_list->setAccessibleName(tr("Staff"));
    m_list->setHeaderLabels({tr("Name"), tr("Role"), tr("State")});
    m_list->setRootIsDecorated(false);
    m_list->setAllColumnsShowFocus(true);
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(RoleColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(StateColumn, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &StaffDialog::updateButtons);

    m_add = new QPushButton(tr("&Add person…"), this);
    m_add->setObjectName(QStringLiteral("addPersonButton"));
    m_add->setAccessibleName(tr("Add a person"));
    m_add->setAutoDefault(false);
    connect(m_add, &QPushButton::clicked, this, &StaffDialog::addPerson);

    m_newPin = new QPushButton(tr("&New PIN…"), this);
    m_newPin->setObjectName(QStringLiteral("newPinButton"));
    m_newPin->setAccessibleName(tr("Give the selected person a new PIN"));
    m_newPin->setAutoDefault(false);
    connect(m_newPin, &QPushButton::clicked, this, &StaffDialog::newPinForSelected);

    m_active = new QPushButton(this);
    m_active->setObjectName(QStringLiteral("staffActiveButton"));
    m_active->setAutoDefault(false);
    connect(m_active, &QPushButton::clicked, this, [this] {
        if (const std::optional<StaffMember> person = selected())
            setSelectedActive(!person->active);
    });

    m_role = new QPushButton(this);
    m_role->setObjectName(QStringLiteral("staffRoleButton"));
    m_role->setAutoDefault(false);
    connect(m_role, &QPushButton::clicked, this, [this] {
        if (const std::optional<StaffMember> person = selected())
            setSelectedRole(person->isManager() ? StaffMember::Role::Staff : StaffMember::Role::Manager);
    });

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("staffDialogStatus"));
    m_status->setWordWrap(true);
    m_busy = new BusyIndicator(this);

    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_newPin);
    buttons->addWidget(m_active);
    buttons->addWidget(m_role);
    buttons->addStretch(1);
    buttons->addWidget(m_busy);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(close);
    resize(fontMetrics().averageCharWidth() * 70, fontMetrics().height() * 24);
    setTabOrder(m_list, m_add);
    setTabOrder(m_add, m_newPin);
    setTabOrder(m_newPin, m_active);
    setTabOrder(m_active, m_role);
    updateButtons();
    reload();
}

void StaffDialog::reload()
{
    m_busy->start(tr("Loading…"));
    auto all = m_pool.withRetry(QStringLiteral("staff.list_all"), RetryPolicy::standard(),
                                [](QSqlDatabase &db) { return StaffRepo(db).all(); });
    Async::onResult(all, this, [this](const DbResult<QList<StaffMember>> &result) {
        m_busy->stop();
        if (!result.ok()) {
            m_banner->showMessage(QStringLiteral("staff"),
                                  tr("The staff list could not be loaded. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { reload(); });
            return;
        }
        m_banner->clear(QStringLiteral("staff"));
        const std::optional<StaffMember> before = selected();
        m_staff = result.value();
        m_list->clear();
        for (const StaffMember &member : std::as_const(m_staff)) {
            QString state = member.active ? tr("Active") : tr("No longer active");
            if (member.lockSecondsLeft > 0)
                state = tr("Locked, %1 left").arg(StaffText::duration(member.lockSecondsLeft));
            auto *item = new QTreeWidgetItem(m_list, {member.name, StaffText::role(member.role), state});
            item->setData(NameColumn, Qt::UserRole, member.id);
            if ((before && before->id == member.id) || !m_list->currentItem())
                m_list->setCurrentItem(item);
        }
        updateButtons();
        Q_EMIT loaded();
    });
}

QString StaffDialog::statusText() const
{
    return m_status->text();
}

std::optional<StaffMember> StaffDialog::selected() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return std::nullopt;
    const qint64 id = item->data(NameColumn, Qt::UserRole).toLongLong();
    for (const StaffMember &member : m_staff) {
        if (member.id == id)
            return member;
    }
    return std::nullopt;
}

void StaffDialog::updateButtons()
{
    const std::optional<StaffMember> person = selected();
    m_newPin->setEnabled(person.has_value());
    m_active->setEnabled(person.has_value() && !m_saving);
    m_role->setEnabled(person.has_value() && !m_saving);
    const bool active = !person || person->active;
    m_active->setText(active ? tr("&Deactivate") : tr("&Reactivate"));
    m_active->setAccessibleName(active ? tr("Deactivate the selected person: their PIN no longer signs in")
                                       : tr("Reactivate the selected person"));
    const bool manager = person && person->isManager();
    m_role->setText(manager ? tr("Make &staff") : tr("Make &manager"));
    m_role->setAccessibleName(manager ? tr("Make the selected person staff, not a manager")
                                      : tr("Make the selected person a manager"));
}

void StaffDialog::setSelectedActive(bool active)
{
    if (const std::optional<StaffMember> person = selected())
        saveChange(*person, active, std::nullopt);
}

void StaffDialog::setSelectedRole(StaffMember::Role role)
{
    if (const std::optional<StaffMember> person = selected())
        saveChange(*person, std::nullopt, role);
}

void StaffDialog::saveChange(const StaffMember &person, std::optional<bool> active,
                             std::optional<StaffMember::Role> role)
{
    if (m_saving)
        return;
    m_saving = true;
    updateButtons();
    m_busy->start(tr("Saving…"));
    const qint64 personId = person.id;
    const qint64 managerId = m_manager.id;
    auto saved = m_pool.withRetry(QStringLiteral("staff.change"), RetryPolicy::standard(),
                                  [personId, managerId, active, role](QSqlDatabase &db) {
                                      StaffRepo repo(db);
                                      return active ? repo.setActive(personId, *active, managerId)
                                                    : repo.setRole(personId, *role, managerId);
                                  });
    Async::onResult(saved, this, [this, person](const DbResult<StaffMember> &result) {
        m_saving = false;
        m_busy->stop();
        if (!result.ok()) {
            m_banner->showMessage(QStringLiteral("staff.change"),
                                  tr("%1 was not changed. %2").arg(person.name, result.error().message()),
                                  ErrorText::whatToDo(result.error()));
            updateButtons();
            return;
        }
        m_banner->clear(QStringLiteral("staff.change"));
        const StaffMember &changed = result.value();
        if (changed.active != person.active)
            m_status->setText(changed.active ? tr("%1 is active again and may sign in.").arg(changed.name)
                                             : tr("%1 is no longer active; their PIN no longer signs in.")
                                                   .arg(changed.name));
        else if (changed.role != person.role)
            m_status->setText(tr("%1 is now %2.").arg(changed.name, StaffText::role(changed.role)));
        reload();
    });
}

StaffFormDialog *StaffDialog::addPerson()
{
    auto *form = StaffFormDialog::forAdding(m_pool, m_manager, this);
    form->setAttribute(Qt::WA_DeleteOnClose);
    connect(form, &StaffFormDialog::saved, this, [this](const QString &summary) {
        m_status->setText(summary);
        reload();
    });
    form->open();
    return form;
}

StaffFormDialog *StaffDialog::newPinForSelected()
{
    const std::optional<StaffMember> person = selected();
    if (!person)
        return nullptr;
    auto *form = StaffFormDialog::forNewPin(m_pool, m_manager, *person, this);
    form->setAttribute(Qt::WA_DeleteOnClose);
    connect(form, &StaffFormDialog::saved, this, [this](const QString &summary) {
        m_status->setText(summary);
        reload();
    });
    form->open();
    return form;
}
