#pragma once

#include "db/pool/dberror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSqlDatabase>

class ConnectionPool;

// How long old rows (site_settings retention.*_days) and backups are kept.
struct RetentionPolicy
{
    int processHealthDays = 7;
    int auditLogDays = 730;
    // Handled work: processed Stripe events and answered attendant calls
    // (who answered stays in the audit log, kept for auditLogDays).
    int stripeEventsDays = 90;
    // The daily backups' files (backup.keep_days; DailyBackup prunes them).
    int backupDays = 14;

    // Stored values that do not validate fall back to the defaults.
    static RetentionPolicy fromValues(const QMap<QString, QString> &stored);
};

// What one maintenance run removed.
struct MaintenanceResult
{
    struct Table
    {
        QString table;
        int retentionDays = 0;
        qint64 removed = 0;
        int batches = 0; // DELETE statements, each its own short transaction
    };
    QList<Table> tables;
    bool skipped = false; // another run happened within the last day
    QDateTime lastRunAt; // this run's start, or the earlier run's when skipped
    QString lastRanBy;

    qint64 totalRemoved() const;
    QJsonObject toJson() const;
};

// The blocking pieces of maintenance, each for one unit of work on a pooled
// connection (throws DbException from the Sql helpers). Rows go in batches:
// one DELETE of at most batchSize rows per statement, so no lock is held
// for long and a desk's work is never stuck behind a big purge.
namespace Maintenance {

constexpr int DefaultBatchSize = 5000;
// Runs at most once a day whichever desk starts it.
constexpr int DailyIntervalSeconds = 24 * 3600;

enum class Target { ProcessHealth, AuditLog, StripeEvents, AttendantCalls };
QList<Target> targets();
QString tableName(Target target);
int retentionDays(const RetentionPolicy &policy, Target target);

RetentionPolicy loadPolicy(QSqlDatabase &db);
// Deletes up to batchSize rows older than `days`; the number deleted.
qint64 deleteBatch(QSqlDatabase &db, Target target, int days, int batchSize);
// Atomically takes the run for ranBy when the last one started at least
// minIntervalSeconds ago (0: always). Two processes racing: one wins.
bool claimRun(QSqlDatabase &db, const QString &ranBy, int minIntervalSeconds);
// The last run's start and who ran it; invalid when there was none.
QPair<QDateTime, QString> lastRun(QSqlDatabase &db);
void recordResult(QSqlDatabase &db, const MaintenanceResult &result);

} // namespace Maintenance

// One maintenance run through the pool: claim, then each table batch by
// batch (every batch its own unit of work, so the pool serves others in
// between), then the result recorded. Asynchronous on the thread that owns
// it; deleting the runner stops it after the batch in flight.
class MaintenanceRunner : public QObject
{
    Q_OBJECT
public:
    // pool must outlive the runner.
    MaintenanceRunner(ConnectionPool &pool, QString ranBy, QObject *parent = nullptr);

    void setBatchSize(int rows) { m_batchSize = rows; }
    bool isRunning() const { return m_running; }

    // onlyIfDue: skip (finished with skipped) when another run started
    // within a day. Ignored while a run is going on.
    void start(bool onlyIfDue);
    // Checks once now and then every hour whether the daily run is due.
    void startDaily();

Q_SIGNALS:
    void finished(const DbResult<MaintenanceResult> &result);

private:
    void nextBatch();
    void finish(const DbResult<MaintenanceResult> &result);

    ConnectionPool &m_pool;
    QString m_ranBy;
    int m_batchSize = Maintenance::DefaultBatchSize;
    bool m_running = false;
    MaintenanceResult m_result;
    RetentionPolicy m_policy;
    int m_targetIndex = 0;
    class QTimer *m_daily = nullptr;
};
