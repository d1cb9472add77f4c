#include "db/config/configstatus.h"

#include <QJsonArray>

QJsonObject ConfigStatus::toJson(const DatabaseConfig &c)
{
    struct Row
    {
        const char *name;
        QString value;
        const char *unit;
    };
    const auto yesNo = [](bool on) { return on ? QStringLiteral("true") : QStringLiteral("false"); };
    const QList<Row> rows = {
        {"connection_limit", QString::number(c.maxConnections), ""},
        {"pool_timeout", QString::number(c.poolTimeoutMs / 1000.0), "s"},
        {"connect_timeout", QString::number(c.connectTimeoutS), "s"},
        {"statement_timeout", QString::number(c.statementTimeoutMs / 1000.0), "s"},
        {"pgbouncer", yesNo(c.pgbouncer), ""},
        {"statement_cache_size", QString::number(c.statementCacheSize), ""},
        {"monitoring", yesNo(c.monitoring), ""},
        {"slow_query_threshold", QString::number(c.slowQueryThresholdMs), "ms"},
        {"max_query_history", QString::number(c.maxQueryHistory), ""},
        {"idle_timeout", QString::number(c.idleTimeoutMs), "ms"},
        {"max_lifetime", QString::number(c.maxLifetimeMs), "ms"},
        {"leak_threshold", QString::number(c.leakThresholdMs), "ms"},
    };
    QJsonArray settings;
    for (const Row &r : rows)
        settings.append(
            QJsonObject {{QStringLiteral("name"), QLatin1String(r.name)},
                         {QStringLiteral("value"), r.value},
                         {QStringLiteral("unit"), QLatin1String(r.unit)},
                         {QStringLiteral("source"), configSourceName(c.sourceOf(QLatin1String(r.name)))}});
    return QJsonObject {{QStringLiteral("database_url"), c.redactedUrl()},
                        {QStringLiteral("embedded"), c.embedded},
                        {QStringLiteral("settings"), settings}};
}
