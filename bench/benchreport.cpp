#include "bench/benchreport.h"

#include "bench/availabilitybenchmark.h"
#include "bench/poolbenchmark.h"

#include <QLocale>
#include <QStringList>
#include <QThread>

#include <cmath>

namespace {

double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

QString number(double value, int decimals)
{
    return QLocale::c().toString(value, 'f', decimals);
}

QString grouped(double value, int decimals)
{
    QLocale locale = QLocale::c();
    locale.setNumberOptions(QLocale::DefaultNumberOptions); // thousands separators
    return locale.toString(value, 'f', decimals);
}

QString bytes(qint64 value, bool withSign = false)
{
    const QString sign = withSign && value > 0 ? QStringLiteral("+") : QString();
    if (std::llabs(value) >= 1024 * 1024)
        return sign + number(double(value) / (1024.0 * 1024.0), 2) + QStringLiteral(" MiB");
    if (std::llabs(value) >= 1024)
        return sign + number(double(value) / 1024.0, 1) + QStringLiteral(" KiB");
    return sign + QString::number(value) + QStringLiteral(" B");
}

QString verdict(bool met)
{
    return met ? QStringLiteral("met") : QStringLiteral("NOT met");
}

struct Row
{
    QString figure, pool, baseline, result, target, verdict;
};

} // namespace

namespace BenchReport {

QString table(const PoolBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("pool"), QStringLiteral("baseline"),
                 QStringLiteral("result"), QStringLiteral("target"), QString()});

    const std::optional<double> bookingRatio = r.bookingRatio();
    rows.append({QStringLiteral("booking_tx (tx/s)"), grouped(r.bookingPoolTps, 0),
                 r.pgbenchTps
                     ? grouped(*r.pgbenchTps, 0) + QStringLiteral(" pgbench -c %1").arg(r.connectionLimit)
                     : QStringLiteral("pgbench unavailable"),
                 bookingRatio ? number(*bookingRatio, 3) + QStringLiteral(" x") : QStringLiteral("-"),
                 QStringLiteral(">= 0.9 x"), bookingRatio ? verdict(*bookingRatio >= 0.9) : QString()});
    rows.append({QStringLiteral("per_request (SELECT 1/s)"), grouped(r.selectPoolTps, 0),
                 grouped(r.perRequestTps, 0) + QStringLiteral(" new conn each"),
                 number(r.perRequestRatio(), 1) + QStringLiteral(" x"), QStringLiteral(">= 100 x"),
                 verdict(r.perRequestRatio() >= 100)});
    rows.append({QStringLiteral("overhead_us (SELECT 1)"),
                 number(r.poolUsPerJob, 1) + QStringLiteral(" us/job"),
                 number(r.directUsPerJob, 1) + QStringLiteral(" us direct"),
                 number(r.overheadUs(), 1) + QStringLiteral(" us"), QStringLiteral("<= 15 us"),
                 verdict(r.overheadUs() <= 15)});
    rows.append({QStringLiteral("rss_growth (%1 jobs)").arg(grouped(double(r.rssUnits), 0)),
                 bytes(r.rssAfterBytes) + QStringLiteral(" after"),
                 bytes(r.rssBeforeBytes) + QStringLiteral(" before"), bytes(r.rssGrowthBytes(), true),
                 QStringLiteral("< 1 MiB"), verdict(r.rssGrowthBytes() < 1024 * 1024)});
    rows.append({QStringLiteral("server connections (max)"), QString::number(r.maxServerConnections),
                 QStringLiteral("limit %1").arg(r.connectionLimit),
                 QStringLiteral("%1 after shutdown").arg(r.connectionsAfterShutdown),
                 QStringLiteral("<= limit"), verdict(r.maxServerConnections <= r.connectionLimit)});

    QList<int> widths(6, 0);
    for (const Row &row : std::as_const(rows)) {
        const QStringList cells {row.figure, row.pool, row.baseline, row.result, row.target, row.verdict};
        for (int i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], int(cells[i].size()));
    }

    QString out;
    out += QStringLiteral("carwash-bench pool: PostgreSQL %1, %2\n")
               .arg(r.serverVersion, r.serverDescription);
    out += QStringLiteral(
               "pool as shipped: %1 connections, monitoring %2; %3 concurrent submitters; "
               "%4 s per side (ABBA halves; overhead: medians of %5 alternating rounds); %6 CPUs\n\n")
               .arg(r.connectionLimit)
               .arg(r.monitoring ? QStringLiteral("on") : QStringLiteral("off"))
               .arg(r.submitters)
               .arg(r.secondsPerSide)
               .arg(PoolBenchmark::OverheadRounds)
               .arg(QThread::idealThreadCount());
    for (const Row &row : std::as_const(rows)) {
        const QStringList cells {row.figure, row.pool, row.baseline, row.result, row.target, row.verdict};
        QString line;
        for (int i = 0; i < cells.size(); ++i)
            line += cells[i].leftJustified(widths[i] + 3);
        out += line.trimmed() + QLatin1Char('\n');
    }
    out += QLatin1Char('\n');
    if (!r.pgbenchError.isEmpty())
        out += QStringLiteral("pgbench: %1\n").arg(r.pgbenchError);
    if (r.poolFailures + r.baselineFailures > 0)
        out += QStringLiteral("failures: %1 through the pool, %2 in baselines; first: %3\n")
                   .arg(r.poolFailures)
                   .arg(r.baselineFailures)
                   .arg(r.firstFailure);
    out += QStringLiteral(
        "booking_tx: BEGIN; INSERT INTO bookings (exclusion constraint checked, never violated); "
        "COMMIT.\nper_request and overhead_us: SELECT 1 as the unit of work.\n");
    return out;
}

QJsonObject json(const PoolBenchmarkResult &r)
{
    const std::optional<double> bookingRatio = r.bookingRatio();
    return QJsonObject {
        {QStringLiteral("booking_tx"),
         QJsonObject {
             {QStringLiteral("pool_tps"), rounded(r.bookingPoolTps, 1)},
             {QStringLiteral("pgbench_tps"),
              r.pgbenchTps ? QJsonValue(rounded(*r.pgbenchTps, 1)) : QJsonValue()},
             {QStringLiteral("ratio"), bookingRatio ? QJsonValue(rounded(*bookingRatio, 3)) : QJsonValue()}}},
        {QStringLiteral("per_request"),
         QJsonObject {{QStringLiteral("pool_tps"), rounded(r.selectPoolTps, 1)},
                      {QStringLiteral("per_request_tps"), rounded(r.perRequestTps, 1)},
                      {QStringLiteral("ratio"), rounded(r.perRequestRatio(), 1)}}},
        {QStringLiteral("overhead_us"), rounded(r.overheadUs(), 2)},
        {QStringLiteral("rss_growth_bytes"), r.rssGrowthBytes()},
        {QStringLiteral("max_server_connections"), r.maxServerConnections},
        {QStringLiteral("connection_limit"), r.connectionLimit},
    };
}

QString table(const AvailabilityBenchmarkResult &r)
{
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("p50 / pool"), QStringLiteral("p95 / baseline"),
                 QStringLiteral("result"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("availability, server (ms)"), number(r.serverP50Ms, 3),
                 number(r.serverP95Ms, 3), QStringLiteral("p95 %1 ms").arg(number(r.serverP95Ms, 3)),
                 QStringLiteral("p95 <= 2 ms"), verdict(r.serverP95Ms <= 2)});
    rows.append({QStringLiteral("availability, end to end (ms)"), number(r.endToEndP50Ms, 3),
                 number(r.endToEndP95Ms, 3), QStringLiteral("p95 %1 ms").arg(number(r.endToEndP95Ms, 3)),
                 QStringLiteral("p95 <= 10 ms"), verdict(r.endToEndP95Ms <= 10)});
    const std::optional<double> ratio = r.bookingRatio();
    rows.append({QStringLiteral("booking_tx (tx/s)"), grouped(r.bookingPoolTps, 0),
                 r.pgbenchTps
                     ? grouped(*r.pgbenchTps, 0) + QStringLiteral(" pgbench -c %1").arg(r.connectionLimit)
                     : QStringLiteral("pgbench unavailable"),
                 ratio ? number(*ratio, 3) + QStringLiteral(" x") : QStringLiteral("-"),
                 QStringLiteral(">= 0.9 x"), ratio ? verdict(*ratio >= 0.9) : QString()});

    QList<int> widths(6, 0);
    for (const Row &row : std::as_const(rows)) {
        const QStringList cells {row.figure, row.pool, row.baseline, row.result, row.target, row.verdict};
        for (int i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], int(cells[i].size()));
    }
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
    out += QStringLiteral("pool as shipped: %1 connections; %2 CPUs\n\n")
               .arg(r.connectionLimit)
               .arg(QThread::idealThreadCount());
    for (const Row &row : std::as_const(rows)) {
        const QStringList cells {row.figure, row.pool, row.baseline, row.result, row.target, row.verdict};
        QString line;
        for (int i = 0; i < cells.size(); ++i)
            line += cells[i].leftJustified(widths[i] + 3);
        out += line.trimmed() + QLatin1Char('\n');
    }
    out += QLatin1Char('\n');
    if (!r.pgbenchError.isEmpty())
        out += QStringLiteral("pgbench: %1\n").arg(r.pgbenchError);
    if (r.poolFailures > 0)
        out += QStringLiteral("failures through the pool: %1; first: %2\n")
                   .arg(r.poolFailures)
                   .arg(r.firstFailure);
    out += QStringLiteral(
               "server: PostgreSQL's planning + execution time of the %1 statement(s) one "
               "AvailabilityRepo::forDate sent (traced from the wire, replayed under EXPLAIN ANALYZE, "
               "TIMING OFF), %2 random days of the booked weeks.\n"
               "end to end: %3 requests from the event loop's thread through the pool (queue, query, "
               "decoding, slot planning) until the result is back on it, one at a time; %4 free slots "
               "per answer on average. No item model in models/ shows availability yet, so none is "
               "timed.\n"
               "booking_tx: BookingRepo::create (idempotency key, availability check, customer "
               "upsert, insert, add-ons, audit, notify) through the pool against pgbench sending "
               "the same statements, %5 s per side in ABBA halves; %6 % of the pool's creates "
               "booked (the rest found their random slot taken).\n")
               .arg(r.statementsPerRequest)
               .arg(r.serverSamples)
               .arg(r.endToEndSamples)
               .arg(number(r.freeSlotsPerRequest, 1))
               .arg(r.secondsPerSide)
               .arg(number(100.0 * r.poolBookedShare, 1));
    return out;
}

QJsonObject json(const AvailabilityBenchmarkResult &r)
{
    const std::optional<double> ratio = r.bookingRatio();
    return QJsonObject {
        {QStringLiteral("bookings"), r.bookings},
        {QStringLiteral("bays"), r.bays},
        {QStringLiteral("server_ms"),
         QJsonObject {{QStringLiteral("p50"), rounded(r.serverP50Ms, 3)},
                      {QStringLiteral("p95"), rounded(r.serverP95Ms, 3)}}},
        {QStringLiteral("end_to_end_ms"),
         QJsonObject {{QStringLiteral("p50"), rounded(r.endToEndP50Ms, 3)},
                      {QStringLiteral("p95"), rounded(r.endToEndP95Ms, 3)}}},
        {QStringLiteral("booking_tx"),
         QJsonObject {{QStringLiteral("pool_tps"), rounded(r.bookingPoolTps, 1)},
                      {QStringLiteral("pgbench_tps"),
                       r.pgbenchTps ? QJsonValue(rounded(*r.pgbenchTps, 1)) : QJsonValue()},
                      {QStringLiteral("ratio"), ratio ? QJsonValue(rounded(*ratio, 3)) : QJsonValue()}}},
    };
}

} // namespace BenchReport
