#pragma once

#include "db/health/healthpoint.h"

#include <QList>
#include <QPointF>

#include <optional>
#include <vector>

// The last hour of once-a-second health points of what the diagnostics
// screen shows, in a fixed ring (no allocation once full), and the series
// the charts plot from it. Single-threaded (the GUI thread).
class HealthHistory
{
public:
    enum class Metric {
        Active,
        Idle,
        Waiting,
        Max,
        UsagePct,
        AvgMs,
        P95Ms,
        ErrorRatePct,
        RssMiB,
        SystemUsedPct
    };

    explicit HealthHistory(int capacity = 3600);

    // False (and nothing kept) unless point is newer than the latest.
    bool append(const HealthPoint &point);
    void clear();

    int size() const { return int(m_size); }
    int capacity() const { return int(m_ring.size()); }
    // i = 0 is the oldest kept.
    const HealthPoint &at(int i) const;
    std::optional<HealthPoint> latest() const;
    // Points within windowSeconds of the latest one, oldest first.
    QList<HealthPoint> window(int windowSeconds) const;
    // x: milliseconds since the epoch, y: the metric; oldest first.
    QList<QPointF> series(Metric metric, int windowSeconds) const;

    static double value(const HealthPoint &point, Metric metric);

private:
    int firstInWindow(int windowSeconds) const;

    std::vector<HealthPoint> m_ring;
    size_t m_start = 0; // index of the oldest
    size_t m_size = 0;
};
