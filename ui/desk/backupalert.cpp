#include "ui/desk/backupalert.h"

#include "db/pool/async.h"
#include "ui/common/errorbanner.h"

#include <QLocale>

BackupAlert::BackupAlert(DailyBackup &backups, ErrorBanner &banner, QObject *parent)
    : QObject(parent)
    , m_backups(backups)
    , m_banner(banner)
{
    connect(&m_backups, &DailyBackup::finished, this, [this](const DbResult<BackupRun> &run) {
        if (run.ok()) {
            judge(run->listing, DbError());
            return;
        }
        // A failed run says nothing of the folder: look at it.
        const DbError failure = run.error();
        Async::onResult(m_backups.listing(), this, [this, failure](const DbResult<BackupListing> &listing) {
            if (listing.ok())
                judge(listing.value(), failure);
        });
    });
}

void BackupAlert::judge(const BackupListing &listing, const DbError &failure)
{
    const QString source = QString::fromLatin1(Source);
    if (!listing.isOverdue(QDateTime::currentDateTimeUtc())) {
        m_banner.clear(source);
        return;
    }
    const BackupFile *newest = listing.newest();
    const QString message = newest
        ? tr("The last backup of this computer's database was made on %1, more than %n day(s) ago.", nullptr,
             DailyBackup::OverdueDays)
              .arg(QLocale().toString(newest->manifest.madeAt.toLocalTime(), QLocale::ShortFormat))
        : tr("This computer's database has no backup yet.");
    QString whatToDo = tr("A manager can open Manage, Backups and choose Back up now; check that the backup "
                          "folder's disk is connected.");
    if (failure.isError())
        whatToDo = failure.message() + u' ' + whatToDo;
    m_banner.showMessage(source, message, whatToDo, [this] { m_backups.backUpNow(); });
}
