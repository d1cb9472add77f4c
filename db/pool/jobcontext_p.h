#pragma once

#include <QString>

#include <atomic>
#include <chrono>

class PoolMonitor;

// What the unit of work running on this worker thread is, so statement
// helpers can time their SQL under its label and the pool's watchdog can see
// a statement in flight. Set by the pool around each job.
struct JobContext
{
    QString label;
    PoolMonitor *monitor = nullptr;
    // Written by this thread, read by the pool's housekeeper: when this unit
    // of work last sent a statement or had its answer (steady clock, ns; 0 =
    // no unit running); and how long the watchdog lets it go without either
    // (ms, 0 = no watchdog). Null outside the pool.
    std::atomic<qint64> *lastRoundTripNs = nullptr;
    std::atomic<int> *watchdogLimitMs = nullptr;

    static JobContext *&current()
    {
        static thread_local JobContext *context = nullptr;
        return context;
    }

    static qint64 nowNs()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
};

// Marks the start and the end of one round trip to the server for the pool's
// dead-link watchdog. Wrap every blocking statement of a unit of work in one
// (Sql's helpers do); outside the pool it does nothing. Forward-only results
// may still read rows from the socket in QSqlQuery::next(), after this ends:
// that is why the watchdog measures the silence since the last mark rather
// than the life of one of these.
class StatementWatch
{
public:
    StatementWatch()
        : m_mark(JobContext::current() ? JobContext::current()->lastRoundTripNs : nullptr)
    {
        if (m_mark)
            m_mark->store(JobContext::nowNs(), std::memory_order_relaxed);
    }
    ~StatementWatch()
    {
        if (m_mark)
            m_mark->store(JobContext::nowNs(), std::memory_order_relaxed);
    }
    StatementWatch(const StatementWatch &) = delete;
    StatementWatch &operator=(const StatementWatch &) = delete;

private:
    std::atomic<qint64> *m_mark;
};
