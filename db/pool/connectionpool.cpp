#include "db/pool/connectionpool.h"

#include "db/health/poolmonitor.h"
#include "db/health/systemmemory.h"
#include "db/pool/connectionopener.h"
#include "db/pool/jobcontext_p.h"
#include "db/pool/pgconnection_p.h"
#include "db/pool/sql.h"

#include <QLoggingCategory>
#include <QSqlQuery>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

Q_LOGGING_CATEGORY(lcPool, "carwash.db.pool", QtWarningMsg)

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::atomic<int> g_poolCounter{0};

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

} // namespace

class ConnectionPool::Private
{
public:
    struct Job
    {
        QString label;
        RetryPolicy policy;
        Runner run;
        Fail fail;
        int attempts = 0;
        Clock::time_point firstSubmitted;
        Clock::time_point enqueuedAt;
        Clock::time_point deadline;  // for getting a connection
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
    };

    Private(DatabaseConfig c)
        : config(std::move(c))
        , monitor(config.monitoring, config.slowQueryThresholdMs, config.maxQueryHistory)
        , poolId(++g_poolCounter)
        , rng(std::random_device{}())
    {
    }

    DatabaseConfig config;
    PoolMonitor monitor;
    const int poolId;

    std::mutex mutex;
    std::condition_variable workCv;  // workers wait here for jobs
    std::condition_variable houseCv; // the housekeeper waits here
    std::deque<JobPtr> ready;
    std::vector<JobPtr> delayed;
    std::list<Worker> workers;
    int idleWaiters = 0; // workers blocked in workCv
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
    void enqueueLocked(const JobPtr &job, Clock::time_point now)
    {
        job->enqueuedAt = now;
        job->deadline = now + milliseconds(config.poolTimeoutMs);
        ready.push_back(job);
        if (int(ready.size()) > idleWaiters && liveWorkers < config.maxConnections)
            spawnWorkerLocked();
        workCv.notify_one();
        // The housekeeper only needs waking when this deadline comes before
        // its planned wake: not on every submit, which would cost a context
        // switch per unit of work.
        if (job->deadline < houseWakeAt)
            houseCv.notify_one();
    }

    void spawnWorkerLocked()
    {
        workers.emplace_back();
        Worker &w = workers.back();
        w.id = ++nextWorkerId;
        ++liveWorkers;
        w.thread = std::thread([this, &w] { workerMain(w); });
    }

    PoolStats statsLocked() const
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

    DbError poolTimeoutErrorLocked(const QString &label) const
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

    static DbError shuttingDownError(const QString &label)
    {
        DbError e(DbError::Kind::ShuttingDown, DbError::tr("The program is closing; the action was not run."),
                  QStringLiteral("pool shut down"));
        e.setLabel(label);
        return e;
    }

    void workerMain(Worker &self);
    void housekeeperMain();
    void watchForDeadLinksLocked(Clock::time_point now);
    DbError deadLinkError(const DbError &seen, int backendPid) const;
    std::optional<QSqlDatabase> openConnection(const QString &name, DbError &error);
};

std::optional<QSqlDatabase> ConnectionPool::Private::openConnection(const QString &name, DbError &error)
{
    return ConnectionOpener::openBlocking(config, name, error, ConnectionOpener::deadLinkOptions());
}

// A unit of work that has neither sent a statement nor had an answer for
// statement_timeout plus a grace period would have been cancelled by the
// server long ago: the path to it is dead without a RST (Wi-Fi, NAT, a switch),
// and libpq would wait for the kernel's retransmission timeout (~15 min) or
// forever on an idle read. Shutting the socket down makes the blocked libpq
// call return with a connection error at once, on the worker's own thread.
void ConnectionPool::Private::watchForDeadLinksLocked(Clock::time_point now)
{
    const qint64 nowNs = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    for (Worker &w : workers) {
        if (!w.busy || w.socket < 0 || w.watchdogFired)
            continue;
        const int limitMs = w.watchdogLimitMs.load(std::memory_order_relaxed);
        const qint64 last = w.lastRoundTripNs.load(std::memory_order_relaxed);
        if (limitMs <= 0 || last == 0)
            continue;
        const qint64 silentMs = (nowNs - last) / 1000000;
        if (silentMs < qint64(limitMs) + config.watchdogGraceMs)
            continue;
        // Under the mutex, busy and jobGeneration cannot change: this is the
        // unit of work that went silent, on the connection it went silent on.
        ::shutdown(w.socket, SHUT_RDWR);
        w.watchdogFired = true;
        qCWarning(lcPool).noquote()
            << QStringLiteral("dead link: \"%1\" on connection %2 (backend %3, job %4) had no answer for %5 ms "
                              "(statement_timeout %6 ms + grace %7 ms); socket shut down, sqlstate=08006")
                   .arg(w.label)
                   .arg(w.id)
                   .arg(w.backendPid)
                   .arg(w.jobGeneration)
                   .arg(silentMs)
                   .arg(limitMs)
                   .arg(config.watchdogGraceMs);
    }
}

DbError ConnectionPool::Private::deadLinkError(const DbError &seen, int backendPid) const
{
    QString detail = QStringLiteral("no answer from backend %1 within statement_timeout + %2 ms grace; "
                                    "link presumed dead, socket shut down by the pool's watchdog")
                         .arg(backendPid)
                         .arg(config.watchdogGraceMs);
    if (seen.isError())
        detail += QStringLiteral(" (the unit of work saw: %1)").arg(seen.toLogString());
    DbError e(DbError::Kind::Unavailable,
              DbError::tr("The database stopped answering, so the connection was dropped. The program keeps "
                          "retrying; check the network between this computer and the database server."),
              detail, QStringLiteral("08006"));
    e.setInvalidatesConnection(true);
    return e;
}

void ConnectionPool::Private::workerMain(Worker &self)
{
    int generation = 0;
    std::optional<QSqlDatabase> db;
    QString connectionName;
    Clock::time_point openedAt;
    Clock::time_point lastUsed = Clock::now();
    milliseconds lifetime(config.maxLifetimeMs);
    JobContext context;
    context.monitor = &monitor;
    context.lastRoundTripNs = &self.lastRoundTripNs;
    context.watchdogLimitMs = &self.watchdogLimitMs;

    auto closeConnection = [&](const char *why) {
        if (!db)
            return;
        qCDebug(lcPool) << "closing connection" << connectionName << "backend" << self.backendPid << "because" << why;
        {
            // Before libpq closes its descriptor: the watchdog must never
            // shut down a socket number that could be reused.
            std::lock_guard lock(mutex);
            if (self.socket >= 0)
                ::close(self.socket);
            self.socket = -1;
            self.watchdogFired = false;
        }
        db->close();
        db.reset();
        QSqlDatabase::removeDatabase(connectionName);
        std::lock_guard lock(mutex);
        self.connected = false;
        self.backendPid = 0;
        ++closed;
    };

    std::unique_lock lock(mutex);
    for (;;) {
        if (stopping)
            break;
        if (ready.empty()) {
            const Clock::time_point idleDeadline = lastUsed + milliseconds(config.idleTimeoutMs);
            Clock::time_point wakeAt = idleDeadline;
            if (db)
                wakeAt = std::min(wakeAt, openedAt + lifetime);
            ++idleWaiters;
            workCv.wait_until(lock, wakeAt, [&] { return stopping || !ready.empty(); });
            --idleWaiters;
            if (stopping)
                break;
            if (!ready.empty())
                continue;
            const Clock::time_point now = Clock::now();
            if (now >= idleDeadline) {
                qCDebug(lcPool) << "worker" << self.id << "idle for" << config.idleTimeoutMs << "ms, closing";
                break;
            }
            if (db && now >= openedAt + lifetime) {
                lock.unlock();
                closeConnection("maximum lifetime");
                lock.lock();
            }
            continue;
        }

        JobPtr job = ready.front();
        ready.pop_front();
        const Clock::time_point started = Clock::now();
        const double waitedMs = msBetween(job->enqueuedAt, started);
        waitSumSinceSample += waitedMs;
        ++waitCountSinceSample;
        self.busy = true;
        self.leakWarned = false;
        self.label = job->label;
        self.jobStarted = started;
        ++self.jobGeneration;
        self.watchdogFired = false;
        self.watchdogLimitMs.store(config.statementTimeoutMs, std::memory_order_relaxed);
        self.lastRoundTripNs.store(JobContext::nowNs(), std::memory_order_relaxed);
        ++job->attempts;
        // The housekeeper plans its sleep around the work running when it
        // looked; without this a hold just past the leak threshold could end
        // unreported before its next once-a-second wake.
        if (started + milliseconds(config.leakThresholdMs) < houseWakeAt)
            houseCv.notify_one();
        lock.unlock();

        monitor.recordWait(waitedMs);
        context.label = job->label;
        JobContext::current() = &context;

        // A connection is checked before use: recycled when past its lifetime,
        // evicted when libpq says it is dead, validated after sitting idle.
        if (db && started - openedAt >= lifetime)
            closeConnection("maximum lifetime");
        if (db && !pgConnectionAlive(*db))
            closeConnection("connection dead");
        if (db && msBetween(lastUsed, started) > config.validationIdleMs) {
            QSqlQuery ping(*db);
            bool answered = false;
            {
                StatementWatch watch;
                answered = ping.exec(QStringLiteral("SELECT 1"));
            }
            if (!answered || !pgConnectionAlive(*db))
                closeConnection("validation failed");
        }

        DbError error;
        Deliver deliver;
        if (!db) {
            connectionName = QStringLiteral("carwash-pool-%1-%2-%3").arg(poolId).arg(self.id).arg(++generation);
            db = openConnection(connectionName, error);
            // Connecting is bounded by connect_timeout; the watchdog counts from here.
            self.lastRoundTripNs.store(JobContext::nowNs(), std::memory_order_relaxed);
            if (db) {
                openedAt = Clock::now();
                // Jitter the lifetime down by up to 2.5% so connections opened
                // together are not all recycled together (HikariCP's way).
                const long long variance = std::max<long long>(1, config.maxLifetimeMs / 40);
                {
                    std::lock_guard guard(mutex);
                    lifetime = milliseconds(config.maxLifetimeMs - std::uniform_int_distribution<long long>(0, variance)(rng));
                    self.connected = true;
                    PGconn *conn = pgConnection(*db);
                    self.backendPid = conn ? PQbackendPID(conn) : 0;
                    const int fd = conn ? PQsocket(conn) : -1;
                    self.socket = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
                    ++opened;
                }
                qCDebug(lcPool) << "opened" << connectionName << "backend" << self.backendPid;
                // The session's statement_timeout. Not libpq's `options`
                // startup parameter: PgBouncer refuses the connection for it,
                // and the programs must work behind one even when pgbouncer
                // mode is not set. In pgbouncer mode each unit of work sets it
                // with SET LOCAL instead, since a session SET would land on
                // whichever server connection PgBouncer lends.
                if (!config.pgbouncer && config.statementTimeoutMs > 0) {
                    QSqlQuery set(*db);
                    bool done = false;
                    {
                        StatementWatch watch;
                        done = set.exec(QStringLiteral("SET statement_timeout = %1").arg(config.statementTimeoutMs));
                    }
                    if (!done) {
                        error = Sql::errorOf(*db, set, QStringLiteral("SET statement_timeout"));
                        closeConnection("setting statement_timeout failed");
                    }
                }
            }
        }

        if (db) {
            try {
                if (config.pgbouncer) {
                    // One round trip: the transaction and its statement_timeout.
                    if (config.statementTimeoutMs > 0)
                        Sql::execScript(
                            *db, QStringLiteral("BEGIN; SET LOCAL statement_timeout = %1").arg(config.statementTimeoutMs),
                            QStringLiteral("BEGIN"));
                    else
                        Sql::exec(*db, QStringLiteral("BEGIN"));
                }
                deliver = job->run(*db);
                if (config.pgbouncer) {
                    PGconn *conn = pgConnection(*db);
                    if (conn && PQtransactionStatus(conn) == PQTRANS_INERROR)
                        throw DbException(DbError(DbError::Kind::Fatal, DbError::tr("The database reported an error."),
                                                  QStringLiteral("transaction aborted inside unit of work")));
                    Sql::exec(*db, QStringLiteral("COMMIT"));
                }
            } catch (const DbException &e) {
                error = e.error();
            } catch (const std::exception &e) {
                error = DbError(DbError::Kind::Fatal, DbError::tr("An internal error stopped the action."),
                                QString::fromLocal8Bit(e.what()));
            } catch (...) {
                error = DbError(DbError::Kind::Fatal, DbError::tr("An internal error stopped the action."),
                                QStringLiteral("unknown exception"));
            }
            // After a statement failed inside a transaction, the server refused
            // QPSQL's DEALLOCATE of the unit's prepared statements, and PREPARE
            // is not transactional: drop them here so none outlives the unit of
            // work (behind PgBouncer another process's statement of the same
            // name would fail with 42P05 on that server connection).
            const bool dropPrepared = error.isError() && !error.sqlState().isEmpty()
                                      && !error.invalidatesConnection() && pgConnectionAlive(*db);
            if (pgInTransaction(*db)) {
                // Never hand on a connection inside a transaction: the next
                // job would run in it.
                if (!error.isError())
                    qCWarning(lcPool).noquote() << "unit of work" << job->label << "left a transaction open; rolled back";
                QSqlQuery rollback(*db);
                StatementWatch watch;
                if (dropPrepared) {
                    // AND CHAIN keeps PgBouncer's server connection for the DEALLOCATE.
                    rollback.exec(QStringLiteral("ROLLBACK AND CHAIN"));
                    rollback.exec(QStringLiteral("DEALLOCATE ALL"));
                    rollback.exec(QStringLiteral("COMMIT"));
                } else {
                    rollback.exec(QStringLiteral("ROLLBACK"));
                }
            } else if (dropPrepared) {
                QSqlQuery deallocate(*db);
                StatementWatch watch;
                deallocate.exec(QStringLiteral("DEALLOCATE ALL"));
            }
            bool watchdogFired = false;
            {
                std::lock_guard guard(mutex);
                watchdogFired = self.watchdogFired;
            }
            if (watchdogFired) {
                // Whatever the unit of work made of the failed call, the link
                // is dead: a connection loss, retried like one. An answer that
                // beat the shutdown stands.
                if (error.isError())
                    error = deadLinkError(error, self.backendPid);
                closeConnection("watchdog: no answer");
            } else if (error.isError() && (error.invalidatesConnection() || !pgConnectionAlive(*db))) {
                closeConnection("error invalidates connection");
            }
        }
        JobContext::current() = nullptr;
        self.lastRoundTripNs.store(0, std::memory_order_relaxed);

        const Clock::time_point finished = Clock::now();
        lastUsed = finished;
        monitor.recordJob(job->label, msBetween(started, finished), !error.isSystemError());

        if (!error.isError()) {
            lock.lock();
            self.busy = false;
            lock.unlock();
            deliver(); // outside the lock: a continuation may submit more work
            lock.lock();
            continue;
        }

        error.setLabel(job->label);
        error.setAttempts(job->attempts);
        lock.lock();
        self.busy = false;
        const bool retryable = error.kind() == DbError::Kind::Unavailable || error.kind() == DbError::Kind::Transient;
        bool retry = false;
        if (retryable && !stopping && job->attempts < job->policy.maxAttempts) {
            const milliseconds delay = job->policy.backoff(job->attempts, rng);
            const double elapsed = msBetween(job->firstSubmitted, finished) + double(delay.count());
            if (job->policy.maxTotalMs <= 0 || elapsed <= job->policy.maxTotalMs) {
                retry = true;
                job->notBefore = finished + delay;
                delayed.push_back(job);
                houseCv.notify_one();
            }
        }
        lock.unlock();
        if (retry) {
            qCInfo(lcPool).noquote() << "retrying" << job->label << "after" << error.toLogString();
        } else {
            if (error.isSystemError()) {
                qCWarning(lcPool).noquote() << error.toLogString();
                monitor.recordError(error);
            } else {
                qCDebug(lcPool).noquote() << error.toLogString();
            }
            job->fail(error);
        }
        lock.lock();
    }
    lock.unlock();
    closeConnection(stopping ? "shutdown" : "idle timeout");
    lock.lock();
    self.exited = true;
    --liveWorkers;
    // Work queued while this worker was closing its connection saw the pool
    // full and started no worker; without one it would wait for PoolTimeout.
    if (!stopping && int(ready.size()) > idleWaiters && liveWorkers < config.maxConnections)
        spawnWorkerLocked();
    houseCv.notify_one();
}

void ConnectionPool::Private::housekeeperMain()
{
    Clock::time_point nextSample = Clock::now();
    std::unique_lock lock(mutex);
    while (!stopping) {
        const Clock::time_point now = Clock::now();

        // Backoffs that are over go back in line for a connection.
        for (auto it = delayed.begin(); it != delayed.end();) {
            if ((*it)->notBefore <= now) {
                JobPtr job = *it;
                it = delayed.erase(it);
                enqueueLocked(job, now);
            } else {
                ++it;
            }
        }

        // Work that waited too long for a connection fails with PoolTimeout.
        std::vector<std::pair<JobPtr, DbError>> expired;
        for (auto it = ready.begin(); it != ready.end();) {
            if ((*it)->deadline <= now) {
                JobPtr job = *it;
                it = ready.erase(it);
                ++timeouts;
                expired.emplace_back(job, poolTimeoutErrorLocked(job->label));
            } else {
                ++it;
            }
        }

        // A unit of work holding its connection too long is named.
        Clock::time_point nextLeakCheck = Clock::time_point::max();
        for (Worker &w : workers) {
            if (!w.busy || w.leakWarned)
                continue;
            const Clock::time_point due = w.jobStarted + milliseconds(config.leakThresholdMs);
            if (due <= now) {
                w.leakWarned = true;
                qCWarning(lcPool).noquote()
                    << QStringLiteral("possible connection leak: \"%1\" has held connection %2 (backend %3) for %4 ms")
                           .arg(w.label)
                           .arg(w.id)
                           .arg(w.backendPid)
                           .arg(qint64(msBetween(w.jobStarted, now)));
            } else {
                nextLeakCheck = std::min(nextLeakCheck, due);
            }
        }

        if (config.statementTimeoutMs > 0)
            watchForDeadLinksLocked(now);

        // Reap workers that ended by idle timeout.
        std::vector<std::thread> finished;
        for (auto it = workers.begin(); it != workers.end();) {
            if (it->exited) {
                finished.push_back(std::move(it->thread));
                it = workers.erase(it);
            } else {
                ++it;
            }
        }

        std::optional<PoolSample> sample;
        if (now >= nextSample) {
            const PoolStats s = statsLocked();
            PoolSample p;
            p.max = s.max;
            p.total = s.total;
            p.active = s.active;
            p.idle = s.idle;
            p.waiting = s.waiting;
            p.timeouts = s.timeouts;
            p.avgWaitMs = waitCountSinceSample ? waitSumSinceSample / double(waitCountSinceSample) : 0;
            waitSumSinceSample = 0;
            waitCountSinceSample = 0;
            sample = p;
            nextSample = now + std::chrono::seconds(1);
        }

        Clock::time_point wakeAt = std::min(nextSample, nextLeakCheck);
        for (const JobPtr &j : delayed)
            wakeAt = std::min(wakeAt, j->notBefore);
        for (const JobPtr &j : ready)
            wakeAt = std::min(wakeAt, j->deadline);

        lock.unlock();
        for (auto &[job, error] : expired) {
            qCWarning(lcPool).noquote() << error.toLogString();
            monitor.recordJob(job->label, msBetween(job->enqueuedAt, now), false);
            monitor.recordError(error);
            job->fail(error);
        }
        for (std::thread &t : finished)
            t.join();
        if (sample) {
            sample->at = QDateTime::currentDateTimeUtc();
            sample->rssBytes = SystemMemory::processRssBytes();
            sample->systemUsedPct = SystemMemory::read().usedPct();
            monitor.recordSample(*sample);
        }
        lock.lock();
        if (stopping)
            break;
        // Work queued, delayed or started while the lock was released is not
        // in wakeAt yet: nobody woke us for it (see houseWakeAt).
        for (const Worker &w : workers) {
            if (w.busy && !w.leakWarned)
                wakeAt = std::min(wakeAt, w.jobStarted + milliseconds(config.leakThresholdMs));
        }
        for (const JobPtr &j : ready)
            wakeAt = std::min(wakeAt, j->deadline);
        for (const JobPtr &j : delayed)
            wakeAt = std::min(wakeAt, j->notBefore);
        houseWakeAt = wakeAt;
        houseCv.wait_until(lock, wakeAt);
        // Awake: the scan at the end of this round sees everything, so
        // nobody needs to notify until we plan the next sleep.
        houseWakeAt = Clock::time_point::min();
    }
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
        d->workCv.notify_all();
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
