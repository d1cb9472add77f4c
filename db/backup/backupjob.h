#pragma once

#include "db/backup/backupmanifest.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QString>

struct DatabaseConfig;

// Making, checking and restoring one backup with PostgreSQL 15's own tools
// (PgTools). Each call spawns processes and may take minutes: never on the
// GUI thread. Nothing is left half-done: an archive gets its final name and
// then its manifest only when whole, and a restore commits in one
// transaction or not at all.
class BackupJob
{
    Q_DECLARE_TR_FUNCTIONS(BackupJob)
public:
    // pg_dump's custom format of config's database (one consistent
    // snapshot) to archivePath, then its manifest. archivePath must not
    // exist; its folder is made when missing.
    static DbResult<BackupFile> makeBlocking(const DatabaseConfig &config, const QString &archivePath,
                                             const QString &madeBy);

    // The archive (or its manifest's path) read back: the manifest, the
    // archive's size and SHA-256, and pg_restore --list. Touches no database.
    static DbResult<BackupFile> verifyBlocking(const QString &path);

    // Replaces everything in config's database's public schema with the
    // archive's, in one transaction (psql --single-transaction, ON_ERROR_STOP).
    // The caller verified the archive and decided that replacing is wanted;
    // migrations afterwards bring an older archive up to date.
    static DbResult<Done> restoreBlocking(const DatabaseConfig &config, const BackupFile &backup);
};
