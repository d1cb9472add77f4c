#pragma once

#include <QCoreApplication>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QSettings;

// One server of a DATABASE_URL that names several (libpq's multi-host form).
struct DatabaseHost
{
    QString host; // host name, IP, or a unix-socket directory (starts with '/')
    int port = 5432;
    bool operator==(const DatabaseHost &) const = default;
};

// Where a setting's value came from, strongest first. SiteFile: the URL in
// /etc/carwash-desk/database.conf (SiteConfigFile), below the environment's
// DATABASE_URL and above the user's saved settings.
enum class ConfigSource { Environment, Url, SiteFile, Settings, Default };
QString configSourceName(ConfigSource source);

// The database and pool settings in force for one process. Validated and
// clamped by DatabaseConfigLoader; the password is held but never printed.
struct DatabaseConfig
{
    // Connection
    QString host;             // host name, IP, or a unix-socket directory (starts with '/')
    int port = 5432;
    QString database;
    QString user;
    QString password;
    QString sslMode;          // empty = libpq default
    QString applicationName;  // set per program
    bool embedded = false;    // the private cluster under the user's data folder
    // The servers after host:port when DATABASE_URL names several (a primary
    // and its standbys): libpq tries them in order and keeps the first that
    // answers as targetSessionAttrs asks. Empty for one server.
    QList<DatabaseHost> otherHosts;
    // libpq's target_session_attrs (any, read-write, read-only, primary,
    // standby, prefer-standby); empty = libpq's default, any.
    QString targetSessionAttrs;

    // Pool (the old system's names in comments)
    int maxConnections = 5;        // connection_limit, DB_MAX_CONNECTIONS
    int poolTimeoutMs = 10000;     // pool_timeout (s), DB_POOL_TIMEOUT
    int connectTimeoutS = 10;      // connect_timeout (s), DB_CONNECT_TIMEOUT
    // statement_timeout (s), DB_STATEMENT_TIMEOUT; 0 = off. The server cancels a
    // statement running longer (57014); the pool's watchdog takes a statement
    // still unanswered statementTimeoutMs + watchdogGraceMs later for a dead link.
    int statementTimeoutMs = 30000;
    bool pgbouncer = false;        // pgbouncer=true or statement_cache_size=0
    int statementCacheSize = 100;  // statement_cache_size
    int idleTimeoutMs = 600000;    // DB_IDLE_TIMEOUT (ms): close a connection idle this long
    int maxLifetimeMs = 1800000;   // DB_MAX_LIFETIME (ms): recycle connections older than this
    int leakThresholdMs = 30000;   // DB_LEAK_THRESHOLD (ms): warn when work holds a connection longer
    int validationIdleMs = 500;    // validate a connection with SELECT 1 after it sat idle this long
    int watchdogGraceMs = 10000;   // how long past statement_timeout the watchdog waits for an answer

    // Monitoring
    bool monitoring = true;        // ENABLE_DB_MONITORING
    int slowQueryThresholdMs = 500; // SLOW_QUERY_THRESHOLD (ms)
    int maxQueryHistory = 100;     // MAX_QUERY_HISTORY

    QMap<QString, ConfigSource> sources; // setting name -> where it came from
    // The site file the connection came from (sourceOf("host") == SiteFile),
    // so a screen can name it; empty otherwise.
    QString siteConfigPath;

    bool isUnixSocket() const { return host.startsWith(QLatin1Char('/')); }
    bool isMultiHost() const { return !otherHosts.isEmpty(); }
    // host:port, then otherHosts.
    QList<DatabaseHost> hosts() const;
    // libpq's host and port values: "h1,h2" and "5432,5433".
    QString libpqHosts() const;
    QString libpqPorts() const;
    // Where the database is, for people: "db:5432", a socket's folder, or
    // "h1:5432, h2:5433".
    QString serverText() const;
    // "host:port" (several joined by ','), as the keychain entry of the
    // password is keyed: unchanged for one server.
    QString hostPortList() const;
    // postgresql://user:***@host:port/db?… — never the password.
    QString redactedUrl() const;
    ConfigSource sourceOf(const QString &setting) const { return sources.value(setting, ConfigSource::Default); }
};

// Builds a DatabaseConfig from environment > DATABASE_URL > the site's
// config file > saved settings > defaults. Bad values are refused with a message naming the setting and its
// accepted range, or clamped with a warning where that is safe.
class DatabaseConfigLoader
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseConfigLoader)
public:
    struct Result
    {
        DatabaseConfig config;
        QStringList errors;   // refused: the program must not start on this config
        QStringList warnings; // clamped or ignored: logged
        bool ok() const { return errors.isEmpty(); }
    };

    // siteConfigPath: the site's config file (SiteConfigFile::path(env) in
    // the programs); empty, or a file that is not there, adds no layer.
    static Result load(const QProcessEnvironment &env, QSettings *settings, const QString &siteConfigPath = {});

    // Saves the non-secret connection settings (never the password).
    static void save(const DatabaseConfig &config, QSettings &settings);

    // The environment variable that sets a numeric setting (by its key in
    // DatabaseConfig::sources: "connection_limit" -> DB_MAX_CONNECTIONS);
    // empty when the environment has none.
    static QString environmentVariable(const QString &key);

    // Parses a postgresql:// URL into config (for tests and the loader).
    static void parseUrl(const QString &url, Result &result);
};
