#include "db/backup/dailybackup.h"

#include "db/backup/backupfolder.h"
#include "db/backup/backupjob.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/maintenance.h"

#include <QDir>
#include <QLockFile>
#include <QLoggingCategory>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

Q_DECLARE_LOGGING_CATEGORY(lcBackup)

namespace {

DbResult<BackupRun> runBlocking(const DatabaseConfig &config, BackupListing settings, const QString &madeBy,
                                bool evenIfMadeToday)
{
    BackupRun run;
    if (!QDir().mkpath(settings.folder))
        return DbError(
            DbError::Kind::Fatal,
            DailyBackup::tr("The backup folder %1 cannot be made; check that its disk is connected "
                            "and writable, or choose another folder.")
                .arg(settings.folder));
    QLockFile lock(QDir(settings.folder).filePath(QStringLiteral(".carwash-backup.lock")));
    // A holder that died is recognised by its pid at once; a dump may take
    // long, so age alone makes a lock stale only after hours.
    lock.setStaleLockTime(6 * 3600 * 1000);
    if (!lock.tryLock(0)) {
        run.skipped = true; // another program is making one now
    } else if (!evenIfMadeToday
               && BackupFolder::madeOn(BackupFolder::list(settings.folder), QDate::currentDate())) {
        run.skipped = true;
    } else {
        const DbResult<BackupFile> made = BackupJob::makeBlocking(
            config,
            QDir(settings.folder).filePath(BackupFolder::archiveName(QDateTime::currentDateTimeUtc())),
            madeBy);
        if (!made.ok())
            return made.error();
        run.made = made.value();
        run.removed
            = BackupFolder::prune(settings.folder, settings.keepDays, QDateTime::currentDateTimeUtc());
    }
    settings.backups = BackupFolder::list(settings.folder);
    run.listing = settings;
    return run;
}

} // namespace

BackupListing BackupListing::fromSettings(QSqlDatabase &db)
{
    BackupListing l;
    if (!Sql::scalar(db, QStringLiteral("SELECT to_regclass('site_settings') IS NULL")).toBool()) {
        const QMap<QString, QString> stored = SettingsRepo(db).stored();
        l.folderSetting = stored.value(QStringLiteral("backup.folder"));
        l.keepDays = RetentionPolicy::fromValues(stored).backupDays;
    }
    l.folder = BackupFolder::resolve(l.folderSetting);
    return l;
}

bool BackupListing::isOverdue(const QDateTime &now) const
{
    const BackupFile *last = newest();
    return !last || last->manifest.madeAt < now.addDays(-DailyBackup::OverdueDays);
}

DailyBackup::DailyBackup(ConnectionPool &pool, DatabaseConfig config, QString madeBy, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_config(std::move(config))
    , m_madeBy(std::move(madeBy))
{ }

void DailyBackup::startDaily()
{
    if (!m_daily) {
        m_daily = new QTimer(this);
        m_daily->setInterval(3600 * 1000);
        connect(m_daily, &QTimer::timeout, this, [this] { run(false); });
    }
    m_daily->start();
    run(false);
}

void DailyBackup::backUpNow()
{
    run(true);
}

QFuture<DbResult<BackupListing>> DailyBackup::listing() const
{
    return m_pool
        .withRetry(QStringLiteral("backup.settings"), RetryPolicy::standard(),
                   [](QSqlDatabase &db) { return BackupListing::fromSettings(db); })
        .then(QtFuture::Launch::Async,
              [](const DbResult<BackupListing> &settings) -> DbResult<BackupListing> {
                  if (!settings.ok())
                      return settings;
                  BackupListing l = settings.value();
                  l.backups = BackupFolder::list(l.folder); // a slow USB disk holds up no pool worker
                  return l;
              });
}

void DailyBackup::run(bool evenIfMadeToday)
{
    if (m_running)
        return;
    m_running = true;
    Q_EMIT started();
    auto finish = [this](const DbResult<BackupRun> &result) {
        m_running = false;
        if (!result.ok())
            qCWarning(lcBackup).noquote() << "backup failed:" << result.error().toLogString();
        Q_EMIT finished(result);
    };
    auto shutDown = [finish] {
        finish(DbError(DbError::Kind::ShuttingDown, DbError::tr("The connection pool is shutting down.")));
    };
    auto settings = m_pool.withRetry(QStringLiteral("backup.settings"), RetryPolicy::standard(),
                                     [](QSqlDatabase &db) { return BackupListing::fromSettings(db); });
    Async::onResult(
        settings, this,
        [this, evenIfMadeToday, finish, shutDown](const DbResult<BackupListing> &s) {
            if (!s.ok()) {
                finish(s.error());
                return;
            }
            auto made = QtConcurrent::run(runBlocking, m_config, s.value(), m_madeBy, evenIfMadeToday);
            Async::onResult(made, this, finish, shutDown);
        },
        shutDown);
}
