#include "bench/diagnosticsbenchmark.h"

#include "bench/benchserver.h"
#include "bench/connectionwatcher.h"
#include "bench/interruption.h"
#include "bench/progress.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "models/manager/diagnosticsmodel.h"
#include "ui/manager/diagnosticscharts.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <memory>
#include <sys/resource.h>

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

DiagnosticsBenchmark::DiagnosticsBenchmark(BenchServer &server, int secondsPerSide, int jobsPerSecond)
    : m_server(server)
    , m_secondsPerSide(secondsPerSide)
    , m_jobsPerSecond(jobsPerSecond)
{ }

bool DiagnosticsBenchmark::run(DiagnosticsBenchmarkResult *result, QString *error)
{
    DiagnosticsBenchmarkResult &r = *result;
    r.secondsPerSide = m_secondsPerSide;
    r.jobsPerSecond = m_jobsPerSecond;
    r.poolConnections = PoolConnections;
    RunSummary &summary = r.run;
    summary.declareSide(QStringLiteral("monitoring_off"));
    summary.declareSide(QStringLiteral("diagnostics_on"));
    summary.setClients(QStringLiteral("pool_connections"), PoolConnections);
    // One timer on the event loop's thread submits every job.
    summary.setClients(QStringLiteral("submitters"), 1);

    ConnectionWatcher watcher(m_server, m_server.config().applicationName);
    if (!watcher.start(error))
        return false;
    Bench::progress(QStringLiteral("%1 s with monitoring off, then %1 s with diagnostics on")
                        .arg(m_secondsPerSide));
    QString firstError;
    if (!measure(m_server.config(), false, &r.monitoringOff, &firstError, error))
        return false;
    summary.countFailures(QStringLiteral("monitoring_off"), r.monitoringOff.failed, firstError);
    firstError.clear();
    if (!measure(m_server.config(), true, &r.diagnosticsOn, &firstError, error))
        return false;
    summary.countFailures(QStringLiteral("diagnostics_on"), r.diagnosticsOn.failed, firstError);
    r.maxServerConnections = watcher.maximum();
    summary.setConnectionsAfterShutdown(watcher.settledCount());
    watcher.stop();
    return true;
}

// The steady light workload: jobsPerSecond short queries, as a desk in use
// would send, for the given time; with diagnostics on, the model ticks and
// the charts are refreshed and painted once a second.
bool DiagnosticsBenchmark::measure(const DatabaseConfig &base, bool monitoring,
                                   DiagnosticsBenchmarkResult::Side *result, QString *firstError,
                                   QString *error)
{
    DatabaseConfig config = base;
    config.monitoring = monitoring;
    config.maxConnections = PoolConnections;
    ConnectionPool pool(config);
    // Warm up: connections open, migrations in place, before the clock starts.
    const DbResult<Done> migrated
        = pool.withConnection(QStringLiteral("bench.warmup"), [](QSqlDatabase &db) { Migrator::migrate(db); })
              .result();
    if (!migrated.ok()) {
        *error = migrated.error().toLogString();
        return false;
    }

    std::unique_ptr<DiagnosticsModel> model;
    std::unique_ptr<DiagnosticsCharts> charts;
    DiagnosticsBenchmarkResult::Side &side = *result;
    if (monitoring) {
        ProcessIdentity self = ProcessIdentity::current(QStringLiteral("carwash-bench"));
        model = std::make_unique<DiagnosticsModel>(pool, self);
        charts = std::make_unique<DiagnosticsCharts>();
        charts->resize(1200, 800);
        charts->show();
        QObject::connect(model.get(), &DiagnosticsModel::updated, charts.get(), [&] {
            charts->refresh(model->history(), 300);
            charts->repaint(); // drawn now, as a visible screen would be
            ++side.chartRefreshes;
        });
        model->start();
    }

    // Kept to be counted after the clock stops, so checking them costs the
    // measured loop nothing.
    QList<QFuture<DbResult<int>>> answers;
    QTimer work;
    work.setInterval(1000 / m_jobsPerSecond);
    QObject::connect(&work, &QTimer::timeout, &work, [&] {
        answers.append(pool.withConnection(QStringLiteral("bench.light"), [](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT count(*) FROM services")).toInt();
        }));
        ++side.jobs;
    });
    QEventLoop loop;
    QTimer::singleShot(m_secondsPerSide * 1000, &loop, &QEventLoop::quit);
    QTimer interrupt;
    interrupt.setInterval(200);
    QObject::connect(&interrupt, &QTimer::timeout, &loop, [&] {
        if (Interruption::requested())
            loop.quit();
    });
    interrupt.start();

    QElapsedTimer wall;
    const double cpuBefore = cpuSeconds();
    wall.start();
    work.start();
    loop.exec();
    work.stop();
    side.cpuSeconds = cpuSeconds() - cpuBefore;
    side.wallSeconds = wall.nsecsElapsed() / 1e9;
    if (model)
        model->stop();
    charts.reset();
    model.reset();
    // Every job gets its answer before the pool closes: one cut short by the
    // shutdown would count as a failure of the workload.
    for (const QFuture<DbResult<int>> &answer : std::as_const(answers)) {
        const DbResult<int> outcome = answer.result();
        if (!outcome.ok()) {
            ++side.failed;
            if (firstError->isEmpty())
                *firstError = outcome.error().toLogString();
        }
    }
    pool.shutdown();
    return !Interruption::requested(error);
}
