#include "db/health/poolsizing.h"

#include <algorithm>
#include <cmath>

namespace {

// Rounding up 2.0000001 (floating-point noise) to 3 would overstate a pool.
int ceilTolerant(double value)
{
    return int(std::ceil(value - 1e-9));
}

} // namespace

PoolSizingAdvice PoolSizing::advise(const PoolLoad &load, int minimum, int maximum)
{
    PoolSizingAdvice a;
    a.current = load.currentLimit;
    const double lambda = std::max(0.0, load.arrivalPerSecond);
    a.busyConnections = lambda * std::max(0.0, load.meanHoldMs) / 1000.0;
    a.peakConnections = lambda * std::max(load.meanHoldMs, load.p95HoldMs) / 1000.0;
    int suggested
        = std::max(ceilTolerant(a.busyConnections / TargetUtilisation), ceilTolerant(a.peakConnections));
    // Measured arrivals are capped by a full pool: when work queued, the
    // true demand is above what was seen, so never suggest less than one
    // more than now.
    a.waitsSeen = load.waiting > 0 || load.meanWaitMs > 1.0;
    if (a.waitsSeen && load.currentLimit > 0
        && a.busyConnections >= TargetUtilisation * load.currentLimit * 0.9)
        suggested = std::max(suggested, load.currentLimit + 1);
    a.suggested = std::clamp(suggested, std::max(1, minimum), std::max(1, std::max(minimum, maximum)));
    if (a.current > 0 && a.suggested > a.current)
        a.verdict = PoolSizingAdvice::Verdict::TooSmall;
    else if (a.current > 2 * a.suggested)
        a.verdict = PoolSizingAdvice::Verdict::Oversized;
    else
        a.verdict = PoolSizingAdvice::Verdict::Enough;
    return a;
}

PoolBudgetAdvice PoolSizing::budget(const QList<PoolSizingAdvice> &processes, int serverAvailable)
{
    PoolBudgetAdvice b;
    b.serverAvailable = serverAvailable;
    for (const PoolSizingAdvice &a : processes) {
        b.currentTotal += a.current;
        b.suggestedTotal += a.suggested;
    }
    return b;
}
