#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class BenchServer;
class RunSummary;

// pgbench, PostgreSQL's own load generator, as the baseline a pool is held
// to: `pgbench -n -c <clients> -j 2 -T <seconds> -f <script>` against the
// benchmark's server. Blocking.
class PgbenchRunner
{
public:
    struct Outcome
    {
        bool ok = false;
        double tps = 0; // without initial connection time
        qint64 transactions = 0; // actually processed
        qint64 failed = 0;
        QString error;
    };

    PgbenchRunner(const BenchServer &server, QString script);
    // Several scripts, one -f each: every transaction picks one at random
    // with equal weight (pgbench takes at most 128).
    PgbenchRunner(const BenchServer &server, QStringList scripts);

    Outcome run(int clients, int seconds) const;
    // One round's baseline: its tps, its failed transactions counted in
    // summary (side "pgbench"). Empty when it cannot run; the first error goes
    // to summary, and once summary holds one (a failed round, a script that
    // no longer matches) later rounds are not tried: they would only repeat it.
    std::optional<double> runRound(int clients, int seconds, RunSummary &summary) const;

private:
    const BenchServer &m_server;
    const QStringList m_scripts;
};
