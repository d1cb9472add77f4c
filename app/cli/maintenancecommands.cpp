#include "app/cli/maintenancecommands.h"

#include "app/cli/admincli.h"
#include "db/pool/connectionpool.h"
#include "db/schema/maintenance.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonObject>

int MaintenanceCommands::run(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption ifDue(QStringLiteral("if-due"),
                                   AdminCli::tr("only when no run started in the last 24 hours"));
    const QCommandLineOption batchOption(QStringLiteral("batch-size"), AdminCli::tr("rows per DELETE"),
                                         QStringLiteral("rows"),
                                         QString::number(Maintenance::DefaultBatchSize));
    parser.addOption(ifDue);
    parser.addOption(batchOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("maintenance"), args,
                            QStringLiteral("maintenance [--if-due] [--batch-size N] [--json]")))
        return Invalid;
    bool numberOk = false;
    const int batchSize = parser.value(batchOption).toInt(&numberOk);
    if (!numberOk || batchSize < 1 || batchSize > 100000)
        return m_cli.invalid(AdminCli::tr("--batch-size must be a whole number from 1 to 100000, not \"%1\".")
                                 .arg(parser.value(batchOption)));
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    MaintenanceRunner runner(m_cli.pool(), QStringLiteral("carwash-admin"));
    runner.setBatchSize(batchSize);
    QEventLoop loop;
    DbResult<MaintenanceResult> outcome;
    QObject::connect(&runner, &MaintenanceRunner::finished, &loop, [&](const DbResult<MaintenanceResult> &r) {
        outcome = r;
        loop.quit();
    });
    runner.start(parser.isSet(ifDue));
    if (runner.isRunning())
        loop.exec();
    if (!outcome.ok())
        return m_cli.failWith(outcome.error());
    const MaintenanceResult &r = outcome.value();
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(r.toJson()) << '\n';
    } else if (r.skipped) {
        m_cli.out() << AdminCli::tr("Maintenance already ran at %1 (%2); nothing was done.")
                           .arg(r.lastRunAt.toLocalTime().toString(Qt::ISODate), r.lastRanBy)
                    << '\n';
    } else {
        for (const MaintenanceResult::Table &t : r.tables)
            m_cli.out() << AdminCli::tr("%1: removed %2 rows older than %3 days (%4 batches)")
                               .arg(t.table)
                               .arg(t.removed)
                               .arg(t.retentionDays)
                               .arg(t.batches)
                        << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}
