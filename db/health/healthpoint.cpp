#include "db/health/healthpoint.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

HealthPoint HealthPoint::fromSample(const PoolSample &sample, const MonitorSnapshot &monitor, bool reachable)
{
    HealthPoint p;
    p.at = sample.at;
    p.max = sample.max;
    p.total = sample.total;
    p.active = sample.active;
    p.idle = sample.idle;
    p.waiting = sample.waiting;
    p.avgWaitMs = sample.avgWaitMs;
    p.avgMs = monitor.avgMs;
    p.p95Ms = monitor.p95Ms;
    p.errorRatePct = monitor.errorRatePct;
    p.windowCount = monitor.windowCount;
    p.rssBytes = sample.rssBytes;
    p.systemUsedPct = sample.systemUsedPct;
    p.reachable = reachable;
    return p;
}

QJsonObject HealthPoint::toJson() const
{
    return QJsonObject {{u"at"_s, at.toString(Qt::ISODateWithMs)},
                        {u"max"_s, max},
                        {u"total"_s, total},
                        {u"active"_s, active},
                        {u"idle"_s, idle},
                        {u"waiting"_s, waiting},
                        {u"avg_wait_ms"_s, round2(avgWaitMs)},
                        {u"avg_ms"_s, round2(avgMs)},
                        {u"p95_ms"_s, round2(p95Ms)},
                        {u"error_rate_pct"_s, round2(errorRatePct)},
                        {u"window_count"_s, windowCount},
                        {u"rss_bytes"_s, rssBytes},
                        {u"system_used_pct"_s, round2(systemUsedPct)},
                        {u"reachable"_s, reachable}};
}

HealthPoint HealthPoint::fromJson(const QJsonObject &json)
{
    HealthPoint p;
    p.at = QDateTime::fromString(json[u"at"].toString(), Qt::ISODateWithMs);
    p.max = json[u"max"].toInt();
    p.total = json[u"total"].toInt();
    p.active = json[u"active"].toInt();
    p.idle = json[u"idle"].toInt();
    p.waiting = json[u"waiting"].toInt();
    p.avgWaitMs = json[u"avg_wait_ms"].toDouble();
    p.avgMs = json[u"avg_ms"].toDouble();
    p.p95Ms = json[u"p95_ms"].toDouble();
    p.errorRatePct = json[u"error_rate_pct"].toDouble();
    p.windowCount = json[u"window_count"].toInteger();
    p.rssBytes = json[u"rss_bytes"].toInteger();
    p.systemUsedPct = json[u"system_used_pct"].toDouble();
    p.reachable = json[u"reachable"].toBool(true);
    return p;
}

QJsonArray HealthPoint::toJson(const QList<HealthPoint> &points)
{
    QJsonArray array;
    for (const HealthPoint &p : points)
        array.append(p.toJson());
    return array;
}

QList<HealthPoint> HealthPoint::listFromJson(const QJsonArray &array)
{
    QList<HealthPoint> points;
    points.reserve(array.size());
    for (const QJsonValue &v : array) {
        HealthPoint p = fromJson(v.toObject());
        if (p.at.isValid())
            points.append(p);
    }
    return points;
}

HealthPoint HealthPoint::combine(const QList<HealthPoint> &points, const QDateTime &at)
{
    HealthPoint sum;
    sum.at = at;
    if (points.isEmpty())
        return sum;
    double weightedMs = 0, weightedErrors = 0, weightedWait = 0;
    qint64 jobs = 0;
    for (const HealthPoint &p : points) {
        sum.max += p.max;
        sum.total += p.total;
        sum.active += p.active;
        sum.idle += p.idle;
        sum.waiting += p.waiting;
        sum.rssBytes += p.rssBytes;
        sum.systemUsedPct = std::max(sum.systemUsedPct, p.systemUsedPct);
        sum.p95Ms = std::max(sum.p95Ms, p.p95Ms);
        sum.reachable = sum.reachable && p.reachable;
        weightedMs += p.avgMs * double(p.windowCount);
        weightedErrors += p.errorRatePct * double(p.windowCount);
        weightedWait += p.avgWaitMs;
        jobs += p.windowCount;
    }
    sum.windowCount = jobs;
    sum.avgMs = jobs > 0 ? weightedMs / double(jobs) : 0;
    sum.errorRatePct = jobs > 0 ? weightedErrors / double(jobs) : 0;
    sum.avgWaitMs = weightedWait / double(points.size());
    return sum;
}
