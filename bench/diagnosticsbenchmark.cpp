#include "bench/diagnosticsbenchmark.h"

#include "bench/benchserver.h"
#include "bench/interruption.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "models/manager/diagnosticsmodel.h"
#include "ui/manager/diagnosticscharts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>
#include <sys/resource.h>

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Side
{
    double cpuSeconds = 0;
    double wallSeconds = 0;
    qint64 jobs = 0;
    int chartRefreshes = 0;
    double corePct() const { return wallSeconds > 0 ? 100.0 * cpuSeconds / wallSeconds : 0; }
};

// The steady light workload: jobsPerSecond short queries, as a desk in use
// would send, for the given time; with diagnostics on, the model ticks and
// the charts are refreshed and painted once a second.
Side measure(const DatabaseConfig &base, bool monitoring, int seconds, int jobsPerSecond)
{
    DatabaseConfig config = base;
    config.monitoring = monitoring;
    config.maxConnections = 3;
    ConnectionPool pool(config);
    // Warm up: connections open, migrations in place, before the clock starts.
    pool.withConnection(QStringLiteral("bench.warmup"), [](QSqlDatabase &db) { Migrator::migrate(db); })
        .waitForFinished();

    std::unique_ptr<DiagnosticsModel> model;
    std::unique_ptr<DiagnosticsCharts> charts;
    Side side;
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

    QTimer work;
    work.setInterval(1000 / jobsPerSecond);
    QObject::connect(&work, &QTimer::timeout, &work, [&] {
        pool.withConnection(QStringLiteral("bench.light"), [](QSqlDatabase &db) {
            Sql::scalar(db, QStringLiteral("SELECT count(*) FROM services"));
        });
        ++side.jobs;
    });
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
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
    pool.shutdown();
    return side;
}

} // namespace

int runDiagnosticsBenchmark(int argc, char *argv[])
{
    // Charts are drawn for real, on the offscreen platform unless told otherwise.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("carwash-bench"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("benchmark"), QStringLiteral("diagnostics"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the figures as JSON."));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Measuring time for each side (5-600)."),
                                           QStringLiteral("seconds"), QStringLiteral("30"));
    const QCommandLineOption rateOption(QStringLiteral("jobs-per-second"),
                                        QStringLiteral("The light workload's rate (1-200)."),
                                        QStringLiteral("n"), QStringLiteral("20"));
    parser.addOption(jsonOption);
    parser.addOption(secondsOption);
    parser.addOption(rateOption);
    parser.process(app);
    bool ok1 = false, ok2 = false;
    const int seconds = parser.value(secondsOption).toInt(&ok1);
    const int rate = parser.value(rateOption).toInt(&ok2);
    if (!ok1 || seconds < 5 || seconds > 600 || !ok2 || rate < 1 || rate > 200) {
        std::fprintf(stderr,
                     "carwash-bench: usage: carwash-bench diagnostics [--json] [--seconds 5-600] "
                     "[--jobs-per-second 1-200]\n");
        return 2;
    }

    Interruption::install();
    BenchServer server;
    QString error;
    std::fprintf(stderr, "carwash-bench: %s\n",
                 qEnvironmentVariableIsEmpty("DATABASE_URL") ? "starting a throwaway PostgreSQL cluster"
                                                             : "using DATABASE_URL");
    if (!server.start(&error)) {
        std::fprintf(stderr, "carwash-bench: %s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(stderr, "carwash-bench: %d s with monitoring off, then %d s with diagnostics on\n", seconds,
                 seconds);
    const Side off = measure(server.config(), false, seconds, rate);
    const Side on = Interruption::requested() ? Side() : measure(server.config(), true, seconds, rate);
    server.stop();
    if (Interruption::requested())
        return 130;

    const double cost = on.corePct() - off.corePct();
    const QJsonObject json {
        {QStringLiteral("seconds_per_side"), seconds},
        {QStringLiteral("jobs_per_second"), rate},
        {QStringLiteral("monitoring_off"),
         QJsonObject {{QStringLiteral("core_pct"), off.corePct()}, {QStringLiteral("jobs"), off.jobs}}},
        {QStringLiteral("diagnostics_on"),
         QJsonObject {{QStringLiteral("core_pct"), on.corePct()},
                      {QStringLiteral("jobs"), on.jobs},
                      {QStringLiteral("chart_refreshes"), on.chartRefreshes}}},
        {QStringLiteral("cost_core_pct"), cost},
        {QStringLiteral("target_core_pct"), 2.0},
        {QStringLiteral("within_target"), cost < 2.0},
    };
    if (parser.isSet(jsonOption)) {
        std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("Diagnostics cost (share of one core, %d s per side, %d jobs/s)\n", seconds, rate);
        std::printf("  monitoring off:                 %6.2f %%  (%lld jobs)\n", off.corePct(),
                    static_cast<long long>(off.jobs));
        std::printf("  monitoring + sampling + charts: %6.2f %%  (%lld jobs, %d chart refreshes)\n",
                    on.corePct(), static_cast<long long>(on.jobs), on.chartRefreshes);
        std::printf("  cost of diagnostics:            %6.2f %%  (target < 2 %%: %s)\n", cost,
                    cost < 2.0 ? "met" : "NOT met");
    }
    return 0;
}
