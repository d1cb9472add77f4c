#pragma once

#include "db/staff/staffmember.h"

#include <QDialog>

class BusyIndicator;
class ConnectionPool;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

// A manager's small form: add a person (name, role, PIN) or give someone a
// new PIN (which also lifts a lock-out). The PIN is typed twice, 4 to 8
// digits, and stretched on a pool thread; the change and its audit row are
// one transaction.
class StaffFormDialog : public QDialog
{
    Q_OBJECT
public:
    static StaffFormDialog *forAdding(ConnectionPool &pool, const StaffMember &manager, QWidget *parent);
    static StaffFormDialog *forNewPin(ConnectionPool &pool, const StaffMember &manager,
                                      const StaffMember &person, QWidget *parent);

    QString problem() const;

Q_SIGNALS:
    // Once the database has the change; summary says what was done.
    void saved(const QString &summary);

private:
    enum class Mode { Add, NewPin };
    StaffFormDialog(Mode mode, ConnectionPool &pool, const StaffMember &manager, const StaffMember &person,
                    QWidget *parent);

    void submit();
    QString validate() const;
    void setBusy(bool busy);

    Mode m_mode;
    ConnectionPool &m_pool;
    StaffMember m_manager;
    StaffMember m_person;
    QLineEdit *m_name = nullptr;
    QComboBox *m_role = nullptr;
    QLineEdit *m_pin = nullptr;
    QLineEdit *m_repeat = nullptr;
    QLabel *m_problem = nullptr;
    BusyIndicator *m_busy = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_saving = false;
};
