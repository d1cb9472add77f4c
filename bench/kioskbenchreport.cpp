// The report of carwash-bench kiosk (see benchreport.h).

#include "bench/benchreport.h"

#include "bench/guistallmeter.h"
#include "bench/kioskbenchmark.h"
#include "bench/reportformat.h"

#include <QJsonArray>

using namespace ReportFormat;

namespace {

using Target = RunSummary::Target;

qint64 rssGrowth(const KioskBenchmarkResult &r)
{
    return r.rssEndBytes - r.rssAfterWarmUpBytes;
}

int connectionsAfterWarmUp(const KioskBenchmarkResult &r)
{
    return r.poolConnectionsAfterWarmUp + r.listenerConnectionsAfterWarmUp;
}

int connectionsAtEnd(const KioskBenchmarkResult &r)
{
    return r.poolConnectionsEnd + r.listenerConnectionsEnd;
}

int measuredFlows(const KioskBenchmarkResult &r)
{
    return std::max(r.measuredFlowsCompleted, 1);
}

// {"Pay": {"count", "max_ms"}, ...}: where the stalls over the target came.
QJsonObject byScreen(const KioskBenchmarkResult &r)
{
    QJsonObject out;
    for (auto it = r.stallsOverTargetByScreen.begin(); it != r.stallsOverTargetByScreen.end(); ++it)
        out.insert(
            it.key(),
            QJsonObject {{QStringLiteral("count"), it.value()},
                         {QStringLiteral("max_ms"), rounded(r.stallMaxMsByScreen.value(it.key()), 2)}});
    return out;
}

QList<Target> targets(const KioskBenchmarkResult &r)
{
    return {{QStringLiteral("gui_stall"), r.stallMaxMs < KioskBenchmark::TargetStallMs},
            {QStringLiteral("rss_growth"),
             rssGrowth(r) <= KioskBenchmark::TargetRssGrowthPerFlowBytes * measuredFlows(r)},
            {QStringLiteral("connection_growth"), connectionsAtEnd(r) <= connectionsAfterWarmUp(r)}};
}

} // namespace

namespace BenchReport {

QString table(const KioskBenchmarkResult &r)
{
    const QList<Target> met = targets(r);
    QList<Row> rows;
    rows.append({QStringLiteral("figure"), QStringLiteral("after warm-up"), QStringLiteral("at the end"),
                 QStringLiteral("result"), QStringLiteral("target"), QString()});
    rows.append({QStringLiteral("flows per minute"), QString(), QString(), number(r.flowsPerMinute(), 1),
                 QStringLiteral("(none)"), QString()});
    rows.append({QStringLiteral("GUI stall max / p99 (ms)"), QString(), QString(),
                 QStringLiteral("%1 / %2").arg(number(r.stallMaxMs, 1), number(r.stallP99Ms, 1)),
                 QStringLiteral("< %1").arg(KioskBenchmark::TargetStallMs), verdict(met[0].met)});
    rows.append({QStringLiteral("RSS"), bytes(r.rssAfterWarmUpBytes), bytes(r.rssEndBytes),
                 bytes(rssGrowth(r), true),
                 QStringLiteral("<= %1 a flow").arg(bytes(KioskBenchmark::TargetRssGrowthPerFlowBytes)),
                 verdict(met[1].met)});
    rows.append(
        {QStringLiteral("kiosk connections (pool + listener)"),
         QStringLiteral("%1 + %2").arg(r.poolConnectionsAfterWarmUp).arg(r.listenerConnectionsAfterWarmUp),
         QStringLiteral("%1 + %2").arg(r.poolConnectionsEnd).arg(r.listenerConnectionsEnd),
         QString::number(connectionsAtEnd(r) - connectionsAfterWarmUp(r)), QStringLiteral("no growth"),
         verdict(met[2].met)});
    QString out = QStringLiteral("carwash-bench kiosk: %1 flows asked, %2 to warm up; one kiosk, %3 lanes, "
                                 "the reader through carwash-server and the fake Stripe\n\n")
                      .arg(r.flowsAsked)
                      .arg(r.warmUpFlows)
                      .arg(r.bays);
    out += ReportFormat::table(rows) + QLatin1Char('\n');
    out += QStringLiteral(
               "%1 flows completed (%2 after the warm-up, in %3 s), %4 failed; %5-%6 touches a flow; "
               "pool at most %7 of %8 connections\n")
               .arg(r.flowsCompleted)
               .arg(r.measuredFlowsCompleted)
               .arg(number(r.measuredSeconds, 1))
               .arg(r.failureCount)
               .arg(r.minTouches)
               .arg(r.maxTouches)
               .arg(r.poolConnectionsMax)
               .arg(r.poolLimit);
    out += QStringLiteral("machine: %1 CPUs, load average %2 after the warm-up, %3 at the end\n")
               .arg(r.cpus)
               .arg(number(r.loadAfterWarmUp, 2), number(r.loadAtEnd, 2));
    out += QStringLiteral(
               "database: %1 bookings confirmed, %2 payments succeeded, %3 held, %4 card payments open; "
               "carwash-server exit code %5\n")
               .arg(r.bookingsConfirmed)
               .arg(r.paymentsSucceeded)
               .arg(r.bookingsHeld)
               .arg(r.paymentsOpen)
               .arg(r.serverExitCode);
    QStringList stalls;
    for (auto it = r.stallsOverTargetByScreen.begin(); it != r.stallsOverTargetByScreen.end(); ++it)
        stalls << QStringLiteral("%1 %2 (longest %3 ms)")
                      .arg(it.key())
                      .arg(it.value())
                      .arg(number(r.stallMaxMsByScreen.value(it.key()), 1));
    if (!stalls.isEmpty())
        out += QStringLiteral("GUI stalls over the target by the screen shown: %1\n").arg(stalls.join(u", "));
    for (const KioskBenchmarkResult::Failure &f : r.failures)
        out += QStringLiteral("  flow %1 failed on %2: %3\n").arg(f.flow).arg(f.screen, f.reason);
    if (!r.stoppedEarly.isEmpty())
        out += QStringLiteral("stopped early: %1\n").arg(r.stoppedEarly);
    out += r.run.text(met);
    return out;
}

QJsonObject json(const KioskBenchmarkResult &r)
{
    QJsonArray failures;
    for (const KioskBenchmarkResult::Failure &f : r.failures)
        failures.append(QJsonObject {{QStringLiteral("flow"), f.flow},
                                     {QStringLiteral("screen"), f.screen},
                                     {QStringLiteral("reason"), f.reason}});
    QJsonObject out {
        {QStringLiteral("flows"),
         QJsonObject {
             {QStringLiteral("asked"), r.flowsAsked},
             {QStringLiteral("warm_up"), r.warmUpFlows},
             {QStringLiteral("completed"), r.flowsCompleted},
             {QStringLiteral("failed"), r.failureCount},
             {QStringLiteral("measured"), r.measuredFlowsCompleted},
             {QStringLiteral("measured_seconds"), rounded(r.measuredSeconds, 3)},
             {QStringLiteral("per_minute"), rounded(r.flowsPerMinute(), 2)},
             {QStringLiteral("touches_min"), r.minTouches},
             {QStringLiteral("touches_max"), r.maxTouches},
             {QStringLiteral("what"),
              QStringLiteral("attract, the first wash, car, the next free time, a 7-character plate on "
                             "the on-screen keyboard, the kiosk's reader (a card presented at the fake "
                             "Stripe's simulated reader, paid through carwash-server), Done, Finish, "
                             "attract again; measured from the warm-up's end")}}},
        {QStringLiteral("flow_failures"), failures},
        {QStringLiteral("flow_failures_not_listed"), std::max(0, r.failureCount - int(r.failures.size()))},
        {QStringLiteral("stopped_early"),
         r.stoppedEarly.isEmpty() ? QJsonValue() : QJsonValue(r.stoppedEarly)},
        {QStringLiteral("gui_stall_ms"),
         QJsonObject {{QStringLiteral("max"), rounded(r.stallMaxMs, 2)},
                      {QStringLiteral("p99"), rounded(r.stallP99Ms, 2)},
                      {QStringLiteral("target_max"), KioskBenchmark::TargetStallMs},
                      {QStringLiteral("over_target"), r.stallsOverTarget},
                      {QStringLiteral("ticks"), r.stallTicks},
                      {QStringLiteral("tick_interval_ms"), GuiStallMeter::IntervalMs},
                      {QStringLiteral("warm_up_max"), rounded(r.warmUpStallMaxMs, 2)},
                      {QStringLiteral("over_target_by_screen"), byScreen(r)},
                      {QStringLiteral("what"),
                       QStringLiteral("how much later than its interval a precise timer on the GUI thread "
                                      "ticked, after the warm-up")}}},
        {QStringLiteral("rss_bytes"),
         QJsonObject {
             {QStringLiteral("after_warm_up"), r.rssAfterWarmUpBytes},
             {QStringLiteral("end"), r.rssEndBytes},
             {QStringLiteral("growth"), rssGrowth(r)},
             {QStringLiteral("growth_per_flow"), rounded(double(rssGrowth(r)) / measuredFlows(r), 1)},
             {QStringLiteral("target_growth_per_flow"), KioskBenchmark::TargetRssGrowthPerFlowBytes}}},
        {QStringLiteral("kiosk_connections"),
         QJsonObject {{QStringLiteral("application_name"), KioskBenchmark::ApplicationName},
                      {QStringLiteral("pool_after_warm_up"), r.poolConnectionsAfterWarmUp},
                      {QStringLiteral("pool_end"), r.poolConnectionsEnd},
                      {QStringLiteral("pool_max"), r.poolConnectionsMax},
                      {QStringLiteral("pool_limit"), r.poolLimit},
                      {QStringLiteral("listener_after_warm_up"), r.listenerConnectionsAfterWarmUp},
                      {QStringLiteral("listener_end"), r.listenerConnectionsEnd},
                      {QStringLiteral("after_warm_up"), connectionsAfterWarmUp(r)},
                      {QStringLiteral("end"), connectionsAtEnd(r)},
                      {QStringLiteral("growth"), connectionsAtEnd(r) - connectionsAfterWarmUp(r)}}},
        {QStringLiteral("database"),
         QJsonObject {{QStringLiteral("kiosk"), r.kioskName},
                      {QStringLiteral("reader"), r.readerId},
                      {QStringLiteral("bays"), r.bays},
                      {QStringLiteral("bookings_confirmed"), r.bookingsConfirmed},
                      {QStringLiteral("payments_succeeded"), r.paymentsSucceeded},
                      {QStringLiteral("bookings_held"), r.bookingsHeld},
                      {QStringLiteral("payments_open"), r.paymentsOpen}}},
        {QStringLiteral("server"), QJsonObject {{QStringLiteral("exit_code"), r.serverExitCode}}},
        {QStringLiteral("machine"),
         QJsonObject {
             {QStringLiteral("cpus"), r.cpus},
             {QStringLiteral("load_average_after_warm_up"), rounded(r.loadAfterWarmUp, 2)},
             {QStringLiteral("load_average_end"), rounded(r.loadAtEnd, 2)},
             {QStringLiteral("what"),
              QStringLiteral("the 1-minute load average beside the CPUs: GUI stalls on a loaded machine "
                             "are also the scheduler's")}}},
    };
    r.run.addTo(out, targets(r));
    return out;
}

} // namespace BenchReport
