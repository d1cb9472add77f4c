#pragma once

#include "bench/runsummary.h"

#include <QtGlobal>

class BenchServer;
struct DatabaseConfig;

// The figures of one `carwash-bench diagnostics` run.
struct DiagnosticsBenchmarkResult
{
    struct Side
    {
        double cpuSeconds = 0;
        double wallSeconds = 0;
        qint64 jobs = 0; // submitted
        qint64 failed = 0; // of those, answered with an error
        int chartRefreshes = 0;
        double corePct() const { return wallSeconds > 0 ? 100.0 * cpuSeconds / wallSeconds : 0; }
    };

    int secondsPerSide = 0;
    int jobsPerSecond = 0;
    int poolConnections = 0;
    Side monitoringOff;
    Side diagnosticsOn;
    double costCorePct() const { return diagnosticsOn.corePct() - monitoringOff.corePct(); }
    int maxServerConnections = 0;
    RunSummary run;
};

// carwash-bench diagnostics: what sampling and charting once a second cost a
// process, as a share of one core, beside the same process with monitoring
// off. Both sides run the same steady light workload through a pool on the
// same server; the "on" side also runs the diagnostics model and draws the
// four charts (offscreen) every second, the "off" side has the monitor
// disabled and no diagnostics. Needs a QApplication (widgets). Blocking.
class DiagnosticsBenchmark
{
public:
    static constexpr double TargetCorePct = 2.0;
    static constexpr int PoolConnections = 3;

    DiagnosticsBenchmark(BenchServer &server, int secondsPerSide, int jobsPerSecond);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(DiagnosticsBenchmarkResult *result, QString *error);

private:
    bool measure(const DatabaseConfig &base, bool monitoring, DiagnosticsBenchmarkResult::Side *side,
                 QString *firstError, QString *error);

    BenchServer &m_server;
    const int m_secondsPerSide;
    const int m_jobsPerSecond;
};
