#pragma once

#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

// What a backup says about itself: ARCHIVE.json next to the pg_dump archive
// ARCHIVE (README, "Backups"). The manifest is written last, so an archive
// without one was never finished. Plain value.
struct BackupManifest
{
    Q_DECLARE_TR_FUNCTIONS(BackupManifest)
public:
    static constexpr int FormatVersion = 1;
    static constexpr const char *Format = "carwash-backup";

    QString archiveFile; // the archive's file name, no folder
    qint64 size = 0; // bytes
    QString sha256; // of the archive, lower-case hex
    QString schemaVersion; // the newest migration applied in the archived database, "0009"
    QDateTime madeAt; // UTC
    QString madeBy; // "carwash-admin", "carwash (daily)"
    QString database; // the database's name where it was made
    QString pgDumpVersion; // "pg_dump (PostgreSQL) 15.x"

    QJsonObject toJson() const;
    // Invalid when the text is not a manifest of a format this program reads.
    static DbResult<BackupManifest> fromJson(const QByteArray &text);

    // ARCHIVE -> ARCHIVE.json
    static QString manifestPathFor(const QString &archivePath);
};

// A backup on disk: where its archive is and what its manifest says.
struct BackupFile
{
    QString archivePath;
    BackupManifest manifest;

    QString manifestPath() const { return BackupManifest::manifestPathFor(archivePath); }
};
