#pragma once

#include <QJsonObject>
#include <QString>

struct PoolBenchmarkResult;
struct AvailabilityBenchmarkResult;
struct DiagnosticsBenchmarkResult;
struct WebhookBenchmarkResult;
struct ServerBenchmarkResult;
struct KioskBenchmarkResult;

// How a run is shown: a table for people, each figure beside its baseline
// and target, or JSON for scripts. Targets are shown, never enforced: this
// is a benchmark, not a test. Every JSON report ends with the run's own
// account (RunSummary::addTo): "clients", "failures", "pgbench_error" (where
// pgbench runs), "connections_after_shutdown" and "verdict"; a ratio against
// a baseline measured in rounds carries its "spread" ({"min", "max",
// "rounds": [each round's ratio], and each side's rate per round}).
namespace BenchReport {

// {"booking_tx": {"pool_tps", "pgbench_tps", "ratio", "clients", "spread"},
//  "per_request": {"pool_tps", "per_request_tps", "ratio", "submitters", "spread"},
//  "handoff_limit": {"tps", "pool_fraction", "per_request_fraction", "threads", "submitters", "spread"},
//  "overhead_us", "rss_growth_bytes", "max_server_connections", "connection_limit",
//  "rounds", "seconds_per_round", ...}
QString table(const PoolBenchmarkResult &result);
QJsonObject json(const PoolBenchmarkResult &result);
// {"bookings", "bays", "server_ms": {"p50", "p95"}, "end_to_end_ms": {"p50", "p95"},
//  "booking_tx": {"pool_tps", "pgbench_tps", "ratio", "clients", "spread"},
//  "max_server_connections", "connection_limit", "rounds", "seconds_per_round", ...}
QString table(const AvailabilityBenchmarkResult &result);
QJsonObject json(const AvailabilityBenchmarkResult &result);
// {"seconds_per_side", "jobs_per_second", "monitoring_off": {"core_pct", "jobs"},
//  "diagnostics_on": {"core_pct", "jobs", "chart_refreshes"}, "cost_core_pct",
//  "target_core_pct", "within_target", "max_server_connections", ...}
QString table(const DiagnosticsBenchmarkResult &result);
QJsonObject json(const DiagnosticsBenchmarkResult &result);
// (serverbenchreport.cpp)
// {"events": {"server_applied_per_s", "pgbench_tps", "ratio", "target_ratio", "connections", "spread"},
//  "latency_ms": {"p50", "p95", "p99", "samples"}, "deliveries": {"sent", "by_status", "by_result",
//  "reconnects"}, "burst": {..., "double_applied", "left_open": {...}}, "server": {"rss_before_bytes",
//  "rss_after_bytes", "peak_rss_bytes", "pool_connections", "exit_code"}, "transaction", ...}
QString table(const WebhookBenchmarkResult &result);
QJsonObject json(const WebhookBenchmarkResult &result);
// {"health": {"requests_per_s", "baseline_requests_per_s", "ratio", "connections", "spread",
//  "latency_ms", "requests", "non_2xx", "socket_errors"}, "baseline": {"what", ...},
//  "server": {"rss_before_bytes", "rss_after_bytes", "rss_growth_bytes", ...}, ...}
QString table(const ServerBenchmarkResult &result);
QJsonObject json(const ServerBenchmarkResult &result);
// (kioskbenchreport.cpp)
// {"flows": {"asked", "warm_up", "completed", "failed", "measured", "measured_seconds", "per_minute",
//  "touches_min", "touches_max", "what"}, "flow_failures": [{"flow", "screen", "reason"}],
//  "flow_failures_not_listed", "stopped_early", "gui_stall_ms": {"max", "p99", "target_max", "over_target",
//  "ticks", "tick_interval_ms", "warm_up_max", "over_target_by_screen": {SCREEN: {"count", "max_ms"}}, "what"},
//  "rss_bytes": {"after_warm_up", "end", "growth",
//  "growth_per_flow", "target_growth_per_flow"}, "kiosk_connections": {"application_name", "pool_*",
//  "listener_*", "after_warm_up", "end", "growth"}, "database": {"bookings_confirmed", "payments_succeeded",
//  "bookings_held", "payments_open", ...}, "server": {"exit_code"}, "machine": {"cpus",
//  "load_average_after_warm_up", "load_average_end", "what"}, ...}
QString table(const KioskBenchmarkResult &result);
QJsonObject json(const KioskBenchmarkResult &result);

} // namespace BenchReport
