#include "db/health/healthreport.h"

#include "db/health/healthpoint.h"
#include "db/health/systemmemory.h"
#include "db/pool/sql.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QString levelName(HealthReport::Level level)
{
    switch (level) {
    case HealthReport::Level::Healthy: return QStringLiteral("healthy");
    case HealthReport::Level::Warning: return QStringLiteral("warning");
    case HealthReport::Level::Alert: return QStringLiteral("alert");
    }
    return {};
}

} // namespace

HealthReport::Level HealthReport::levelFor(double value, double healthyBelow, double alertAbove)
{
    if (value > alertAbove)
        return Level::Alert;
    if (value < healthyBelow)
        return Level::Healthy;
    return Level::Warning;
}

QString HealthReport::statusName() const
{
    switch (m_status) {
    case Status::Healthy: return QStringLiteral("healthy");
    case Status::Degraded: return QStringLiteral("degraded");
    case Status::Unhealthy: return QStringLiteral("unhealthy");
    }
    return {};
}

HealthReport HealthReport::evaluate(const DatabaseConfig &config, const PoolStats &pool,
                                    const MonitorSnapshot &monitor, const Probe &probe, qint64 rssBytes,
                                    double systemUsedPct)
{
    HealthReport r;
    const double usage = pool.usagePct();
    r.m_signals = {
        {QStringLiteral("pool_usage_pct"), usage, kPoolHealthyPct, kPoolAlertPct,
         levelFor(usage, kPoolHealthyPct, kPoolAlertPct)},
        {QStringLiteral("avg_query_ms"), monitor.avgMs, kLatencyHealthyMs, kLatencyAlertMs,
         levelFor(monitor.avgMs, kLatencyHealthyMs, kLatencyAlertMs)},
        {QStringLiteral("error_rate_pct"), monitor.errorRatePct, kErrorHealthyPct, kErrorAlertPct,
         levelFor(monitor.errorRatePct, kErrorHealthyPct, kErrorAlertPct)},
        {QStringLiteral("database_reachable"), probe.reachable ? 1.0 : 0.0, 1, 0,
         probe.reachable ? Level::Healthy : Level::Alert},
        // Memory has no healthy band in the runbook: only an alert level.
        {QStringLiteral("memory_used_pct"), systemUsedPct, kMemoryAlertPct, kMemoryAlertPct,
         systemUsedPct > kMemoryAlertPct ? Level::Alert : Level::Healthy},
    };

    bool anyWarning = false;
    for (const Signal &s : std::as_const(r.m_signals)) {
        if (s.level == Level::Alert) {
            if (s.name == u"database_reachable")
                r.m_alerts << QStringLiteral("database unreachable: %1").arg(probe.error);
            else
                r.m_alerts << QStringLiteral("%1 is %2, above the alert level %3")
                                  .arg(s.name)
                                  .arg(round2(s.value))
                                  .arg(s.alertAbove);
        } else if (s.level == Level::Warning) {
            anyWarning = true;
        }
    }
    r.m_status = !probe.reachable || !r.m_alerts.isEmpty() ? Status::Unhealthy
                 : anyWarning                                ? Status::Degraded
                                                             : Status::Healthy;

    QJsonObject json;
    json[u"status"] = r.statusName();
    json[u"checked_at"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    // The reporting program's version (set at start-up from project(VERSION)).
    json[u"version"] = QCoreApplication::applicationVersion();
    QJsonObject database{{u"reachable"_s, probe.reachable},
                         {u"latency_ms"_s, round2(probe.latencyMs)},
                         {u"server_version"_s, probe.serverVersion}};
    if (!probe.reachable)
        database[u"error"] = probe.error;
    json[u"database"] = database;
    json[u"pool"] = QJsonObject{{u"max"_s, pool.max},
                                {u"total"_s, pool.total},
                                {u"active"_s, pool.active},
                                {u"idle"_s, pool.idle},
                                {u"waiting"_s, pool.waiting},
                                {u"usage_pct"_s, round2(usage)},
                                {u"timeouts"_s, pool.timeouts},
                                {u"connections_opened"_s, pool.connectionsOpened},
                                {u"connections_closed"_s, pool.connectionsClosed},
                                {u"avg_wait_ms"_s, round2(monitor.avgWaitMs)}};
    QJsonArray labels;
    for (const LabelStats &l : monitor.labels)
        labels.append(QJsonObject{{u"label"_s, l.label},
                                  {u"count"_s, l.count},
                                  {u"errors"_s, l.errors},
                                  {u"avg_ms"_s, round2(l.avgMs)},
                                  {u"p95_ms"_s, round2(l.p95Ms)},
                                  {u"max_ms"_s, round2(l.maxMs)}});
    json[u"queries"] = QJsonObject{{u"count"_s, monitor.totalCount},
                                   {u"errors"_s, monitor.totalErrors},
                                   {u"window_s"_s, monitor.windowSeconds},
                                   {u"window_count"_s, monitor.windowCount},
                                   {u"avg_ms"_s, round2(monitor.avgMs)},
                                   {u"p95_ms"_s, round2(monitor.p95Ms)},
                                   {u"error_rate_pct"_s, round2(monitor.errorRatePct)},
                                   {u"by_label"_s, labels}};
    QJsonArray slow;
    for (const SlowQuery &q : monitor.slowQueries)
        slow.append(QJsonObject{{u"label"_s, q.label},
                                {u"sql"_s, q.sql},
                                {u"duration_ms"_s, round2(q.durationMs)},
                                {u"at"_s, q.at.toString(Qt::ISODateWithMs)}});
    json[u"slow_queries"] = slow;
    QJsonArray errors;
    for (const ErrorRecord &e : monitor.recentErrors)
        errors.append(QJsonObject{{u"at"_s, e.at.toString(Qt::ISODateWithMs)},
                                  {u"label"_s, e.label},
                                  {u"kind"_s, e.kind},
                                  {u"sqlstate"_s, e.sqlState},
                                  {u"detail"_s, e.detail}});
    json[u"recent_errors"] = errors;
    json[u"memory"] = QJsonObject{{u"rss_bytes"_s, rssBytes}, {u"system_used_pct"_s, round2(systemUsedPct)}};
    json[u"config"] = QJsonObject{{u"database_url"_s, config.redactedUrl()},
                                  {u"embedded"_s, config.embedded},
                                  {u"connection_limit"_s, config.maxConnections},
                                  {u"pool_timeout_s"_s, config.poolTimeoutMs / 1000.0},
                                  {u"connect_timeout_s"_s, config.connectTimeoutS},
                                  {u"statement_timeout_s"_s, config.statementTimeoutMs / 1000.0},
                                  {u"pgbouncer"_s, config.pgbouncer},
                                  {u"monitoring"_s, config.monitoring},
                                  {u"slow_query_threshold_ms"_s, config.slowQueryThresholdMs},
                                  {u"max_query_history"_s, config.maxQueryHistory}};
    QJsonArray signalArray;
    for (const Signal &s : std::as_const(r.m_signals))
        signalArray.append(QJsonObject{{u"name"_s, s.name},
                                       {u"value"_s, round2(s.value)},
                                       {u"healthy_below"_s, s.healthyBelow},
                                       {u"alert_above"_s, s.alertAbove},
                                       {u"level"_s, levelName(s.level)}});
    json[u"signals"] = signalArray;
    json[u"alerts"] = QJsonArray::fromStringList(r.m_alerts);
    r.m_json = json;
    return r;
}

QFuture<HealthReport> HealthReport::check(ConnectionPool &pool)
{
    const PoolStats before = pool.stats();
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    return pool
        .withConnection(QStringLiteral("health.probe"),
                        [](QSqlDatabase &db) {
                            return Sql::scalar(db, QStringLiteral("SELECT current_setting('server_version')"))
                                .toString();
                        })
        .then([&pool, before, timer](const DbResult<QString> &version) {
            Probe probe;
            probe.latencyMs = timer->nsecsElapsed() / 1e6;
            probe.reachable = version.ok();
            if (version.ok())
                probe.serverVersion = version.value();
            else
                probe.error = version.error().message();
            return evaluate(pool.config(), before, pool.monitor().snapshot(), probe, SystemMemory::processRssBytes(),
                            SystemMemory::read().usedPct());
        });
}
