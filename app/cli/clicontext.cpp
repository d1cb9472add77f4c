#include "app/cli/clicontext.h"

#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "db/pool/connectionpool.h"
#include "db/pool/fielderror.h"
#include "db/schema/migrator.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

CliContext::CliContext()
    : m_out(stdout)
    , m_err(stderr)
{ }

CliContext::~CliContext() = default;

QString CliContext::jsonText(const QJsonValue &value)
{
    const QJsonDocument doc
        = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

int CliContext::failWith(const DbError &error)
{
    if (m_json) {
        m_out << jsonText(
            QJsonObject {{QStringLiteral("error"),
                          QJsonObject {{QStringLiteral("kind"), DbError::kindName(error.kind())},
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

int CliContext::openPool(bool migrate)
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
        auto applied = m_pool
                           ->withRetry(QStringLiteral("migrate"), RetryPolicy::standard(),
                                       [](QSqlDatabase &db) { return Migrator::migrate(db); })
                           .result();
        if (!applied.ok())
            return failWith(applied.error());
    }
    return Ok;
}

void CliContext::closePool()
{
    m_pool.reset();
}

int CliContext::invalid(const QString &message)
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

int CliContext::refused(const QString &message)
{
    if (m_json)
        m_out << jsonText(QJsonObject {{QStringLiteral("error"),
                                        QJsonObject {{QStringLiteral("kind"), QStringLiteral("refused")},
                                                     {QStringLiteral("message"), message}}}})
              << '\n'
              << Qt::flush;
    m_err << message << '\n' << Qt::flush;
    return Failure;
}

bool CliContext::parseCommand(QCommandLineParser &parser, const QString &command, const QStringList &args,
                              const QString &usageLine)
{
    // run() has taken --json out already; accept it here too so it may
    // appear anywhere without confusing the parser.
    parser.addOption(QCommandLineOption(QStringLiteral("json")));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList {QStringLiteral("carwash-admin ") + command} + args)) {
        invalid(AdminCli::tr("%1\nUsage: carwash-admin %2").arg(parser.errorText(), usageLine));
        return false;
    }
    return true;
}

int CliContext::invalidFields(const QList<FieldError> &errors)
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
