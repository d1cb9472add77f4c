#include "db/health/poolmonitor.h"

#include "db/pool/sql.h"

#include <algorithm>
#include <cmath>

namespace {

constexpr size_t kLabelRing = 512;
constexpr size_t kOverallRing = 2048;
constexpr int kMaxErrors = 100;

void pushRing(std::vector<float> &ring, size_t &next, size_t capacity, double value)
{
    if (ring.size() < capacity) {
        ring.push_back(float(value));
    } else {
        ring[next] = float(value);
        next = (next + 1) % capacity;
    }
}

double percentile95(std::vector<float> values)
{
    if (values.empty())
        return 0;
    const size_t k = size_t(std::ceil(0.95 * double(values.size()))) - 1;
    std::nth_element(values.begin(), values.begin() + qsizetype(k), values.end());
    return values[k];
}

qint64 nowSecond()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

PoolMonitor::PoolMonitor(bool enabled, int slowQueryThresholdMs, int maxQueryHistory)
    : m_enabled(enabled)
    , m_slowMs(slowQueryThresholdMs)
    , m_maxHistory(maxQueryHistory)
{
}

PoolMonitor::Bucket &PoolMonitor::bucketFor(qint64 second)
{
    Bucket &b = m_buckets[second % kWindowSeconds];
    if (b.second != second)
        b = Bucket{second, 0, 0, 0, 0, 0};
    return b;
}

void PoolMonitor::recordJob(const QString &label, double durationMs, bool ok)
{
    QMutexLocker lock(&m_mutex);
    ++m_totalCount;
    if (!ok)
        ++m_totalErrors;
    Bucket &b = bucketFor(nowSecond());
    ++b.count;
    b.totalMs += durationMs;
    if (!ok)
        ++b.errors;
    if (!m_enabled)
        return;
    LabelData &d = m_labels[label];
    ++d.count;
    if (!ok)
        ++d.errors;
    d.totalMs += durationMs;
    d.maxMs = std::max(d.maxMs, durationMs);
    pushRing(d.recent, d.next, kLabelRing, durationMs);
    pushRing(m_recent, m_recentNext, kOverallRing, durationMs);
}

void PoolMonitor::recordStatement(const QString &label, const QString &sql, double durationMs)
{
    if (!m_enabled || durationMs < m_slowMs || m_maxHistory <= 0)
        return;
    QString text = Sql::elideValues(sql).simplified();
    if (text.size() > 1000)
        text = text.left(1000) + QStringLiteral("…");
    QMutexLocker lock(&m_mutex);
    m_slow.push_back({label, text, durationMs, QDateTime::currentDateTimeUtc()});
    while (int(m_slow.size()) > m_maxHistory)
        m_slow.pop_front();
}

void PoolMonitor::recordError(const DbError &error)
{
    QMutexLocker lock(&m_mutex);
    m_errors.push_back({QDateTime::currentDateTimeUtc(), error.label(), DbError::kindName(error.kind()),
                        error.sqlState(), error.detail()});
    while (int(m_errors.size()) > kMaxErrors)
        m_errors.pop_front();
}

void PoolMonitor::recordWait(double waitMs)
{
    QMutexLocker lock(&m_mutex);
    Bucket &b = bucketFor(nowSecond());
    ++b.waits;
    b.waitMs += waitMs;
}

void PoolMonitor::recordSample(PoolSample sample)
{
    QMutexLocker lock(&m_mutex);
    m_samples.push_back(std::move(sample));
    while (int(m_samples.size()) > kSampleHistory)
        m_samples.pop_front();
}

MonitorSnapshot PoolMonitor::snapshot(int latestSamples) const
{
    QMutexLocker lock(&m_mutex);
    MonitorSnapshot s;
    s.enabled = m_enabled;
    s.totalCount = m_totalCount;
    s.totalErrors = m_totalErrors;
    s.windowSeconds = kWindowSeconds;
    const qint64 now = nowSecond();
    qint64 count = 0, errors = 0, waits = 0;
    double totalMs = 0, waitMs = 0;
    for (const Bucket &b : m_buckets) {
        if (b.second <= now - kWindowSeconds || b.second > now)
            continue;
        count += b.count;
        errors += b.errors;
        totalMs += b.totalMs;
        waits += b.waits;
        waitMs += b.waitMs;
    }
    s.windowCount = count;
    s.avgMs = count > 0 ? totalMs / double(count) : 0;
    s.errorRatePct = count > 0 ? 100.0 * double(errors) / double(count) : 0;
    s.avgWaitMs = waits > 0 ? waitMs / double(waits) : 0;
    s.p95Ms = percentile95(m_recent);
    for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it) {
        const LabelData &d = it.value();
        s.labels.append({it.key(), d.count, d.errors, d.count ? d.totalMs / double(d.count) : 0,
                         percentile95(d.recent), d.maxMs});
    }
    std::sort(s.labels.begin(), s.labels.end(),
              [](const LabelStats &a, const LabelStats &b) { return a.label < b.label; });
    s.slowQueries = QList<SlowQuery>(m_slow.begin(), m_slow.end());
    s.recentErrors = QList<ErrorRecord>(m_errors.begin(), m_errors.end());
    const size_t keep = std::min(m_samples.size(), size_t(std::max(0, latestSamples)));
    s.samples = QList<PoolSample>(m_samples.end() - qsizetype(keep), m_samples.end());
    return s;
}
