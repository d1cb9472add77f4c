#pragma once

#include <QString>

#include <optional>

class BenchServer;

// The figures of one `carwash-bench pool` run, each with the baseline
// measured beside it in the same run.
struct PoolBenchmarkResult
{
    QString serverVersion;
    QString serverDescription;
    int connectionLimit = 0;
    int submitters = 0;
    int secondsPerSide = 0;
    bool monitoring = true;

    // BEGIN; INSERT INTO bookings; COMMIT.
    double bookingPoolTps = 0;
    std::optional<double> pgbenchTps; // empty when pgbench could not run
    QString pgbenchError;

    // SELECT 1 through the pool against a new connection per request.
    double selectPoolTps = 0;
    double perRequestTps = 0;

    // One submitter, SELECT 1: the pool against a direct connection on the
    // calling thread, each the median over alternating rounds.
    double poolUsPerJob = 0;
    double directUsPerJob = 0;
    double overheadUs() const { return poolUsPerJob - directUsPerJob; }

    qint64 rssUnits = 0;
    qint64 rssBeforeBytes = 0;
    qint64 rssAfterBytes = 0;
    qint64 rssGrowthBytes() const { return rssAfterBytes - rssBeforeBytes; }

    int maxServerConnections = 0;
    int connectionsAfterShutdown = -1;

    qint64 poolFailures = 0; // units of work through the pool that failed
    qint64 baselineFailures = 0;
    QString firstFailure;

    std::optional<double> bookingRatio() const;
    double perRequestRatio() const { return perRequestTps > 0 ? selectPoolTps / perRequestTps : 0; }
};

// Runs the measurements against a started BenchServer with one
// ConnectionPool, built from the server's configuration and measured as
// shipped (monitoring as configured, on by default). Each comparison runs
// its two sides in ABBA order (baseline, pool, pool, baseline, each half the
// time; the overhead in many alternating rounds), so a neighbour's load on a
// shared machine drifting during the run falls on both sides alike. Progress goes to stderr. Blocking.
class PoolBenchmark
{
public:
    static constexpr int Submitters = 32;
    static constexpr qint64 RssUnits = 100000;
    static constexpr qint64 RssWarmUpUnits = 20000;
    static constexpr int OverheadRounds = 10; // alternating direct and pool

    PoolBenchmark(BenchServer &server, int secondsPerSide);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(PoolBenchmarkResult *result, QString *error);

private:
    BenchServer &m_server;
    const int m_secondsPerSide;
};
