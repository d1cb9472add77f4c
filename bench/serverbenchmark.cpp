#include "bench/serverbenchmark.h"

#include "bench/benchserver.h"
#include "bench/connectionwatcher.h"
#include "bench/interruption.h"
#include "bench/progress.h"
#include "bench/serverchild.h"
#include "bench/wrkrunner.h"

using Bench::progress;

ServerBenchmark::ServerBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 bookings,
                                 qint64 mixRequests)
    : m_server(server)
    , m_secondsPerRound(secondsPerRound)
    , m_rounds(rounds)
    , m_bookings(bookings)
    , m_mixRequests(mixRequests)
{ }

bool ServerBenchmark::run(ServerBenchmarkResult *result, QString *error)
{
    ServerBenchmarkResult &r = *result;
    r.connections = Connections;
    r.secondsPerRound = m_secondsPerRound;
    r.serverPoolConnections = m_server.config().maxConnections;
    RunSummary &summary = r.run;
    summary.declareSide(QStringLiteral("health"));
    summary.declareSide(QStringLiteral("not_found"));
    summary.declareSide(QStringLiteral("wrk"));
    summary.declareSide(QStringLiteral("server"));
    for (const char *side : {"availability", "bookings", "mix", "pgbench", "cold_start"})
        summary.declareSide(QString::fromLatin1(side));
    summary.markUsesPgbench();
    summary.setClients(QStringLiteral("wrk_connections"), Connections);
    summary.setClients(QStringLiteral("wrk_threads"), 2);
    summary.setClients(QStringLiteral("pgbench_clients"), ApiBenchmark::Connections);
    summary.setClients(QStringLiteral("server_pool_connections"), r.serverPoolConnections);

    ApiBenchmark api(m_server, m_secondsPerRound, m_rounds, m_mixRequests);
    if (!api.prepare(m_bookings, &r.api, summary, error) || !api.coldStarts(&r.api, summary, error))
        return false;

    ConnectionWatcher watcher(m_server, ServerChild::ApplicationName);
    if (!watcher.start(error))
        return false;
    ServerChild child;
    progress(QStringLiteral("starting %1").arg(ServerChild::programPath()));
    // No Stripe settings: /health does not need them.
    if (!child.start(m_server, {}, error))
        return false;
    r.serverRssBeforeBytes = child.rssBytes();
    const qint64 logFrom = child.logSize();
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(child.port());

    progress(QStringLiteral("wrk: %1 rounds of GET /health, GET %2 (%3 s each, %4 connections)")
                 .arg(m_rounds)
                 .arg(NotFoundPath)
                 .arg(m_secondsPerRound)
                 .arg(Connections));
    auto failed = [&](const WrkRunner::Outcome &o) {
        if (r.wrkError.isEmpty())
            r.wrkError = o.error;
        summary.countFailures(QStringLiteral("wrk"), 1, o.error);
    };
    for (int round = 0; round < m_rounds && r.wrkError.isEmpty(); ++round) {
        const WrkRunner::Outcome health
            = WrkRunner::run(base + QStringLiteral("/health"), Connections, m_secondsPerRound);
        if (Interruption::requested(error))
            return false;
        if (!health.ok) {
            failed(health);
            break;
        }
        r.healthRequests += health.requests;
        r.healthNon2xx += health.non2xx;
        r.healthSocketErrors += health.socketErrors;
        summary.countFailures(QStringLiteral("health"), health.socketErrors,
                              QStringLiteral("GET /health: %1").arg(health.socketErrorText));
        r.healthP50Ms.append(health.p50Ms);
        r.healthP99Ms.append(health.p99Ms);

        const WrkRunner::Outcome notFound
            = WrkRunner::run(base + NotFoundPath, Connections, m_secondsPerRound);
        if (Interruption::requested(error))
            return false;
        if (!notFound.ok) {
            failed(notFound);
            break;
        }
        r.notFoundRequests += notFound.requests;
        r.notFoundNon2xx += notFound.non2xx;
        r.notFoundSocketErrors += notFound.socketErrors;
        summary.countFailures(QStringLiteral("not_found"), notFound.socketErrors,
                              QStringLiteral("GET %1: %2").arg(NotFoundPath, notFound.socketErrorText));
        r.notFoundP50Ms.append(notFound.p50Ms);
        r.notFoundP99Ms.append(notFound.p99Ms);
        r.health.add(health.requestsPerSecond, notFound.requestsPerSecond);
    }
    if (r.wrkError.isEmpty() && !api.measure(child, &r.api, summary, error))
        return false;
    r.serverRssAfterBytes = child.rssBytes();
    r.serverPeakRssBytes = child.peakRssBytes();
    r.api.serverConnectionsAtEnd = watcher.current();
    progress(QStringLiteral("stopping carwash-server"));
    r.serverExitCode = child.stop();
    if (r.serverExitCode != 0)
        summary.countFailures(
            QStringLiteral("server"), 1,
            QStringLiteral("carwash-server exited with %1 after SIGTERM").arg(r.serverExitCode));
    // /health answers 200 or, judging itself unhealthy, 503; the other
    // path 404. Any other answer is a failure.
    r.healthStatuses = child.loggedStatuses(QStringLiteral("/health"), logFrom);
    r.notFoundStatuses = child.loggedStatuses(NotFoundPath, logFrom);
    auto unexpected = [&](const QString &side, const QMap<int, qint64> &statuses, QList<int> expected) {
        for (auto it = statuses.begin(); it != statuses.end(); ++it) {
            if (!expected.contains(it.key()))
                summary.countFailures(
                    side, it.value(),
                    QStringLiteral("%1 answers %2 to GET %3").arg(it.value()).arg(it.key()).arg(side));
        }
    };
    unexpected(QStringLiteral("health"), r.healthStatuses, {200, 503});
    unexpected(QStringLiteral("not_found"), r.notFoundStatuses, {404});
    r.maxServerConnections = watcher.maximum();
    summary.setConnectionsAfterShutdown(watcher.settledCount());
    watcher.stop();
    return true;
}
