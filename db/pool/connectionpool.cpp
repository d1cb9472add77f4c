#include "db/pool/connectionpool.h"

#include "db/pool/connectionpool_p.h"

// The pool's public face and its shared bookkeeping; the workers live in
// connectionpoolworker.cpp, the housekeeper in connectionpoolhousekeeper.cpp.

Q_LOGGING_CATEGORY(lcPool, "carwash.db.pool", QtWarningMsg)

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::atomic<int> g_poolCounter{0};

} // namespace

ConnectionPool::Private::Private(DatabaseConfig c)
    : config(std::move(c))
    , monitor(config.monitoring, config.slowQueryThresholdMs, config.maxQueryHistory)
    , poolId(++g_poolCounter)
    , rng(std::random_device{}())
{
}

void ConnectionPool::Private::wakeIdleWorkerLocked()
{
    if (idle.empty())
        return;
    Worker *last = idle.back();
    idle.pop_back();
    last->woken = true;
    last->wake.notify_one();
}

void ConnectionPool::Private::sweepIdleWorkersLocked()
{
    for (Worker *w : idle) {
        w->sweep = true;
        w->wake.notify_one();
    }
}

void ConnectionPool::Private::enqueueLocked(const JobPtr &job, Clock::time_point now)
{
    job->enqueuedAt = now;
    job->deadline = now + milliseconds(config.poolTimeoutMs);
    ready.push_back(job);
    if (ready.size() > idle.size() && liveWorkers < config.maxConnections)
        spawnWorkerLocked();
    wakeIdleWorkerLocked();
    // The housekeeper only needs waking when this deadline comes before
    // its planned wake: not on every submit, which would cost a context
    // switch per unit of work.
    if (job->deadline < houseWakeAt)
        houseCv.notify_one();
}

void ConnectionPool::Private::spawnWorkerLocked()
{
    workers.emplace_back();
    Worker &w = workers.back();
    w.id = ++nextWorkerId;
    ++liveWorkers;
    w.thread = std::thread([this, &w] { workerMain(w); });
}

PoolStats ConnectionPool::Private::statsLocked() const
{
    PoolStats s;
    s.max = config.maxConnections;
    for (const Worker &w : workers) {
        if (w.exited)
            continue;
        if (w.connected)
            ++s.total;
        if (w.busy)
            ++s.active;
        else if (w.connected)
            ++s.idle;
    }
    s.waiting = int(ready.size());
    s.timeouts = timeouts;
    s.connectionsOpened = opened;
    s.connectionsClosed = closed;
    return s;
}

DbError ConnectionPool::Private::poolTimeoutErrorLocked(const QString &label) const
{
    const PoolStats s = statsLocked();
    DbError e(DbError::Kind::PoolTimeout,
              DbError::tr("The database is busy: no connection became free within %1 s. Please try again.")
                  .arg(config.poolTimeoutMs / 1000.0),
              QStringLiteral("pool timeout after %1 ms (total=%2, active=%3, idle=%4, waiting=%5, max=%6)")
                  .arg(config.poolTimeoutMs)
                  .arg(s.total)
                  .arg(s.active)
                  .arg(s.idle)
                  .arg(s.waiting)
                  .arg(s.max));
    e.setLabel(label);
    return e;
}

DbError ConnectionPool::Private::shuttingDownError(const QString &label)
{
    DbError e(DbError::Kind::ShuttingDown, DbError::tr("The program is closing; the action was not run."),
              QStringLiteral("pool shut down"));
    e.setLabel(label);
    return e;
}

ConnectionPool::ConnectionPool(DatabaseConfig config)
    : d(std::make_unique<Private>(std::move(config)))
{
    d->housekeeper = std::thread([this] { d->housekeeperMain(); });
}

ConnectionPool::~ConnectionPool()
{
    shutdown();
}

void ConnectionPool::submit(const QString &label, const RetryPolicy &policy, Runner run, Fail fail)
{
    auto job = std::make_shared<Private::Job>();
    job->label = label;
    job->policy = policy;
    job->policy.maxAttempts = std::max(1, job->policy.maxAttempts);
    job->run = std::move(run);
    job->fail = std::move(fail);
    std::unique_lock lock(d->mutex);
    if (d->stopping) {
        lock.unlock();
        job->fail(Private::shuttingDownError(label));
        return;
    }
    const Clock::time_point now = Clock::now();
    job->firstSubmitted = now;
    d->enqueueLocked(job, now);
}

PoolStats ConnectionPool::stats() const
{
    std::lock_guard lock(d->mutex);
    return d->statsLocked();
}

const DatabaseConfig &ConnectionPool::config() const
{
    return d->config;
}

PoolMonitor &ConnectionPool::monitor()
{
    return d->monitor;
}

void ConnectionPool::shutdown()
{
    std::vector<Private::JobPtr> pending;
    {
        std::lock_guard lock(d->mutex);
        if (d->stopped)
            return;
        d->stopping = true;
        d->stopped = true;
        pending.assign(d->ready.begin(), d->ready.end());
        pending.insert(pending.end(), d->delayed.begin(), d->delayed.end());
        d->ready.clear();
        d->delayed.clear();
        while (!d->idle.empty())
            d->wakeIdleWorkerLocked();
        d->houseCv.notify_all();
    }
    for (const auto &job : pending)
        job->fail(Private::shuttingDownError(job->label));
    if (d->housekeeper.joinable())
        d->housekeeper.join();
    // Each worker closes its own connection on its own thread, after the
    // unit of work it is running (if any) returns.
    for (Private::Worker &w : d->workers) {
        if (w.thread.joinable())
            w.thread.join();
    }
    // Under the lock: stats() may be asked meanwhile when this runs off the
    // GUI thread.
    std::lock_guard lock(d->mutex);
    d->workers.clear();
}
