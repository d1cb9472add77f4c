#include "bench/poolbenchmark.h"

#include "bench/benchserver.h"
#include "bench/bookingworkload.h"
#include "bench/connectionwatcher.h"
#include "bench/handofflimit.h"
#include "bench/interruption.h"
#include "bench/loadgenerator.h"
#include "bench/pgbenchrunner.h"
#include "bench/progress.h"
#include "db/health/systemmemory.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QSqlError>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

using Bench::progress;
using std::chrono::milliseconds;

namespace {

const QString kSelectOne = QStringLiteral("SELECT 1");

// A unit of work through the pool, waited for as a desk's continuation
// would: submit, then block this submitter until the answer is in.
template<typename Fn> bool throughPool(ConnectionPool &pool, const QString &label, Fn fn, QString *error)
{
    const auto result = pool.withConnection(label, std::move(fn)).result();
    if (!result.ok()) {
        *error = result.error().toLogString();
        return false;
    }
    return true;
}

// The old system's way: a client of its own for every request, opened,
// used once, closed and forgotten.
bool perRequestSelectOne(const BenchServer &server, QString *error)
{
    static std::atomic<qint64> serial {0};
    const QString name = QStringLiteral("carwash-bench-per-request-%1").arg(serial.fetch_add(1));
    bool ok = false;
    {
        QSqlDatabase db = server.addConnection(name, QStringLiteral("carwash-bench-per-request"));
        if (!db.open()) {
            *error = db.lastError().text();
        } else {
            try {
                Sql::scalar(db, kSelectOne);
                ok = true;
            } catch (const DbException &e) {
                *error = e.error().toLogString();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

PoolBenchmark::PoolBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 rssUnits)
    : m_server(server)
    , m_secondsPerRound(secondsPerRound)
    , m_rounds(rounds)
    , m_rssUnits(rssUnits)
{ }

bool PoolBenchmark::run(PoolBenchmarkResult *result, QString *error)
{
    PoolBenchmarkResult &r = *result;
    RunSummary &summary = r.run;
    const DatabaseConfig &config = m_server.config();
    r.serverDescription = m_server.description();
    r.connectionLimit = config.maxConnections;
    // pgbench holds one connection per client; the pool as many as its
    // limit. The same number on both sides makes it the same load.
    r.bookingClients = config.maxConnections;
    r.selectSubmitters = SelectSubmitters;
    r.secondsPerRound = m_secondsPerRound;
    r.monitoring = config.monitoring;
    const milliseconds side(m_secondsPerRound * 1000);
    // Each side of the overhead comparison gets secondsPerRound in all.
    const milliseconds slice(m_secondsPerRound * 1000 / OverheadRounds);

    for (const char *name : {"pool", "pgbench", "per_request", "handoff", "direct"})
        summary.declareSide(QLatin1String(name));
    summary.markUsesPgbench();
    summary.setClients(QStringLiteral("pool_connections"), config.maxConnections);
    summary.setClients(QStringLiteral("booking_pool_submitters"), r.bookingClients);
    summary.setClients(QStringLiteral("booking_pgbench_clients"), r.bookingClients);
    summary.setClients(QStringLiteral("select_submitters"), SelectSubmitters);
    summary.setClients(QStringLiteral("handoff_threads"), config.maxConnections);
    summary.setClients(QStringLiteral("overhead_submitters"), 1);

    ConnectionWatcher watcher(m_server, config.applicationName);
    if (!watcher.start(error))
        return false;

    {
        ConnectionPool pool(config);
        const QString bookingLabel = QStringLiteral("bench.booking");
        const QString selectLabel = QStringLiteral("bench.select1");

        if (!BenchServer::versionThrough(pool, &r.serverVersion, error))
            return false;

        progress(QStringLiteral("migrating and preparing the booking rows"));
        BookingWorkload booking;
        if (!booking.setUp(pool, error))
            return false;
        const QString insertSql = booking.insertSql();

        const LoadGenerator::Unit poolBooking = [&](QString *why) {
            return throughPool(
                pool, bookingLabel,
                [&insertSql](QSqlDatabase &db) {
                    Transaction tx(db);
                    Sql::exec(db, insertSql);
                    tx.commit();
                },
                why);
        };
        const LoadGenerator::Unit poolSelectOne = [&](QString *why) {
            return throughPool(
                pool, selectLabel, [](QSqlDatabase &db) { return Sql::scalar(db, kSelectOne).toInt(); }, why);
        };
        const LoadGenerator::Unit perRequest
            = [&](QString *why) { return perRequestSelectOne(m_server, why); };
        HandoffLimit handoff(m_server, config.maxConnections);
        if (!handoff.start(error))
            return false;
        const LoadGenerator::Unit handoffSelectOne = [&](QString *why) { return handoff.selectOne(why); };

        // Opens every connection and warms every side's caches before any
        // clock runs; pgbench too excludes its connection time.
        progress(QStringLiteral("warming up"));
        summary.countFailures(QStringLiteral("pool"),
                              LoadGenerator::runFor(r.bookingClients, milliseconds(1000), poolBooking));
        summary.countFailures(QStringLiteral("pool"),
                              LoadGenerator::runFor(SelectSubmitters, milliseconds(1000), poolSelectOne));
        summary.countFailures(QStringLiteral("handoff"),
                              LoadGenerator::runFor(SelectSubmitters, milliseconds(500), handoffSelectOne));
        if (Interruption::requested(error))
            return false;

        progress(QStringLiteral("booking_tx: %1 rounds of pool, pgbench (%2 s each, %3 clients each)")
                     .arg(m_rounds)
                     .arg(m_secondsPerRound)
                     .arg(r.bookingClients));
        const PgbenchRunner pgbench(m_server, booking.pgbenchScript());
        for (int round = 0; round < m_rounds; ++round) {
            const LoadResult poolLoad = LoadGenerator::runFor(r.bookingClients, side, poolBooking);
            summary.countFailures(QStringLiteral("pool"), poolLoad);
            if (Interruption::requested(error))
                return false;
            const std::optional<double> baseline = pgbench.runRound(r.bookingClients, m_secondsPerRound, summary);
            if (Interruption::requested(error))
                return false;
            r.booking.add(poolLoad.perSecond(), baseline);
        }

        progress(QStringLiteral("per_request and handoff_limit: %1 rounds of pool, per request, handoff "
                                "(rotating; %2 s each, %3 submitters)")
                     .arg(m_rounds)
                     .arg(m_secondsPerRound)
                     .arg(SelectSubmitters));
        for (int round = 0; round < m_rounds; ++round) {
            LoadResult poolLoad, perRequestLoad, handoffLoad;
            for (int step = 0; step < 3 && !Interruption::requested(error); ++step) {
                switch ((round + step) % 3) {
                case 0:
                    poolLoad = LoadGenerator::runFor(SelectSubmitters, side, poolSelectOne);
                    break;
                case 1:
                    perRequestLoad = LoadGenerator::runFor(SelectSubmitters, side, perRequest);
                    break;
                default:
                    handoffLoad = LoadGenerator::runFor(SelectSubmitters, side, handoffSelectOne);
                    break;
                }
            }
            if (Interruption::requested(error))
                return false;
            summary.countFailures(QStringLiteral("pool"), poolLoad);
            summary.countFailures(QStringLiteral("per_request"), perRequestLoad);
            summary.countFailures(QStringLiteral("handoff"), handoffLoad);
            r.perRequest.add(poolLoad.perSecond(), perRequestLoad.perSecond());
            r.handoff.add(poolLoad.perSecond(), handoffLoad.perSecond());
        }
        handoff.stop();

        progress(
            QStringLiteral("overhead_us: direct and pool alternating, %1 rounds of %2 ms each, one submitter")
                .arg(OverheadRounds)
                .arg(slice.count()));
        {
            const QString directName = QStringLiteral("carwash-bench-direct");
            {
                QSqlDatabase direct
                    = m_server.addConnection(directName, QStringLiteral("carwash-bench-direct"));
                if (!direct.open()) {
                    *error
                        = QStringLiteral("cannot open the direct connection: ") + direct.lastError().text();
                    return false;
                }
                // The same statement helper a unit of work uses; outside the
                // pool it has no job to time, so monitoring costs it nothing.
                const LoadGenerator::Unit directSelectOne = [&](QString *why) {
                    try {
                        Sql::scalar(direct, kSelectOne);
                        return true;
                    } catch (const DbException &e) {
                        *why = e.error().toLogString();
                        return false;
                    }
                };
                auto usPerJob = [](const LoadResult &load) {
                    return load.completed ? load.seconds * 1e6 / double(load.completed) : 0.0;
                };
                LoadGenerator::runInline(milliseconds(200), directSelectOne);
                // Many short rounds, each side's figure their median: on a
                // shared machine a neighbour's burst can double a round trip
                // for a second, and that should spoil a round, not the result.
                QList<double> poolRounds, directRounds;
                for (int round = 0; round < OverheadRounds && !Interruption::requested(); ++round) {
                    const bool poolFirst = round % 2 == 1;
                    const LoadResult first
                        = LoadGenerator::runInline(slice, poolFirst ? poolSelectOne : directSelectOne);
                    const LoadResult second
                        = LoadGenerator::runInline(slice, poolFirst ? directSelectOne : poolSelectOne);
                    const LoadResult &poolLoad = poolFirst ? first : second;
                    const LoadResult &directLoad = poolFirst ? second : first;
                    summary.countFailures(QStringLiteral("pool"), poolLoad);
                    summary.countFailures(QStringLiteral("direct"), directLoad);
                    poolRounds.append(usPerJob(poolLoad));
                    directRounds.append(usPerJob(directLoad));
                }
                r.poolUsPerJob = median(poolRounds);
                r.directUsPerJob = median(directRounds);
                direct.close();
            }
            QSqlDatabase::removeDatabase(directName);
        }
        if (Interruption::requested(error))
            return false;

        progress(QStringLiteral("rss_growth_bytes: %1 units of work after %2 to warm up")
                     .arg(m_rssUnits)
                     .arg(RssWarmUpUnits));
        summary.countFailures(QStringLiteral("pool"),
                              LoadGenerator::runCount(SelectSubmitters, RssWarmUpUnits, poolSelectOne));
        r.rssBeforeBytes = SystemMemory::processRssBytes();
        const LoadResult rssLoad = LoadGenerator::runCount(SelectSubmitters, m_rssUnits, poolSelectOne);
        r.rssAfterBytes = SystemMemory::processRssBytes();
        r.rssUnits = rssLoad.completed + rssLoad.failed;
        summary.countFailures(QStringLiteral("pool"), rssLoad);
        if (Interruption::requested(error))
            return false;

        if (!m_server.isOwnCluster()) {
            progress(QStringLiteral("removing the benchmark's rows"));
            QString why;
            if (!booking.tearDown(pool, &why))
                progress(QStringLiteral("could not remove the benchmark's rows: ") + why);
        }
    }

    r.maxServerConnections = watcher.maximum();
    summary.setConnectionsAfterShutdown(watcher.settledCount());
    watcher.stop();
    return true;
}
