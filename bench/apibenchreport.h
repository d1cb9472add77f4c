#pragma once

#include "bench/runsummary.h"

#include <QJsonObject>
#include <QList>
#include <QString>

struct ApiBenchmarkResult;

// The online API's part of the server report (serverbenchreport.cpp).
namespace ApiBenchReport {

// availability ratio >= 0.7, bookings ratio >= 0.6, cold start median <= 300 ms.
QList<RunSummary::Target> targets(const ApiBenchmarkResult &result);
// {"data_set", "availability", "bookings", "cold_start_ms", "rss", "server_connections"}
// (README, Benchmark); connectionsAfterShutdown is the run's own count.
QJsonObject json(const ApiBenchmarkResult &result, int connectionsAfterShutdown);
// A few lines for people, under the /health table.
QString text(const ApiBenchmarkResult &result);

} // namespace ApiBenchReport
