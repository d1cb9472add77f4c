#include "app/cli/admincli.h"

#include "app/startup/databasestartup.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/bookings/confirmationcode.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/customers/customerrepo.h"
#include "db/demo/demoday.h"
#include "db/demo/demoseeder.h"
#include "db/embedded/embeddedserver.h"
#include "db/health/healthreport.h"
#include "db/pool/connectionpool.h"
#include "db/schema/maintenance.h"
#include "db/schema/migrator.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QHash>
#include <QLocale>
#include <QRegularExpression>

#include <cstdio>

namespace {

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
            "  seed --demo-day [--date YYYY-MM-DD]  a day of demo bookings (default today)\n"
            "  health             database and pool health; exit 0 healthy, 1 degraded, 2 unhealthy\n"
            "  services           list wash packages with prices per vehicle class\n"
            "  service ID         one wash package; exit 3 when there is no such id\n"
            "  config             the configuration in force and where each value came from\n"
            "  db start|stop|status  the embedded database server (when no DATABASE_URL is set)\n"
            "  maintenance [--if-due] [--batch-size N]\n"
            "                     remove health snapshots, audit and payment-event rows older than\n"
            "                     retention.*_days, in small batches; --if-due: only when not run today\n"
            "\n"
            "Calendar:\n"
            "  settings                        the booking settings in force\n"
            "  settings get KEY | set KEY VALUE  site.timezone, booking.slot_minutes, booking.buffer_minutes,\n"
            "                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes\n"
            "  hours                           weekly opening hours\n"
            "  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed\n"
            "  closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT]\n"
            "  closure list | closure remove ID\n"
            "\n"
            "Bookings:\n"
            "  availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]\n"
            "                                  free start times of a local day, with the free bays\n"
            "  next --service ID [--vehicle car|suv|truck] [--addon ID]...  the earliest free start from now\n"
            "  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]\n"
            "       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]\n"
            "                                  exit 0 booked, 2 invalid input, 3 slot taken, 4 database unavailable\n"
            "  bookings --date YYYY-MM-DD      the bookings of a local day\n"
            "  booking ID|CODE                 one booking\n"
            "  booking status ID|CODE STATUS [--reason TEXT]\n"
            "                                  held, confirmed, checked_in, in_progress, completed, cancelled,\n"
            "                                  no_show, expired (only the lifecycle's next steps)\n"
            "  customer find TEXT              by plate, phone or name, with visit history\n"
            "\n"
            "Options:\n"
            "  --json             machine-readable output\n"
            "\n"
            "Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&pool_timeout=10\n"
            "(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,\n"
            "DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY).\n"
            "Without it, a private PostgreSQL server under your data folder is used.\n")
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
    if (command == u"settings")
        return cmdSettings(args);
    if (command == u"hours")
        return cmdHours(args);
    if (command == u"closure")
        return cmdClosure(args);
    if (command == u"availability")
        return cmdAvailability(args);
    if (command == u"next")
        return cmdNext(args);
    if (command == u"book")
        return cmdBook(args);
    if (command == u"bookings")
        return cmdBookings(args);
    if (command == u"booking")
        return cmdBooking(args);
    if (command == u"customer")
        return cmdCustomer(args);
    if (command == u"maintenance")
        return cmdMaintenance(args);
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
    QCommandLineParser parser;
    const QCommandLineOption demo(QStringLiteral("demo"));
    const QCommandLineOption demoDay(QStringLiteral("demo-day"));
    const QCommandLineOption dateOption(QStringLiteral("date"), QString(), QStringLiteral("date"));
    parser.addOptions({demo, demoDay, dateOption});
    if (!parseCommand(parser, QStringLiteral("seed"), args,
                      tr("seed --demo | seed --demo-day [--date YYYY-MM-DD] [--json]")))
        return Invalid;
    if (!parser.isSet(demo) && !parser.isSet(demoDay)) {
        m_err << tr("seed needs --demo (a demo car wash in an empty database) or --demo-day (a day of demo "
                    "bookings).")
              << '\n'
              << Qt::flush;
        return Invalid;
    }
    std::optional<QDate> date;
    if (parser.isSet(dateOption)) {
        date = IsoTime::parseDate(parser.value(dateOption));
        if (!date || !parser.isSet(demoDay))
            return invalid(tr("--date goes with --demo-day and takes YYYY-MM-DD (for example 2025-06-11), not "
                              "\"%1\".")
                               .arg(parser.value(dateOption)));
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    QJsonObject json;
    if (parser.isSet(demo)) {
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
        json.insert(QStringLiteral("already_seeded"), seeded->alreadySeeded);
        json.insert(QStringLiteral("staff"), staff);
        if (!m_json && seeded->alreadySeeded) {
            m_out << tr("The database already has services; nothing was changed.") << '\n';
        } else if (!m_json) {
            m_out << tr("Demo car wash created. Staff PINs (shown once, write them down):") << '\n';
            for (const StaffPin &s : seeded->staff)
                m_out << QStringLiteral("  %1 (%2): %3\n").arg(s.name, -20).arg(s.role).arg(s.pin);
        }
    }
    if (parser.isSet(demoDay)) {
        const QDate day = date.value_or(QDate());
        auto filled = m_pool->withRetry(QStringLiteral("seed.demo_day"), RetryPolicy::standard(),
                                        [day](QSqlDatabase &db) {
                                            return DemoDay::fill(db, day, QDateTime::currentDateTimeUtc());
                                        })
                          .result();
        if (!filled.ok())
            return failWith(filled.error());
        json.insert(QStringLiteral("demo_day"),
                    QJsonObject{{QStringLiteral("date"), filled->date.toString(Qt::ISODate)},
                                {QStringLiteral("created"), filled->created},
                                {QStringLiteral("already_filled"), filled->alreadyFilled},
                                {QStringLiteral("closed"), filled->closed}});
        const QString dayText = filled->date.toString(Qt::ISODate);
        if (!m_json && filled->closed)
            m_out << tr("The car wash is closed on %1; no demo bookings were made.").arg(dayText) << '\n';
        else if (!m_json && filled->alreadyFilled)
            m_out << tr("%1 already has demo bookings; nothing was changed.").arg(dayText) << '\n';
        else if (!m_json)
            m_out << tr("%n demo booking(s) made for %1.", nullptr, filled->created).arg(dayText) << '\n';
    }
    if (m_json)
        m_out << jsonText(json) << '\n';
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
                prices << QStringLiteral("%1 %2").arg(it.key(), Money::format(it.value(), s.currency));
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
            m_out << "  " << it.key() << ": " << Money::format(it.value(), s.currency) << '\n';
        for (const Addon &a : s.addons)
            m_out << "  + " << a.name << ": " << Money::format(a.priceCents, s.currency) << ", "
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
        {"statement_timeout", QString::number(c.statementTimeoutMs / 1000.0)},
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

int AdminCli::invalid(const QString &message)
{
    if (m_json)
        m_out << jsonText(
            QJsonObject {{QStringLiteral("error"),
                          QJsonObject {{QStringLiteral("kind"), DbError::kindName(DbError::Kind::Invalid)},
                                       {QStringLiteral("message"), message}}}})
              << '\n'
              << Qt::flush;
    m_err << message << '\n' << Qt::flush;
    return Invalid;
}

bool AdminCli::parseCommand(QCommandLineParser &parser, const QString &command, const QStringList &args,
                            const QString &usageLine)
{
    // run() has taken --json out already; accept it here too so it may
    // appear anywhere without confusing the parser.
    parser.addOption(QCommandLineOption(QStringLiteral("json")));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList {QStringLiteral("carwash-admin ") + command} + args)) {
        invalid(tr("%1\nUsage: carwash-admin %2").arg(parser.errorText(), usageLine));
        return false;
    }
    return true;
}

int AdminCli::cmdSettings(const QStringList &args)
{
    const QString usageLine = tr("settings [get KEY | set KEY VALUE]");
    // No options besides --json (taken out by run()), and a value may start
    // with a dash ("-5"), so the words are read as they are: a value out of
    // range is then refused with its range rather than as an unknown option.
    const QStringList words = args;
    const QString action = words.value(0);
    const bool list = words.isEmpty() || (action == u"list" && words.size() == 1);
    if (!list && !(action == u"get" && words.size() == 2) && !(action == u"set" && words.size() == 3))
        return invalid(tr("Usage: carwash-admin %1").arg(usageLine));
    if (action == u"set") {
        // Refuse a bad value before touching the database.
        const QString problem = SiteSettings::validate(words[1], words[2]);
        if (!problem.isEmpty())
            return invalid(problem);
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;

    auto settingJson = [](const SettingValue &v) {
        QJsonObject o {{QStringLiteral("key"), v.key},
                       {QStringLiteral("value"), v.value},
                       {QStringLiteral("is_default"), v.isDefault}};
        if (v.spec) {
            o.insert(QStringLiteral("accepted"), v.spec->acceptedText());
            o.insert(QStringLiteral("description"), v.spec->description());
        }
        return o;
    };

    if (list) {
        auto rows = m_pool
                        ->withRetry(QStringLiteral("settings.list"), RetryPolicy::standard(),
                                    [](QSqlDatabase &db) { return SettingsRepo(db).list(); })
                        .result();
        if (!rows.ok())
            return failWith(rows.error());
        if (m_json) {
            QJsonArray array;
            for (const SettingValue &v : rows.value())
                array.append(settingJson(v));
            m_out << jsonText(array) << '\n';
        } else {
            for (const SettingValue &v : rows.value()) {
                m_out << QStringLiteral("%1 %2").arg(v.key, -28).arg(v.value, -20);
                if (v.spec)
                    m_out << (v.isDefault ? tr("(default) ") : QString()) << v.spec->description() << "; "
                          << v.spec->acceptedText();
                m_out << '\n';
            }
        }
        m_out << Qt::flush;
        return Ok;
    }

    const QString key = words[1];
    const QString value = words.value(2);
    auto result = action == u"get"
        ? m_pool
              ->withRetry(QStringLiteral("settings.get"), RetryPolicy::standard(),
                          [key](QSqlDatabase &db) { return SettingsRepo(db).get(key); })
              .result()
        : m_pool
              ->withRetry(QStringLiteral("settings.set"), RetryPolicy::critical(),
                          [key, value](QSqlDatabase &db) {
                              return SettingsRepo(db).set(key, value, QStringLiteral("cli"));
                          })
              .result();
    if (!result.ok())
        return failWith(result.error());
    if (m_json)
        m_out << jsonText(settingJson(result.value())) << '\n';
    else if (action == u"get")
        m_out << result->value << '\n';
    else
        m_out << tr("%1 is now %2.").arg(result->key, result->value) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdHours(const QStringList &args)
{
    const QString usageLine
        = tr("hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]");
    QCommandLineParser parser;
    if (!parseCommand(parser, QStringLiteral("hours"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    int weekday = 0;
    QList<OpeningPeriod> periods;
    if (!words.isEmpty()) {
        if (words[0] != u"set" || words.size() != 3)
            return invalid(tr("Usage: carwash-admin %1").arg(usageLine));
        weekday = OpeningHours::weekdayFromName(words[1]);
        if (weekday == 0)
            return invalid(tr("\"%1\" is not a day of the week. Accepted: mon, tue, wed, thu, fri, sat, sun.")
                               .arg(words[1]));
        QString problem;
        const std::optional<QList<OpeningPeriod>> parsed = OpeningHours::parse(weekday, words[2], &problem);
        if (!parsed)
            return invalid(problem);
        periods = *parsed;
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    if (weekday != 0) {
        auto set = m_pool
                       ->withRetry(QStringLiteral("hours.set"), RetryPolicy::critical(),
                                   [weekday, periods](QSqlDatabase &db) {
                                       CalendarRepo(db).setHours(weekday, periods, QStringLiteral("cli"));
                                   })
                       .result();
        if (!set.ok())
            return failWith(set.error());
    }
    auto hours = m_pool
                     ->withRetry(QStringLiteral("hours.list"), RetryPolicy::standard(),
                                 [](QSqlDatabase &db) { return CalendarRepo(db).hours(); })
                     .result();
    if (!hours.ok())
        return failWith(hours.error());
    QJsonArray days;
    for (int day = 1; day <= 7; ++day) {
        if (weekday != 0 && day != weekday)
            continue;
        QList<OpeningPeriod> ofDay;
        QJsonArray dayPeriods;
        for (const OpeningPeriod &p : hours.value()) {
            if (p.weekday == day) {
                ofDay.append(p);
                dayPeriods.append(p.toJson());
            }
        }
        days.append(QJsonObject {{QStringLiteral("day"), OpeningHours::weekdayName(day)},
                                 {QStringLiteral("periods"), dayPeriods}});
        if (!m_json)
            m_out << OpeningHours::weekdayName(day) << "  " << OpeningHours::format(ofDay) << '\n';
    }
    if (m_json)
        m_out << jsonText(weekday != 0 ? QJsonValue(days.first()) : QJsonValue(days)) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdClosure(const QStringList &args)
{
    const QString usageLine
        = tr("closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT] | closure list | closure remove ID");
    QCommandLineParser parser;
    const QCommandLineOption toOption(QStringLiteral("to"), tr("last closed day"), QStringLiteral("date"));
    const QCommandLineOption reasonOption(QStringLiteral("reason"), tr("why"), QStringLiteral("text"));
    parser.addOption(toOption);
    parser.addOption(reasonOption);
    if (!parseCommand(parser, QStringLiteral("closure"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    const QString action = words.value(0);
    const bool add = action == u"add" && words.size() == 2;
    const bool list = action == u"list" && words.size() == 1;
    const bool remove = action == u"remove" && words.size() == 2;
    if (!add && !list && !remove)
        return invalid(tr("Usage: carwash-admin %1").arg(usageLine));
    if (!add && (parser.isSet(toOption) || parser.isSet(reasonOption)))
        return invalid(tr("--to and --reason go with closure add. Usage: carwash-admin %1").arg(usageLine));

    std::optional<QDate> from;
    std::optional<QDate> to;
    qint64 id = 0;
    if (add) {
        from = IsoTime::parseDate(words[1]);
        if (!from)
            return invalid(
                tr("\"%1\" is not a date. Accepted: YYYY-MM-DD, for example 2025-12-25.").arg(words[1]));
        to = parser.isSet(toOption) ? IsoTime::parseDate(parser.value(toOption)) : from;
        if (!to)
            return invalid(tr("--to \"%1\" is not a date. Accepted: YYYY-MM-DD, for example 2025-12-26.")
                               .arg(parser.value(toOption)));
        if (*to < *from)
            return invalid(tr("--to %1 is before %2; a closure ends on or after the day it starts.")
                               .arg(to->toString(Qt::ISODate), from->toString(Qt::ISODate)));
    } else if (remove) {
        bool ok = false;
        id = words[1].toLongLong(&ok);
        if (!ok || id <= 0)
            return invalid(tr("closure remove needs a numeric closure ID (see closure list), not \"%1\".")
                               .arg(words[1]));
    }
    if (const int rc = openPool(true); rc != Ok)
        return rc;

    if (list) {
        auto all = m_pool
                       ->withRetry(QStringLiteral("closures.list"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return CalendarRepo(db).closures(); })
                       .result();
        if (!all.ok())
            return failWith(all.error());
        QJsonArray array;
        for (const Closure &c : all.value()) {
            array.append(c.toJson());
            if (!m_json)
                m_out << QStringLiteral("%1  %2  %3  %4\n")
                             .arg(c.id, 4)
                             .arg(c.startsOn.toString(Qt::ISODate), c.endsOn.toString(Qt::ISODate), c.reason);
        }
        if (m_json)
            m_out << jsonText(array) << '\n';
        else if (all->isEmpty())
            m_out << tr("No closures.") << '\n';
        m_out << Qt::flush;
        return Ok;
    }

    const QString reason = parser.value(reasonOption);
    auto changed = add
        ? m_pool
              ->withRetry(QStringLiteral("closures.add"), RetryPolicy::critical(),
                          [from, to, reason](QSqlDatabase &db) {
                              return CalendarRepo(db).addClosure(*from, *to, reason, QStringLiteral("cli"));
                          })
              .result()
        : m_pool
              ->withRetry(QStringLiteral("closures.remove"), RetryPolicy::critical(),
                          [id](QSqlDatabase &db) {
                              return CalendarRepo(db).removeClosure(id, QStringLiteral("cli"));
                          })
              .result();
    if (!changed.ok())
        return failWith(changed.error());
    if (m_json)
        m_out << jsonText(changed->toJson()) << '\n';
    else if (add)
        m_out << tr("Closure %1 added: closed %2 to %3.")
                     .arg(changed->id)
                     .arg(changed->startsOn.toString(Qt::ISODate), changed->endsOn.toString(Qt::ISODate))
              << '\n';
    else
        m_out << tr("Closure %1 removed.").arg(changed->id) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::invalidFields(const QList<FieldError> &errors)
{
    QJsonArray array;
    for (const FieldError &e : errors) {
        array.append(e.toJson());
        m_err << e.field << ": " << e.message << '\n';
    }
    m_err << Qt::flush;
    if (m_json)
        m_out << jsonText(QJsonObject {{QStringLiteral("errors"), array}}) << '\n' << Qt::flush;
    return Invalid;
}

void AdminCli::addRequestOptions(QCommandLineParser &parser, bool withBay)
{
    parser.addOption(QCommandLineOption(QStringLiteral("service"), tr("wash package"), QStringLiteral("id")));
    parser.addOption(QCommandLineOption(QStringLiteral("vehicle"), tr("car, suv or truck"),
                                        QStringLiteral("class"), QStringLiteral("car")));
    parser.addOption(
        QCommandLineOption(QStringLiteral("addon"), tr("add-on, repeatable"), QStringLiteral("id")));
    if (withBay)
        parser.addOption(QCommandLineOption(QStringLiteral("bay"), tr("one bay only"), QStringLiteral("id")));
}

QList<FieldError> AdminCli::readRequestOptions(const QCommandLineParser &parser, AvailabilityRequest &request)
{
    QList<FieldError> errors;
    auto positiveId = [](const QString &text) {
        bool ok = false;
        const qint64 id = text.trimmed().toLongLong(&ok);
        return ok && id > 0 ? id : 0;
    };
    if (!parser.isSet(QStringLiteral("service")))
        errors.append(
            {QStringLiteral("service"), tr("--service ID is required (see: carwash-admin services).")});
    else if (!(request.serviceId = positiveId(parser.value(QStringLiteral("service")))))
        errors.append({QStringLiteral("service"),
                       tr("--service takes a numeric service ID, not \"%1\".")
                           .arg(parser.value(QStringLiteral("service")))});
    const QStringList vehicles = parser.values(QStringLiteral("vehicle")).isEmpty()
        ? QStringList {QStringLiteral("car")}
        : parser.values(QStringLiteral("vehicle"));
    request.vehicleClass = vehicles.last().trimmed().toLower();
    if (vehicles.size() > 1
        || !QStringList {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")}.contains(
            request.vehicleClass))
        errors.append({QStringLiteral("vehicle"),
                       tr("--vehicle takes one of car, suv, truck, not \"%1\".")
                           .arg(vehicles.join(QStringLiteral(" ")))});
    for (const QString &text : parser.values(QStringLiteral("addon"))) {
        const qint64 id = positiveId(text);
        if (!id)
            errors.append(
                {QStringLiteral("addon"), tr("--addon takes a numeric add-on ID, not \"%1\".").arg(text)});
        else if (!request.addonIds.contains(id))
            request.addonIds.append(id);
    }
    if (parser.optionNames().contains(QStringLiteral("bay")) && parser.isSet(QStringLiteral("bay"))) {
        request.bayId = positiveId(parser.value(QStringLiteral("bay")));
        if (!request.bayId)
            errors.append(
                {QStringLiteral("bay"),
                 tr("--bay takes a numeric bay ID, not \"%1\".").arg(parser.value(QStringLiteral("bay")))});
    }
    return errors;
}

int AdminCli::cmdAvailability(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption(
        QCommandLineOption(QStringLiteral("date"), tr("local day"), QStringLiteral("YYYY-MM-DD")));
    addRequestOptions(parser, true);
    if (!parseCommand(
            parser, QStringLiteral("availability"), args,
            tr("availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... "
               "[--bay ID] [--json]")))
        return Invalid;
    AvailabilityRequest request;
    QList<FieldError> errors;
    std::optional<QDate> date;
    if (!parser.isSet(QStringLiteral("date")))
        errors.append({QStringLiteral("date"), tr("--date YYYY-MM-DD is required.")});
    else if (!(date = IsoTime::parseDate(parser.value(QStringLiteral("date")))))
        errors.append({QStringLiteral("date"),
                       tr("--date takes YYYY-MM-DD (for example 2025-06-11), not \"%1\".")
                           .arg(parser.value(QStringLiteral("date")))});
    errors += readRequestOptions(parser, request);
    if (!parser.positionalArguments().isEmpty())
        errors.append({QStringLiteral("arguments"),
                       tr("Unexpected \"%1\".").arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    if (!errors.isEmpty())
        return invalidFields(errors);
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    const QDate day = *date;
    auto starts = m_pool
                      ->withRetry(QStringLiteral("availability.day"), RetryPolicy::standard(),
                                  [request, day](QSqlDatabase &db) {
                                      return AvailabilityRepo(db).forDate(request, day);
                                  })
                      .result();
    if (!starts.ok())
        return failWith(starts.error());
    QJsonArray array;
    for (const PlannedSlot &slot : starts.value()) {
        array.append(slot.toJson());
        if (!m_json) {
            QStringList names;
            for (const BayRef &bay : slot.bays)
                names << bay.name;
            m_out << slot.start.toString(QStringLiteral("HH:mm")) << '-'
                  << slot.end.toString(QStringLiteral("HH:mm")) << "  " << names.join(QStringLiteral(", "))
                  << '\n';
        }
    }
    if (m_json)
        m_out << jsonText(array) << '\n';
    else if (starts->isEmpty())
        m_out << tr("No free start times on %1.").arg(day.toString(Qt::ISODate)) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdNext(const QStringList &args)
{
    QCommandLineParser parser;
    addRequestOptions(parser, true);
    if (!parseCommand(parser, QStringLiteral("next"), args,
                      tr("next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]")))
        return Invalid;
    AvailabilityRequest request;
    QList<FieldError> errors = readRequestOptions(parser, request);
    if (!parser.positionalArguments().isEmpty())
        errors.append({QStringLiteral("arguments"),
                       tr("Unexpected \"%1\".").arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    if (!errors.isEmpty())
        return invalidFields(errors);
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    auto next = m_pool
                    ->withRetry(QStringLiteral("availability.next"), RetryPolicy::standard(),
                                [request](QSqlDatabase &db) { return AvailabilityRepo(db).next(request); })
                    .result();
    if (!next.ok())
        return failWith(next.error());
    if (!next->has_value())
        return failWith(
            DbError(DbError::Kind::NotFound,
                    tr("No free start within the booking horizon (closed, fully booked, or no bay "
                       "offers this service).")));
    const PlannedSlot &slot = **next;
    if (m_json)
        m_out << jsonText(slot.toFirstBayJson()) << '\n';
    else
        m_out << IsoTime::format(slot.start) << "  " << slot.bays.first().name << '\n';
    m_out << Qt::flush;
    return Ok;
}

void AdminCli::printBooking(const Booking &b)
{
    QStringList addons;
    for (const BookedAddon &a : b.addons)
        addons << a.name;
    m_out << tr("Booking %1, code %2 (%3)").arg(b.id).arg(b.code, BookingWords::status(b.status)) << '\n';
    m_out << "  " << b.start.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "-"
          << b.end.toString(QStringLiteral("HH:mm")) << " (" << IsoTime::format(b.start).right(6) << ")  "
          << b.bay.name << '\n';
    m_out << "  " << b.serviceName << ", " << b.vehicleClass;
    if (!addons.isEmpty())
        m_out << " + " << addons.join(QStringLiteral(", "));
    m_out << "  " << Money::format(b.priceCents, b.currency) << '\n';
    m_out << "  " << b.plate << "  " << b.customerName;
    if (!b.phone.isEmpty())
        m_out << ", " << b.phone;
    if (!b.email.isEmpty())
        m_out << ", " << b.email;
    m_out << '\n';
    if (b.holdExpiresAt && b.status == u"held")
        m_out << "  " << tr("held until %1").arg(IsoTime::format(*b.holdExpiresAt)) << '\n';
}

int AdminCli::cmdBook(const QStringList &args)
{
    QCommandLineParser parser;
    addRequestOptions(parser, true);
    const QString start = QStringLiteral("start"), plate = QStringLiteral("plate"),
                  name = QStringLiteral("name"), phone = QStringLiteral("phone"),
                  email = QStringLiteral("email"), hold = QStringLiteral("hold"),
                  key = QStringLiteral("idempotency-key");
    parser.addOption(QCommandLineOption(start, tr("start"), QStringLiteral("ISO-8601")));
    parser.addOption(QCommandLineOption(plate, tr("licence plate"), QStringLiteral("plate")));
    parser.addOption(QCommandLineOption(name, tr("customer name"), QStringLiteral("name")));
    parser.addOption(QCommandLineOption(phone, tr("phone"), QStringLiteral("phone")));
    parser.addOption(QCommandLineOption(email, tr("e-mail"), QStringLiteral("email")));
    parser.addOption(QCommandLineOption(hold, tr("hold until paid")));
    parser.addOption(QCommandLineOption(key, tr("retry key"), QStringLiteral("key")));
    if (!parseCommand(
            parser, QStringLiteral("book"), args,
            tr("book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] "
               "[--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]")))
        return Invalid;

    BookingRequest request;
    QList<FieldError> errors = readRequestOptions(parser, request.slot);
    if (!parser.isSet(start)) {
        errors.append({start, tr("--start is required, for example --start 2025-06-11T09:30:00+02:00.")});
    } else {
        request.start = IsoTime::parseDateTime(parser.value(start), &request.startHasOffset);
        if (!request.start.isValid())
            errors.append({start,
                           tr("--start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 "
                              "(without an offset: the site's local time), not \"%1\".")
                               .arg(parser.value(start))});
    }
    // Options given twice are ambiguous; refuse rather than pick one.
    for (const QString &single : {start, plate, name, phone, email, key}) {
        if (parser.values(single).size() > 1)
            errors.append({single, tr("--%1 may be given once.").arg(single)});
    }
    request.plate = parser.value(plate);
    request.name = parser.value(name);
    request.phone = parser.value(phone);
    request.email = parser.value(email);
    request.hold = parser.isSet(hold);
    if (parser.isSet(key))
        request.idempotencyKey = parser.value(key);
    if (!parser.positionalArguments().isEmpty())
        errors.append({QStringLiteral("arguments"),
                       tr("Unexpected \"%1\" (quote values that contain spaces).")
                           .arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    // The fields that need no database, all at once; "start" was checked above.
    for (const FieldError &e : request.normalised().validate()) {
        if (e.field != start)
            errors.append(e);
    }
    if (!errors.isEmpty())
        return invalidFields(errors);

    if (const int rc = openPool(true); rc != Ok)
        return rc;
    auto outcome = m_pool
                       ->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                   [request](QSqlDatabase &db) { return BookingRepo(db).create(request); })
                       .result();
    if (!outcome.ok())
        return failWith(outcome.error());
    switch (outcome->result) {
    case BookingOutcome::Result::Invalid:
        return invalidFields(outcome->errors);
    case BookingOutcome::Result::SlotTaken: {
        const DbError error = outcome->error();
        QJsonArray alternatives;
        for (const PlannedSlot &slot : outcome->alternatives)
            alternatives.append(slot.toJson());
        if (m_json)
            m_out << jsonText(
                QJsonObject {{QStringLiteral("error"),
                              QJsonObject {{QStringLiteral("kind"), DbError::kindName(error.kind())},
                                           {QStringLiteral("message"), error.message()}}},
                             {QStringLiteral("alternatives"), alternatives}})
                  << '\n'
                  << Qt::flush;
        m_err << error.message() << '\n';
        if (outcome->alternatives.isEmpty())
            m_err << tr("No other free start on that day or the next.") << '\n';
        else
            m_err << tr("Free instead:") << '\n';
        for (const PlannedSlot &slot : outcome->alternatives) {
            QStringList names;
            for (const BayRef &bay : slot.bays)
                names << bay.name;
            m_err << "  " << IsoTime::format(slot.start) << "  " << names.join(QStringLiteral(", ")) << '\n';
        }
        m_err << Qt::flush;
        return NotFound; // 3: the slot is taken
    }
    case BookingOutcome::Result::Booked:
    case BookingOutcome::Result::Replayed:
        break;
    }
    if (m_json)
        m_out << jsonText(outcome->booking.toJson()) << '\n';
    else
        printBooking(outcome->booking);
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdBookings(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption(
        QCommandLineOption(QStringLiteral("date"), tr("local day"), QStringLiteral("YYYY-MM-DD")));
    if (!parseCommand(parser, QStringLiteral("bookings"), args, tr("bookings --date YYYY-MM-DD [--json]")))
        return Invalid;
    const std::optional<QDate> date = IsoTime::parseDate(parser.value(QStringLiteral("date")));
    if (!date || !parser.positionalArguments().isEmpty())
        return invalidFields({{QStringLiteral("date"),
                               tr("bookings needs --date YYYY-MM-DD (for example 2025-06-11), not \"%1\".")
                                   .arg(parser.value(QStringLiteral("date")))}});
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    const QDate day = *date;
    auto bookings = m_pool
                        ->withRetry(QStringLiteral("bookings.day"), RetryPolicy::standard(),
                                    [day](QSqlDatabase &db) { return BookingRepo(db).forDay(day); })
                        .result();
    if (!bookings.ok())
        return failWith(bookings.error());
    QJsonArray array;
    for (const Booking &b : bookings.value()) {
        array.append(b.toJson());
        if (!m_json)
            m_out << QStringLiteral("%1-%2  %3  %4  %5  %6  %7  %8\n")
                         .arg(b.start.toString(QStringLiteral("HH:mm")),
                              b.end.toString(QStringLiteral("HH:mm")))
                         .arg(b.code)
                         .arg(b.status, -11)
                         .arg(b.bay.name, -14)
                         .arg(b.serviceName, -18)
                         .arg(b.plate, -10)
                         .arg(b.customerName);
    }
    if (m_json)
        m_out << jsonText(array) << '\n';
    else if (bookings->isEmpty())
        m_out << tr("No bookings on %1.").arg(day.toString(Qt::ISODate)) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdBooking(const QStringList &args)
{
    const QString usageLine = tr("booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]");
    QCommandLineParser parser;
    const QCommandLineOption reasonOption(QStringLiteral("reason"), tr("why"), QStringLiteral("text"));
    parser.addOption(reasonOption);
    if (!parseCommand(parser, QStringLiteral("booking"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    // "status" is the sub-command; a code is upper case, or has digits.
    const bool change = words.value(0) == u"status" && words.size() == 3;
    if ((!change && words.size() != 1) || (words.value(0) == u"status" && !change))
        return invalid(tr("Usage: carwash-admin %1").arg(usageLine));
    if (!change && parser.isSet(reasonOption))
        return invalid(tr("--reason goes with booking status. Usage: carwash-admin %1").arg(usageLine));
    const QString which = change ? words[1] : words[0];
    static const QRegularExpression numeric(QStringLiteral("^[0-9]{1,18}$"));
    if (!numeric.match(which.trimmed()).hasMatch() && !ConfirmationCode::looksLikeCode(which))
        return invalidFields(
            {{QStringLiteral("booking"),
              tr("\"%1\" is neither a booking ID (a number) nor a confirmation code (6 letters and "
                 "digits).")
                  .arg(which)}});
    if (change && !BookingStatus::isKnown(words[2]))
        return invalidFields({{QStringLiteral("status"),
                               tr("\"%1\" is not a booking status. Statuses: %2.")
                                   .arg(words[2], BookingStatus::all().join(QStringLiteral(", ")))}});
    if (const int rc = openPool(true); rc != Ok)
        return rc;

    DbResult<Booking> result;
    if (change) {
        const QString status = words[2];
        const QString reason = parser.value(reasonOption);
        result = m_pool
                     ->withRetry(QStringLiteral("booking.status"), RetryPolicy::critical(),
                                 [which, status, reason](QSqlDatabase &db) {
                                     return BookingRepo(db).changeStatus(which, status, QStringLiteral("cli"),
                                                                         reason);
                                 })
                     .result();
    } else {
        auto found = m_pool
                         ->withRetry(QStringLiteral("booking.get"), RetryPolicy::standard(),
                                     [which](QSqlDatabase &db) { return BookingRepo(db).find(which); })
                         .result();
        if (!found.ok())
            return failWith(found.error());
        if (!found->has_value())
            return failWith(DbError(DbError::Kind::NotFound,
                                    tr("There is no booking with ID or code \"%1\".").arg(which)));
        result = DbResult<Booking>(**found);
    }
    if (!result.ok())
        return failWith(result.error());
    if (m_json)
        m_out << jsonText(result->toJson()) << '\n';
    else
        printBooking(result.value());
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdCustomer(const QStringList &args)
{
    const QString usageLine = tr("customer find TEXT [--json]");
    QCommandLineParser parser;
    if (!parseCommand(parser, QStringLiteral("customer"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    if (words.size() != 2 || words[0] != u"find" || words[1].trimmed().isEmpty())
        return invalid(tr("Usage: carwash-admin %1 (a plate, a phone number or part of a name; quote spaces)")
                           .arg(usageLine));
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    const QString text = words[1];
    auto found = m_pool
                     ->withRetry(QStringLiteral("customers.find"), RetryPolicy::standard(),
                                 [text](QSqlDatabase &db) { return CustomerRepo(db).find(text); })
                     .result();
    if (!found.ok())
        return failWith(found.error());
    QJsonArray array;
    for (const Customer &c : found.value()) {
        array.append(c.toJson());
        if (m_json)
            continue;
        QStringList plates;
        for (const auto &v : c.vehicles)
            plates << v.first;
        m_out << c.name << "  " << plates.join(QStringLiteral(", "));
        if (!c.phone.isEmpty())
            m_out << "  " << c.phone;
        if (!c.email.isEmpty())
            m_out << "  " << c.email;
        m_out << "  " << tr("%n completed visit(s)", nullptr, c.completedVisits) << '\n';
        for (const Visit &v : c.visits)
            m_out << "    " << v.start.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "  " << v.code << "  "
                  << v.status << "  " << v.serviceName << "  " << v.plate << "  "
                  << Money::format(v.priceCents, v.currency) << '\n';
    }
    if (m_json)
        m_out << jsonText(array) << '\n';
    else if (found->isEmpty())
        m_out << tr("No customer matches \"%1\".").arg(text) << '\n';
    m_out << Qt::flush;
    return Ok;
}

int AdminCli::cmdMaintenance(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption ifDue(QStringLiteral("if-due"), tr("only when no run started in the last 24 hours"));
    const QCommandLineOption batchOption(QStringLiteral("batch-size"), tr("rows per DELETE"), QStringLiteral("rows"),
                                         QString::number(Maintenance::DefaultBatchSize));
    parser.addOption(ifDue);
    parser.addOption(batchOption);
    if (!parseCommand(parser, QStringLiteral("maintenance"), args,
                      QStringLiteral("maintenance [--if-due] [--batch-size N] [--json]")))
        return Invalid;
    bool numberOk = false;
    const int batchSize = parser.value(batchOption).toInt(&numberOk);
    if (!numberOk || batchSize < 1 || batchSize > 100000)
        return invalid(tr("--batch-size must be a whole number from 1 to 100000, not \"%1\".")
                           .arg(parser.value(batchOption)));
    if (const int rc = openPool(true); rc != Ok)
        return rc;
    MaintenanceRunner runner(*m_pool, QStringLiteral("carwash-admin"));
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
        return failWith(outcome.error());
    const MaintenanceResult &r = outcome.value();
    if (m_json) {
        m_out << jsonText(r.toJson()) << '\n';
    } else if (r.skipped) {
        m_out << tr("Maintenance already ran at %1 (%2); nothing was done.")
                     .arg(r.lastRunAt.toLocalTime().toString(Qt::ISODate), r.lastRanBy)
              << '\n';
    } else {
        for (const MaintenanceResult::Table &t : r.tables)
            m_out << tr("%1: removed %2 rows older than %3 days (%4 batches)")
                         .arg(t.table)
                         .arg(t.removed)
                         .arg(t.retentionDays)
                         .arg(t.batches)
                  << '\n';
    }
    m_out << Qt::flush;
    return Ok;
}
