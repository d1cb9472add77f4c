#pragma once

#include "db/health/poolmonitor.h"
#include "db/pool/connectionpool.h"

#include <QFuture>
#include <QJsonObject>

// The design's health table, evaluated over one pool's monitor, gauges and a
// live probe of the database. The same report is `carwash-admin health
// --json`, webhookd's GET /health and what the diagnostics screen charts.
class HealthReport
{
public:
    enum class Status { Healthy = 0, Degraded = 1, Unhealthy = 2 };
    enum class Level { Healthy, Warning, Alert };

    struct Probe
    {
        bool reachable = false;
        double latencyMs = 0;
        QString serverVersion;
        QString error; // user-facing, when not reachable
    };

    struct Signal
    {
        QString name;
        double value = 0;
        double healthyBelow = 0;
        double alertAbove = 0;
        Level level = Level::Healthy;
    };

    // Thresholds from the runbook: healthy below, alert above.
    static constexpr double kPoolHealthyPct = 70, kPoolAlertPct = 90;
    static constexpr double kLatencyHealthyMs = 500, kLatencyAlertMs = 1000;
    static constexpr double kErrorHealthyPct = 1, kErrorAlertPct = 5;
    static constexpr double kMemoryAlertPct = 90;

    static Level levelFor(double value, double healthyBelow, double alertAbove);

    // Pure: builds the report from what was measured.
    static HealthReport evaluate(const DatabaseConfig &config, const PoolStats &pool, const MonitorSnapshot &monitor,
                                 const Probe &probe, qint64 rssBytes, double systemUsedPct);

    // Probes the database through the pool (SELECT version()) and evaluates.
    // The gauges are read before the probe takes its connection.
    static QFuture<HealthReport> check(ConnectionPool &pool);

    Status status() const { return m_status; }
    QString statusName() const;
    const QList<Signal> &signalList() const { return m_signals; }
    QStringList alerts() const { return m_alerts; }
    QJsonObject toJson() const { return m_json; }

private:
    Status m_status = Status::Healthy;
    QList<Signal> m_signals;
    QStringList m_alerts;
    QJsonObject m_json;
};
