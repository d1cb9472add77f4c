#include "bench/poolbenchmark.h"

#include "bench/benchserver.h"
#include "bench/bookingworkload.h"
#include "bench/connectionwatcher.h"
#include "bench/interruption.h"
#include "bench/loadgenerator.h"
#include "bench/pgbenchrunner.h"
#include "db/health/systemmemory.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QSqlError>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

using std::chrono::milliseconds;

namespace {

void progress(const QString &message)
{
    std::fprintf(stderr, "carwash-bench: %s\n", qPrintable(message));
    std::fflush(stderr);
}

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

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

double tpsOf(const PgbenchRunner::Outcome &a, const PgbenchRunner::Outcome &b)
{
    // Transactions over the time each run spent, not the mean of two rates.
    const double seconds
        = (a.tps > 0 ? double(a.transactions) / a.tps : 0) + (b.tps > 0 ? double(b.transactions) / b.tps : 0);
    return seconds > 0 ? double(a.transactions + b.transactions) / seconds : 0;
}

} // namespace

std::optional<double> PoolBenchmarkResult::bookingRatio() const
{
    if (!pgbenchTps || *pgbenchTps <= 0)
        return std::nullopt;
    return bookingPoolTps / *pgbenchTps;
}

PoolBenchmark::PoolBenchmark(BenchServer &server, int secondsPerSide)
    : m_server(server)
    , m_secondsPerSide(secondsPerSide)
{ }

bool PoolBenchmark::run(PoolBenchmarkResult *result, QString *error)
{
    PoolBenchmarkResult &r = *result;
    const DatabaseConfig &config = m_server.config();
    r.serverDescription = m_server.description();
    r.connectionLimit = config.maxConnections;
    r.submitters = Submitters;
    r.secondsPerSide = m_secondsPerSide;
    r.monitoring = config.monitoring;
    const milliseconds half(m_secondsPerSide * 1000 / 2);
    // Each side of the overhead comparison gets secondsPerSide in all.
    const milliseconds slice(m_secondsPerSide * 1000 / OverheadRounds);
    const int halfSeconds = std::max(1, m_secondsPerSide / 2);

    auto interrupted = [&] {
        if (!Interruption::requested())
            return false;
        *error = QStringLiteral("interrupted");
        return true;
    };
    auto account = [&](const LoadResult &load, bool pool) {
        (pool ? r.poolFailures : r.baselineFailures) += load.failed;
        if (r.firstFailure.isEmpty() && !load.firstError.isEmpty())
            r.firstFailure = load.firstError;
    };

    ConnectionWatcher watcher(m_server, config.applicationName);
    if (!watcher.start(error))
        return false;

    {
        ConnectionPool pool(config);
        const QString bookingLabel = QStringLiteral("bench.booking");
        const QString selectLabel = QStringLiteral("bench.select1");

        const DbResult<QString> version
            = pool.withConnection(
                      QStringLiteral("bench.version"),
                      [](QSqlDatabase &db) {
                          return Sql::scalar(db, QStringLiteral("SHOW server_version")).toString();
                      })
                  .result();
        if (!version.ok()) {
            *error = version.error().toLogString();
            return false;
        }
        r.serverVersion = version.value();

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

        // Opens every connection and warms both sides' caches before any
        // clock runs; pgbench too excludes its connection time.
        progress(QStringLiteral("warming up"));
        account(LoadGenerator::runFor(Submitters, milliseconds(1000), poolBooking), true);
        account(LoadGenerator::runFor(Submitters, milliseconds(1000), poolSelectOne), true);
        if (interrupted())
            return false;

        progress(QStringLiteral("booking_tx: pgbench, pool, pool, pgbench (%1 s each)").arg(halfSeconds));
        const PgbenchRunner pgbench(m_server, booking.pgbenchScript());
        const PgbenchRunner::Outcome bench1 = pgbench.run(config.maxConnections, halfSeconds);
        LoadResult poolBookings
            = LoadGenerator::runFor(Submitters, milliseconds(halfSeconds * 1000), poolBooking);
        poolBookings += LoadGenerator::runFor(Submitters, milliseconds(halfSeconds * 1000), poolBooking);
        const PgbenchRunner::Outcome bench2
            = bench1.ok ? pgbench.run(config.maxConnections, halfSeconds) : PgbenchRunner::Outcome {};
        if (interrupted())
            return false;
        account(poolBookings, true);
        r.bookingPoolTps = poolBookings.perSecond();
        if (bench1.ok && bench2.ok)
            r.pgbenchTps = tpsOf(bench1, bench2);
        else
            r.pgbenchError = bench1.ok ? bench2.error : bench1.error;
        if (bench1.failed + bench2.failed > 0)
            r.baselineFailures += bench1.failed + bench2.failed;

        progress(QStringLiteral("per_request: per request, pool, pool, per request (%1 ms each)")
                     .arg(half.count()));
        LoadResult perRequestLoad = LoadGenerator::runFor(Submitters, half, perRequest);
        LoadResult poolSelects = LoadGenerator::runFor(Submitters, half, poolSelectOne);
        poolSelects += LoadGenerator::runFor(Submitters, half, poolSelectOne);
        perRequestLoad += LoadGenerator::runFor(Submitters, half, perRequest);
        if (interrupted())
            return false;
        account(poolSelects, true);
        account(perRequestLoad, false);
        r.selectPoolTps = poolSelects.perSecond();
        r.perRequestTps = perRequestLoad.perSecond();

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
                    account(poolLoad, true);
                    account(directLoad, false);
                    poolRounds.append(usPerJob(poolLoad));
                    directRounds.append(usPerJob(directLoad));
                }
                r.poolUsPerJob = median(poolRounds);
                r.directUsPerJob = median(directRounds);
                direct.close();
            }
            QSqlDatabase::removeDatabase(directName);
        }
        if (interrupted())
            return false;

        progress(QStringLiteral("rss_growth_bytes: %1 units of work after %2 to warm up")
                     .arg(RssUnits)
                     .arg(RssWarmUpUnits));
        account(LoadGenerator::runCount(Submitters, RssWarmUpUnits, poolSelectOne), true);
        r.rssBeforeBytes = SystemMemory::processRssBytes();
        const LoadResult rssLoad = LoadGenerator::runCount(Submitters, RssUnits, poolSelectOne);
        r.rssAfterBytes = SystemMemory::processRssBytes();
        r.rssUnits = rssLoad.completed + rssLoad.failed;
        account(rssLoad, true);
        if (interrupted())
            return false;

        if (!m_server.isOwnCluster()) {
            progress(QStringLiteral("removing the benchmark's rows"));
            QString why;
            if (!booking.tearDown(pool, &why))
                progress(QStringLiteral("could not remove the benchmark's rows: ") + why);
        }
    }

    r.maxServerConnections = watcher.maximum();
    // The pool is gone: give the watcher a few polls to see the backends end.
    std::this_thread::sleep_for(milliseconds(300));
    r.connectionsAfterShutdown = watcher.current();
    watcher.stop();
    return true;
}
