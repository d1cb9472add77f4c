#include "db/pool/connectionpool_p.h"

#include "db/health/systemmemory.h"

#include <sys/socket.h>

// The housekeeper: one thread per pool that wakes when something is due.

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

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
            << QStringLiteral(
                   "dead link: \"%1\" on connection %2 (backend %3, job %4) had no answer for %5 ms "
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
                    << QStringLiteral(
                           "possible connection leak: \"%1\" has held connection %2 (backend %3) for %4 ms")
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
