#pragma once

#include <QJsonObject>
#include <QString>

struct PoolBenchmarkResult;

// How a run is shown: a table for people, each figure beside its baseline
// and target, or the JSON the issue specifies for scripts. Targets are shown,
// never enforced: this is a benchmark, not a test.
namespace BenchReport {

QString table(const PoolBenchmarkResult &result);
QJsonObject json(const PoolBenchmarkResult &result);

} // namespace BenchReport
