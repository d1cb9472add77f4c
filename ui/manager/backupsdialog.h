#pragma once

#include "db/backup/dailybackup.h"
#include "db/staff/staffmember.h"
#include "ui/manager/managerlistdialog.h"

class ConnectionPool;
class QLabel;
class QPushButton;

// The manager's backups of this PC's database: the last backup's time and
// size, the folder they go to (backup.folder; a USB disk may be chosen),
// how long they are kept, every backup there, and Back up now. The backups
// are made by the desk's DailyBackup (pg_dump on a worker thread), the
// folder setting saved on the pool in the manager's name (audited).
class BackupsDialog : public ManagerListDialog
{
    Q_OBJECT
public:
    BackupsDialog(ConnectionPool &pool, DailyBackup &backups, const StaffMember &manager,
                  QWidget *parent = nullptr);

    void reload() override;
    // Saves folder as backup.folder (empty: the data folder's backups/),
    // what the folder chooser does after a folder is picked.
    void setFolder(const QString &folder);
    void backUpNow();

    QString lastBackupText() const;
    const BackupListing &listing() const { return m_listing; }

    // "6 Dec 2026 22:40, 1.2 MB" in the user's locale.
    static QString describe(const BackupFile &backup);

private:
    void show(const BackupListing &listing);
    void chooseFolder();
    void updateButtons() override;

    ConnectionPool &m_pool;
    DailyBackup &m_backups;
    StaffMember m_manager;
    QLabel *m_last = nullptr;
    QLabel *m_folder = nullptr;
    QLabel *m_keep = nullptr;
    QPushButton *m_backUpNow = nullptr;
    QPushButton *m_choose = nullptr;
    QPushButton *m_default = nullptr;
    BackupListing m_listing;
    bool m_backingUp = false;
};
