#pragma once

#include "db/pool/dberror.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <deque>
#include <vector>

struct LabelStats
{
    QString label;
    qint64 count = 0;
    qint64 errors = 0;
    double avgMs = 0;
    double p95Ms = 0;
    double maxMs = 0;
};

struct SlowQuery
{
    QString label;
    QString sql; // values elided
    double durationMs = 0;
    QDateTime at;
};

struct ErrorRecord
{
    QDateTime at;
    QString label;
    QString kind;
    QString sqlState;
    QString detail;
};

struct PoolSample
{
    QDateTime at;
    int max = 0;
    int total = 0;
    int active = 0;
    int idle = 0;
    int waiting = 0;
    double avgWaitMs = 0; // mean wait for a connection during the last second
    qint64 timeouts = 0;
    qint64 rssBytes = 0;
    double systemUsedPct = 0;
};

struct MonitorSnapshot
{
    bool enabled = true;
    qint64 totalCount = 0;
    qint64 totalErrors = 0;
    double avgMs = 0;        // over the recent window
    double p95Ms = 0;        // over the recent window
    double errorRatePct = 0; // over the recent window
    qint64 windowCount = 0;
    int windowSeconds = 0;
    double avgWaitMs = 0;    // time waited for a connection, recent window
    QList<LabelStats> labels;
    QList<SlowQuery> slowQueries; // oldest first
    QList<ErrorRecord> recentErrors; // oldest first
    QList<PoolSample> samples;       // oldest first, one a second
};

// Timings and errors of every unit of work and statement, pool gauges sampled
// once a second, process and system memory. Thread-safe; cheap enough to be
// called for every job (a mutex and a few additions).
class PoolMonitor
{
public:
    PoolMonitor(bool enabled, int slowQueryThresholdMs, int maxQueryHistory);

    bool isEnabled() const { return m_enabled; }
    int slowQueryThresholdMs() const { return m_slowMs; }

    void recordJob(const QString &label, double durationMs, bool ok);
    void recordStatement(const QString &label, const QString &sql, double durationMs);
    void recordError(const DbError &error);
    void recordWait(double waitMs);
    void recordSample(PoolSample sample);

    // latestSamples bounds how many of the once-a-second samples are copied
    // (the newest ones): a caller polling every second needs only a few.
    MonitorSnapshot snapshot(int latestSamples = kSampleHistory) const;

    static constexpr int kWindowSeconds = 60;   // health looks at the last minute
    static constexpr int kSampleHistory = 3600; // one hour of once-a-second samples

private:
    struct LabelData
    {
        qint64 count = 0;
        qint64 errors = 0;
        double totalMs = 0;
        double maxMs = 0;
        std::vector<float> recent; // ring of the latest durations, for p95
        size_t next = 0;
    };
    struct Bucket
    {
        qint64 second = 0;
        qint64 count = 0;
        qint64 errors = 0;
        double totalMs = 0;
        qint64 waits = 0;
        double waitMs = 0;
    };
    Bucket &bucketFor(qint64 second);

    const bool m_enabled;
    const int m_slowMs;
    const int m_maxHistory;
    mutable QMutex m_mutex;
    QHash<QString, LabelData> m_labels;
    std::deque<SlowQuery> m_slow;
    std::deque<ErrorRecord> m_errors;
    std::deque<PoolSample> m_samples;
    Bucket m_buckets[kWindowSeconds];
    std::vector<float> m_recent; // ring over all labels, for the overall p95
    size_t m_recentNext = 0;
    qint64 m_totalCount = 0;
    qint64 m_totalErrors = 0;
};
