#include "db/config/databaseconfig.h"

#include "db/config/siteconfigfile.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QUrlQuery>

#include <cmath>

Q_LOGGING_CATEGORY(lcConfig, "carwash.db.config", QtWarningMsg)

QString configSourceName(ConfigSource source)
{
    switch (source) {
    case ConfigSource::Environment: return QStringLiteral("environment");
    case ConfigSource::Url: return QStringLiteral("url");
    case ConfigSource::SiteFile: return QStringLiteral("site file");
    case ConfigSource::Settings: return QStringLiteral("settings");
    case ConfigSource::Default: return QStringLiteral("default");
    }
    return {};
}

QList<DatabaseHost> DatabaseConfig::hosts() const
{
    return QList<DatabaseHost> {{host, port}} + otherHosts;
}

QString DatabaseConfig::libpqHosts() const
{
    QStringList names;
    for (const DatabaseHost &h : hosts())
        names << h.host;
    return names.join(QLatin1Char(','));
}

QString DatabaseConfig::libpqPorts() const
{
    QStringList ports;
    for (const DatabaseHost &h : hosts())
        ports << QString::number(h.port);
    return ports.join(QLatin1Char(','));
}

QString DatabaseConfig::serverText() const
{
    QStringList servers;
    for (const DatabaseHost &h : hosts())
        servers << (h.host.startsWith(QLatin1Char('/')) ? h.host
                                                        : QStringLiteral("%1:%2").arg(h.host).arg(h.port));
    return servers.join(QStringLiteral(", "));
}

QString DatabaseConfig::hostPortList() const
{
    QStringList servers;
    for (const DatabaseHost &h : hosts())
        servers << QStringLiteral("%1:%2").arg(h.host).arg(h.port);
    return servers.join(QLatin1Char(','));
}

QString DatabaseConfig::redactedUrl() const
{
    QString url = QStringLiteral("postgresql://");
    if (!user.isEmpty()) {
        url += QString::fromUtf8(QUrl::toPercentEncoding(user));
        if (!password.isEmpty())
            url += QStringLiteral(":***");
        url += QLatin1Char('@');
    }
    // An IPv6 address in brackets; any other host (a name, a socket's folder,
    // whatever ?host= said) percent-encoded, so it reads back as itself.
    // A socket's port too: it names the socket file (.s.PGSQL.5433).
    static const QRegularExpression ipv6(QStringLiteral("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"));
    QStringList servers;
    for (const DatabaseHost &h : hosts()) {
        const QString name = ipv6.match(h.host).hasMatch()
            ? QLatin1Char('[') + h.host + QLatin1Char(']')
            : QString::fromUtf8(QUrl::toPercentEncoding(h.host));
        servers << name + QLatin1Char(':') + QString::number(h.port);
    }
    url += servers.join(QLatin1Char(','));
    url += QLatin1Char('/') + QString::fromUtf8(QUrl::toPercentEncoding(database));
    QStringList query;
    query << QStringLiteral("connection_limit=%1").arg(maxConnections)
          << QStringLiteral("pool_timeout=%1").arg(poolTimeoutMs / 1000.0)
          << QStringLiteral("connect_timeout=%1").arg(connectTimeoutS)
          << QStringLiteral("statement_timeout=%1").arg(statementTimeoutMs / 1000.0);
    if (pgbouncer)
        query << QStringLiteral("pgbouncer=true");
    if (!sslMode.isEmpty())
        query << QStringLiteral("sslmode=") + sslMode;
    if (!targetSessionAttrs.isEmpty())
        query << QStringLiteral("target_session_attrs=") + targetSessionAttrs;
    if (!applicationName.isEmpty())
        query << QStringLiteral("application_name=") + QString::fromUtf8(QUrl::toPercentEncoding(applicationName));
    return url + QLatin1Char('?') + query.join(QLatin1Char('&'));
}

namespace {

struct IntRange
{
    double min;
    double max;
    bool clampHigh; // above max: clamp with a warning instead of refusing
};

// Parses a number for `setting`; refuses text and values below the range,
// clamps values above it when that is safe. Returns false when refused.
bool parseNumber(const QString &setting, const QString &raw, IntRange range, double &out,
                 DatabaseConfigLoader::Result &result, const QString &unit)
{
    bool ok = false;
    const double v = raw.trimmed().toDouble(&ok);
    const QString accepted = unit.isEmpty()
        ? DatabaseConfigLoader::tr("%1 to %2").arg(range.min).arg(range.max)
        : DatabaseConfigLoader::tr("%1 to %2 %3").arg(range.min).arg(range.max).arg(unit);
    if (!ok || !std::isfinite(v)) {
        result.errors << DatabaseConfigLoader::tr("%1: \"%2\" is not a number; accepted: %3.")
                             .arg(setting, raw, accepted);
        return false;
    }
    if (v < range.min || (v > range.max && !range.clampHigh)) {
        result.errors << DatabaseConfigLoader::tr("%1: %2 is out of range; accepted: %3.")
                             .arg(setting, raw, accepted);
        return false;
    }
    if (v > range.max) {
        result.warnings << DatabaseConfigLoader::tr("%1: %2 is above the maximum; using %3.")
                               .arg(setting, raw)
                               .arg(range.max);
        out = range.max;
        return true;
    }
    out = v;
    return true;
}

bool parseBool(const QString &setting, const QString &raw, bool &out, DatabaseConfigLoader::Result &result)
{
    const QString v = raw.trimmed().toLower();
    if (v == u"1" || v == u"true" || v == u"yes" || v == u"on") {
        out = true;
        return true;
    }
    if (v == u"0" || v == u"false" || v == u"no" || v == u"off") {
        out = false;
        return true;
    }
    result.errors << DatabaseConfigLoader::tr("%1: \"%2\" is not a yes/no value; accepted: true, false, 1, 0.")
                         .arg(setting, raw);
    return false;
}

// One numeric setting with its names in each layer.
struct NumericSetting
{
    const char *key;        // name in sources and saved settings
    const char *urlParam;   // nullptr when the URL has no such parameter
    const char *envVar;     // nullptr when the environment has none
    IntRange range;
    double scale;           // value in config unit per given unit (s -> ms = 1000)
    const char *unit;
    int DatabaseConfig::*field;
};

const NumericSetting kNumeric[] = {
    {"connection_limit", "connection_limit", "DB_MAX_CONNECTIONS", {1, 100, true}, 1, "", &DatabaseConfig::maxConnections},
    {"pool_timeout", "pool_timeout", "DB_POOL_TIMEOUT", {0.05, 3600, true}, 1000, "s", &DatabaseConfig::poolTimeoutMs},
    {"connect_timeout", "connect_timeout", "DB_CONNECT_TIMEOUT", {1, 3600, true}, 1, "s", &DatabaseConfig::connectTimeoutS},
    {"statement_timeout", "statement_timeout", "DB_STATEMENT_TIMEOUT", {0, 86400, true}, 1000, "s", &DatabaseConfig::statementTimeoutMs},
    {"statement_cache_size", "statement_cache_size", nullptr, {0, 100000, true}, 1, "", &DatabaseConfig::statementCacheSize},
    {"slow_query_threshold", nullptr, "SLOW_QUERY_THRESHOLD", {1, 3600000, true}, 1, "ms", &DatabaseConfig::slowQueryThresholdMs},
    {"max_query_history", nullptr, "MAX_QUERY_HISTORY", {0, 100000, true}, 1, "", &DatabaseConfig::maxQueryHistory},
    {"idle_timeout", nullptr, "DB_IDLE_TIMEOUT", {100, 86400000, true}, 1, "ms", &DatabaseConfig::idleTimeoutMs},
    {"max_lifetime", nullptr, "DB_MAX_LIFETIME", {1000, 86400000, true}, 1, "ms", &DatabaseConfig::maxLifetimeMs},
    {"leak_threshold", nullptr, "DB_LEAK_THRESHOLD", {100, 86400000, true}, 1, "ms", &DatabaseConfig::leakThresholdMs},
};

void applyNumeric(const NumericSetting &s, const QString &raw, ConfigSource source, const QString &displayName,
                  DatabaseConfigLoader::Result &result)
{
    double v = 0;
    if (parseNumber(displayName, raw, s.range, v, result, QString::fromLatin1(s.unit))) {
        result.config.*(s.field) = int(std::llround(v * s.scale));
        result.config.sources[QString::fromLatin1(s.key)] = source;
    }
}

const QStringList kSslModes = {QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                               QStringLiteral("require"), QStringLiteral("verify-ca"),
                               QStringLiteral("verify-full")};

// libpq 15's values.
const QStringList kTargetSessionAttrs
    = {QStringLiteral("any"),     QStringLiteral("read-write"), QStringLiteral("read-only"),
       QStringLiteral("primary"), QStringLiteral("standby"),    QStringLiteral("prefer-standby")};

QString percentDecoded(const QString &s)
{
    return QUrl::fromPercentEncoding(s.toUtf8());
}

} // namespace

QString DatabaseConfigLoader::environmentVariable(const QString &key)
{
    for (const NumericSetting &s : kNumeric) {
        if (key == QLatin1String(s.key))
            return s.envVar ? QString::fromLatin1(s.envVar) : QString();
    }
    return {};
}

void DatabaseConfigLoader::parseUrl(const QString &url, Result &result)
{
    DatabaseConfig &c = result.config;
    static const QRegularExpression re(QStringLiteral(R"(^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(?:/([^?#]*))?(?:\?([^#]*))?$)"));
    const QRegularExpressionMatch m = re.match(url.trimmed());
    if (!m.hasMatch()) {
        result.errors << tr("DATABASE_URL: not a URL; expected postgresql://user:password@host:5432/database.");
        return;
    }
    const QString scheme = m.captured(1).toLower();
    if (scheme != u"postgresql" && scheme != u"postgres") {
        result.errors << tr("DATABASE_URL: unknown scheme \"%1\"; accepted: postgresql://, postgres://.").arg(scheme);
        return;
    }
    QString authority = m.captured(2);
    const int at = authority.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        const QString userInfo = authority.left(at);
        authority = authority.mid(at + 1);
        const int colon = userInfo.indexOf(QLatin1Char(':'));
        c.user = percentDecoded(colon >= 0 ? userInfo.left(colon) : userInfo);
        if (colon >= 0)
            c.password = percentDecoded(userInfo.mid(colon + 1));
        result.config.sources[QStringLiteral("user")] = ConfigSource::Url;
    }
    // libpq's multi-host form: "h1:5432,[::1]:5433,h2" (a host without a
    // port takes the default), or ?host=h1,h2&port=5432,5433 below.
    QStringList hostNames;
    QStringList portTexts;
    bool portsFromQuery = false;
    for (const QString &spec : authority.split(QLatin1Char(','))) {
        if (spec.startsWith(QLatin1Char('['))) { // [IPv6]:port
            const int close = spec.indexOf(QLatin1Char(']'));
            if (close < 0) {
                result.errors << tr("DATABASE_URL: host \"%1\" has no closing bracket.").arg(spec);
                return;
            }
            hostNames << spec.mid(1, close - 1);
            portTexts << (spec.size() > close + 1 && spec.at(close + 1) == QLatin1Char(':')
                              ? spec.mid(close + 2)
                              : QString());
        } else {
            const int colon = spec.lastIndexOf(QLatin1Char(':'));
            const QString name = percentDecoded(colon >= 0 ? spec.left(colon) : spec);
            if (name.contains(QLatin1Char(','))) {
                result.errors << tr("DATABASE_URL: host \"%1\" holds a comma; separate several hosts with a "
                                    "plain comma: postgresql://host1:5432,host2:5432/database.")
                                     .arg(name);
                return;
            }
            hostNames << name;
            portTexts << (colon >= 0 ? spec.mid(colon + 1) : QString());
        }
    }
    if (m.hasCaptured(3) && !m.captured(3).isEmpty())
        c.database = percentDecoded(m.captured(3));

    const QUrlQuery query(m.captured(4));
    for (const auto &[rawKey, rawValue] : query.queryItems(QUrl::FullyDecoded)) {
        const QString key = rawKey.toLower();
        const QString value = rawValue;
        bool known = false;
        for (const NumericSetting &s : kNumeric) {
            if (s.urlParam && key == QLatin1String(s.urlParam)) {
                applyNumeric(s, value, ConfigSource::Url, QStringLiteral("DATABASE_URL %1").arg(key), result);
                known = true;
            }
        }
        if (known)
            continue;
        if (key == u"pgbouncer") {
            bool on = false;
            if (parseBool(QStringLiteral("DATABASE_URL pgbouncer"), value, on, result)) {
                c.pgbouncer = on;
                c.sources[QStringLiteral("pgbouncer")] = ConfigSource::Url;
            }
        } else if (key == u"sslmode") {
            if (!kSslModes.contains(value)) {
                result.errors << tr("DATABASE_URL sslmode: \"%1\" is not valid; accepted: %2.")
                                     .arg(value, kSslModes.join(QStringLiteral(", ")));
            } else {
                c.sslMode = value;
                c.sources[QStringLiteral("sslmode")] = ConfigSource::Url;
            }
        } else if (key == u"application_name") {
            c.applicationName = value;
            c.sources[QStringLiteral("application_name")] = ConfigSource::Url;
        } else if (key == u"target_session_attrs") {
            if (!kTargetSessionAttrs.contains(value)) {
                result.errors << tr("DATABASE_URL target_session_attrs: \"%1\" is not valid; accepted: %2.")
                                     .arg(value, kTargetSessionAttrs.join(QStringLiteral(", ")));
            } else {
                c.targetSessionAttrs = value;
                c.sources[QStringLiteral("target_session_attrs")] = ConfigSource::Url;
            }
        } else if (key == u"host") { // postgresql:///db?host=/run/postgresql, or ?host=h1,h2
            hostNames = value.split(QLatin1Char(','));
        } else if (key == u"port") {
            portTexts = value.split(QLatin1Char(','));
            portsFromQuery = true;
        } else if (key == u"user") {
            c.user = value;
        } else if (key == u"password") {
            c.password = value;
        } else if (key == u"dbname") {
            c.database = value;
        } else if (key == u"schema" || key == u"socket_timeout") {
            result.warnings << tr("DATABASE_URL %1: not used by this program; ignored.").arg(key);
        } else {
            result.warnings << tr("DATABASE_URL: unknown parameter \"%1\" ignored.").arg(key);
        }
    }
    // One port for each host or one for all, as libpq matches them; an empty
    // one is the default.
    if (portTexts.size() != 1 && portTexts.size() != hostNames.size()) {
        result.errors
            << tr("DATABASE_URL: %1 ports for %2 hosts; give one port for each host, or one for all.")
                   .arg(portTexts.size())
                   .arg(hostNames.size());
        portTexts = QStringList {QString()};
    }
    QList<int> ports;
    for (const QString &portText : std::as_const(portTexts)) {
        bool ok = portText.isEmpty();
        const int port = ok ? 5432 : portText.toInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            result.errors << (portsFromQuery
                                  ? tr("DATABASE_URL port: \"%1\" is not valid; accepted: 1 to 65535.")
                                  : tr("DATABASE_URL: port \"%1\" is not valid; accepted: 1 to 65535."))
                                 .arg(portText);
        }
        ports << (ok && port >= 1 && port <= 65535 ? port : 5432);
    }
    QList<DatabaseHost> servers;
    for (qsizetype i = 0; i < hostNames.size(); ++i) {
        const QString &name = hostNames.at(i);
        servers << DatabaseHost {name.isEmpty() ? QStringLiteral("localhost") : name,
                                 ports.value(ports.size() == 1 ? 0 : i)};
    }
    c.host = servers.first().host;
    c.port = servers.first().port;
    c.otherHosts = servers.mid(1);
    c.sources[QStringLiteral("host")] = ConfigSource::Url;
    c.sources[QStringLiteral("port")] = ConfigSource::Url;
    c.sources[QStringLiteral("database")] = ConfigSource::Url;
    if (c.database.isEmpty())
        c.database = c.user;
}

namespace {

// The site's config file over what the saved settings gave: its URL parsed
// as DATABASE_URL would be, each value marked as the file's, each problem
// naming the file.
void applySiteFile(const QString &path, const SiteConfigFile::Contents &file, DatabaseConfigLoader::Result &result)
{
    DatabaseConfigLoader::Result fromFile;
    fromFile.config = result.config;
    DatabaseConfig &c = fromFile.config;
    c.host.clear();
    c.port = 5432;
    c.database.clear();
    c.user.clear();
    c.sslMode.clear();
    DatabaseConfigLoader::parseUrl(file.url, fromFile);
    for (auto it = c.sources.begin(); it != c.sources.end(); ++it)
        if (it.value() == ConfigSource::Url)
            it.value() = ConfigSource::SiteFile;
    c.siteConfigPath = path;
    result.config = c;
    for (const QString &e : std::as_const(fromFile.errors))
        result.errors << QStringLiteral("%1: %2").arg(path, e);
    for (const QString &w : std::as_const(fromFile.warnings))
        result.warnings << QStringLiteral("%1: %2").arg(path, w);
}

} // namespace

DatabaseConfigLoader::Result DatabaseConfigLoader::load(const QProcessEnvironment &env, QSettings *settings,
                                                        const QString &siteConfigPath)
{
    Result result;
    DatabaseConfig &c = result.config;

    // Saved settings: the weakest layer above the defaults.
    bool haveSaved = false;
    if (settings) {
        settings->beginGroup(QStringLiteral("database"));
        if (settings->contains(QStringLiteral("host"))) {
            haveSaved = true;
            c.host = settings->value(QStringLiteral("host")).toString();
            c.port = settings->value(QStringLiteral("port"), 5432).toInt();
            c.database = settings->value(QStringLiteral("name")).toString();
            c.user = settings->value(QStringLiteral("user")).toString();
            c.sslMode = settings->value(QStringLiteral("sslmode")).toString();
            for (const QString &k : {QStringLiteral("host"), QStringLiteral("port"), QStringLiteral("database"),
                                     QStringLiteral("user"), QStringLiteral("sslmode")})
                c.sources[k] = ConfigSource::Settings;
        }
        for (const NumericSetting &s : kNumeric) {
            const QString key = QString::fromLatin1(s.key);
            if (settings->contains(key))
                applyNumeric(s, settings->value(key).toString(), ConfigSource::Settings,
                             tr("saved setting %1").arg(key), result);
        }
        settings->endGroup();
    }

    const QString url = env.value(QStringLiteral("DATABASE_URL")).trimmed();
    if (!url.isEmpty()) {
        c.host.clear();
        c.port = 5432;
        c.database.clear();
        c.user.clear();
        c.sslMode.clear();
        parseUrl(url, result);
    } else if (const SiteConfigFile::Contents file = siteConfigPath.isEmpty()
                   ? SiteConfigFile::Contents {}
                   : SiteConfigFile::read(siteConfigPath);
               file.exists) {
        result.errors << file.errors;
        result.warnings << file.warnings;
        if (!file.url.isEmpty())
            applySiteFile(siteConfigPath, file, result);
    } else if (!haveSaved) {
        c.embedded = true;
    }

    for (const NumericSetting &s : kNumeric) {
        if (!s.envVar || !env.contains(QString::fromLatin1(s.envVar)))
            continue;
        applyNumeric(s, env.value(QString::fromLatin1(s.envVar)), ConfigSource::Environment,
                     QString::fromLatin1(s.envVar), result);
    }
    if (env.contains(QStringLiteral("ENABLE_DB_MONITORING"))) {
        bool on = true;
        if (parseBool(QStringLiteral("ENABLE_DB_MONITORING"), env.value(QStringLiteral("ENABLE_DB_MONITORING")), on,
                      result)) {
            c.monitoring = on;
            c.sources[QStringLiteral("monitoring")] = ConfigSource::Environment;
        }
    }
    if (c.statementCacheSize == 0 && !c.pgbouncer) {
        c.pgbouncer = true; // no statement cache is how the old system spelled "behind PgBouncer"
        c.sources[QStringLiteral("pgbouncer")] = c.sourceOf(QStringLiteral("statement_cache_size"));
    }
    if (c.poolTimeoutMs < 50)
        c.poolTimeoutMs = 50;

    for (const QString &w : std::as_const(result.warnings))
        qCWarning(lcConfig).noquote() << w;
    return result;
}

void DatabaseConfigLoader::save(const DatabaseConfig &config, QSettings &settings)
{
    settings.beginGroup(QStringLiteral("database"));
    settings.setValue(QStringLiteral("host"), config.host);
    settings.setValue(QStringLiteral("port"), config.port);
    settings.setValue(QStringLiteral("name"), config.database);
    settings.setValue(QStringLiteral("user"), config.user);
    settings.setValue(QStringLiteral("sslmode"), config.sslMode);
    settings.setValue(QStringLiteral("connection_limit"), config.maxConnections);
    settings.setValue(QStringLiteral("pool_timeout"), config.poolTimeoutMs / 1000.0);
    settings.setValue(QStringLiteral("connect_timeout"), config.connectTimeoutS);
    settings.setValue(QStringLiteral("statement_timeout"), config.statementTimeoutMs / 1000.0);
    settings.remove(QStringLiteral("password")); // never kept here
    settings.endGroup();
}
