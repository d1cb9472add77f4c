#include "db/pool/connectionpool_p.h"

#include "db/pool/connectionopener.h"
#include "db/pool/pgconnection_p.h"
#include "db/pool/sql.h"

#include <QSqlQuery>

#include <algorithm>

#include <fcntl.h>
#include <unistd.h>

// A worker thread: it owns at most one connection, which it opens, uses and
// closes itself (Qt's rule for QSqlDatabase), and runs one unit of work at a
// time on it.

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

void ConnectionPool::Private::workerMain(Worker &self)
{
    Connection conn;
    conn.lifetime = milliseconds(config.maxLifetimeMs);
    JobContext context;
    context.monitor = &monitor;
    context.lastRoundTripNs = &self.lastRoundTripNs;
    context.watchdogLimitMs = &self.watchdogLimitMs;

    std::unique_lock lock(mutex);
    while (waitForWorkLocked(self, conn, lock)) {
        const Clock::time_point started = Clock::now();
        const JobPtr job = checkOutLocked(self, started);
        lock.unlock();

        monitor.recordWait(msBetween(job->enqueuedAt, started));
        context.label = job->label;
        JobContext::current() = &context;

        checkBeforeUse(self, conn, started);
        DbError error;
        Deliver deliver;
        if (!conn.db)
            error = open(self, conn);
        if (conn.db) {
            error = run(*job, conn, deliver);
            error = cleanUp(self, conn, *job, std::move(error));
        }
        JobContext::current() = nullptr;
        self.lastRoundTripNs.store(0, std::memory_order_relaxed);

        const Clock::time_point finished = Clock::now();
        conn.lastUsed = finished;
        finish(self, job, std::move(error), deliver, started, finished, lock);
    }
    lock.unlock();
    closeConnection(self, conn, stopping ? "shutdown" : "idle timeout");
    lock.lock();
    self.exited = true;
    --liveWorkers;
    // Work queued while this worker was closing its connection saw the pool
    // full and started no worker; without one it would wait for PoolTimeout.
    if (!stopping && ready.size() > idle.size() && liveWorkers < config.maxConnections)
        spawnWorkerLocked();
    houseCv.notify_one();
}

// Waits until a job is ready (true) or the worker should end: the pool is
// stopping, or it sat idle for the idle timeout (false). Recycles a
// connection that reaches its lifetime while it waits.
bool ConnectionPool::Private::waitForWorkLocked(Worker &self, Connection &conn,
                                                std::unique_lock<std::mutex> &lock)
{
    for (;;) {
        if (stopping)
            return false;
        if (!ready.empty())
            return true;
        const Clock::time_point idleDeadline = conn.lastUsed + milliseconds(config.idleTimeoutMs);
        Clock::time_point wakeAt = idleDeadline;
        if (conn.db)
            wakeAt = std::min(wakeAt, conn.openedAt + conn.lifetime);
        self.woken = false;
        self.sweep = false;
        idle.push_back(&self);
        self.wake.wait_until(lock, wakeAt, [&] { return stopping || self.woken || self.sweep; });
        if (!self.woken) // its time came, or a sweep: off the stack while it looks
            idle.erase(std::find(idle.begin(), idle.end(), &self));
        if (stopping)
            return false;
        if (!ready.empty())
            return true;
        if (self.sweep && conn.db && pgPeerClosed(*conn.db)) {
            lock.unlock();
            closeConnection(self, conn, "closed by the server while idle");
            lock.lock();
            continue;
        }
        const Clock::time_point now = Clock::now();
        if (now >= idleDeadline) {
            qCDebug(lcPool) << "worker" << self.id << "idle for" << config.idleTimeoutMs << "ms, closing";
            return false;
        }
        if (conn.db && now >= conn.openedAt + conn.lifetime) {
            lock.unlock();
            closeConnection(self, conn, "maximum lifetime");
            lock.lock();
        }
    }
}

// Takes the next job and marks this worker busy with it, for the gauges, the
// leak warning and the dead-link watchdog.
ConnectionPool::Private::JobPtr ConnectionPool::Private::checkOutLocked(Worker &self,
                                                                        Clock::time_point started)
{
    JobPtr job = ready.front();
    ready.pop_front();
    waitSumSinceSample += msBetween(job->enqueuedAt, started);
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
    return job;
}

// A connection is checked before use: recycled when past its lifetime,
// evicted when libpq says it is dead, validated after sitting idle.
void ConnectionPool::Private::checkBeforeUse(Worker &self, Connection &conn, Clock::time_point started)
{
    if (conn.db && started - conn.openedAt >= conn.lifetime)
        closeConnection(self, conn, "maximum lifetime");
    if (conn.db && !pgConnectionAlive(*conn.db))
        closeLost(self, conn, "connection dead");
    if (conn.db && msBetween(conn.lastUsed, started) > config.validationIdleMs) {
        QSqlQuery ping(*conn.db);
        bool answered = false;
        {
            StatementWatch watch;
            answered = ping.exec(QStringLiteral("SELECT 1"));
        }
        if (!answered || !pgConnectionAlive(*conn.db))
            closeLost(self, conn, "validation failed");
    }
}

// Opens this worker's connection and sets its session statement_timeout.
// Leaves conn.db empty and returns why on failure.
DbError ConnectionPool::Private::open(Worker &self, Connection &conn)
{
    DbError error;
    conn.name = QStringLiteral("carwash-pool-%1-%2-%3").arg(poolId).arg(self.id).arg(++conn.generation);
    conn.db = ConnectionOpener::openBlocking(config, conn.name, error, ConnectionOpener::deadLinkOptions());
    // Connecting is bounded by connect_timeout; the watchdog counts from here.
    self.lastRoundTripNs.store(JobContext::nowNs(), std::memory_order_relaxed);
    if (!conn.db)
        return error;
    conn.openedAt = Clock::now();
    // Jitter the lifetime down by up to 2.5% so connections opened
    // together are not all recycled together (HikariCP's way).
    const long long variance = std::max<long long>(1, config.maxLifetimeMs / 40);
    {
        std::lock_guard guard(mutex);
        conn.lifetime
            = milliseconds(config.maxLifetimeMs - std::uniform_int_distribution<long long>(0, variance)(rng));
        self.connected = true;
        PGconn *pg = pgConnection(*conn.db);
        self.backendPid = pg ? PQbackendPID(pg) : 0;
        const int fd = pg ? PQsocket(pg) : -1;
        self.socket = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
        ++opened;
    }
    qCDebug(lcPool) << "opened" << conn.name << "backend" << self.backendPid;
    // The session's statement_timeout. Not libpq's `options`
    // startup parameter: PgBouncer refuses the connection for it,
    // and the programs must work behind one even when pgbouncer
    // mode is not set. In pgbouncer mode each unit of work sets it
    // with SET LOCAL instead, since a session SET would land on
    // whichever server connection PgBouncer lends.
    if (!config.pgbouncer && config.statementTimeoutMs > 0) {
        QSqlQuery set(*conn.db);
        bool done = false;
        {
            StatementWatch watch;
            done = set.exec(QStringLiteral("SET statement_timeout = %1").arg(config.statementTimeoutMs));
        }
        if (!done) {
            error = Sql::errorOf(*conn.db, set, QStringLiteral("SET statement_timeout"));
            closeConnection(self, conn, "setting statement_timeout failed");
        }
    }
    return error;
}

// Runs the unit of work (in PgBouncer mode inside a transaction of the
// pool's own); whatever it throws becomes the returned error.
DbError ConnectionPool::Private::run(Job &job, Connection &conn, Deliver &deliver)
{
    QSqlDatabase &db = *conn.db;
    try {
        if (config.pgbouncer) {
            if (config.statementTimeoutMs > 0)
                Sql::beginWithLocalStatementTimeout(db, config.statementTimeoutMs);
            else
                Sql::exec(db, QStringLiteral("BEGIN"));
        }
        deliver = job.run(db);
        if (config.pgbouncer) {
            PGconn *pg = pgConnection(db);
            if (pg && PQtransactionStatus(pg) == PQTRANS_INERROR)
                throw DbException(DbError(DbError::Kind::Fatal,
                                          DbError::tr("The database reported an error."),
                                          QStringLiteral("transaction aborted inside unit of work")));
            Sql::exec(db, QStringLiteral("COMMIT"));
        }
    } catch (const DbException &e) {
        return e.error();
    } catch (const std::exception &e) {
        return DbError(DbError::Kind::Fatal, DbError::tr("An internal error stopped the action."),
                       QString::fromLocal8Bit(e.what()));
    } catch (...) {
        return DbError(DbError::Kind::Fatal, DbError::tr("An internal error stopped the action."),
                       QStringLiteral("unknown exception"));
    }
    return {};
}

// Leaves the connection ready for the next unit of work, or closes it: never
// inside a transaction, never after the watchdog fired or an error that
// invalidates it. Returns the error the unit of work ends with.
DbError ConnectionPool::Private::cleanUp(Worker &self, Connection &conn, const Job &job, DbError error)
{
    QSqlDatabase &db = *conn.db;
    if (pgInTransaction(db)) {
        // Never hand on a connection inside a transaction: the next
        // job would run in it.
        if (!error.isError())
            qCWarning(lcPool).noquote()
                << "unit of work" << job.label << "left a transaction open; rolled back";
        QSqlQuery rollback(db);
        StatementWatch watch;
        rollback.exec(QStringLiteral("ROLLBACK"));
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
        closeConnection(self, conn, "watchdog: no answer");
    } else if (error.isError() && (error.invalidatesConnection() || !pgConnectionAlive(db))) {
        closeLost(self, conn, "error invalidates connection");
    }
    return error;
}

// Delivers the result, or schedules the retry of a transient failure (the
// connection stays free during the backoff), or fails the job. Returns with
// the lock held, as the worker's loop expects.
void ConnectionPool::Private::finish(Worker &self, const JobPtr &job, DbError error, const Deliver &deliver,
                                     Clock::time_point started, Clock::time_point finished,
                                     std::unique_lock<std::mutex> &lock)
{
    monitor.recordJob(job->label, msBetween(started, finished), !error.isSystemError());

    if (!error.isError()) {
        lock.lock();
        self.busy = false;
        lock.unlock();
        deliver(); // outside the lock: a continuation may submit more work
        lock.lock();
        return;
    }

    error.setLabel(job->label);
    error.setAttempts(job->attempts);
    lock.lock();
    self.busy = false;
    const bool retryable
        = error.kind() == DbError::Kind::Unavailable || error.kind() == DbError::Kind::Transient;
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

void ConnectionPool::Private::closeConnection(Worker &self, Connection &conn, const char *why)
{
    if (!conn.db)
        return;
    qCDebug(lcPool) << "closing connection" << conn.name << "backend" << self.backendPid << "because" << why;
    {
        // Before libpq closes its descriptor: the watchdog must never
        // shut down a socket number that could be reused.
        std::lock_guard lock(mutex);
        if (self.socket >= 0)
            ::close(self.socket);
        self.socket = -1;
        self.watchdogFired = false;
    }
    conn.db->close();
    conn.db.reset();
    QSqlDatabase::removeDatabase(conn.name);
    std::lock_guard lock(mutex);
    self.connected = false;
    self.backendPid = 0;
    ++closed;
}

void ConnectionPool::Private::closeLost(Worker &self, Connection &conn, const char *why)
{
    closeConnection(self, conn, why);
    std::lock_guard lock(mutex);
    sweepIdleWorkersLocked();
}
