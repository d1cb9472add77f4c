#pragma once

#include "bench/apibenchmark.h"
#include "bench/rounds.h"
#include "bench/runsummary.h"

#include <QList>
#include <QMap>
#include <QString>

class BenchServer;

// The figures of one `carwash-bench server` run.
struct ServerBenchmarkResult
{
    int connections = 0; // wrk's, on both sides
    int secondsPerRound = 0;
    int serverPoolConnections = 0;
    // GET /health requests per second against GET of a path no route
    // answers (404) on the same server under the same wrk load: the HTTP
    // stack (accept, parse, route, request log, answer) without the health
    // work. The ratio is the share of that ceiling /health keeps.
    Rounds health;
    QList<double> healthP50Ms, healthP99Ms, notFoundP50Ms, notFoundP99Ms; // per round
    qint64 healthRequests = 0;
    qint64 healthNon2xx = 0;
    qint64 healthSocketErrors = 0;
    qint64 notFoundRequests = 0;
    qint64 notFoundNon2xx = 0; // every one of them, when all went well
    qint64 notFoundSocketErrors = 0;
    QString wrkError;
    // Statuses as the server logged them (its line per request), for
    // /health: 200, or 503 when it judged the fleet unhealthy under this
    // load (an alert in its own probe or a published health, e.g. the
    // pool's usage above the alert level).
    QMap<int, qint64> healthStatuses;
    QMap<int, qint64> notFoundStatuses;

    qint64 serverRssBeforeBytes = 0;
    qint64 serverRssAfterBytes = 0;
    qint64 serverPeakRssBytes = 0;
    int serverExitCode = -1;
    int maxServerConnections = 0;
    // The online API (ApiBenchmark), measured after /health on the same server.
    ApiBenchmarkResult api;
    RunSummary run;
};

// Generates the AvailabilityDataset in the benchmark's database, times
// cold starts of carwash-server, then starts it and loads it with wrk in
// alternated rounds (/health, the 404 path, /health, ...), then measures the
// online API (ApiBenchmark), reading its RSS before and after. Progress goes
// to stderr. Blocking; main thread.
class ServerBenchmark
{
public:
    static constexpr int Connections = 50;
    static inline const QString NotFoundPath = QStringLiteral("/carwash-bench-no-such-path");

    ServerBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 bookings,
                    qint64 mixRequests);

    bool run(ServerBenchmarkResult *result, QString *error);

private:
    BenchServer &m_server;
    const int m_secondsPerRound;
    const int m_rounds;
    const qint64 m_bookings;
    const qint64 m_mixRequests;
};
