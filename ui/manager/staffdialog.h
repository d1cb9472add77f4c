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
// "Add person…" and "New PIN…". Each change goes through StaffFormDialog.
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

Q_SIGNALS:
    void loaded();

private:
    void updateButtons();
    std::optional<StaffMember> selected() const;

    ConnectionPool &m_pool;
    StaffMember m_manager;
    ErrorBanner *m_banner = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_newPin = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<StaffMember> m_staff;
};
