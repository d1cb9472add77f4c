#pragma once

#include "db/backup/backupmanifest.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

// The folder the daily backups go to and how they are found and pruned.
// Only files named as this class names them (carwash-backup-…​.dump) with a
// readable manifest are ours: anything else in the folder is never touched.
// Blocking file work, cheap enough for any thread but the listing reads
// every manifest: keep it off the GUI thread for a slow USB disk.
class BackupFolder
{
public:
    // The data folder's backups/ (QStandardPaths::AppDataLocation), shared by
    // every program of this user like the embedded database.
    static QString defaultPath();
    // The backup.folder setting's folder: folderSetting, or defaultPath() when empty.
    static QString resolve(const QString &folderSetting);
    // carwash-backup-20261206-223000-123.dump: UTC, sortable, unique to the millisecond.
    static QString archiveName(const QDateTime &madeAt);

    // Our finished backups in folder, newest first (manifest read; the
    // checksum is not checked here: BackupJob::verifyBlocking does that).
    static QList<BackupFile> list(const QString &folder);
    // Whether one of backups was made on the local day of now.
    static bool madeOn(const QList<BackupFile> &backups, const QDate &localDay);
    // Deletes our backups (archive and manifest) made more than keepDays
    // before now; the newest always stays, however old. Also deletes what a
    // backup that died left (a .part, an archive without its manifest) once
    // untouched for a day. The files removed (archives, leftovers).
    static QStringList prune(const QString &folder, int keepDays, const QDateTime &now);
};
