#include "bench/pgbenchrunner.h"

#include "bench/benchserver.h"
#include "bench/interruption.h"
#include "bench/runsummary.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryFile>

#include <algorithm>
#include <memory>
#include <vector>

PgbenchRunner::PgbenchRunner(const BenchServer &server, QString script)
    : m_server(server)
    , m_scripts {std::move(script)}
{ }

PgbenchRunner::PgbenchRunner(const BenchServer &server, QStringList scripts)
    : m_server(server)
    , m_scripts(std::move(scripts))
{ }

PgbenchRunner::Outcome PgbenchRunner::run(int clients, int seconds) const
{
    Outcome outcome;
    std::vector<std::unique_ptr<QTemporaryFile>> files;
    QStringList scriptArguments;
    for (const QString &script : m_scripts) {
        auto file = std::make_unique<QTemporaryFile>(QDir::tempPath()
                                                     + QStringLiteral("/carwash-bench-XXXXXX.sql"));
        if (!file->open() || file->write(script.toUtf8()) < 0 || !file->flush()) {
            outcome.error = QStringLiteral("cannot write the pgbench script: ") + file->errorString();
            return outcome;
        }
        scriptArguments << QStringLiteral("-f") << file->fileName();
        files.push_back(std::move(file));
    }

    QProcess pgbench;
    pgbench.setProcessEnvironment(m_server.clientEnvironment());
    const QStringList arguments = QStringList {QStringLiteral("-n"),
                                               QStringLiteral("-c"),
                                               QString::number(clients),
                                               QStringLiteral("-j"),
                                               QString::number(std::min(2, clients)),
                                               QStringLiteral("-T"),
                                               QString::number(seconds)}
        + scriptArguments + m_server.clientArguments();
    pgbench.start(m_server.pgbenchProgram(), arguments);
    if (!pgbench.waitForStarted(10000)) {
        outcome.error
            = QStringLiteral("pgbench did not start (%1); install postgresql-contrib or postgresql-client")
                  .arg(pgbench.errorString());
        return outcome;
    }
    const int limitMs = (seconds + 60) * 1000;
    int waitedMs = 0;
    while (!pgbench.waitForFinished(200)) {
        waitedMs += 200;
        if (Interruption::requested() || waitedMs > limitMs) {
            pgbench.terminate();
            if (!pgbench.waitForFinished(5000))
                pgbench.kill();
            pgbench.waitForFinished(5000);
            outcome.error = Interruption::requested() ? QStringLiteral("interrupted")
                                                      : QStringLiteral("pgbench did not finish in time");
            return outcome;
        }
    }
    const QString out = QString::fromLocal8Bit(pgbench.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(pgbench.readAllStandardError());

    static const QRegularExpression tps(
        QStringLiteral(R"(tps = ([0-9.]+) \(without initial connection time\))"));
    static const QRegularExpression processed(
        QStringLiteral(R"(number of transactions actually processed: (\d+))"));
    static const QRegularExpression failed(QStringLiteral(R"(number of failed transactions: (\d+))"));
    const QRegularExpressionMatch tpsMatch = tps.match(out);
    if (pgbench.exitStatus() != QProcess::NormalExit || pgbench.exitCode() != 0 || !tpsMatch.hasMatch()) {
        // Exit code 2 means some client failed: the figures would be wrong.
        outcome.error = QStringLiteral("pgbench failed (exit %1): %2")
                            .arg(pgbench.exitCode())
                            .arg((err + out).trimmed().right(600));
        return outcome;
    }
    outcome.tps = tpsMatch.captured(1).toDouble();
    outcome.transactions = processed.match(out).captured(1).toLongLong();
    outcome.failed = failed.match(out).captured(1).toLongLong();
    outcome.ok = true;
    return outcome;
}

std::optional<double> PgbenchRunner::runRound(int clients, int seconds, RunSummary &summary) const
{
    if (!summary.pgbenchError().isEmpty())
        return std::nullopt;
    const Outcome outcome = run(clients, seconds);
    if (!outcome.ok) {
        summary.setPgbenchError(outcome.error);
        return std::nullopt;
    }
    summary.countFailures(QStringLiteral("pgbench"), outcome.failed,
                          QStringLiteral("pgbench: %1 failed transactions").arg(outcome.failed));
    return outcome.tps;
}
