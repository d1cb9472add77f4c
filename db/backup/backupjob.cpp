#include "db/backup/backupjob.h"

#include "db/backup/pgtools.h"
#include "db/config/databaseconfig.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTemporaryDir>

Q_LOGGING_CATEGORY(lcBackup, "carwash.db.backup", QtWarningMsg)

namespace {

QString sha256Of(const QString &path, qint64 *size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    *size = file.size();
    return QString::fromLatin1(hash.result().toHex());
}

// The newest schema_migrations version inside the archive: read from the
// dump itself, so it is the version of the snapshot that was dumped.
QString schemaVersionIn(const QString &pgRestore, const QString &archive, QString *problem)
{
    const PgTools::Run data
        = PgTools::runBlocking(pgRestore,
                               {QStringLiteral("--data-only"), QStringLiteral("--table=schema_migrations"),
                                QStringLiteral("--file=-"), archive},
                               QProcessEnvironment::systemEnvironment());
    if (!data.ok()) {
        *problem = data.err;
        return {};
    }
    QString newest;
    bool inCopy = false;
    for (const QByteArray &line : data.out.split('\n')) {
        if (line.startsWith("COPY ") && line.contains("schema_migrations")) {
            inCopy = true;
            continue;
        }
        if (!inCopy)
            continue;
        if (line == "\\.")
            break;
        const QString version = QString::fromUtf8(line.left(line.indexOf('\t')));
        if (version > newest)
            newest = version;
    }
    if (newest.isEmpty())
        *problem = QStringLiteral("no schema_migrations rows in the archive");
    return newest;
}

DbError toolFailed(const QString &message, const QString &tool, const PgTools::Run &run)
{
    // pg_dump says "connection to server … failed" when it cannot connect.
    const bool unreachable = run.err.contains(QLatin1String("connection to server"));
    return DbError(unreachable ? DbError::Kind::Unavailable : DbError::Kind::Fatal, message,
                   QStringLiteral("%1 exit %2: %3").arg(tool).arg(run.exitCode).arg(run.err));
}

} // namespace

DbResult<BackupFile> BackupJob::makeBlocking(const DatabaseConfig &config, const QString &archivePath,
                                             const QString &madeBy)
{
    const DbResult<QString> pgDump = PgTools::find(QStringLiteral("pg_dump"));
    if (!pgDump.ok())
        return pgDump.error();
    const DbResult<QString> pgRestore = PgTools::find(QStringLiteral("pg_restore"));
    if (!pgRestore.ok())
        return pgRestore.error();
    const QFileInfo target(archivePath);
    if (target.exists() || QFileInfo::exists(BackupManifest::manifestPathFor(archivePath)))
        return DbError(DbError::Kind::Invalid,
                       tr("%1 exists already; choose another file name.").arg(target.absoluteFilePath()));
    if (!QDir().mkpath(target.absolutePath()))
        return DbError(DbError::Kind::Fatal,
                       tr("The backup folder %1 cannot be made; check that the disk is there and writable.")
                           .arg(target.absolutePath()));

    BackupManifest m;
    m.madeAt = QDateTime::currentDateTimeUtc();
    m.madeBy = madeBy;
    m.database = config.database;
    m.archiveFile = target.fileName();
    const QString partial = target.absoluteFilePath() + QStringLiteral(".part");
    QFile::remove(partial); // left by a run that died
    {
        // Every customer's name, phone and plates go in: made for this
        // user's eyes only before pg_dump writes a byte (it keeps the mode).
        QFile created(partial);
        if (!created.open(QIODevice::WriteOnly)
            || !created.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return DbError(DbError::Kind::Fatal,
                           tr("The backup could not be made: %1 cannot be written.").arg(partial),
                           created.errorString());
    }
    const PgTools::Run dumped
        = PgTools::runBlocking(pgDump.value(),
                               {QStringLiteral("--format=custom"), QStringLiteral("--no-password"),
                                QStringLiteral("--file"), partial},
                               PgTools::environmentFor(config));
    if (!dumped.ok()) {
        QFile::remove(partial);
        return toolFailed(tr("The backup could not be made: pg_dump failed."), QStringLiteral("pg_dump"),
                          dumped);
    }
    m.pgDumpVersion
        = QString::fromLocal8Bit(PgTools::runBlocking(pgDump.value(), {QStringLiteral("--version")},
                                                      QProcessEnvironment::systemEnvironment())
                                     .out)
              .trimmed();
    QString problem;
    m.schemaVersion = schemaVersionIn(pgRestore.value(), partial, &problem);
    m.sha256 = sha256Of(partial, &m.size);
    if (m.schemaVersion.isEmpty() || m.sha256.isEmpty()) {
        QFile::remove(partial);
        return DbError(DbError::Kind::Fatal,
                       tr("The backup could not be made: the archive written cannot be read back."), problem);
    }
    if (!QFile::rename(partial, target.absoluteFilePath())) {
        QFile::remove(partial);
        return DbError(
            DbError::Kind::Fatal,
            tr("The backup could not be made: %1 cannot be written.").arg(target.absoluteFilePath()));
    }
    // Written last and whole (QSaveFile renames into place): a backup with
    // a manifest is a finished backup.
    QSaveFile manifest(BackupManifest::manifestPathFor(target.absoluteFilePath()));
    if (!manifest.open(QIODevice::WriteOnly)
        || !manifest.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || manifest.write(QJsonDocument(m.toJson()).toJson(QJsonDocument::Indented)) < 0
        || !manifest.commit()) {
        QFile::remove(target.absoluteFilePath());
        return DbError(DbError::Kind::Fatal,
                       tr("The backup could not be made: %1 cannot be written.").arg(manifest.fileName()),
                       manifest.errorString());
    }
    qCInfo(lcBackup).noquote() << "backup" << target.absoluteFilePath() << m.size << "bytes, schema"
                               << m.schemaVersion;
    return BackupFile {target.absoluteFilePath(), m};
}

DbResult<BackupFile> BackupJob::verifyBlocking(const QString &path)
{
    QString archivePath = QFileInfo(path).absoluteFilePath();
    if (archivePath.endsWith(QLatin1String(".json")))
        archivePath.chop(5);
    if (!QFileInfo::exists(archivePath))
        return DbError(DbError::Kind::NotFound, tr("There is no backup at %1.").arg(archivePath));
    QFile manifestFile(BackupManifest::manifestPathFor(archivePath));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return DbError(DbError::Kind::Invalid,
                       tr("%1 has no manifest next to it (%2): it is not a finished CarWash Desk backup.")
                           .arg(archivePath, manifestFile.fileName()));
    DbResult<BackupManifest> manifest = BackupManifest::fromJson(manifestFile.read(1 << 20));
    if (!manifest.ok())
        return manifest.error();
    if (manifest->archiveFile != QFileInfo(archivePath).fileName())
        return DbError(DbError::Kind::Invalid,
                       tr("The manifest %1 describes another archive (%2).")
                           .arg(manifestFile.fileName(), manifest->archiveFile));
    qint64 size = 0;
    const QString sha256 = sha256Of(archivePath, &size);
    if (size != manifest->size || sha256 != manifest->sha256)
        return DbError(DbError::Kind::Invalid,
                       tr("The backup %1 is damaged or incomplete (its checksum does not match); restore "
                          "another backup.")
                           .arg(archivePath),
                       QStringLiteral("size %1 expected %2, sha256 %3 expected %4")
                           .arg(size)
                           .arg(manifest->size)
                           .arg(sha256, manifest->sha256));
    const DbResult<QString> pgRestore = PgTools::find(QStringLiteral("pg_restore"));
    if (!pgRestore.ok())
        return pgRestore.error();
    const PgTools::Run listed = PgTools::runBlocking(
        pgRestore.value(), {QStringLiteral("--list"), archivePath}, QProcessEnvironment::systemEnvironment());
    if (!listed.ok())
        return DbError(
            DbError::Kind::Invalid,
            tr("The backup %1 cannot be read by pg_restore; restore another backup.").arg(archivePath),
            listed.err);
    return BackupFile {archivePath, manifest.value()};
}

DbResult<Done> BackupJob::restoreBlocking(const DatabaseConfig &config, const BackupFile &backup)
{
    const DbResult<QString> pgRestore = PgTools::find(QStringLiteral("pg_restore"));
    if (!pgRestore.ok())
        return pgRestore.error();
    const DbResult<QString> psql = PgTools::find(QStringLiteral("psql"));
    if (!psql.ok())
        return psql.error();
    // The archive as one SQL script first, whole, so the transaction below
    // never commits a script cut short. No owners and grants: the site's
    // database user may differ from the one that made the backup.
    QTemporaryDir scratch;
    if (!scratch.isValid())
        return DbError(DbError::Kind::Fatal, tr("The restore needs a temporary folder and none can be made."),
                       scratch.errorString());
    const QString script = scratch.filePath(QStringLiteral("restore.sql"));
    const PgTools::Run written = PgTools::runBlocking(
        pgRestore.value(),
        {QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"), QStringLiteral("--no-comments"),
         QStringLiteral("--file"), script, backup.archivePath},
        QProcessEnvironment::systemEnvironment());
    if (!written.ok())
        return toolFailed(tr("The backup cannot be read by pg_restore; nothing was changed."),
                          QStringLiteral("pg_restore"), written);
    // One transaction: everything of ours goes, the archive's comes back.
    // A program still working on the database holds locks the DROP waits
    // for: after lock_timeout the restore fails, rolled back, rather than hang.
    // public is made again as PostgreSQL 15 makes it (owned by the database
    // owner, usable by all).
    const QString clear = QStringLiteral(
        "SET client_min_messages = warning; SET lock_timeout = '30s'; "
        "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; "
        "ALTER SCHEMA public OWNER TO pg_database_owner; GRANT USAGE ON SCHEMA public TO PUBLIC;");
    const PgTools::Run restored
        = PgTools::runBlocking(psql.value(),
                               {QStringLiteral("--no-psqlrc"), QStringLiteral("--quiet"),
                                QStringLiteral("--no-password"), QStringLiteral("--set=ON_ERROR_STOP=1"),
                                QStringLiteral("--single-transaction"), QStringLiteral("--output=/dev/null"),
                                QStringLiteral("--command=") + clear, QStringLiteral("--file=") + script},
                               PgTools::environmentFor(config));
    if (!restored.ok())
        return toolFailed(tr("The restore failed and was rolled back; the database is as it was."),
                          QStringLiteral("psql"), restored);
    qCInfo(lcBackup).noquote() << "restored" << backup.archivePath << "into" << config.database;
    return Done {};
}
