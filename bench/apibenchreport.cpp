#include "bench/apibenchreport.h"

#include "bench/apibenchmark.h"
#include "bench/reportformat.h"

#include <QJsonArray>

#include <algorithm>

using namespace ReportFormat;

namespace {

constexpr double AvailabilityRatioTarget = 0.7;
constexpr double BookingRatioTarget = 0.6;
constexpr double ColdStartTargetMs = 300;

QJsonArray array(const QList<double> &values, int decimals)
{
    QJsonArray out;
    for (const double v : values)
        out.append(rounded(v, decimals));
    return out;
}

QJsonArray array(const QList<qint64> &values)
{
    QJsonArray out;
    for (const qint64 v : values)
        out.append(v);
    return out;
}

QJsonArray rssAlong(const ApiBenchmarkResult &r)
{
    QJsonArray out;
    for (const auto &[requests, rss] : r.rssAlong)
        out.append(QJsonArray {requests, rss});
    return out;
}

QJsonObject counts(const QMap<int, qint64> &byStatus)
{
    QJsonObject out;
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        out.insert(QString::number(it.key()), it.value());
    return out;
}

qint64 inRange(const QMap<int, qint64> &byStatus, int low, int high)
{
    qint64 n = 0;
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        n += it.key() >= low && it.key() <= high ? it.value() : 0;
    return n;
}

double maximum(const QList<double> &values)
{
    return values.isEmpty() ? 0 : *std::max_element(values.begin(), values.end());
}

bool met(const std::optional<double> &ratio, double target)
{
    return ratio && *ratio >= target;
}

QJsonObject latency(const ApiBenchmarkResult::Side &side)
{
    return {{QStringLiteral("p50"), array(side.p50Ms, 3)},
            {QStringLiteral("p99"), array(side.p99Ms, 3)},
            {QStringLiteral("p50_median"), rounded(median(side.p50Ms), 3)},
            {QStringLiteral("p99_median"), rounded(median(side.p99Ms), 3)}};
}

const QString AvailabilityBaselineText = QStringLiteral(
    "pgbench -c 50 sending, per transaction, the statements AvailabilityRepo::forDate sent for one of the "
    "same "
    "questions (every booked day of the data set with every service; one script per question, picked at "
    "random with equal weight, as wrk picks the paths), traced off the wire from a real forDate in this run: "
    "the database's work without HTTP, JSON or slot planning. tps counts transactions (one question each)");

const QString BookingBaselineText = QStringLiteral(
    "pgbench -c 50 running BookingRepo::create's statements (bench/bookingtransaction.*, checked against a "
    "traced create) at random starts in the same free days; bookings per second on both sides are the rows "
    "made, counted in the database after each round and removed before the next");

} // namespace

namespace ApiBenchReport {

QList<RunSummary::Target> targets(const ApiBenchmarkResult &r)
{
    return {{QStringLiteral("availability_ratio"), met(r.availability.ratio(), AvailabilityRatioTarget)},
            {QStringLiteral("bookings_ratio"), met(r.booking.ratio(), BookingRatioTarget)},
            {QStringLiteral("cold_start"),
             !r.coldStartMs.isEmpty() && median(r.coldStartMs) <= ColdStartTargetMs}};
}

QJsonObject json(const ApiBenchmarkResult &r, int connectionsAfterShutdown)
{
    const QMap<int, qint64> &booked = r.bookingWrk.statuses;
    qint64 mixRequests = 0;
    QJsonObject byPath;
    for (auto it = r.mixStatuses.begin(); it != r.mixStatuses.end(); ++it) {
        byPath.insert(it.key(), counts(it.value()));
        for (const qint64 n : it.value())
            mixRequests += n;
    }
    return {
        {QStringLiteral("data_set"),
         QJsonObject {{QStringLiteral("bookings"), r.bookings},
                      {QStringLiteral("booked_days_asked"), r.futureDays},
                      {QStringLiteral("generation_seconds"), rounded(r.generationSeconds, 1)}}},
        {QStringLiteral("availability"),
         QJsonObject {
             {QStringLiteral("requests_per_s"), rounded(r.availability.poolMedian(), 1)},
             {QStringLiteral("pgbench_tps"), rounded(r.availability.baselineMedian(), 1)},
             {QStringLiteral("ratio"), rounded(r.availability.ratio(), 3)},
             {QStringLiteral("target_ratio"), AvailabilityRatioTarget},
             {QStringLiteral("target_met"), met(r.availability.ratio(), AvailabilityRatioTarget)},
             {QStringLiteral("connections"), ApiBenchmark::Connections},
             {QStringLiteral("pgbench_clients"), ApiBenchmark::Connections},
             {QStringLiteral("questions"), r.questions},
             {QStringLiteral("spread"),
              spread(r.availability, QStringLiteral("requests_per_s"), QStringLiteral("pgbench_tps"), 1)},
             {QStringLiteral("latency_ms"), latency(r.availabilityWrk)},
             {QStringLiteral("requests"), r.availabilityWrk.requests},
             {QStringLiteral("non_2xx"), r.availabilityWrk.non2xx},
             {QStringLiteral("socket_errors"), r.availabilityWrk.socketErrors},
             {QStringLiteral("by_status"), counts(r.availabilityWrk.statuses)},
             {QStringLiteral("pgbench_transactions"), r.availabilityPgbenchTransactions},
             {QStringLiteral("baseline"), AvailabilityBaselineText}}},
        {QStringLiteral("bookings"),
         QJsonObject {
             {QStringLiteral("bookings_per_s"), rounded(r.booking.poolMedian(), 1)},
             {QStringLiteral("pgbench_bookings_per_s"), rounded(r.booking.baselineMedian(), 1)},
             {QStringLiteral("ratio"), rounded(r.booking.ratio(), 3)},
             {QStringLiteral("target_ratio"), BookingRatioTarget},
             {QStringLiteral("target_met"), met(r.booking.ratio(), BookingRatioTarget)},
             {QStringLiteral("connections"), ApiBenchmark::Connections},
             {QStringLiteral("pgbench_clients"), ApiBenchmark::Connections},
             {QStringLiteral("spread"),
              spread(r.booking, QStringLiteral("bookings_per_s"), QStringLiteral("pgbench_bookings_per_s"),
                     1)},
             {QStringLiteral("made"), array(r.serverBookingsMade)},
             {QStringLiteral("pgbench_made"), array(r.pgbenchBookingsMade)},
             {QStringLiteral("pgbench_transactions"), r.pgbenchBookingTransactions},
             {QStringLiteral("latency_ms"), latency(r.bookingWrk)},
             {QStringLiteral("requests"), r.bookingWrk.requests},
             {QStringLiteral("non_2xx"), r.bookingWrk.non2xx},
             {QStringLiteral("socket_errors"), r.bookingWrk.socketErrors},
             {QStringLiteral("by_status"), counts(booked)},
             {QStringLiteral("created_201"), booked.value(201)},
             {QStringLiteral("slot_taken_409"), booked.value(409)},
             {QStringLiteral("rate_limited_429"), booked.value(429)},
             {QStringLiteral("server_errors_5xx"), inRange(booked, 500, 599)},
             {QStringLiteral("free_starts_per_round"), r.freeStarts.count()},
             {QStringLiteral("write_rate_per_minute"), 0},
             {QStringLiteral("write_limit"),
              QStringLiteral("api.write_rate_per_minute set to 0 (no limit) in the benchmark's database for "
                             "this run, so the per-client write limit does not throttle wrk")},
             {QStringLiteral("left_open"),
              QJsonObject {{QStringLiteral("online_bookings"), r.onlineBookingsLeft},
                           {QStringLiteral("pgbench_bookings"), r.benchBookingsLeft}}},
             {QStringLiteral("baseline"), BookingBaselineText}}},
        {QStringLiteral("cold_start_ms"),
         QJsonObject {{QStringLiteral("runs"), array(r.coldStartMs, 1)},
                      {QStringLiteral("median"), rounded(median(r.coldStartMs), 1)},
                      {QStringLiteral("max"), rounded(maximum(r.coldStartMs), 1)},
                      {QStringLiteral("target_median_max"), ColdStartTargetMs},
                      {QStringLiteral("target_met"), targets(r).last().met},
                      {QStringLiteral("what"),
                       QStringLiteral("from just before the process is started to the first 200 on GET "
                                      "/api/services (asked every 2 ms once it says where it listens), on "
                                      "a database already migrated and holding the data set")}}},
        {QStringLiteral("rss"),
         QJsonObject {{QStringLiteral("requests_asked"), r.mixAsked},
                      {QStringLiteral("requests"), r.mix.requests},
                      {QStringLiteral("wrk_runs"), r.mixRuns},
                      {QStringLiteral("answers_logged"), mixRequests},
                      {QStringLiteral("mix"), r.mixText},
                      {QStringLiteral("by_path"), byPath},
                      {QStringLiteral("non_2xx"), r.mix.non2xx},
                      {QStringLiteral("socket_errors"), r.mix.socketErrors},
                      {QStringLiteral("latency_ms"), latency(r.mix)},
                      {QStringLiteral("slowest_in_server_ms"), r.mixSlowestServerMs},
                      {QStringLiteral("slowest_in_server_what"),
                       QStringLiteral("the longest any of these GETs took inside carwash-server, by its own "
                                      "request log (handler start to answer written): a wrk timeout (2 s) "
                                      "while this stays under 2 s was spent outside the server's handling")},
                      {QStringLiteral("before_bytes"), r.rssBeforeMixBytes},
                      {QStringLiteral("after_bytes"), r.rssAfterMixBytes},
                      {QStringLiteral("growth_bytes"), r.rssAfterMixBytes - r.rssBeforeMixBytes},
                      {QStringLiteral("growth_second_half_bytes"), r.rssGrowthSecondHalfBytes()},
                      {QStringLiteral("along"), rssAlong(r)},
                      {QStringLiteral("along_what"),
                       QStringLiteral("[GETs answered so far, RSS bytes] after each wrk run")}}},
        {QStringLiteral("server_connections"),
         QJsonObject {{QStringLiteral("at_end"), r.serverConnectionsAtEnd},
                      {QStringLiteral("after_sigterm"), connectionsAfterShutdown}}},
    };
}

QString text(const ApiBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("online API"), QStringLiteral("carwash-server"),
                 QStringLiteral("pgbench -c 50"), QStringLiteral("result (median, spread)"),
                 QStringLiteral("target"), QString()});
    rows.append(
        {QStringLiteral("GET /api/availability /s"), grouped(r.availability.poolMedian(), 0),
         grouped(r.availability.baselineMedian().value_or(0), 0), ratioText(r.availability, 3),
         QStringLiteral(">= %1 x").arg(AvailabilityRatioTarget),
         r.availability.ratio() ? verdict(met(r.availability.ratio(), AvailabilityRatioTarget)) : QString()});
    rows.append({QStringLiteral("availability p50/p99 ms"),
                 QStringLiteral("%1 / %2").arg(number(median(r.availabilityWrk.p50Ms), 2),
                                               number(median(r.availabilityWrk.p99Ms), 2)),
                 QString(), QString(), QString(), QString()});
    rows.append({QStringLiteral("POST /api/bookings made/s"), grouped(r.booking.poolMedian(), 0),
                 grouped(r.booking.baselineMedian().value_or(0), 0), ratioText(r.booking, 3),
                 QStringLiteral(">= %1 x").arg(BookingRatioTarget),
                 r.booking.ratio() ? verdict(met(r.booking.ratio(), BookingRatioTarget)) : QString()});
    rows.append({QStringLiteral("booking p50/p99 ms"),
                 QStringLiteral("%1 / %2").arg(number(median(r.bookingWrk.p50Ms), 2),
                                               number(median(r.bookingWrk.p99Ms), 2)),
                 QString(), QString(), QString(), QString()});
    rows.append({QStringLiteral("cold start (ms)"),
                 QStringLiteral("median %1").arg(number(median(r.coldStartMs), 1)),
                 QStringLiteral("max %1").arg(number(maximum(r.coldStartMs), 1)),
                 QStringLiteral("%1 runs").arg(r.coldStartMs.size()),
                 QStringLiteral("<= %1").arg(ColdStartTargetMs), verdict(targets(r).last().met)});
    rows.append({QStringLiteral("RSS around the GETs"), bytes(r.rssAfterMixBytes) + QStringLiteral(" after"),
                 bytes(r.rssBeforeMixBytes) + QStringLiteral(" before"),
                 bytes(r.rssAfterMixBytes - r.rssBeforeMixBytes, true),
                 bytes(r.rssGrowthSecondHalfBytes(), true) + QStringLiteral(" in the second half"), QString()});
    QString out = ReportFormat::table(rows) + QLatin1Char('\n');
    out += QStringLiteral("data set: %1 bookings; %2 availability questions; POST /api/bookings answers: "
                          "%3 x 201, %4 x 409, %5 x 429, %6 x 5xx, %7 non-2xx, %8 socket errors\n")
               .arg(r.bookings)
               .arg(r.questions)
               .arg(r.bookingWrk.statuses.value(201))
               .arg(r.bookingWrk.statuses.value(409))
               .arg(r.bookingWrk.statuses.value(429))
               .arg(inRange(r.bookingWrk.statuses, 500, 599))
               .arg(r.bookingWrk.non2xx)
               .arg(r.bookingWrk.socketErrors);
    out += QStringLiteral("RSS mix: %1 requests (%2), %3 non-2xx; server connections at the end %4\n")
               .arg(r.mix.requests)
               .arg(r.mixText)
               .arg(r.mix.non2xx)
               .arg(r.serverConnectionsAtEnd);
    return out;
}

} // namespace ApiBenchReport
