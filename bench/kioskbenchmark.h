#pragma once

#include "bench/runsummary.h"

#include <QList>
#include <QMap>
#include <QString>

class BenchServer;

// The figures of one `carwash-bench kiosk` run.
struct KioskBenchmarkResult
{
    struct Failure
    {
        int flow = 0; // 1-based
        QString screen; // where the kiosk was when the step failed
        QString reason;
    };

    QString serverDescription;
    QString kioskName;
    QString readerId;
    int bays = 0; // lanes offering the wash
    int flowsAsked = 0;
    int warmUpFlows = 0; // the first flows, before RSS and connections are taken
    int flowsCompleted = 0; // paid on the reader, Done, back to Attract
    int measuredFlowsCompleted = 0; // of those, after the warm-up
    double measuredSeconds = 0; // from the warm-up's end to the last flow's
    int minTouches = 0, maxTouches = 0; // per completed flow, Finish included
    QList<Failure> failures; // the first MaxListedFailures
    int failureCount = 0;
    QString stoppedEarly; // why the run ended before flowsAsked, empty when it did not

    // The GUI thread (after the warm-up).
    double stallMaxMs = 0;
    double stallP99Ms = 0;
    qint64 stallTicks = 0;
    qint64 stallsOverTarget = 0;
    double warmUpStallMaxMs = 0;
    // Stalls over the target by the screen shown when the late tick came.
    QMap<QString, qint64> stallsOverTargetByScreen;
    QMap<QString, double> stallMaxMsByScreen;

    // The machine's 1-minute load average (/proc/loadavg) after the warm-up
    // and at the end, beside its CPUs: stalls on a shared machine are also
    // the scheduler's; -1 where unreadable.
    int cpus = 0;
    double loadAfterWarmUp = -1, loadAtEnd = -1;

    qint64 rssAfterWarmUpBytes = 0;
    qint64 rssEndBytes = 0;
    // The kiosk's backends (pool + its booking listener) in pg_stat_activity.
    int poolConnectionsAfterWarmUp = 0, poolConnectionsEnd = 0, poolConnectionsMax = 0;
    int listenerConnectionsAfterWarmUp = 0, listenerConnectionsEnd = 0;
    int poolLimit = 0;

    // Counted in the database after the run, for the kiosk's bookings.
    qint64 bookingsConfirmed = 0;
    qint64 bookingsHeld = 0;
    qint64 paymentsSucceeded = 0;
    qint64 paymentsOpen = 0; // pending or processing

    int serverExitCode = -1;
    RunSummary run;

    double flowsPerMinute() const
    {
        return measuredSeconds > 0 ? measuredFlowsCompleted * 60.0 / measuredSeconds : 0;
    }
};

// carwash-bench kiosk: one KioskWindow (offscreen, 1080x1920) on a pool of
// its own, driven like a customer (KioskDriver: taps on the buttons it
// shows) through complete flows - the first wash, car, the next free time,
// a seven-character plate, the kiosk's reader paid through carwash-server
// and the fake Stripe (a card presented at its simulated reader), Done,
// Finish - while a timer on the GUI thread measures its stalls. RSS and the
// kiosk's server connections are taken after a warm-up and at the end; the
// kiosk's bookings and payments are counted in the database afterwards.
// Needs a QApplication (widgets) and node for the fake Stripe. Blocking.
class KioskBenchmark
{
public:
    static constexpr double TargetStallMs = 50;
    // RSS growth per flow after the warm-up counted as none: allocator noise.
    static constexpr qint64 TargetRssGrowthPerFlowBytes = 1024;
    static constexpr int MaxListedFailures = 50;
    static constexpr int MaxFailuresInARow = 5;
    static constexpr int StepTimeoutMs = 60000;
    static constexpr int Bays = 8;
    static inline const QString ApplicationName = QStringLiteral("carwash-bench-kiosk");
    static int warmUpFor(int flows);

    KioskBenchmark(BenchServer &server, int flows);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(KioskBenchmarkResult *result, QString *error);

private:
    BenchServer &m_server;
    const int m_flows;
};
