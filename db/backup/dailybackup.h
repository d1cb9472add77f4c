#pragma once

#include "db/backup/backupmanifest.h"
#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QSqlDatabase>

class ConnectionPool;
class QTimer;

// The backups folder as the manager's screens show it: where it is, how
// long backups stay, and the finished backups there, newest first.
struct BackupListing
{
    QString folder;
    QString folderSetting; // backup.folder as stored; empty: the default folder
    int keepDays = 14;
    QList<BackupFile> backups;

    // folder, folderSetting and keepDays from site_settings (defaults for a
    // database never migrated); backups empty. In a unit of work.
    static BackupListing fromSettings(QSqlDatabase &db);

    const BackupFile *newest() const { return backups.isEmpty() ? nullptr : &backups.constFirst(); }
    // No backup, or the newest made more than two days before now: the desk
    // alerts the manager.
    bool isOverdue(const QDateTime &now) const;
};

// What one run did.
struct BackupRun
{
    bool skipped = false; // today's backup was there already, or another program was making one
    BackupFile made;
    QStringList removed; // archives older than backup.keep_days and a dead run's leftovers, deleted
    BackupListing listing; // the folder afterwards
};

// The desk's automatic backup of its database: at most one a day (checked
// at start and every hour), in the backup.folder setting's folder, pruned to
// backup.keep_days; also "Back up now". The settings are read through the
// pool; pg_dump and the file work run on a worker thread, so the thread
// that owns this object (the GUI's) never waits. Two programs of the same
// user share the folder: a lock file there lets one work while the other
// skips quietly. Deleting the object while a run is going on lets that run
// finish on its own, unreported.
class DailyBackup : public QObject
{
    Q_OBJECT
public:
    static constexpr int OverdueDays = 2;

    // pool must outlive this object; config is the database to back up.
    DailyBackup(ConnectionPool &pool, DatabaseConfig config, QString madeBy, QObject *parent = nullptr);

    bool isRunning() const { return m_running; }

    // Runs now unless today's backup exists, then every hour the same.
    void startDaily();
    // A backup now, even when today's exists. Ignored while one is running.
    void backUpNow();
    // The folder and its backups, read off this thread.
    QFuture<DbResult<BackupListing>> listing() const;

Q_SIGNALS:
    void started();
    void finished(const DbResult<BackupRun> &run);

private:
    void run(bool evenIfMadeToday);

    ConnectionPool &m_pool;
    DatabaseConfig m_config;
    QString m_madeBy;
    bool m_running = false;
    QTimer *m_daily = nullptr;
};
