#include "admincli.h"

#include "connectionpool.h"
#include "databasestartup.h"
#include "demoseeder.h"
#include "embeddedserver.h"
#include "healthreport.h"
#include "migrator.h"
#include "servicerepo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QHash>
#include <QLocale>

#include <cstdio>

namespace {

// Amounts in the user's locale with the currency's usual symbol; the C
// locale (no LANG, as under CI or cron) reads as US English.
QString money(qint64 cents, const QString &currency)
{
    static const QHash<QString, QString> symbols = {
        {QStringLiteral("USD"), QStringLiteral("$")},  {QStringLiteral("EUR"), QStringLiteral("€")},
        {QStringLiteral("GBP"), QStringLiteral("£")},  {QStringLiteral("CAD"), QStringLiteral("CA$")},
        {QStringLiteral("AUD"), QStringLiteral("A$")}, {QStringLiteral("CHF"), QStringLiteral("CHF ")},
        {QStringLiteral("MXN"), QStringLiteral("MX$")},
    };
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    const QString symbol = locale.currencySymbol(QLocale::CurrencyIsoCode) == currency
        ? locale.currencySymbol(QLocale::CurrencySymbol)
        : symbols.value(currency, currency + QLatin1Char(' '));
    return locale.toCurrencyString(double(cents) / 100.0, symbol);
}

QString jsonText(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

AdminCli::AdminCli()
    : m_out(stdout)
    , m_err(stderr)
{
}

AdminCli::~AdminCli() = default;

int AdminCli::usage(int code)
{
    QTextStream &s = code == Ok ? m_out : m_err;
    s << tr("Usage: carwash-admin COMMAND [--json]\n"
            "\n"
            "Commands:\n"
            "  migrate            apply database migrations (also done at start-up)\n"
            "  seed --demo        fill an empty database with a believable demo car wash\n"
            "  health             database and pool health; exit 0 healthy, 1 degraded, 2 unhealthy\n"
            "  services           list wash packages with prices per vehicle class\n"
            "  service ID         one wash package; exit 3 when there is no such id\n"
            "  config             the configuration in force and where each value came from\n"
            "  db start|stop|status  the embedded database server (when no DATABASE_URL is set)\n"
            "\n"
            "Options:\n"
            "  --json             machine-readable output\n"
            "\n"
            "Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&pool_timeout=10\n"
            "(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,\n"
            "ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY). Without it, a private\n"
            "PostgreSQL server under your data folder is used.\n")
      << Qt::flush;
    return code;
}

int AdminCli::failWith(const DbError &error)
{
    if (m_json) {
        m_out << jsonText(QJsonObject{{QStringLiteral("error"),
                                       QJsonObject{{QStringLiteral("kind"), DbError::kindName(error.kind())},
                                                   {QStringLiteral("message"), error.message()},
                                                   {QStringLiteral("sqlstate"), error.sqlState()}}}})
              << '\n'
              << Qt::flush;
    }
    m_err << error.message() << '\n';
    if (!error.detail().isEmpty())
        m_err << "  (" << error.toLogString() << ")\n";
    m_err << Qt::flush;
    switch (error.kind()) {
    case DbError::Kind::Unavailable:
    case DbError::Kind::PoolTimeout:
        return Unavailable;
    case DbError::Kind::NotFound:
        return NotFound;
    case DbError::Kind::Invalid:
    case DbError::Kind::Configuration:
        return Invalid;
    default:
        return Failure;
    }
}

int AdminCli::openPool(bool migrate)
{
    auto loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash-admin"));
    if (!loaded.ok()) {
        for (const QString &e : std::as_const(loaded.errors))
            m_err << e << '\n';
        m_err << Qt::flush;
        return Invalid;
    }
    const DbResult<DatabaseConfig> resolved = DatabaseStartup::resolveBlocking(loaded.config);
    if (!resolved.ok())
        return failWith(resolved.error());
    m_config = std::make_unique<DatabaseConfig>(resolved.value());
    m_pool = std::make_unique<ConnectionPool>(*m_config);
    if (migrate) {
        auto applied = m_pool->withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                         [](QSqlDatabase &db) { return Migrator::migrate(db); })
                           .result();
        if (!applied.ok())
            return failWith(applied.error());
    }
    return Ok;
}

int AdminCli::run(const QStringList &arguments)
{
    QStringList args = arguments.mid(1);
    m_json = args.removeAll(QStringLiteral("--json")) > 0;
    if (args.isEmpty())
        return usage(Invalid);
    const QString command = args.takeFirst();
    if (command == u"-h" || command == u"--help" || command == u"help")
        return usage(Ok);
    if (command == u"migrate")
        return cmdMigrate();
    if (command == u"seed")
        return cmdSeed(args);
    if (command == u"health")
        return cmdHealth();
    if (command == u"services")
        return cmdServices();
    if (command == u"service")
        return cmdService(args);
    if (command == u"db")
        return cmdDb(args);
    if (command == u"config")
        return cmdConfig();
    m_err << tr("Unknown command \"%1\".").arg(command) << "\n\n";
    return usage(Invalid);
}

int AdminCli::cmdMigrate()
{
    if (const int rc = openPool(false); rc != Ok)
        return rc;
    auto applied = m_pool->withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                     [](QSqlDatabase &db) { return Migrator::migrate(db); })
                       .result();
    if (!applied.ok())
        return failWith(applied.error());
    if (m_json) {
        m_out << jsonText(QJsonObject{{QStringLiteral("applied"), QJsonArray::fromStringList(applied.value())},
                                      {QStringLiteral("version"), Migrator::latestVersion()}})
              << '\n';
    } else if (applied->isEmpty()) {
        m_out << tr("The database schema is up to date (version %1).").arg(Migrator::latestVersion()) << '\n';
    } else {
        m_out << tr("Applied migrations: %1.").arg(applied->join(QStringLiteral(", "))) << '\n';
    }
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdSeed(const QStringList &args)
{
    if (!args.contains(QStringLiteral("--demo"))) {
        m_err << tr("seed needs --demo: it fills an empty database with a demo car wash.") << '\n' << Qt::flush;
        return Invalid;
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    auto seeded = m_pool->withRetry(QStringLiteral("seed.demo"), RetryPolicy::standard(),
                                    [](QSqlDatabase &db) { return DemoSeeder::seed(db); })
                      .result();
    if (!seeded.ok())
        return failWith(seeded.error());
    QJsonArray staff;
    for (const StaffPin &s : seeded->staff)
        staff.append(QJsonObject{{QStringLiteral("name"), s.name},
                                 {QStringLiteral("role"), s.role},
                                 {QStringLiteral("pin"), s.pin}});
    if (m_json) {
        m_out << jsonText(QJsonObject{{QStringLiteral("already_seeded"), seeded->alreadySeeded},
                                      {QStringLiteral("staff"), staff}})
              << '\n';
    } else if (seeded->alreadySeeded) {
        m_out << tr("The database already has services; nothing was changed.") << '\n';
    } else {
        m_out << tr("Demo car wash created. Staff PINs (shown once, write them down):") << '\n';
        for (const StaffPin &s : seeded->staff)
            m_out << QStringLiteral("  %1 (%2): %3\n").arg(s.name, -20).arg(s.role).arg(s.pin);
    }
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdHealth()
{
    if (const int rc = openPool(false); rc != Ok)
        return rc;
    const HealthReport report = HealthReport::check(*m_pool).result();
    if (m_json) {
        m_out << jsonText(report.toJson()) << '\n';
    } else {
        const QJsonObject j = report.toJson();
        const QJsonObject db = j[u"database"].toObject();
        const QJsonObject pool = j[u"pool"].toObject();
        m_out << tr("Status: %1").arg(report.statusName()) << '\n';
        m_out << tr("Database: %1").arg(j[u"config"].toObject()[u"database_url"].toString()) << '\n';
        if (db[u"reachable"].toBool())
            m_out << tr("  reachable, PostgreSQL %1, %2 ms").arg(db[u"server_version"].toString()).arg(db[u"latency_ms"].toDouble())
                  << '\n';
        else
            m_out << tr("  unreachable: %1").arg(db[u"error"].toString()) << '\n';
        m_out << tr("Pool: %1 of %2 connections, %3 active, %4 idle, %5 waiting, %6 timeouts")
                     .arg(pool[u"total"].toInt())
                     .arg(pool[u"max"].toInt())
                     .arg(pool[u"active"].toInt())
                     .arg(pool[u"idle"].toInt())
                     .arg(pool[u"waiting"].toInt())
                     .arg(pool[u"timeouts"].toInteger())
              << '\n';
        for (const QString &alert : report.alerts())
            m_out << tr("ALERT: %1").arg(alert) << '\n';
    }
    m_out << Qt::flush;
    return int(report.status());
}

int AdminCli::cmdServices()
{
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    auto services = m_pool->withRetry(QStringLiteral("services.list"), RetryPolicy::standard(),
                                      [](QSqlDatabase &db) { return ServiceRepo(db).all(); })
                        .result();
    if (!services.ok())
        return failWith(services.error());
    if (m_json) {
        QJsonArray array;
        for (const Service &s : services.value())
            array.append(s.toJson());
        m_out << jsonText(array) << '\n';
    } else if (services->isEmpty()) {
        m_out << tr("No services yet. Add some, or run: carwash-admin seed --demo") << '\n';
    } else {
        for (const Service &s : services.value()) {
            QStringList prices;
            for (auto it = s.prices.cbegin(); it != s.prices.cend(); ++it)
                prices << QStringLiteral("%1 %2").arg(it.key(), money(it.value(), s.currency));
            m_out << QStringLiteral("%1  %2  %3  %4\n")
                         .arg(s.id, 3)
                         .arg(s.name, -20)
                         .arg(tr("%n min", nullptr, s.durationMinutes), 7)
                         .arg(prices.join(QStringLiteral(", ")));
        }
    }
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdService(const QStringList &args)
{
    bool ok = false;
    const qint64 id = args.value(0).toLongLong(&ok);
    if (args.size() != 1 || !ok || id <= 0) {
        m_err << tr("service needs one numeric ID, for example: carwash-admin service 2") << '\n' << Qt::flush;
        return Invalid;
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    auto service = m_pool->withRetry(QStringLiteral("services.get"), RetryPolicy::standard(),
                                     [id](QSqlDatabase &db) { return ServiceRepo(db).byId(id); })
                       .result();
    if (!service.ok())
        return failWith(service.error());
    if (!service->has_value())
        return failWith(DbError(DbError::Kind::NotFound, tr("There is no service with ID %1.").arg(id)));
    const Service &s = **service;
    if (m_json) {
        m_out << jsonText(s.toJson()) << '\n';
    } else {
        m_out << s.name << " (" << tr("%n min", nullptr, s.durationMinutes) << ")\n";
        if (!s.description.isEmpty())
            m_out << "  " << s.description << '\n';
        for (auto it = s.prices.cbegin(); it != s.prices.cend(); ++it)
            m_out << "  " << it.key() << ": " << money(it.value(), s.currency) << '\n';
        for (const Addon &a : s.addons)
            m_out << "  + " << a.name << ": " << money(a.priceCents, s.currency) << ", "
                  << tr("%n extra min", nullptr, a.extraMinutes) << '\n';
    }
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdDb(const QStringList &args)
{
    const QString action = args.value(0);
    if (args.size() != 1 || (action != u"start" && action != u"stop" && action != u"status")) {
        m_err << tr("Usage: carwash-admin db start|stop|status") << '\n' << Qt::flush;
        return Invalid;
    }
    const auto loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash-admin"));
    if (loaded.ok() && !loaded.config.embedded) {
        m_err << tr("This program is configured for an external database (%1); "
                    "db %2 only manages the embedded one.")
                     .arg(loaded.config.redactedUrl(), action)
              << '\n'
              << Qt::flush;
        return Invalid;
    }
    EmbeddedServer server;
    if (action == u"stop") {
        const DbResult<Done> stopped = server.stopBlocking();
        if (!stopped.ok())
            return failWith(stopped.error());
        m_out << (m_json ? jsonText(QJsonObject{{QStringLiteral("running"), false}}) : tr("The embedded database is stopped."))
              << '\n'
              << Qt::flush;
        return Ok;
    }
    if (action == u"start") {
        const DbResult<EmbeddedConnection> running = server.ensureRunningBlocking();
        if (!running.ok())
            return failWith(running.error());
    }
    const bool running = server.isRunningBlocking();
    if (m_json)
        m_out << jsonText(QJsonObject{{QStringLiteral("running"), running},
                                      {QStringLiteral("data_directory"), server.dataDirectory()},
                                      {QStringLiteral("socket_directory"), server.socketDirectory()},
                                      {QStringLiteral("log_file"), server.logFile()}});
    else
        m_out << (running ? tr("The embedded database is running (data in %1).").arg(server.dataDirectory())
                          : tr("The embedded database is not running (data in %1).").arg(server.dataDirectory()));
    m_out << '\n' << Qt::flush;
    return action == u"status" && !running ? Failure : Ok;
}

int AdminCli::cmdConfig()
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
        {"pgbouncer", c.pgbouncer ? QStringLiteral("true") : QStringLiteral("false")},
        {"monitoring", c.monitoring ? QStringLiteral("true") : QStringLiteral("false")},
        {"slow_query_threshold", QString::number(c.slowQueryThresholdMs)},
        {"max_query_history", QString::number(c.maxQueryHistory)},
        {"idle_timeout", QString::number(c.idleTimeoutMs)},
        {"max_lifetime", QString::number(c.maxLifetimeMs)},
        {"leak_threshold", QString::number(c.leakThresholdMs)},
    };
    if (m_json) {
        QJsonObject settings;
        for (const Row &r : rows)
            settings[QLatin1String(r.name)] = QJsonObject{
                {QStringLiteral("value"), r.value},
                {QStringLiteral("source"), configSourceName(c.sourceOf(QLatin1String(r.name)))}};
        m_out << jsonText(QJsonObject{{QStringLiteral("database_url"), c.embedded ? QString() : c.redactedUrl()},
                                      {QStringLiteral("embedded"), c.embedded},
                                      {QStringLiteral("settings"), settings},
                                      {QStringLiteral("errors"), QJsonArray::fromStringList(loaded.errors)},
                                      {QStringLiteral("warnings"), QJsonArray::fromStringList(loaded.warnings)}})
              << '\n';
    } else {
        m_out << tr("Database: %1").arg(c.embedded ? tr("embedded default") : c.redactedUrl()) << '\n';
        for (const Row &r : rows)
            m_out << QStringLiteral("  %1 %2 (%3)\n")
                         .arg(QLatin1String(r.name), -22)
                         .arg(r.value, -10)
                         .arg(configSourceName(c.sourceOf(QLatin1String(r.name))));
        for (const QString &e : loaded.errors)
            m_err << e << '\n';
    }
    m_out << Qt::flush;
    m_err << Qt::flush;
    return loaded.ok() ? Ok : Invalid;
}
