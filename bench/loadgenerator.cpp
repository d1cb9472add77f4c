#include "bench/loadgenerator.h"

#include "bench/interruption.h"

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

LoadResult &LoadResult::operator+=(const LoadResult &other)
{
    completed += other.completed;
    failed += other.failed;
    seconds += other.seconds;
    if (firstError.isEmpty())
        firstError = other.firstError;
    return *this;
}

LoadResult LoadGenerator::runFor(int submitters, std::chrono::milliseconds duration, const Unit &unit)
{
    return run(submitters, duration, -1, unit);
}

LoadResult LoadGenerator::runCount(int submitters, qint64 total, const Unit &unit)
{
    return run(submitters, std::chrono::milliseconds::max(), total, unit);
}

LoadResult LoadGenerator::runInline(std::chrono::milliseconds duration, const Unit &unit)
{
    LoadResult result;
    QString error;
    const Clock::time_point started = Clock::now();
    const Clock::time_point deadline = started + duration;
    while (!Interruption::requested() && Clock::now() < deadline) {
        error.clear();
        if (unit(&error)) {
            ++result.completed;
        } else {
            ++result.failed;
            if (result.firstError.isEmpty())
                result.firstError = error;
        }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

LoadResult LoadGenerator::run(int submitters, std::chrono::milliseconds duration, qint64 total,
                              const Unit &unit)
{
    std::atomic<qint64> claimed {0};
    std::atomic<qint64> completed {0};
    std::atomic<qint64> failed {0};
    std::mutex errorMutex;
    QString firstError;
    Clock::time_point deadline = Clock::time_point::max();
    // Every thread exists before the clock starts: thread creation is not
    // part of what is measured.
    std::latch go(submitters + 1);

    std::vector<std::thread> threads;
    threads.reserve(size_t(submitters));
    for (int i = 0; i < submitters; ++i) {
        threads.emplace_back([&] {
            go.arrive_and_wait();
            QString error;
            for (;;) {
                if (Interruption::requested() || Clock::now() >= deadline)
                    break;
                if (total >= 0 && claimed.fetch_add(1) >= total)
                    break;
                error.clear();
                if (unit(&error)) {
                    completed.fetch_add(1, std::memory_order_relaxed);
                } else {
                    failed.fetch_add(1, std::memory_order_relaxed);
                    std::lock_guard lock(errorMutex);
                    if (firstError.isEmpty())
                        firstError = error;
                }
            }
        });
    }
    const Clock::time_point started = Clock::now();
    if (duration != std::chrono::milliseconds::max())
        deadline = started + duration;
    go.arrive_and_wait();
    for (std::thread &t : threads)
        t.join();

    LoadResult result;
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result.completed = completed.load();
    result.failed = failed.load();
    result.firstError = firstError;
    return result;
}
