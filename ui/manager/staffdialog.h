#pragma once

#include "db/staff/staffmember.h"

#include <QDialog>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QLabel;
class QPushButton;
class QTreeWidget;
class StaffFormDialog;

// The manager's staff list: everyone with role and state (active, locked),
// "Add person…" and "New PIN…" (each through StaffFormDialog), deactivate or
// reactivate, and make manager or staff.
class StaffDialog : public QDialog
{
    Q_OBJECT
public:
    StaffDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent = nullptr);

    void reload();
    QString statusText() const;
    // Opens the forms (also what the buttons do); the form is returned so
    // callers (and tests) can fill it in.
    StaffFormDialog *addPerson();
    StaffFormDialog *newPinForSelected();
    // Deactivate or reactivate, and change the role of, the selected person
    // (also what the buttons do). The database refuses to leave no active
    // manager; the refusal shows in the banner.
    void setSelectedActive(bool active);
    void setSelectedRole(StaffMember::Role role);

Q_SIGNALS:
    void loaded();

private:
    void updateButtons();
    void saveChange(const StaffMember &person, std::optional<bool> active,
                    std::optional<StaffMember::Role> role);
    std::optional<StaffMember> selected() const;

    ConnectionPool &m_pool;
    StaffMember m_manager;
    ErrorBanner *m_banner = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_newPin = nullptr;
    QPushButton *m_active = nullptr;
    QPushButton *m_role = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<StaffMember> m_staff;
    bool m_saving = false;
};
