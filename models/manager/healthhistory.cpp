#include "models/manager/healthhistory.h"

#include <algorithm>

HealthHistory::HealthHistory(int capacity)
    : m_ring(size_t(std::max(1, capacity)))
{ }

bool HealthHistory::append(const HealthPoint &point)
{
    if (!point.at.isValid())
        return false;
    if (m_size > 0 && point.at <= at(int(m_size) - 1).at)
        return false;
    if (m_size < m_ring.size()) {
        m_ring[(m_start + m_size) % m_ring.size()] = point;
        ++m_size;
    } else {
        m_ring[m_start] = point;
        m_start = (m_start + 1) % m_ring.size();
    }
    return true;
}

void HealthHistory::clear()
{
    m_start = 0;
    m_size = 0;
}

const HealthPoint &HealthHistory::at(int i) const
{
    return m_ring[(m_start + size_t(i)) % m_ring.size()];
}

std::optional<HealthPoint> HealthHistory::latest() const
{
    if (m_size == 0)
        return std::nullopt;
    return at(int(m_size) - 1);
}

int HealthHistory::firstInWindow(int windowSeconds) const
{
    if (m_size == 0)
        return 0;
    const QDateTime from = at(int(m_size) - 1).at.addSecs(-windowSeconds);
    // Times only grow along the ring: binary search for the first inside.
    int lo = 0, hi = int(m_size);
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (at(mid).at <= from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

QList<HealthPoint> HealthHistory::window(int windowSeconds) const
{
    QList<HealthPoint> out;
    const int first = firstInWindow(windowSeconds);
    out.reserve(int(m_size) - first);
    for (int i = first; i < int(m_size); ++i)
        out.append(at(i));
    return out;
}

QList<QPointF> HealthHistory::series(Metric metric, int windowSeconds) const
{
    QList<QPointF> out;
    const int first = firstInWindow(windowSeconds);
    out.reserve(int(m_size) - first);
    for (int i = first; i < int(m_size); ++i) {
        const HealthPoint &p = at(i);
        out.append(QPointF(double(p.at.toMSecsSinceEpoch()), value(p, metric)));
    }
    return out;
}

double HealthHistory::value(const HealthPoint &p, Metric metric)
{
    switch (metric) {
    case Metric::Active:
        return p.active;
    case Metric::Idle:
        return p.idle;
    case Metric::Waiting:
        return p.waiting;
    case Metric::Max:
        return p.max;
    case Metric::UsagePct:
        return p.usagePct();
    case Metric::AvgMs:
        return p.avgMs;
    case Metric::P95Ms:
        return p.p95Ms;
    case Metric::ErrorRatePct:
        return p.errorRatePct;
    case Metric::RssMiB:
        return double(p.rssBytes) / (1024.0 * 1024.0);
    case Metric::SystemUsedPct:
        return p.systemUsedPct;
    }
    return 0;
}
