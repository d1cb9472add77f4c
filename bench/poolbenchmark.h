#pragma once

#include "bench/rounds.h"
#include "bench/runsummary.h"

#include <QString>

class BenchServer;

// The figures of one `carwash-bench pool` run, each with the baseline
// measured beside it in the same run.
struct PoolBenchmarkResult
{
    QString serverVersion;
    QString serverDescription;
    int connectionLimit = 0;
    int bookingClients = 0; // the pool's submitters and pgbench's clients alike
    int selectSubmitters = 0;
    int secondsPerRound = 0;
    bool monitoring = true;

    // BEGIN; INSERT INTO bookings; COMMIT: tx/s through the pool against
    // pgbench, per round.
    Rounds booking;
    // SELECT 1 through the pool against a new connection per request, and
    // against the handoff limit (HandoffLimit), per round.
    Rounds perRequest;
    Rounds handoff;

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
    RunSummary run;
};

// Runs the measurements against a started BenchServer with one
// ConnectionPool, built from the server's configuration and measured as
// shipped (monitoring as configured, on by default). Each comparison runs
// its sides in alternated rounds (pool, baseline, pool, baseline, …, the
// three SELECT 1 sides in a rotating order), each side secondsPerRound a
// round, so a neighbour's load on a shared machine drifting during the run
// falls on every side alike and the spread of the rounds shows it. Progress
// goes to stderr. Blocking.
class PoolBenchmark
{
public:
    static constexpr int SelectSubmitters = 32;
    static constexpr qint64 RssWarmUpUnits = 20000;
    static constexpr int OverheadRounds = 10; // alternating direct and pool

    PoolBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 rssUnits);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(PoolBenchmarkResult *result, QString *error);

private:
    BenchServer &m_server;
    const int m_secondsPerRound;
    const int m_rounds;
    const qint64 m_rssUnits;
};
