#pragma once

#include "db/backup/dailybackup.h"

#include <QObject>

class ErrorBanner;

// The desk's warning that this PC's database has gone unsaved: when the
// newest backup is more than DailyBackup::OverdueDays old (or there is
// none) after a daily run, the banner says so with Back up now as its
// retry; a backup made clears it. Judged after every run of backups.
class BackupAlert : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *Source = "backup";

    // Both must outlive this object.
    BackupAlert(DailyBackup &backups, ErrorBanner &banner, QObject *parent = nullptr);

private:
    void judge(const BackupListing &listing, const DbError &failure);

    DailyBackup &m_backups;
    ErrorBanner &m_banner;
};
