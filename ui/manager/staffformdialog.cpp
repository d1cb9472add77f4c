#include "ui/manager/staffformdialog.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errortext.h"
#include "ui/common/pincheck.h"
#include "ui/common/stafftext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

StaffFormDialog *StaffFormDialog::forAdding(ConnectionPool &pool, const StaffMember &manager, QWidget *parent)
{
    return new StaffFormDialog(Mode::Add, pool, manager, {}, parent);
}

StaffFormDialog *StaffFormDialog::forNewPin(ConnectionPool &pool, const StaffMember &manager,
                                            const StaffMember &person, QWidget *parent)
{
    return new StaffFormDialog(Mode::NewPin, pool, manager, person, parent);
}

StaffFormDialog::StaffFormDialog(Mode mode, ConnectionPool &pool, const StaffMember &manager,
                                 const StaffMember &person, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_pool(pool)
    , m_manager(manager)
    , m_person(person)
{
    setObjectName(QStringLiteral("staffFormDialog"));
    setWindowTitle(mode == Mode::Add ? tr("Add a person") : tr("New PIN for %1").arg(person.name));
    auto *form = new QFormLayout;

    if (mode == Mode::Add) {
        m_name = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("staffName"));
        m_name->setAccessibleName(tr("Name"));
        m_name->setMaxLength(100);
        form->addRow(tr("&Name:"), m_name);
        m_role = new QComboBox(this);
        m_role->setObjectName(QStringLiteral("staffRole"));
        m_role->setAccessibleName(tr("Role"));
        m_role->addItem(StaffText::role(StaffMember::Role::Staff), int(StaffMember::Role::Staff));
        m_role->addItem(StaffText::role(StaffMember::Role::Manager), int(StaffMember::Role::Manager));
        form->addRow(tr("&Role:"), m_role);
    } else {
        auto *who = new QLabel(
            tr("%1 (%2). A new PIN also lifts a lock-out.").arg(person.name, StaffText::role(person.role)),
            this);
        who->setWordWrap(true);
        form->addRow(who);
    }
    m_pin = PinCheck::field(this, QStringLiteral("staffPin"), tr("PIN"));
    m_pin->setPlaceholderText(
        tr("%1 to %2 digits").arg(StaffRepo::MinPinDigits).arg(StaffRepo::MaxPinDigits));
    form->addRow(tr("&PIN:"), m_pin);
    m_repeat = PinCheck::field(this, QStringLiteral("staffPinRepeat"), tr("PIN again"));
    form->addRow(tr("PIN a&gain:"), m_repeat);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("staffFormProblem"));
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Problem"));
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->hide();

    m_busy = new BusyIndicator(this);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setText(mode == Mode::Add ? tr("&Add person") : tr("&Set new PIN"));
    ok->setObjectName(QStringLiteral("staffFormOk"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &StaffFormDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_busy);
    layout->addWidget(m_buttons);
}

QString StaffFormDialog::problem() const
{
    return m_problem->isVisible() || !m_problem->text().isEmpty() ? m_problem->text() : QString();
}

QString StaffFormDialog::validate() const
{
    if (m_name && m_name->text().simplified().isEmpty())
        return tr("Type the person's name.");
    return PinCheck::newPinProblem(m_pin->text(), m_repeat->text());
}

void StaffFormDialog::setBusy(bool busy)
{
    m_saving = busy;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    if (busy)
        m_busy->start(m_mode == Mode::Add ? tr("Adding…") : tr("Saving the new PIN…"));
    else
        m_busy->stop();
}

void StaffFormDialog::submit()
{
    if (m_saving)
        return;
    if (const QString problem = validate(); !problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->show();
        return;
    }
    m_problem->clear();
    m_problem->hide();
    setBusy(true);
    const QString pin = m_pin->text();
    const qint64 managerId = m_manager.id;
    if (m_mode == Mode::Add) {
        const QString name = m_name->text().simplified();
        const auto role = StaffMember::Role(m_role->currentData().toInt());
        auto added = m_pool.withRetry(QStringLiteral("staff.add"), RetryPolicy::standard(),
                                      [name, role, pin, managerId](QSqlDatabase &db) {
                                          return StaffRepo(db).add(name, role, pin, managerId);
                                      });
        Async::onResult(added, this, [this, name](const DbResult<StaffMember> &result) {
            setBusy(false);
            if (!result.ok()) {
                m_problem->setText(
                    result.error().kind() == DbError::Kind::UniqueViolation
                        ? tr("Someone called %1 is already on the staff list.").arg(name)
                        : tr("%1\n%2").arg(result.error().message(), ErrorText::whatToDo(result.error())));
                m_problem->show();
                return;
            }
            Q_EMIT saved(tr("%1 was added (%2).").arg(result->name, StaffText::role(result->role)));
            accept();
        });
        return;
    }
    const qint64 personId = m_person.id;
    auto reset = m_pool.withRetry(
        QStringLiteral("staff.reset_pin"), RetryPolicy::standard(),
        [personId, pin, managerId](QSqlDatabase &db) { StaffRepo(db).resetPin(personId, pin, managerId); });
    Async::onResult(reset, this, [this](const DbResult<Done> &result) {
        setBusy(false);
        if (!result.ok()) {
            m_problem->setText(
                tr("%1\n%2").arg(result.error().message(), ErrorText::whatToDo(result.error())));
            m_problem->show();
            return;
        }
        Q_EMIT saved(tr("%1 has a new PIN.").arg(m_person.name));
        accept();
    });
}
