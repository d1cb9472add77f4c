#pragma once

#include "db/pool/dberror.h"

#include <QFuture>
#include <QPromise>
#include <QString>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class BenchServer;

// The ceiling of the pool's design for one kind of job: SELECT 1 handed over
// the way the pool hands work over (a mutex-guarded queue, a condition
// variable, a QPromise whose QFuture the submitter waits on) to the same
// number of threads, each holding a raw libpq connection, and nothing else:
// no labels, monitor, checks, watchdog or retry. What the pool reaches as a
// fraction of this is what its own logic costs. Its connections carry the
// application_name carwash-bench-handoff, so they are never counted as the
// pool's. Thread-safe; start() and stop() from one thread.
class HandoffLimit
{
public:
    HandoffLimit(const BenchServer &server, int threads);
    ~HandoffLimit();
    HandoffLimit(const HandoffLimit &) = delete;
    HandoffLimit &operator=(const HandoffLimit &) = delete;

    // Starts the threads and connects each; blocks until all are connected
    // (false, error says why, when one could not).
    bool start(QString *error);
    // Hands one SELECT 1 over and waits for its answer, as a submitter of
    // the pool does with withConnection(...).result().
    bool selectOne(QString *error);
    // Ends the threads and closes their connections.
    void stop();

private:
    using Job = std::shared_ptr<QPromise<DbResult<int>>>;
    void threadMain();

    const BenchServer &m_server;
    const int m_threadCount;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_workCv;
    std::condition_variable m_startedCv;
    std::deque<Job> m_jobs;
    int m_connected = 0;
    int m_finishedStarting = 0;
    QString m_connectError;
    bool m_stopping = false;
};
