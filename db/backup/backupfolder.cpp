#include "db/backup/backupfolder.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>

namespace {

const QRegularExpression &ourName()
{
    static const QRegularExpression name(QStringLiteral("^carwash-backup-\\d{8}-\\d{6}-\\d{3}\\.dump$"));
    return name;
}

// What a backup that died leaves: pg_dump's .part (killed while it wrote),
// or an archive whose manifest was never written (killed in between).
const QRegularExpression &leftoverName()
{
    static const QRegularExpression name(QStringLiteral("^carwash-backup-\\d{8}-\\d{6}-\\d{3}\\.dump(\\.part)?$"));
    return name;
}

// A run in progress writes its .part all along and renames it a moment
// before its manifest: a leftover untouched this long belongs to no run.
constexpr int LeftoverAgeDays = 1;

} // namespace

QString BackupFolder::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/backups");
}

QString BackupFolder::resolve(const QString &folderSetting)
{
    return folderSetting.trimmed().isEmpty() ? defaultPath() : folderSetting.trimmed();
}

QString BackupFolder::archiveName(const QDateTime &madeAt)
{
    return QStringLiteral("carwash-backup-%1.dump")
        .arg(madeAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
}

QList<BackupFile> BackupFolder::list(const QString &folder)
{
    QList<BackupFile> found;
    const QDir dir(folder);
    const QStringList names = dir.entryList({QStringLiteral("carwash-backup-*.dump")}, QDir::Files);
    for (const QString &name : names) {
        if (!ourName().match(name).hasMatch())
            continue;
        const QString archive = dir.absoluteFilePath(name);
        QFile manifestFile(BackupManifest::manifestPathFor(archive));
        if (!manifestFile.open(QIODevice::ReadOnly))
            continue; // unfinished, or not ours
        const DbResult<BackupManifest> manifest = BackupManifest::fromJson(manifestFile.read(1 << 20));
        if (manifest.ok() && manifest->archiveFile == name)
            found.append(BackupFile {archive, manifest.value()});
    }
    std::sort(found.begin(), found.end(),
              [](const BackupFile &a, const BackupFile &b) { return a.manifest.madeAt > b.manifest.madeAt; });
    return found;
}

bool BackupFolder::madeOn(const QList<BackupFile> &backups, const QDate &localDay)
{
    return std::any_of(backups.cbegin(), backups.cend(), [&](const BackupFile &b) {
        return b.manifest.madeAt.toLocalTime().date() == localDay;
    });
}

QStringList BackupFolder::prune(const QString &folder, int keepDays, const QDateTime &now)
{
    const QList<BackupFile> backups = list(folder);
    const QDateTime oldest = now.addDays(-keepDays);
    QStringList removed;
    for (qsizetype i = 1; i < backups.size(); ++i) { // [0], the newest, stays
        const BackupFile &b = backups[i];
        if (b.manifest.madeAt >= oldest)
            continue;
        // The manifest first: an archive without one is no longer listed.
        if (QFile::remove(b.manifestPath())) {
            QFile::remove(b.archivePath);
            removed << b.archivePath;
        }
    }
    const QDir dir(folder);
    const QDateTime stale = now.addDays(-LeftoverAgeDays);
    const QFileInfoList candidates = dir.entryInfoList({QStringLiteral("carwash-backup-*.dump"),
                                                        QStringLiteral("carwash-backup-*.dump.part")},
                                                       QDir::Files);
    for (const QFileInfo &file : candidates) {
        if (!leftoverName().match(file.fileName()).hasMatch() || file.lastModified() >= stale)
            continue;
        if (!file.fileName().endsWith(QLatin1String(".part"))
            && QFileInfo::exists(BackupManifest::manifestPathFor(file.absoluteFilePath())))
            continue; // finished: kept or pruned above by its manifest's date
        if (QFile::remove(file.absoluteFilePath()))
            removed << file.absoluteFilePath();
    }
    return removed;
}
