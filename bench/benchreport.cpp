#include "bench/benchreport.h"

#include "bench/availabilitybenchmark.h"
#include "bench/diagnosticsbenchmark.h"
#include "bench/poolbenchmark.h"
#include "bench/reportformat.h"

#include <QThread>

using namespace ReportFormat;

namespace {

constexpr double BookingRatioTarget = 0.9;
constexpr double PerRequestRatioTarget = 100;
constexpr double OverheadUsTarget = 15;
constexpr qint64 RssGrowthTarget = 1024 * 1024;
constexpr double ServerP95MsTarget = 2;
constexpr double EndToEndP95MsTarget = 10;

using Target = RunSummary::Target;

bool atLeast(const std::optional<double> &value, double target)
{
    return value && *value >= target;
}

// pool as a fraction of the handoff limit, and per_request too, from each side's median.
std::optional<double> perRequestFraction(const PoolBenchmarkResult &r)
{
    const std::optional<double> perRequest = r.perRequest.baselineMedian();
    const std::optional<double> limit = r.handoff.baselineMedian();
    if (!perRequest || !limit || *limit <= 0)
        return std::nullopt;
    return *perRequest / *limit;
}

QList<Target> targets(const PoolBenchmarkResult &r)
{
    return {
        {QStringLiteral("booking_tx"), atLeast(r.booking.ratio(), BookingRatioTarget)},
        {QStringLiteral("per_request"), atLeast(r.perRequest.ratio(), PerRequestRatioTarget)},
        {QStringLiteral("overhead_us"), r.overheadUs() <= OverheadUsTarget},
        {QStringLiteral("rss_growth"), r.rssGrowthBytes() < RssGrowthTarget},
        {QStringLiteral("max_server_connections"), r.maxServerConnections <= r.connectionLimit},
    };
}

QList<Target> targets(const AvailabilityBenchmarkResult &r)
{
    return {
        {QStringLiteral("server_ms"), r.serverP95Ms <= ServerP95MsTarget},
        {QStringLiteral("end_to_end_ms"), r.endToEndP95Ms <= EndToEndP95MsTarget},
        {QStringLiteral("booking_tx"), atLeast(r.booking.ratio(), BookingRatioTarget)},
        {QStringLiteral("max_server_connections"), r.maxServerConnections <= r.connectionLimit},
    };
}

QList<Target> targets(const DiagnosticsBenchmarkResult &r)
{
    return {{QStringLiteral("cost_core_pct"), r.costCorePct() < DiagnosticsBenchmark::TargetCorePct}};
}

Row bookingRow(const Rounds &booking, int clients)
{
    const std::optional<double> pgbench = booking.baselineMedian();
    const std::optional<double> ratio = booking.ratio();
    return {QStringLiteral("booking_tx (tx/s)"), grouped(booking.poolMedian(), 0),
            pgbench ? grouped(*pgbench, 0) + QStringLiteral(" pgbench -c %1").arg(clients)
                    : QStringLiteral("pgbench unavailable"),
            ratioText(booking, 3), QStringLiteral(">= %1 x").arg(BookingRatioTarget),
            ratio ? verdict(*ratio >= BookingRatioTarget) : QString()};
}

QJsonObject bookingJson(const Rounds &booking, int clients)
{
    return {
        {QStringLiteral("pool_tps"), rounded(booking.poolMedian(), 1)},
        {QStringLiteral("pgbench_tps"), rounded(booking.baselineMedian(), 1)},
        {QStringLiteral("ratio"), rounded(booking.ratio(), 3)},
        {QStringLiteral("clients"), clients},
        {QStringLiteral("spread"),
         spread(booking, QStringLiteral("pool_tps"), QStringLiteral("pgbench_tps"), 1)},
    };
}

QString cpus()
{
    return QStringLiteral("%1 CPUs").arg(QThread::idealThreadCount());
}

} // namespace

namespace BenchReport {

QString table(const PoolBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("pool"), QStringLiteral("baseline"),
                 QStringLiteral("result (median, spread)"), QStringLiteral("target"), QString()});
    rows.append(bookingRow(r.booking, r.bookingClients));
    const std::optional<double> perRequestRatio = r.perRequest.ratio();
    rows.append({QStringLiteral("per_request (SELECT 1/s)"), grouped(r.perRequest.poolMedian(), 0),
                 grouped(r.perRequest.baselineMedian().value_or(0), 0) + QStringLiteral(" new conn each"),
                 ratioText(r.perRequest, 1), QStringLiteral(">= %1 x").arg(PerRequestRatioTarget),
                 verdict(atLeast(perRequestRatio, PerRequestRatioTarget))});
    rows.append({QStringLiteral("handoff_limit (SELECT 1/s)"), grouped(r.handoff.poolMedian(), 0),
                 grouped(r.handoff.baselineMedian().value_or(0), 0) + QStringLiteral(" raw libpq"),
                 ratioText(r.handoff, 3), QStringLiteral("(ceiling)"), QString()});
    rows.append({QStringLiteral("overhead_us (SELECT 1)"),
                 number(r.poolUsPerJob, 1) + QStringLiteral(" us/job"),
                 number(r.directUsPerJob, 1) + QStringLiteral(" us direct"),
                 number(r.overheadUs(), 1) + QStringLiteral(" us"),
                 QStringLiteral("<= %1 us").arg(OverheadUsTarget), verdict(r.overheadUs() <= OverheadUsTarget)});
    rows.append({QStringLiteral("rss_growth (%1 jobs)").arg(grouped(double(r.rssUnits), 0)),
                 bytes(r.rssAfterBytes) + QStringLiteral(" after"),
                 bytes(r.rssBeforeBytes) + QStringLiteral(" before"), bytes(r.rssGrowthBytes(), true),
                 QStringLiteral("< 1 MiB"), verdict(r.rssGrowthBytes() < RssGrowthTarget)});
    rows.append({QStringLiteral("server connections (max)"), QString::number(r.maxServerConnections),
                 QStringLiteral("limit %1").arg(r.connectionLimit),
                 QStringLiteral("%1 after shutdown").arg(r.run.connectionsAfterShutdown()),
                 QStringLiteral("<= limit"), verdict(r.maxServerConnections <= r.connectionLimit)});

    QString out;
    out += QStringLiteral("carwash-bench pool: PostgreSQL %1, %2\n")
               .arg(r.serverVersion, r.serverDescription);
    out += QStringLiteral("pool as shipped: %1 connections, monitoring %2; booking_tx %3 clients on each "
                          "side, SELECT 1 %4 submitters; %5 rounds of %6 s per side; %7\n\n")
               .arg(r.connectionLimit)
               .arg(r.monitoring ? QStringLiteral("on") : QStringLiteral("off"))
               .arg(r.bookingClients)
               .arg(r.selectSubmitters)
               .arg(r.booking.size())
               .arg(r.secondsPerRound)
               .arg(cpus());
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += r.run.text(targets(r));
    out += QStringLiteral(
               "\nbooking_tx: BEGIN; INSERT INTO bookings (exclusion constraint checked, never violated); "
               "COMMIT.\nper_request, handoff_limit and overhead_us: SELECT 1 as the unit of work. "
               "handoff_limit: the same jobs handed over the same way to %1 threads with a raw libpq "
               "connection each and no pool logic; the result is the pool's share of it (per_request: "
               "%2 of it). overhead_us: medians of %3 alternating rounds, one submitter.\n")
               .arg(r.connectionLimit)
               .arg(perRequestFraction(r) ? number(*perRequestFraction(r), 4) : QStringLiteral("-"))
               .arg(PoolBenchmark::OverheadRounds);
    return out;
}

QJsonObject json(const PoolBenchmarkResult &r)
{
    QJsonObject out {
        {QStringLiteral("booking_tx"), bookingJson(r.booking, r.bookingClients)},
        {QStringLiteral("per_request"),
         QJsonObject {{QStringLiteral("pool_tps"), rounded(r.perRequest.poolMedian(), 1)},
                      {QStringLiteral("per_request_tps"), rounded(r.perRequest.baselineMedian(), 1)},
                      {QStringLiteral("ratio"), rounded(r.perRequest.ratio(), 1)},
                      {QStringLiteral("submitters"), r.selectSubmitters},
                      {QStringLiteral("spread"), spread(r.perRequest, QStringLiteral("pool_tps"),
                                                        QStringLiteral("per_request_tps"), 1, 1)}}},
        {QStringLiteral("handoff_limit"),
         QJsonObject {{QStringLiteral("tps"), rounded(r.handoff.baselineMedian(), 1)},
                      {QStringLiteral("pool_fraction"), rounded(r.handoff.ratio(), 3)},
                      {QStringLiteral("per_request_fraction"), rounded(perRequestFraction(r), 4)},
                      {QStringLiteral("threads"), r.connectionLimit},
                      {QStringLiteral("submitters"), r.selectSubmitters},
                      {QStringLiteral("spread"),
                       spread(r.handoff, QStringLiteral("pool_tps"), QStringLiteral("handoff_tps"), 1)}}},
        {QStringLiteral("overhead_us"), rounded(r.overheadUs(), 2)},
        {QStringLiteral("rss_growth_bytes"), r.rssGrowthBytes()},
        {QStringLiteral("max_server_connections"), r.maxServerConnections},
        {QStringLiteral("connection_limit"), r.connectionLimit},
        {QStringLiteral("rounds"), r.booking.size()},
        {QStringLiteral("seconds_per_round"), r.secondsPerRound},
    };
    r.run.addTo(out, targets(r));
    return out;
}

QString table(const AvailabilityBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("p50 / pool"), QStringLiteral("p95 / baseline"),
                 QStringLiteral("result (median, spread)"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("availability, server (ms)"), number(r.serverP50Ms, 3),
                 number(r.serverP95Ms, 3), QStringLiteral("p95 %1 ms").arg(number(r.serverP95Ms, 3)),
                 QStringLiteral("p95 <= %1 ms").arg(ServerP95MsTarget),
                 verdict(r.serverP95Ms <= ServerP95MsTarget)});
    rows.append({QStringLiteral("availability, end to end (ms)"), number(r.endToEndP50Ms, 3),
                 number(r.endToEndP95Ms, 3), QStringLiteral("p95 %1 ms").arg(number(r.endToEndP95Ms, 3)),
                 QStringLiteral("p95 <= %1 ms").arg(EndToEndP95MsTarget),
                 verdict(r.endToEndP95Ms <= EndToEndP95MsTarget)});
    rows.append(bookingRow(r.booking, r.bookingClients));
    rows.append({QStringLiteral("server connections (max)"), QString::number(r.maxServerConnections),
                 QStringLiteral("limit %1").arg(r.connectionLimit),
                 QStringLiteral("%1 after shutdown").arg(r.run.connectionsAfterShutdown()),
                 QStringLiteral("<= limit"), verdict(r.maxServerConnections <= r.connectionLimit)});

    QString out;
    out += QStringLiteral("carwash-bench availability: PostgreSQL %1, %2\n")
               .arg(r.serverVersion, r.serverDescription);
    out += QStringLiteral("data set: %1 bookings on %2 bays, %3 customers, %4 days ahead booked; "
                          "generated in %5 s\n")
               .arg(grouped(double(r.bookings), 0))
               .arg(r.bays)
               .arg(grouped(double(r.customers), 0))
               .arg(r.futureDays)
               .arg(number(r.generationSeconds, 1));
    out += QStringLiteral("pool as shipped: %1 connections; %2\n\n").arg(r.connectionLimit).arg(cpus());
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += r.run.text(targets(r));
    out += QStringLiteral(
               "\nserver: PostgreSQL's planning + execution time of the %1 statement(s) one "
               "AvailabilityRepo::forDate sent (traced from the wire, replayed under EXPLAIN ANALYZE, "
               "TIMING OFF), %2 random days of the booked weeks.\n"
               "end to end: %3 requests from the event loop's thread through the pool (queue, query, "
               "decoding, slot planning) until the result is back on it, one at a time; %4 free slots "
               "per answer on average. No item model in models/ shows availability yet, so none is "
               "timed.\n"
               "booking_tx: BookingRepo::create (idempotency key, availability check, customer "
               "upsert, insert, add-ons, audit, notify) through the pool against pgbench sending "
               "the same statements, %5 clients each, %6 rounds of %7 s per side; %8 % of the pool's "
               "creates booked (the rest found their random slot taken).\n")
               .arg(r.statementsPerRequest)
               .arg(r.serverSamples)
               .arg(r.endToEndSamples)
               .arg(number(r.freeSlotsPerRequest, 1))
               .arg(r.bookingClients)
               .arg(r.booking.size())
               .arg(r.secondsPerRound)
               .arg(number(100.0 * r.poolBookedShare, 1));
    return out;
}

QJsonObject json(const AvailabilityBenchmarkResult &r)
{
    QJsonObject out {
        {QStringLiteral("bookings"), r.bookings},
        {QStringLiteral("bays"), r.bays},
        {QStringLiteral("server_ms"),
         QJsonObject {{QStringLiteral("p50"), rounded(r.serverP50Ms, 3)},
                      {QStringLiteral("p95"), rounded(r.serverP95Ms, 3)}}},
        {QStringLiteral("end_to_end_ms"),
         QJsonObject {{QStringLiteral("p50"), rounded(r.endToEndP50Ms, 3)},
                      {QStringLiteral("p95"), rounded(r.endToEndP95Ms, 3)}}},
        {QStringLiteral("booking_tx"), bookingJson(r.booking, r.bookingClients)},
        {QStringLiteral("max_server_connections"), r.maxServerConnections},
        {QStringLiteral("connection_limit"), r.connectionLimit},
        {QStringLiteral("rounds"), r.booking.size()},
        {QStringLiteral("seconds_per_round"), r.secondsPerRound},
    };
    r.run.addTo(out, targets(r));
    return out;
}

QString table(const DiagnosticsBenchmarkResult &r)
{
    const bool met = r.costCorePct() < DiagnosticsBenchmark::TargetCorePct;
    QString out = QStringLiteral("carwash-bench diagnostics: share of one core, %1 s per side, %2 jobs/s "
                                 "through a pool of %3 connections; %4\n\n")
                      .arg(r.secondsPerSide)
                      .arg(r.jobsPerSecond)
                      .arg(r.poolConnections)
                      .arg(cpus());
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("diagnostics on"), QStringLiteral("monitoring off"),
                 QStringLiteral("result"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("core (%)"), number(r.diagnosticsOn.corePct(), 2),
                 number(r.monitoringOff.corePct(), 2),
                 QStringLiteral("+%1 %").arg(number(r.costCorePct(), 2)),
                 QStringLiteral("< %1 %").arg(DiagnosticsBenchmark::TargetCorePct), verdict(met)});
    rows.append({QStringLiteral("jobs"), QString::number(r.diagnosticsOn.jobs),
                 QString::number(r.monitoringOff.jobs),
                 QStringLiteral("%1 chart refreshes").arg(r.diagnosticsOn.chartRefreshes), QString(),
                 QString()});
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += r.run.text(targets(r));
    return out;
}

QJsonObject json(const DiagnosticsBenchmarkResult &r)
{
    QJsonObject out {
        {QStringLiteral("seconds_per_side"), r.secondsPerSide},
        {QStringLiteral("jobs_per_second"), r.jobsPerSecond},
        {QStringLiteral("monitoring_off"),
         QJsonObject {{QStringLiteral("core_pct"), rounded(r.monitoringOff.corePct(), 3)},
                      {QStringLiteral("jobs"), r.monitoringOff.jobs}}},
        {QStringLiteral("diagnostics_on"),
         QJsonObject {{QStringLiteral("core_pct"), rounded(r.diagnosticsOn.corePct(), 3)},
                      {QStringLiteral("jobs"), r.diagnosticsOn.jobs},
                      {QStringLiteral("chart_refreshes"), r.diagnosticsOn.chartRefreshes}}},
        {QStringLiteral("cost_core_pct"), rounded(r.costCorePct(), 3)},
        {QStringLiteral("target_core_pct"), DiagnosticsBenchmark::TargetCorePct},
        {QStringLiteral("within_target"), r.costCorePct() < DiagnosticsBenchmark::TargetCorePct},
        {QStringLiteral("max_server_connections"), r.maxServerConnections},
        {QStringLiteral("connection_limit"), r.poolConnections},
    };
    r.run.addTo(out, targets(r));
    return out;
}

} // namespace BenchReport
