#include "app/cli/databasecommands.h"

#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "db/health/healthreport.h"
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
    const HealthReport report = HealthReport::check(m_cli.pool()).result();
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(report.toJson()) << '\n';
    } else {
        const QJsonObject j = report.toJson();
        const QJsonObject db = j[u"database"].toObject();
        const QJsonObject pool = j[u"pool"].toObject();
        m_cli.out() << AdminCli::tr("Status: %1").arg(report.statusName()) << '\n';
        m_cli.out() << AdminCli::tr("Database: %1").arg(j[u"config"].toObject()[u"database_url"].toString())
                    << '\n';
        if (db[u"reachable"].toBool())
            m_cli.out() << AdminCli::tr("  reachable, PostgreSQL %1, %2 ms")
                               .arg(db[u"server_version"].toString())
                               .arg(db[u"latency_ms"].toDouble())
                        << '\n';
        else
            m_cli.out() << AdminCli::tr("  unreachable: %1").arg(db[u"error"].toString()) << '\n';
        m_cli.out() << AdminCli::tr("Pool: %1 of %2 connections, %3 active, %4 idle, %5 waiting, %6 timeouts")
                           .arg(pool[u"total"].toInt())
                           .arg(pool[u"max"].toInt())
                           .arg(pool[u"active"].toInt())
                           .arg(pool[u"idle"].toInt())
                           .arg(pool[u"waiting"].toInt())
                           .arg(pool[u"timeouts"].toInteger())
                    << '\n';
        for (const QString &alert : report.alerts())
            m_cli.out() << AdminCli::tr("ALERT: %1").arg(alert) << '\n';
    }
    m_cli.out() << Qt::flush;
    return int(report.status());
}
