#include "db/schema/maintenance.h"

#include "db/calendar/settingsrepo.h"
#include "db/calendar/sitesettings.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcMaintenance, "carwash.db.maintenance", QtWarningMsg)

namespace {

const QString kTask = QStringLiteral("retention");

int storedDays(const QMap<QString, QString> &stored, const QString &key)
{
    QString normalised;
    const QString value = stored.value(key, SiteSettings::defaultValue(key));
    if (!SiteSettings::validate(key, value, &normalised).isEmpty()) {
        qCWarning(lcMaintenance).noquote() << "ignoring" << key << "=" << value << "; using the default";
        return SiteSettings::defaultValue(key).toInt();
    }
    return normalised.toInt();
}

// The age condition of each table; a Stripe event is only removed once
// processed and an attendant call once answered (until then each is still
// work to do).
QString ageCondition(Maintenance::Target target)
{
    switch (target) {
    case Maintenance::Target::ProcessHealth:
        return QStringLiteral("updated_at < now() - make_interval(days => ?)");
    case Maintenance::Target::AuditLog:
        return QStringLiteral("at < now() - make_interval(days => ?)");
    case Maintenance::Target::StripeEvents:
        return QStringLiteral("processed_at IS NOT NULL AND processed_at < now() - make_interval(days => ?)");
    case Maintenance::Target::AttendantCalls:
        return QStringLiteral(
            "acknowledged_at IS NOT NULL AND acknowledged_at < now() - make_interval(days => ?)");
    }
    return {};
}

// Each step's result, on this object's thread; a pool shutting down under
// the run ends it with ShuttingDown rather than leaving it unfinished.
template<typename T, typename Fn> void whenDone(const QFuture<T> &future, QObject *context, Fn fn)
{
    Async::onResult(future, context, fn, [fn] {
        fn(T(DbError(DbError::Kind::ShuttingDown, DbError::tr("The connection pool is shutting down."))));
    });
}

} // namespace

RetentionPolicy RetentionPolicy::fromValues(const QMap<QString, QString> &stored)
{
    RetentionPolicy p;
    p.processHealthDays = storedDays(stored, QStringLiteral("retention.process_health_days"));
    p.auditLogDays = storedDays(stored, QStringLiteral("retention.audit_log_days"));
    p.stripeEventsDays = storedDays(stored, QStringLiteral("retention.stripe_events_days"));
    p.backupDays = storedDays(stored, QStringLiteral("backup.keep_days"));
    return p;
}

qint64 MaintenanceResult::totalRemoved() const
{
    qint64 sum = 0;
    for (const Table &t : tables)
        sum += t.removed;
    return sum;
}

QJsonObject MaintenanceResult::toJson() const
{
    QJsonArray array;
    for (const Table &t : tables)
        array.append(QJsonObject {{QStringLiteral("table"), t.table},
                                  {QStringLiteral("retention_days"), t.retentionDays},
                                  {QStringLiteral("removed"), t.removed},
                                  {QStringLiteral("batches"), t.batches}});
    return QJsonObject {{QStringLiteral("skipped"), skipped},
                        {QStringLiteral("last_run_at"), lastRunAt.toString(Qt::ISODateWithMs)},
                        {QStringLiteral("ran_by"), lastRanBy},
                        {QStringLiteral("removed_total"), totalRemoved()},
                        {QStringLiteral("tables"), array}};
}

QList<Maintenance::Target> Maintenance::targets()
{
    return {Target::ProcessHealth, Target::AuditLog, Target::StripeEvents, Target::AttendantCalls};
}

QString Maintenance::tableName(Target target)
{
    switch (target) {
    case Target::ProcessHealth:
        return QStringLiteral("process_health");
    case Target::AuditLog:
        return QStringLiteral("audit_log");
    case Target::StripeEvents:
        return QStringLiteral("stripe_events");
    case Target::AttendantCalls:
        return QStringLiteral("attendant_calls");
    }
    return {};
}

int Maintenance::retentionDays(const RetentionPolicy &policy, Target target)
{
    switch (target) {
    case Target::ProcessHealth:
        return policy.processHealthDays;
    case Target::AuditLog:
        return policy.auditLogDays;
    case Target::StripeEvents:
    case Target::AttendantCalls:
        return policy.stripeEventsDays;
    }
    return 0;
}

RetentionPolicy Maintenance::loadPolicy(QSqlDatabase &db)
{
    return RetentionPolicy::fromValues(SettingsRepo(db).stored());
}

qint64 Maintenance::deleteBatch(QSqlDatabase &db, Target target, int days, int batchSize)
{
    // The rows are picked by ctid in a sub-select with a LIMIT, so each
    // statement touches at most batchSize rows (a TID scan, no big lock);
    // the condition is checked again in case a row changed in between.
    const QString table = tableName(target);
    const QString condition = ageCondition(target);
    QSqlQuery q
        = Sql::exec(db,
                    QStringLiteral("DELETE FROM %1 WHERE ctid = ANY(ARRAY(SELECT ctid FROM %1 WHERE %2 "
                                   "LIMIT ?)) AND %2")
                        .arg(table, condition),
                    {days, batchSize, days});
    return q.numRowsAffected();
}

bool Maintenance::claimRun(QSqlDatabase &db, const QString &ranBy, int minIntervalSeconds)
{
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("INSERT INTO maintenance_runs (task, last_run_at, ran_by) VALUES (?, now(), ?) "
                       "ON CONFLICT (task) DO UPDATE SET last_run_at = now(), "
                       "ran_by = EXCLUDED.ran_by, result = '{}' "
                       "WHERE maintenance_runs.last_run_at <= now() - make_interval(secs => ?) "
                       "RETURNING 1"),
        {kTask, ranBy, minIntervalSeconds});
    return q.next();
}

QPair<QDateTime, QString> Maintenance::lastRun(QSqlDatabase &db)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT (extract(epoch FROM last_run_at) * 1000)::bigint, ran_by "
                                           "FROM maintenance_runs WHERE task = ?"),
                            {kTask});
    if (!q.next())
        return {};
    return {QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC), q.value(1).toString()};
}

void Maintenance::recordResult(QSqlDatabase &db, const MaintenanceResult &result)
{
    Sql::exec(db, QStringLiteral("UPDATE maintenance_runs SET result = ?::jsonb WHERE task = ?"),
              {QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact)), kTask});
}

MaintenanceRunner::MaintenanceRunner(ConnectionPool &pool, QString ranBy, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_ranBy(std::move(ranBy))
{ }

void MaintenanceRunner::startDaily()
{
    if (!m_daily) {
        m_daily = new QTimer(this);
        m_daily->setInterval(3600 * 1000);
        connect(m_daily, &QTimer::timeout, this, [this] { start(true); });
    }
    m_daily->start();
    start(true);
}

void MaintenanceRunner::start(bool onlyIfDue)
{
    if (m_running)
        return;
    m_running = true;
    m_result = MaintenanceResult();
    m_targetIndex = 0;
    struct Claim
    {
        bool claimed = false;
        RetentionPolicy policy;
        QPair<QDateTime, QString> last;
    };
    const QString ranBy = m_ranBy;
    const int interval = onlyIfDue ? Maintenance::DailyIntervalSeconds : 0;
    auto claim = m_pool.withRetry(QStringLiteral("maintenance.claim"), RetryPolicy::standard(),
                                  [ranBy, interval](QSqlDatabase &db) {
                                      Claim c;
                                      Transaction tx(db);
                                      c.claimed = Maintenance::claimRun(db, ranBy, interval);
                                      c.policy = Maintenance::loadPolicy(db);
                                      c.last = Maintenance::lastRun(db);
                                      tx.commit();
                                      return c;
                                  });
    whenDone(claim, this, [this](const DbResult<Claim> &c) {
        if (!c.ok()) {
            finish(c.error());
            return;
        }
        m_result.lastRunAt = c->last.first;
        m_result.lastRanBy = c->last.second;
        if (!c->claimed) {
            m_result.skipped = true;
            finish(m_result);
            return;
        }
        m_policy = c->policy;
        for (Maintenance::Target t : Maintenance::targets())
            m_result.tables.append(
                {Maintenance::tableName(t), Maintenance::retentionDays(m_policy, t), 0, 0});
        nextBatch();
    });
}

void MaintenanceRunner::nextBatch()
{
    const QList<Maintenance::Target> targets = Maintenance::targets();
    if (m_targetIndex >= targets.size()) {
        const MaintenanceResult result = m_result;
        auto recorded
            = m_pool.withRetry(QStringLiteral("maintenance.record"), RetryPolicy::standard(),
                               [result](QSqlDatabase &db) { Maintenance::recordResult(db, result); });
        whenDone(recorded, this, [this](const DbResult<Done> &r) {
            if (!r.ok())
                qCWarning(lcMaintenance).noquote()
                    << "maintenance result not recorded:" << r.error().toLogString();
            finish(m_result);
        });
        return;
    }
    const Maintenance::Target target = targets.at(m_targetIndex);
    const int days = Maintenance::retentionDays(m_policy, target);
    const int batchSize = m_batchSize;
    auto batch = m_pool.withRetry(QStringLiteral("maintenance.delete"), RetryPolicy::standard(),
                                  [target, days, batchSize](QSqlDatabase &db) {
                                      return Maintenance::deleteBatch(db, target, days, batchSize);
                                  });
    whenDone(batch, this, [this, batchSize](const DbResult<qint64> &removed) {
        if (!removed.ok()) {
            finish(removed.error());
            return;
        }
        MaintenanceResult::Table &table = m_result.tables[m_targetIndex];
        table.removed += removed.value();
        ++table.batches;
        if (removed.value() < batchSize)
            ++m_targetIndex;
        nextBatch();
    });
}

void MaintenanceRunner::finish(const DbResult<MaintenanceResult> &result)
{
    m_running = false;
    if (!result.ok())
        qCWarning(lcMaintenance).noquote() << "maintenance stopped:" << result.error().toLogString();
    else if (!result->skipped)
        qCInfo(lcMaintenance).noquote() << "maintenance removed" << result->totalRemoved() << "rows";
    Q_EMIT finished(result);
}
