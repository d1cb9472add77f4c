#include "app/cli/databasecommands.h"

#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "db/health/fleethealth.h"
#include "db/pool/connectionpool.h"
#include "db/schema/migrator.h"

#include <QJsonArray>
#include <QJsonObject>

int DatabaseCommands::migrate()
{
    if (const int rc = m_cli.openPool(false); rc != Ok)
        return rc;
    auto applied = m_cli.pool()
                       .withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                  [](QSqlDatabase &db) { return Migrator::migrate(db); })
                       .result();
    if (!applied.ok())
        return m_cli.failWith(applied.error());
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("applied"), QJsonArray::fromStringList(applied.value())},
                         {QStringLiteral("version"), Migrator::latestVersion()}})
                    << '\n';
    } else if (applied->isEmpty()) {
        m_cli.out()
            << AdminCli::tr("The database schema is up to date (version %1).").arg(Migrator::latestVersion())
            << '\n';
    } else {
        m_cli.out() << AdminCli::tr("Applied migrations: %1.").arg(applied->join(QStringLiteral(", ")))
                    << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}

int DatabaseCommands::version()
{
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("program"), QStringLiteral("carwash-admin")},
                         {QStringLiteral("version"), QCoreApplication::applicationVersion()}})
                    << '\n';
    else
        m_cli.out() << DatabaseStartup::versionLine(QStringLiteral("carwash-admin"));
    m_cli.out() << Qt::flush;
    return Ok;
}

int DatabaseCommands::config()
{
    const auto loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash-admin"));
    const DatabaseConfig &c = loaded.config;
    struct Row
    {
        const char *name;
        QString value;
    };
    const QList<Row> rows = {
        {"connection_limit", QString::number(c.maxConnections)},
        {"pool_timeout", QString::number(c.poolTimeoutMs / 1000.0)},
        {"connect_timeout", QString::number(c.connectTimeoutS)},
        {"statement_timeout", QString::number(c.statementTimeoutMs / 1000.0)},
        {"pgbouncer", c.pgbouncer ? QStringLiteral("true") : QStringLiteral("false")},
        {"monitoring", c.monitoring ? QStringLiteral("true") : QStringLiteral("false")},
        {"slow_query_threshold", QString::number(c.slowQueryThresholdMs)},
        {"max_query_history", QString::number(c.maxQueryHistory)},
        {"idle_timeout", QString::number(c.idleTimeoutMs)},
        {"max_lifetime", QString::number(c.maxLifetimeMs)},
        {"leak_threshold", QString::number(c.leakThresholdMs)},
    };
    if (m_cli.json()) {
        QJsonObject settings;
        for (const Row &r : rows)
            settings[QLatin1String(r.name)] = QJsonObject {
                {QStringLiteral("value"), r.value},
                {QStringLiteral("source"), configSourceName(c.sourceOf(QLatin1String(r.name)))}};
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("database_url"), c.embedded ? QString() : c.redactedUrl()},
                         {QStringLiteral("embedded"), c.embedded},
                         {QStringLiteral("settings"), settings},
                         {QStringLiteral("errors"), QJsonArray::fromStringList(loaded.errors)},
                         {QStringLiteral("warnings"), QJsonArray::fromStringList(loaded.warnings)}})
                    << '\n';
    } else {
        m_cli.out() << AdminCli::tr("Database: %1")
                           .arg(c.embedded ? AdminCli::tr("embedded default") : c.redactedUrl())
                    << '\n';
        for (const Row &r : rows)
            m_cli.out() << QStringLiteral("  %1 %2 (%3)\n")
                               .arg(QLatin1String(r.name), -22)
                               .arg(r.value, -10)
                               .arg(configSourceName(c.sourceOf(QLatin1String(r.name))));
        for (const QString &e : loaded.errors)
            m_cli.err() << e << '\n';
    }
    m_cli.out() << Qt::flush;
    m_cli.err() << Qt::flush;
    return loaded.ok() ? Ok : Invalid;
}

int DatabaseCommands::health()
{
    if (const int rc = m_cli.openPool(false); rc != Ok)
        return rc;
    // The fleet decides, not this command's own young pool: every process's
    // published health, and whether and how fast the database answers us.
    const FleetHealth fleet = FleetHealth::check(m_cli.pool()).result();
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(fleet.toJson()) << '\n';
    } else {
        const QJsonObject j = fleet.toJson();
        const QJsonObject db = j[u"database"].toObject();
        m_cli.out() << AdminCli::tr("Status: %1").arg(fleet.statusName()) << '\n';
        m_cli.out() << AdminCli::tr("Version: %1").arg(j[u"version"].toString()) << '\n';
        m_cli.out() << AdminCli::tr("Database: %1").arg(j[u"config"].toObject()[u"database_url"].toString())
                    << '\n';
        if (db[u"reachable"].toBool())
            m_cli.out() << AdminCli::tr("  reachable, PostgreSQL %1, %2 ms")
                               .arg(db[u"server_version"].toString())
                               .arg(db[u"latency_ms"].toDouble())
                        << '\n';
        else
            m_cli.out() << AdminCli::tr("  unreachable: %1").arg(db[u"error"].toString()) << '\n';
        printProcesses(fleet);
        for (const QString &alert : fleet.alerts())
            m_cli.out() << AdminCli::tr("ALERT: %1").arg(alert) << '\n';
    }
    m_cli.out() << Qt::flush;
    return int(fleet.status());
}

void DatabaseCommands::printProcesses(const FleetHealth &fleet)
{
    const int lost = fleet.lostCount();
    const int live = int(fleet.processes().size()) - lost;
    if (fleet.processes().isEmpty()) {
        m_cli.out() << AdminCli::tr("Processes: none is publishing its health.") << '\n';
        return;
    }
    m_cli.out() << AdminCli::tr("Processes: %1 live, %2 lost").arg(live).arg(lost) << '\n';
    for (const FleetHealth::Process &p : fleet.processes()) {
        const ProcessIdentity &id = p.entry.process;
        QString program
            = id.label.isEmpty() ? id.program : AdminCli::tr("%1 \"%2\"").arg(id.program, id.label);
        // Which version each runs: a site half-way through an upgrade shows it here.
        const QString version = p.entry.snapshot[u"process"][u"version"].toString();
        if (!version.isEmpty())
            program += u' ' + version;
        m_cli.out() << AdminCli::tr("  %1 on %2, pid %3, since %4: %5")
                           .arg(program, id.host)
                           .arg(id.pid)
                           .arg(id.startedAt.toLocalTime().toString(Qt::ISODate),
                                p.lost ? AdminCli::tr("LOST") : FleetHealth::statusName(p.status))
                    << '\n';
        if (p.lost) {
            m_cli.out() << AdminCli::tr("    last seen %1 s ago; it stopped publishing without signing off")
                               .arg(qRound(p.entry.ageSeconds))
                        << '\n';
            continue;
        }
        const QJsonObject pool = p.entry.snapshot[u"pool"].toObject();
        const QJsonObject queries = p.entry.snapshot[u"queries"].toObject();
        m_cli.out() << AdminCli::tr("    pool %1 of %2 in use (%3 %), %4 waiting; queries %5 ms on average, "
                                    "%6 % errors; seen %7 s ago")
                           .arg(pool[u"active"].toInt())
                           .arg(pool[u"max"].toInt())
                           .arg(pool[u"usage_pct"].toDouble())
                           .arg(pool[u"waiting"].toInt())
                           .arg(queries[u"avg_ms"].toDouble())
                           .arg(queries[u"error_rate_pct"].toDouble())
                           .arg(qRound(p.entry.ageSeconds))
                    << '\n';
    }
}
