#pragma once

#include "db/health/poolmonitor.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <cmath>

// Health figures travel in JSON with two decimals.
inline double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

// One second of a process's health as the diagnostics charts plot it: pool
// gauges, query latency and error rate over the monitor's recent window,
// memory, and whether the database answered. Plain value; the same shape
// travels inside the snapshots processes publish to process_health.
struct HealthPoint
{
    QDateTime at;
    int max = 0;
    int total = 0;
    int active = 0;
    int idle = 0;
    int waiting = 0;
    double avgWaitMs = 0;
    double avgMs = 0;
    double p95Ms = 0;
    double errorRatePct = 0;
    qint64 windowCount = 0; // jobs behind avgMs and errorRatePct, for weighting
    qint64 rssBytes = 0;
    double systemUsedPct = 0;
    bool reachable = true;

    double usagePct() const { return max > 0 ? 100.0 * active / max : 0.0; }

    // A pool sample with the monitor's figures of that moment.
    static HealthPoint fromSample(const PoolSample &sample, const MonitorSnapshot &monitor, bool reachable);

    QJsonObject toJson() const;
    // Missing fields read as zero; an invalid "at" leaves at invalid.
    static HealthPoint fromJson(const QJsonObject &json);
    static QJsonArray toJson(const QList<HealthPoint> &points);
    static QList<HealthPoint> listFromJson(const QJsonArray &array);

    // Several processes at one instant seen as one: pool gauges and memory
    // added up, latency and error rate weighted by each one's job count,
    // p95 the worst, reachable only when every one reached the database,
    // system memory the highest (processes may run on different machines).
    static HealthPoint combine(const QList<HealthPoint> &points, const QDateTime &at);
};
