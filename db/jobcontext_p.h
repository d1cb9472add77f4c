#pragma once

#include <QString>

class PoolMonitor;

// What the unit of work running on this worker thread is, so statement
// helpers can time their SQL under its label. Set by the pool around each job.
struct JobContext
{
    QString label;
    PoolMonitor *monitor = nullptr;

    static JobContext *&current()
    {
        static thread_local JobContext *context = nullptr;
        return context;
    }
};
