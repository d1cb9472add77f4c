#pragma once

#include <QJsonObject>
#include <QString>

struct PoolBenchmarkResult;
struct AvailabilityBenchmarkResult;

// How a run is shown: a table for people, each figure beside its baseline
// and target, or the JSON the issue specifies for scripts. Targets are shown,
// never enforced: this is a benchmark, not a test.
namespace BenchReport {

QString table(const PoolBenchmarkResult &result);
QJsonObject json(const PoolBenchmarkResult &result);
QString table(const AvailabilityBenchmarkResult &result);
// {"bookings", "bays", "server_ms": {"p50", "p95"}, "end_to_end_ms": {"p50", "p95"},
//  "booking_tx": {"pool_tps", "pgbench_tps", "ratio"}}
QJsonObject json(const AvailabilityBenchmarkResult &result);

} // namespace BenchReport
