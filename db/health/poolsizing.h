#pragma once

#include <QList>
#include <QString>

// What one process's pool did over the monitor's recent window.
struct PoolLoad
{
    double arrivalPerSecond = 0; // λ: units of work started per second
    double meanHoldMs = 0; // W: mean time a unit of work holds its connection
    double p95HoldMs = 0; // the 95th percentile of that time
    double meanWaitMs = 0; // mean wait for a connection
    int waiting = 0; // units of work waiting now
    int currentLimit = 0; // connection_limit in force
};

// A suggested connection_limit for one process, with the figures behind it.
struct PoolSizingAdvice
{
    double busyConnections = 0; // L = λW: connections in use on average (Little's law)
    double peakConnections = 0; // λ · p95 hold time: in use when work runs long
    int suggested = 1;
    int current = 0;
    bool waitsSeen = false; // work waited for a connection in the window
    enum class Verdict { Enough, TooSmall, Oversized } verdict = Verdict::Enough;
};

// All the processes' pools against what the server allows.
struct PoolBudgetAdvice
{
    int currentTotal = 0;
    int suggestedTotal = 0;
    int serverAvailable = 0; // max_connections - superuser_reserved_connections
    bool currentFits() const { return currentTotal <= serverAvailable; }
    bool suggestedFits() const { return suggestedTotal <= serverAvailable; }
};

// Pool sizing by Little's law. Pure functions, no database.
namespace PoolSizing {

// Connections in use should stay under this share of the pool on average,
// so a burst finds a free one (and the health light stays below its 70 %).
constexpr double TargetUtilisation = 0.7;

// suggested = max(⌈L / target⌉, ⌈λ · p95⌉), one more than the current limit
// when work waited while the pool was full, clamped to minimum..maximum. A
// pool more than twice the suggestion is called oversized (every idle
// connection costs the server memory).
PoolSizingAdvice advise(const PoolLoad &load, int minimum = 1, int maximum = 100);

PoolBudgetAdvice budget(const QList<PoolSizingAdvice> &processes, int serverAvailable);

} // namespace PoolSizing
