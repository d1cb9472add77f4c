// carwash-bench: measures the connection pool against its baselines on a
// real PostgreSQL. It reports; it does not pass or fail.

#include "bench/availabilitybenchmark.h"
#include "bench/benchreport.h"
#include "bench/benchserver.h"
#include "bench/diagnosticsbenchmark.h"
#include "bench/interruption.h"
#include "bench/poolbenchmark.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

namespace {

enum ExitCode { Ran = 0, CannotRun = 1, BadUsage = 2, Interrupted = 130 };

void printErr(const QString &text)
{
    std::fprintf(stderr, "carwash-bench: %s\n", qPrintable(text));
}

} // namespace

int main(int argc, char *argv[])
{
    // diagnostics draws charts: it makes its own QApplication.
    if (argc > 1 && qstrcmp(argv[1], "diagnostics") == 0)
        return runDiagnosticsBenchmark(argc, argv);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("carwash-bench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks of CarWash Desk.\n\n"
        "  pool          the connection pool against pgbench, a new connection per request and a\n"
        "                direct connection, plus its memory growth and server connections.\n"
        "  availability  generates 20 bays and --bookings bookings of history, then one day's\n"
        "                availability: p50/p95 on the server (planning + execution of the\n"
        "                statements AvailabilityRepo sends, by EXPLAIN ANALYZE) and end to end\n"
        "                through the pool; and BookingRepo::create through the pool against\n"
        "                pgbench sending the same statements.\n\n"
        "Runs against DATABASE_URL when set (availability in a database of its own, created and\n"
        "dropped; needs CREATEDB), else against a throwaway PostgreSQL cluster it starts and stops.\n"
        "pool takes about a minute with the default 10 s per side; availability with a million\n"
        "bookings a few minutes, most of it generating the data."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("benchmark"), QStringLiteral("pool or availability"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the figures as JSON."));
    const QCommandLineOption secondsOption(
        QStringLiteral("seconds"), QStringLiteral("Measuring time for each side of a comparison (2-300)."),
        QStringLiteral("seconds"), QStringLiteral("10"));
    const QCommandLineOption bookingsOption(
        QStringLiteral("bookings"),
        QStringLiteral("availability: bookings of history to generate (1000-10000000)."),
        QStringLiteral("count"), QStringLiteral("1000000"));
    parser.addOption(jsonOption);
    parser.addOption(secondsOption);
    parser.addOption(bookingsOption);
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    const QString benchmark = positional.size() == 1 ? positional.first() : QString();
    if (benchmark != u"pool" && benchmark != u"availability") {
        printErr(QStringLiteral("usage: carwash-bench pool [--json] [--seconds N]\n"
                                "       carwash-bench availability [--json] [--seconds N] [--bookings N]"));
        return BadUsage;
    }
    bool bookingsOk = false;
    const qint64 bookings = parser.value(bookingsOption).toLongLong(&bookingsOk);
    if (!bookingsOk || bookings < 1000 || bookings > 10000000) {
        printErr(QStringLiteral("--bookings must be a whole number from 1000 to 10000000, not \"%1\"")
                     .arg(parser.value(bookingsOption)));
        return BadUsage;
    }
    bool secondsOk = false;
    const int seconds = parser.value(secondsOption).toInt(&secondsOk);
    if (!secondsOk || seconds < 2 || seconds > 300) {
        printErr(QStringLiteral("--seconds must be a whole number from 2 to 300, not \"%1\"")
                     .arg(parser.value(secondsOption)));
        return BadUsage;
    }

    Interruption::install();
    BenchServer server;
    QString error;
    printErr(qEnvironmentVariableIsEmpty("DATABASE_URL")
                 ? QStringLiteral("starting a throwaway PostgreSQL cluster")
                 : QStringLiteral("using DATABASE_URL"));
    if (!server.start(&error)) {
        printErr(error);
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
        printErr(error);
        return Interruption::requested() ? Interrupted : CannotRun;
    };

    if (benchmark == u"availability") {
        if (!server.useScratchDatabase(QStringLiteral("carwash_bench_availability"), &error))
            return failed();
        AvailabilityBenchmarkResult result;
        if (!AvailabilityBenchmark(server, bookings, seconds).run(&result, &error))
            return failed();
        server.stop();
        print(result);
        return Ran;
    }

    PoolBenchmarkResult result;
    if (!PoolBenchmark(server, seconds).run(&result, &error))
        return failed();
    server.stop();
    print(result);
    return Ran;
}
