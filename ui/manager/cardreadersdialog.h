#pragma once

#include "db/payments/cardreader.h"
#include "db/pool/dberror.h"
#include "db/staff/staffmember.h"
#include "ui/manager/managerlistdialog.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

class ConnectionPool;
class QComboBox;
class QLineEdit;
class QPushButton;
class QTreeWidget;

// The manager's card readers (card_readers, through ReaderRepo): every
// Stripe Terminal reader we know with its label and the desk or kiosk it
// serves; add one by its id (tmr_…) and label, remove it, assign it to a
// desk (this desk, a desk known from process_health, or a typed name) or a
// kiosk, unassign it. Each change runs on the pool in the signed-in
// manager's name (audited); ReaderRepo's refusals show in the banner.
class CardReadersDialog : public ManagerListDialog
{
    Q_OBJECT
public:
    CardReadersDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent = nullptr);

    void reload() override;
    // Also what the buttons do; each refusal shows in the banner.
    void addReader();
    void removeSelected();
    void assignSelected();
    void unassignSelected();

    QList<CardReader> readers() const { return m_readers; }
    // The desks offered in the assign field: this desk first, then the desks
    // that reported their health or have a reader already.
    QStringList knownDesks() const { return m_desks; }

private:
    struct Loaded
    {
        QList<CardReader> readers;
        QStringList desks;
    };
    void updateButtons() override;
    void fillDevices();
    QString chosenDevice() const;
    std::optional<CardReader> selected() const;
    void showReaders(const QList<CardReader> &readers, const QString &select);
    // Runs change on the pool; on success says done and reloads.
    void save(const QString &label, const QString &failedWords,
              std::function<DbResult<CardReader>(QSqlDatabase &)> change,
              std::function<QString(const CardReader &)> done);

    ConnectionPool &m_pool;
    StaffMember m_manager;
    QString m_thisDesk;
    QTreeWidget *m_list = nullptr;
    QLineEdit *m_id = nullptr;
    QLineEdit *m_label = nullptr;
    QPushButton *m_add = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_device = nullptr;
    QPushButton *m_assign = nullptr;
    QPushButton *m_unassign = nullptr;
    QPushButton *m_remove = nullptr;
    QList<CardReader> m_readers;
    QStringList m_desks;
    QString m_selectAfterLoad;
};
