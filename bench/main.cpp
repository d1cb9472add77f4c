// carwash-bench: measures the connection pool against its baselines on a
// real PostgreSQL. It reports; it does not pass or fail.

#include "bench/availabilitybenchmark.h"
#include "bench/benchreport.h"
#include "bench/benchserver.h"
#include "bench/diagnosticsbenchmark.h"
#include "bench/interruption.h"
#include "bench/kioskbenchmark.h"
#include "bench/poolbenchmark.h"
#include "bench/progress.h"
#include "bench/serverbenchmark.h"
#include "bench/webhookbenchmark.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonDocument>

#include <cstdio>
#include <memory>

using Bench::progress;

namespace {

enum ExitCode { Ran = 0, CannotRun = 1, BadUsage = 2, Interrupted = 130 };

const char *const kUsage = "usage: carwash-bench pool [--json] [--seconds N] [--rounds N] [--rss-jobs N]\n"
                           "       carwash-bench availability [--json] [--seconds N] [--rounds N] [--bookings N]\n"
                           "       carwash-bench diagnostics [--json] [--seconds N] [--jobs-per-second N]\n"
                           "       carwash-bench webhooks [--json] [--seconds N] [--rounds N] [--events N]\n"
                           "       carwash-bench server [--json] [--seconds N] [--rounds N] [--bookings N] [--requests N]\n"
                           "       carwash-bench kiosk [--json] [--flows N]";

// The option's value as a whole number within [low, high], or BadUsage said.
bool wholeNumber(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 low, qint64 high,
                 qint64 *value)
{
    bool ok = false;
    *value = parser.value(option).toLongLong(&ok);
    if (ok && *value >= low && *value <= high)
        return true;
    progress(QStringLiteral("--%1 must be a whole number from %2 to %3, not \"%4\"")
                 .arg(option.names().first())
                 .arg(low)
                 .arg(high)
                 .arg(parser.value(option)));
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    // diagnostics draws charts and kiosk drives the kiosk's window: they need a
    // QApplication, offscreen unless told otherwise.
    bool widgets = false;
    for (int i = 1; i < argc; ++i)
        widgets = widgets || qstrcmp(argv[i], "diagnostics") == 0 || qstrcmp(argv[i], "kiosk") == 0;
    if (widgets && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app = widgets ? std::make_unique<QApplication>(argc, argv)
                                                          : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("carwash-bench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks of CarWash Desk.\n\n"
        "  pool          the connection pool against pgbench (a booking transaction, the same number\n"
        "                of clients on both sides), a new connection per request, the handoff limit\n"
        "                (the same SELECT 1 jobs handed to as many threads with raw libpq connections)\n"
        "                and a direct connection, plus its memory growth and server connections.\n"
        "  availability  generates 20 bays and --bookings bookings of history, then one day's\n"
        "                availability: p50/p95 on the server (planning + execution of the\n"
        "                statements AvailabilityRepo sends, by EXPLAIN ANALYZE) and end to end\n"
        "                through the pool; and BookingRepo::create through the pool against\n"
        "                pgbench sending the same statements.\n"
        "  diagnostics   the manager's diagnostics (monitor, sampling, model, four charts drawn\n"
        "                offscreen) as a share of one core, beside the same load with monitoring off.\n"
        "  server        carwash-server on the availability data set (--bookings): cold starts to the\n"
        "                first 200 on /api/services; GET /health against a 404 path; GET /api/availability\n"
        "                and POST /api/bookings with wrk -c50 against pgbench -c50 sending the same\n"
        "                statements; RSS around --requests GETs of the API; its connections.\n"
        "  kiosk         one kiosk window (offscreen) driven through --flows complete flows like a\n"
        "                customer (first wash, car, next free time, a 7-character plate, paid on the\n"
        "                reader through carwash-server and the fake Stripe, which needs node): flows\n"
        "                per minute, the longest GUI-thread stall and its p99, RSS and the kiosk's\n"
        "                server connections after a warm-up and at the end, every failed flow.\n\n"
        "Comparisons run in alternated rounds (pool, baseline, pool, baseline, ...); a ratio is the\n"
        "median of the rounds', with its spread. Every report ends with its client counts, failures,\n"
        "pgbench's error, the connections left after shutdown and a verdict.\n\n"
        "Runs against DATABASE_URL when set (availability in a database of its own, created and\n"
        "dropped; needs CREATEDB), else against a throwaway PostgreSQL cluster it starts and stops.\n"
        "With the defaults pool takes about two minutes, diagnostics one, availability one plus\n"
        "generating its million bookings (about three minutes on two cores)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("benchmark"),
                                 QStringLiteral("pool, availability, diagnostics, webhooks, server or kiosk"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the figures as JSON."));
    const QCommandLineOption secondsOption(
        QStringLiteral("seconds"),
        QStringLiteral("Measuring time of each side in each round (1-300; default 4, diagnostics 30)."),
        QStringLiteral("seconds"));
    const QCommandLineOption roundsOption(
        QStringLiteral("rounds"),
        QStringLiteral("pool, availability, webhooks, server: alternated rounds per comparison (3-15)."),
        QStringLiteral("count"), QStringLiteral("5"));
    const QCommandLineOption bookingsOption(
        QStringLiteral("bookings"),
        QStringLiteral("availability, server: bookings of history to generate (1000-10000000)."),
        QStringLiteral("count"), QStringLiteral("1000000"));
    const QCommandLineOption rssJobsOption(
        QStringLiteral("rss-jobs"), QStringLiteral("pool: units of work for the memory growth (1000-10000000)."),
        QStringLiteral("count"), QStringLiteral("100000"));
    const QCommandLineOption rateOption(QStringLiteral("jobs-per-second"),
                                        QStringLiteral("diagnostics: the light workload's rate (1-200)."),
                                        QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption eventsOption(
        QStringLiteral("events"), QStringLiteral("webhooks: deliveries in the burst (100-1000000)."),
        QStringLiteral("count"), QStringLiteral("10000"));
    const QCommandLineOption flowsOption(QStringLiteral("flows"),
                                         QStringLiteral("kiosk: complete flows to drive (1-100000)."),
                                         QStringLiteral("count"), QStringLiteral("1000"));
    const QCommandLineOption requestsOption(
        QStringLiteral("requests"),
        QStringLiteral("server: GETs of the API between the two RSS readings (1000-100000000)."),
        QStringLiteral("count"), QStringLiteral("1000000"));
    parser.addOptions({jsonOption, secondsOption, roundsOption, bookingsOption, rssJobsOption, rateOption,
                       eventsOption, flowsOption, requestsOption});
    parser.process(*app);

    const QStringList positional = parser.positionalArguments();
    const QString benchmark = positional.size() == 1 ? positional.first() : QString();
    if (benchmark != u"pool" && benchmark != u"availability" && benchmark != u"diagnostics"
        && benchmark != u"webhooks" && benchmark != u"server" && benchmark != u"kiosk") {
        std::fprintf(stderr, "%s\n", kUsage);
        return BadUsage;
    }
    qint64 seconds = benchmark == u"diagnostics" ? 30 : 4;
    qint64 rounds = 0, bookings = 0, rssJobs = 0, rate = 0, events = 0, flows = 0, requests = 0;
    if ((parser.isSet(secondsOption) && !wholeNumber(parser, secondsOption, 1, 300, &seconds))
        || !wholeNumber(parser, roundsOption, 3, 15, &rounds)
        || !wholeNumber(parser, bookingsOption, 1000, 10000000, &bookings)
        || !wholeNumber(parser, rssJobsOption, 1000, 10000000, &rssJobs)
        || !wholeNumber(parser, rateOption, 1, 200, &rate)
        || !wholeNumber(parser, eventsOption, 100, 1000000, &events)
        || !wholeNumber(parser, flowsOption, 1, 100000, &flows)
        || !wholeNumber(parser, requestsOption, 1000, 100000000, &requests))
        return BadUsage;

    Interruption::install();
    BenchServer server;
    QString error;
    progress(qEnvironmentVariableIsEmpty("DATABASE_URL") ? QStringLiteral("starting a throwaway PostgreSQL cluster")
                                                         : QStringLiteral("using DATABASE_URL"));
    if (!server.start(&error)) {
        progress(error);
        return CannotRun;
    }

    auto print = [&](const auto &result) {
        if (parser.isSet(jsonOption))
            std::fputs(QJsonDocument(BenchReport::json(result)).toJson(QJsonDocument::Indented).constData(),
                       stdout);
        else
            std::fputs(qPrintable(BenchReport::table(result)), stdout);
    };
    auto failed = [&] {
        server.stop();
        progress(error);
        return Interruption::requested() ? Interrupted : CannotRun;
    };

    if (benchmark == u"availability") {
        if (!server.useScratchDatabase(QStringLiteral("carwash_bench_availability"), &error))
            return failed();
        AvailabilityBenchmarkResult result;
        if (!AvailabilityBenchmark(server, bookings, int(seconds), int(rounds)).run(&result, &error))
            return failed();
        server.stop();
        print(result);
        return Ran;
    }
    if (benchmark == u"kiosk") {
        // carwash-server migrates and the kiosk books: in a database of the benchmark's own.
        if (!server.useScratchDatabase(QStringLiteral("carwash_bench_kiosk"), &error))
            return failed();
        KioskBenchmarkResult result;
        if (!KioskBenchmark(server, int(flows)).run(&result, &error))
            return failed();
        server.stop();
        print(result);
        return Ran;
    }
    if (benchmark == u"webhooks" || benchmark == u"server") {
        // carwash-server migrates and publishes its health: in a database of the benchmark's own.
        if (!server.useScratchDatabase(QStringLiteral("carwash_bench_") + benchmark, &error))
            return failed();
        if (benchmark == u"webhooks") {
            WebhookBenchmarkResult result;
            if (!WebhookBenchmark(server, int(seconds), int(rounds), int(events)).run(&result, &error))
                return failed();
            server.stop();
            print(result);
            return Ran;
        }
        ServerBenchmarkResult result;
        if (!ServerBenchmark(server, int(seconds), int(rounds), bookings, requests).run(&result, &error))
            return failed();
        server.stop();
        print(result);
        return Ran;
    }
    if (benchmark == u"diagnostics") {
        DiagnosticsBenchmarkResult result;
        if (!DiagnosticsBenchmark(server, int(seconds), int(rate)).run(&result, &error))
            return failed();
        server.stop();
        print(result);
        return Ran;
    }
    PoolBenchmarkResult result;
    if (!PoolBenchmark(server, int(seconds), int(rounds), rssJobs).run(&result, &error))
        return failed();
    server.stop();
    print(result);
    return Ran;
}
