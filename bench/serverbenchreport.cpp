// The reports of carwash-bench webhooks and server (see benchreport.h).

#include "bench/benchreport.h"

#include "bench/apibenchreport.h"
#include "bench/reportformat.h"
#include "bench/serverbenchmark.h"
#include "bench/webhookbenchmark.h"

#include <QJsonArray>
#include <QThread>

using namespace ReportFormat;

namespace {

constexpr double EventsRatioTarget = 0.7;

using Target = RunSummary::Target;

// Every /health answer 200: none judged the server unhealthy under the load.
QList<Target> targets(const ServerBenchmarkResult &r)
{
    qint64 other = 0;
    for (auto it = r.healthStatuses.begin(); it != r.healthStatuses.end(); ++it)
        other += it.key() == 200 ? 0 : it.value();
    return QList<Target> {{QStringLiteral("health_200"), other == 0 && r.healthStatuses.value(200) > 0}}
    + ApiBenchReport::targets(r.api);
}

QList<Target> targets(const WebhookBenchmarkResult &r)
{
    const std::optional<double> ratio = r.applied.ratio();
    return {{QStringLiteral("events"), ratio && *ratio >= EventsRatioTarget},
            {QStringLiteral("double_applied"), r.burst.doubleApplied == 0}};
}

QJsonObject counts(const QMap<int, qint64> &byStatus)
{
    QJsonObject out;
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        out.insert(it.key() == 0 ? QStringLiteral("no_answer") : QString::number(it.key()), it.value());
    return out;
}

QJsonObject counts(const QMap<QString, qint64> &byResult)
{
    QJsonObject out;
    for (auto it = byResult.begin(); it != byResult.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

QString countsText(const QMap<int, qint64> &byStatus)
{
    QStringList parts;
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        parts << QStringLiteral("%1 x %2")
                     .arg(it.key() == 0 ? QStringLiteral("no answer") : QString::number(it.key()))
                     .arg(it.value());
    return parts.join(u", ");
}

QString countsText(const QMap<QString, qint64> &byResult)
{
    QStringList parts;
    for (auto it = byResult.begin(); it != byResult.end(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(u", ");
}

QJsonObject latency(double p50, double p95, double p99, qsizetype samples)
{
    return {{QStringLiteral("p50"), rounded(p50, 3)},
            {QStringLiteral("p95"), rounded(p95, 3)},
            {QStringLiteral("p99"), rounded(p99, 3)},
            {QStringLiteral("samples"), qint64(samples)}};
}

QJsonArray array(const QList<double> &values, int decimals)
{
    QJsonArray out;
    for (const double v : values)
        out.append(rounded(v, decimals));
    return out;
}

const QString TransactionText = QStringLiteral(
    "per event, in one transaction: the event stored by its id, the payment found and locked with its "
    "booking, "
    "its intent id recorded, paid, audited, the held booking confirmed and audited, payments_changed and "
    "bookings_changed notified, the event marked processed (StripeEventRepo::receive of a "
    "checkout.session.completed; pgbench sends the same statements, checked against a traced receive)");

const QString HealthBaselineText = QStringLiteral(
    "GET %1 on the same server under the same wrk load: it answers 404 through the same HTTP stack "
    "(accept, parse, route, request log, answer) without the health work, so the ratio is the share of the "
    "server's HTTP ceiling /health keeps. No outside baseline does the same work: carwash-admin health "
    "--json "
    "is one process start per answer, not a server.");

} // namespace

namespace BenchReport {

QString table(const WebhookBenchmarkResult &r)
{
    const WebhookBenchmarkResult::Burst &b = r.burst;
    const std::optional<double> ratio = r.applied.ratio();
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("carwash-server"), QStringLiteral("baseline"),
                 QStringLiteral("result (median, spread)"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("events applied/s"), grouped(r.applied.poolMedian(), 0),
                 r.applied.baselineMedian() ? grouped(*r.applied.baselineMedian(), 0)
                         + QStringLiteral(" pgbench -c %1").arg(r.connections)
                                            : QStringLiteral("pgbench unavailable"),
                 ratioText(r.applied, 3), QStringLiteral(">= %1 x").arg(EventsRatioTarget),
                 ratio ? verdict(*ratio >= EventsRatioTarget) : QString()});
    rows.append({QStringLiteral("delivery latency (ms)"), QStringLiteral("p50 %1").arg(number(r.p50Ms, 2)),
                 QStringLiteral("p95 %1").arg(number(r.p95Ms, 2)),
                 QStringLiteral("p99 %1").arg(number(r.p99Ms, 2)), QString(), QString()});
    rows.append({QStringLiteral("burst double applied"), QString::number(b.doubleApplied),
                 QStringLiteral("%1 deliveries").arg(b.deliveries),
                 QStringLiteral("%1 of %2 payments applied").arg(b.paymentsApplied).arg(b.payments),
                 QStringLiteral("0"), verdict(b.doubleApplied == 0)});

    QString out = QStringLiteral("carwash-bench webhooks: PostgreSQL %1, %2\n")
                      .arg(r.serverVersion, r.serverDescription);
    out += QStringLiteral(
               "%1 HTTP connections, pgbench %1 clients; carwash-server's pool %2 connections; %3 rounds "
               "of %4 s per side; %5 CPUs\n\n")
               .arg(r.connections)
               .arg(r.serverPoolConnections)
               .arg(r.applied.size())
               .arg(r.secondsPerRound)
               .arg(QThread::idealThreadCount());
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += QStringLiteral("rounds: %1 deliveries (%2; %3), %4 reconnects\n")
               .arg(r.rounds.sent)
               .arg(countsText(r.rounds.byStatus), countsText(r.rounds.byResult))
               .arg(r.rounds.reconnects);
    out += QStringLiteral(
               "burst: %1 deliveries of %2 distinct events for %3 payments, %4 redelivered (%5 at once) "
               "in %6 s: %7; %8\n")
               .arg(b.deliveries)
               .arg(b.distinctEvents)
               .arg(b.payments)
               .arg(b.duplicates)
               .arg(b.adjacentDuplicates)
               .arg(number(b.client.seconds, 1))
               .arg(countsText(b.client.byStatus), countsText(b.client.byResult));
    out += QStringLiteral(
               "burst in the database: %1 events stored (%2 unprocessed, %3 with an error), %4 payments "
               "applied, %5 left open, %6 bookings confirmed, %7-%8 payment.succeeded rows per payment\n")
               .arg(b.eventsStored)
               .arg(b.eventsUnprocessed)
               .arg(b.eventsWithError)
               .arg(b.paymentsApplied)
               .arg(b.paymentsLeftOpen)
               .arg(b.bookingsConfirmed)
               .arg(b.minAuditPerPayment)
               .arg(b.maxAuditPerPayment);
    out += QStringLiteral("carwash-server RSS: %1 before, %2 after, peak %3; exit code %4\n")
               .arg(bytes(r.serverRssBeforeBytes), bytes(r.serverRssAfterBytes), bytes(r.serverPeakRssBytes))
               .arg(r.serverExitCode);
    out += r.run.text(targets(r));
    out += QLatin1Char('\n') + TransactionText + QLatin1Char('\n');
    return out;
}

QJsonObject json(const WebhookBenchmarkResult &r)
{
    const WebhookBenchmarkResult::Burst &b = r.burst;
    QJsonObject out {
        {QStringLiteral("events"),
         QJsonObject {
             {QStringLiteral("server_applied_per_s"), rounded(r.applied.poolMedian(), 1)},
             {QStringLiteral("pgbench_tps"), rounded(r.applied.baselineMedian(), 1)},
             {QStringLiteral("ratio"), rounded(r.applied.ratio(), 3)},
             {QStringLiteral("target_ratio"), EventsRatioTarget},
             {QStringLiteral("connections"), r.connections},
             {QStringLiteral("spread"),
              spread(r.applied, QStringLiteral("server_applied_per_s"), QStringLiteral("pgbench_tps"), 1)}}},
        {QStringLiteral("latency_ms"), latency(r.p50Ms, r.p95Ms, r.p99Ms, r.rounds.latenciesMs.size())},
        {QStringLiteral("deliveries"),
         QJsonObject {{QStringLiteral("sent"), r.rounds.sent},
                      {QStringLiteral("by_status"), counts(r.rounds.byStatus)},
                      {QStringLiteral("by_result"), counts(r.rounds.byResult)},
                      {QStringLiteral("reconnects"), r.rounds.reconnects}}},
        {QStringLiteral("burst"),
         QJsonObject {
             {QStringLiteral("deliveries"), b.deliveries},
             {QStringLiteral("distinct_events"), b.distinctEvents},
             {QStringLiteral("duplicates"), b.duplicates},
             {QStringLiteral("concurrent_duplicates"), b.adjacentDuplicates},
             {QStringLiteral("payments"), b.payments},
             {QStringLiteral("seconds"), rounded(b.client.seconds, 3)},
             {QStringLiteral("sent"), b.client.sent},
             {QStringLiteral("by_status"), counts(b.client.byStatus)},
             {QStringLiteral("by_result"), counts(b.client.byResult)},
             {QStringLiteral("reconnects"), b.client.reconnects},
             {QStringLiteral("latency_ms"), latency(b.p50Ms, b.p95Ms, b.p99Ms, b.client.latenciesMs.size())},
             {QStringLiteral("events_stored"), b.eventsStored},
             {QStringLiteral("payments_applied"), b.paymentsApplied},
             {QStringLiteral("bookings_confirmed"), b.bookingsConfirmed},
             {QStringLiteral("audit_per_payment"),
              QJsonObject {{QStringLiteral("min"), b.minAuditPerPayment},
                           {QStringLiteral("max"), b.maxAuditPerPayment}}},
             {QStringLiteral("double_applied"), b.doubleApplied},
             {QStringLiteral("left_open"),
              QJsonObject {{QStringLiteral("payments"), b.paymentsLeftOpen},
                           {QStringLiteral("events_unprocessed"), b.eventsUnprocessed},
                           {QStringLiteral("events_with_error"), b.eventsWithError}}},
         }},
        {QStringLiteral("server"),
         QJsonObject {{QStringLiteral("pool_connections"), r.serverPoolConnections},
                      {QStringLiteral("max_db_connections"), r.maxServerConnections},
                      {QStringLiteral("rss_before_bytes"), r.serverRssBeforeBytes},
                      {QStringLiteral("rss_after_bytes"), r.serverRssAfterBytes},
                      {QStringLiteral("peak_rss_bytes"), r.serverPeakRssBytes},
                      {QStringLiteral("exit_code"), r.serverExitCode},
                      {QStringLiteral("reconcile_after_seconds"), WebhookBenchmark::ReconcileAfterSeconds}}},
        {QStringLiteral("transaction"), TransactionText},
        {QStringLiteral("seeded_payments"), r.seededPayments},
        {QStringLiteral("rounds"), r.applied.size()},
        {QStringLiteral("seconds_per_round"), r.secondsPerRound},
    };
    r.run.addTo(out, targets(r));
    return out;
}

QString table(const ServerBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("GET /health"), QStringLiteral("baseline"),
                 QStringLiteral("result (median, spread)"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("requests/s"), grouped(r.health.poolMedian(), 0),
                 grouped(r.health.baselineMedian().value_or(0), 0) + QStringLiteral(" 404 path"),
                 ratioText(r.health, 3), QStringLiteral("(none)"), QString()});
    rows.append({QStringLiteral("/health answered 200"), QString::number(r.healthStatuses.value(200)),
                 QStringLiteral("%1 x 503").arg(r.healthStatuses.value(503)), QString(),
                 QStringLiteral("all"), verdict(targets(r).first().met)});
    rows.append(
        {QStringLiteral("latency p50 / p99 (ms)"),
         QStringLiteral("%1 / %2").arg(number(median(r.healthP50Ms), 2), number(median(r.healthP99Ms), 2)),
         QStringLiteral("%1 / %2").arg(number(median(r.notFoundP50Ms), 2),
                                       number(median(r.notFoundP99Ms), 2)),
         QString(), QString(), QString()});
    rows.append({QStringLiteral("server RSS"), bytes(r.serverRssAfterBytes) + QStringLiteral(" after"),
                 bytes(r.serverRssBeforeBytes) + QStringLiteral(" before"),
                 bytes(r.serverRssAfterBytes - r.serverRssBeforeBytes, true), QString(), QString()});
    QString out
        = QStringLiteral("carwash-bench server: wrk -t2 -c%1, %2 rounds of %3 s per side; carwash-server's "
                         "pool %4 connections; %5 CPUs\n\n")
              .arg(r.connections)
              .arg(r.health.size())
              .arg(r.secondsPerRound)
              .arg(r.serverPoolConnections)
              .arg(QThread::idealThreadCount());
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += QStringLiteral(
               "/health: %1 requests, %2 non-2xx, %3 socket errors; 404 path: %4 requests, %5 socket "
               "errors; peak RSS %6; exit code %7\n")
               .arg(r.healthRequests)
               .arg(r.healthNon2xx)
               .arg(r.healthSocketErrors)
               .arg(r.notFoundRequests)
               .arg(r.notFoundSocketErrors)
               .arg(bytes(r.serverPeakRssBytes))
               .arg(r.serverExitCode);
    out += QStringLiteral("/health answers as logged: %1; 404 path: %2\n\n")
               .arg(countsText(r.healthStatuses), countsText(r.notFoundStatuses));
    out += ApiBenchReport::text(r.api);
    out += r.run.text(targets(r));
    out += QLatin1Char('\n') + HealthBaselineText.arg(ServerBenchmark::NotFoundPath) + QLatin1Char('\n');
    return out;
}

QJsonObject json(const ServerBenchmarkResult &r)
{
    QJsonObject out {
        {QStringLiteral("health"),
         QJsonObject {
             {QStringLiteral("requests_per_s"), rounded(r.health.poolMedian(), 1)},
             {QStringLiteral("baseline_requests_per_s"), rounded(r.health.baselineMedian(), 1)},
             {QStringLiteral("ratio"), rounded(r.health.ratio(), 3)},
             {QStringLiteral("connections"), r.connections},
             {QStringLiteral("requests"), r.healthRequests},
             {QStringLiteral("non_2xx"), r.healthNon2xx},
             {QStringLiteral("non_2xx_note"),
              QStringLiteral("by_status is the server's own request log over the whole run: 503 is "
                             "/health judging the fleet unhealthy under this load (an alert in its own "
                             "probe or in a health a process published, e.g. the pool's usage above the "
                             "alert level), counted as a target not met, not a failure")},
             {QStringLiteral("socket_errors"), r.healthSocketErrors},
             {QStringLiteral("by_status"), counts(r.healthStatuses)},
             {QStringLiteral("latency_ms"),
              QJsonObject {{QStringLiteral("p50"), array(r.healthP50Ms, 3)},
                           {QStringLiteral("p99"), array(r.healthP99Ms, 3)}}},
             {QStringLiteral("spread"),
              spread(r.health, QStringLiteral("requests_per_s"), QStringLiteral("baseline_requests_per_s"),
                     1)}}},
        {QStringLiteral("baseline"),
         QJsonObject {{QStringLiteral("what"), HealthBaselineText.arg(ServerBenchmark::NotFoundPath)},
                      {QStringLiteral("path"), ServerBenchmark::NotFoundPath},
                      {QStringLiteral("requests"), r.notFoundRequests},
                      {QStringLiteral("non_2xx"), r.notFoundNon2xx},
                      {QStringLiteral("socket_errors"), r.notFoundSocketErrors},
                      {QStringLiteral("by_status"), counts(r.notFoundStatuses)},
                      {QStringLiteral("latency_ms"),
                       QJsonObject {{QStringLiteral("p50"), array(r.notFoundP50Ms, 3)},
                                    {QStringLiteral("p99"), array(r.notFoundP99Ms, 3)}}}}},
        {QStringLiteral("server"),
         QJsonObject {{QStringLiteral("pool_connections"), r.serverPoolConnections},
                      {QStringLiteral("max_db_connections"), r.maxServerConnections},
                      {QStringLiteral("rss_before_bytes"), r.serverRssBeforeBytes},
                      {QStringLiteral("rss_after_bytes"), r.serverRssAfterBytes},
                      {QStringLiteral("rss_growth_bytes"), r.serverRssAfterBytes - r.serverRssBeforeBytes},
                      {QStringLiteral("peak_rss_bytes"), r.serverPeakRssBytes},
                      {QStringLiteral("exit_code"), r.serverExitCode}}},
        {QStringLiteral("api"), ApiBenchReport::json(r.api, r.run.connectionsAfterShutdown())},
        {QStringLiteral("wrk_error"), r.wrkError.isEmpty() ? QJsonValue() : QJsonValue(r.wrkError)},
        {QStringLiteral("rounds"), r.health.size()},
        {QStringLiteral("seconds_per_round"), r.secondsPerRound},
    };
    r.run.addTo(out, targets(r));
    return out;
}

} // namespace BenchReport
