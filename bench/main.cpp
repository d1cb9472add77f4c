// carwash-bench: measures the connection pool against its baselines on a
// real PostgreSQL. It reports; it does not pass or fail.

#include "benchreport.h"
#include "benchserver.h"
#include "diagnosticsbenchmark.h"
#include "interruption.h"
#include "poolbenchmark.h"

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
        "  pool   the connection pool against pgbench, a new connection per request and a direct\n"
        "         connection, plus its memory growth and server connections.\n\n"
        "Runs against DATABASE_URL when set, else against a throwaway PostgreSQL cluster it starts\n"
        "and stops. Takes about a minute with the default 10 s per side."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("benchmark"), QStringLiteral("pool"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the figures as JSON."));
    const QCommandLineOption secondsOption(
        QStringLiteral("seconds"), QStringLiteral("Measuring time for each side of a comparison (2-300)."),
        QStringLiteral("seconds"), QStringLiteral("10"));
    parser.addOption(jsonOption);
    parser.addOption(secondsOption);
    parser.process(app);

    if (parser.positionalArguments() != QStringList {QStringLiteral("pool")}) {
        printErr(QStringLiteral("usage: carwash-bench pool [--json] [--seconds N]"));
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

    PoolBenchmarkResult result;
    const bool ran = PoolBenchmark(server, seconds).run(&result, &error);
    server.stop();
    if (!ran) {
        printErr(error);
        return Interruption::requested() ? Interrupted : CannotRun;
    }

    if (parser.isSet(jsonOption))
        std::fputs(QJsonDocument(BenchReport::json(result)).toJson(QJsonDocument::Indented).constData(),
                   stdout);
    else
        std::fputs(qPrintable(BenchReport::table(result)), stdout);
    return Ran;
}
