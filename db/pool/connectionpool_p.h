#pragma once

#include "db/health/poolmonitor.h"
#include "db/pool/connectionpool.h"
#include "db/pool/jobcontext_p.h"

#include <QLoggingCategory>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

Q_DECLARE_LOGGING_CATEGORY(lcPool)

// The pool's shared state and its two kinds of thread: workers
// (connectionpoolworker.cpp), each owning at most one connection, and the
// housekeeper (connectionpoolhousekeeper.cpp), which times out waiting work,
// names leaks, watches for dead links and samples the gauges. Everything
// below "under mutex" is read and written with the mutex held.
class ConnectionPool::Private
{
public:
    using Clock = std::chrono::steady_clock;

    struct Job
    {
        QString label;
        RetryPolicy policy;
        Runner run;
        Fail fail;
        int attempts = 0;
        Clock::time_point firstSubmitted;
        Clock::time_point enqueuedAt;
        Clock::time_point deadline; // for getting a connection
        Clock::time_point notBefore; // end of a retry backoff
    };
    using JobPtr = std::shared_ptr<Job>;

    struct Worker
    {
        int id = 0;
        std::thread thread;
        bool exited = false;
        bool connected = false;
        bool busy = false;
        bool leakWarned = false;
        int backendPid = 0;
        QString label;
        Clock::time_point jobStarted;
        // The watchdog's view of this worker. socket is the pool's own
        // duplicate of the connection's socket: libpq may close its
        // descriptor on an error and the number be reused at once, ours stays
        // valid until the worker closes it under the mutex, so shutting it
        // down can only ever hit this connection. -1 when there is none.
        int socket = -1;
        quint64 jobGeneration = 0; // counts units of work, under the mutex
        bool watchdogFired = false; // for the connection this job runs on
        std::atomic<qint64> lastRoundTripNs {0}; // see JobContext
        std::atomic<int> watchdogLimitMs {0};
        // An idle worker waits on its own condition; woken says it was
        // picked for work (and taken off the idle stack) or the pool stops.
        std::condition_variable wake;
        bool woken = false;
        // Asked to look whether the server closed its idle connection.
        bool sweep = false;
    };

    // A worker's own connection, only ever touched on the worker's thread.
    struct Connection
    {
        std::optional<QSqlDatabase> db;
        QString name;
        int generation = 0;
        Clock::time_point openedAt;
        Clock::time_point lastUsed = Clock::now();
        std::chrono::milliseconds lifetime {0};
    };

    explicit Private(DatabaseConfig c);

    DatabaseConfig config;
    PoolMonitor monitor;
    const int poolId;

    std::mutex mutex;
    std::condition_variable houseCv; // the housekeeper waits here
    std::deque<JobPtr> ready;
    std::vector<JobPtr> delayed;
    std::list<Worker> workers;
    // Idle workers, the one idle the shortest time last. New work goes to
    // it: a light load keeps reusing one warm connection, and the others
    // sit out their idle timeout and close. (One shared condition wakes
    // the longest waiter first, which kept every connection busy enough
    // never to close.)
    std::vector<Worker *> idle;
    int liveWorkers = 0;
    int nextWorkerId = 0;
    bool stopping = false;
    bool stopped = false;
    qint64 timeouts = 0;
    qint64 opened = 0;
    qint64 closed = 0;
    double waitSumSinceSample = 0;
    qint64 waitCountSinceSample = 0;
    std::mt19937_64 rng;
    std::thread housekeeper;
    // When the sleeping housekeeper wakes; min() while it is awake. Others
    // notify it only for something due before then.
    Clock::time_point houseWakeAt = Clock::time_point::min();

    // -- under mutex --
    void enqueueLocked(const JobPtr &job, Clock::time_point now);
    void wakeIdleWorkerLocked();
    // After one connection was found lost: every idle worker looks at once
    // whether its own is closed too (a server restart or failover ends
    // them all), so none is kept, and counted, until its idle timeout.
    void sweepIdleWorkersLocked();
    void spawnWorkerLocked();
    PoolStats statsLocked() const;
    DbError poolTimeoutErrorLocked(const QString &label) const;
    static DbError shuttingDownError(const QString &label);

    // The worker's life: wait for work, check a job out, check or open the
    // connection, run the unit of work, clean up after it, then deliver its
    // result or schedule its retry.
    void workerMain(Worker &self);
    bool waitForWorkLocked(Worker &self, Connection &conn, std::unique_lock<std::mutex> &lock);
    JobPtr checkOutLocked(Worker &self, Clock::time_point started);
    void checkBeforeUse(Worker &self, Connection &conn, Clock::time_point started);
    DbError open(Worker &self, Connection &conn);
    DbError run(Job &job, Connection &conn, Deliver &deliver);
    DbError cleanUp(Worker &self, Connection &conn, const Job &job, DbError error);
    void finish(Worker &self, const JobPtr &job, DbError error, const Deliver &deliver,
                Clock::time_point started, Clock::time_point finished, std::unique_lock<std::mutex> &lock);
    void closeConnection(Worker &self, Connection &conn, const char *why);
    // Closes a connection found lost, then sweeps the idle workers'.
    void closeLost(Worker &self, Connection &conn, const char *why);

    void housekeeperMain();
    void watchForDeadLinksLocked(Clock::time_point now);
    DbError deadLinkError(const DbError &seen, int backendPid) const;

    static double msBetween(Clock::time_point from, Clock::time_point to)
    {
        return std::chrono::duration<double, std::milli>(to - from).count();
    }
};
