#pragma once

#include <QString>

#include <chrono>
#include <functional>

// What a load phase did.
struct LoadResult
{
    qint64 completed = 0; // units of work that succeeded
    qint64 failed = 0;
    double seconds = 0;
    QString firstError;

    double perSecond() const { return seconds > 0 ? double(completed) / seconds : 0; }
    LoadResult &operator+=(const LoadResult &other);
};

// Closed-loop load, the way desks and kiosks load the pool: `submitters`
// threads, each running one unit of work and waiting for its answer before
// the next, so exactly that many are in flight. A unit returns false and
// says why when it failed. Ends at the deadline, after `total` units, or on
// Ctrl-C.
class LoadGenerator
{
public:
    using Unit = std::function<bool(QString *error)>;

    static LoadResult runFor(int submitters, std::chrono::milliseconds duration, const Unit &unit);
    static LoadResult runCount(int submitters, qint64 total, const Unit &unit);
    // One submitter, the calling thread itself: for work that must stay on
    // the thread that opened its connection.
    static LoadResult runInline(std::chrono::milliseconds duration, const Unit &unit);

private:
    static LoadResult run(int submitters, std::chrono::milliseconds duration, qint64 total, const Unit &unit);
};
