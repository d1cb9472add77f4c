#include "app/cli/sitecommands.h"

#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "db/config/databaseconfig.h"
#include "db/config/siteconfigfile.h"
#include "db/pool/connectioncheck.h"
#include "db/pool/connectionpool.h"
#include "db/schema/sitedatabase.h"
#include "keychain/keychainrequest.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

#include <cerrno>
#include <cstring>
#include <memory>
#include <pwd.h>
#include <unistd.h>

namespace {

const QString kSiteName = QStringLiteral("carwash"); // the role and the database, by default
const QString kServerUser = QStringLiteral("postgres");

// Under root, the process acts as the postgres user (effective ids, every
// thread) while it lives, so the cluster's peer authentication on the local
// socket lets it in as its superuser; root again afterwards, to write the
// site's file under /etc.
class ServerUserScope
{
public:
    ServerUserScope() = default;
    ~ServerUserScope()
    {
        if (m_entered) {
            if (::seteuid(0) != 0 || ::setegid(0) != 0)
                ::_exit(CliContext::Failure); // never go on half-privileged
        }
    }
    ServerUserScope(const ServerUserScope &) = delete;
    ServerUserScope &operator=(const ServerUserScope &) = delete;

    bool enter(QString *error)
    {
        const passwd *pw = ::getpwnam(kServerUser.toLocal8Bit().constData());
        if (!pw) {
            *error = AdminCli::tr("There is no %1 user on this PC: is PostgreSQL installed (apt-get install "
                                  "postgresql)?")
                         .arg(kServerUser);
            return false;
        }
        if (::setegid(pw->pw_gid) != 0 || ::seteuid(pw->pw_uid) != 0) {
            *error = AdminCli::tr("Could not act as the %1 user: %2")
                         .arg(kServerUser, QString::fromLocal8Bit(strerror(errno)));
            if (::setegid(0) != 0)
                ::_exit(CliContext::Failure); // never go on half-privileged
            return false;
        }
        m_entered = true;
        return true;
    }

private:
    bool m_entered = false;
};

QString userName(uid_t uid)
{
    const passwd *pw = ::getpwuid(uid);
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
}

// postgresql://%2Fvar%2Frun%2Fpostgresql:5432/carwash: the socket and the
// database, no user (each program logs in as its own user) and no password.
QString siteUrl(const QString &socketFolder, int port, const QString &database)
{
    // One arg() call: the folder's %2F must not read as a placeholder.
    return QStringLiteral("postgresql://%1:%2/%3")
        .arg(QString::fromUtf8(QUrl::toPercentEncoding(socketFolder)), QString::number(port),
             QString::fromUtf8(QUrl::toPercentEncoding(database)));
}

DatabaseConfig superuserConfig(const QString &socketFolder, int port, const QString &database)
{
    DatabaseConfig config;
    config.host = socketFolder;
    config.port = port;
    config.user = kServerUser;
    config.database = database;
    config.applicationName = QStringLiteral("carwash-admin");
    config.maxConnections = 1;
    config.monitoring = false;
    config.poolTimeoutMs = (config.connectTimeoutS + 5) * 1000;
    return config;
}

struct InitOutcome
{
    bool roleMade = false;
    bool databaseMade = false;
    QStringList migrations;
    QJsonArray allowed; // {"user", "changed"}
};

} // namespace

int SiteCommands::run(const QStringList &args)
{
    const QString command = args.value(0);
    if (command == u"init")
        return init(args.mid(1));
    if (command == u"join")
        return join(args.mid(1));
    return m_cli.invalid(AdminCli::tr("Usage: carwash-admin site init [--host SOCKET_FOLDER] [--port PORT] "
                                      "[--name NAME] [--allow USER]... | site join postgresql://…"));
}

int SiteCommands::checkSiteFile(const QString &path, const QString &url)
{
    const SiteConfigFile::Contents file = SiteConfigFile::read(path);
    if (!file.exists || (file.errors.isEmpty() && file.url == url))
        return Ok;
    return m_cli.refused(
        AdminCli::tr("%1 names another site database (%2); nothing was changed. Remove it first if this "
                     "connection should replace it.")
            .arg(path, file.errors.isEmpty() ? file.url : file.errors.join(u' ')));
}

int SiteCommands::init(const QStringList &args)
{
    const QString usageLine = QStringLiteral(
        "site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]... [--json]");
    QCommandLineParser parser;
    const QCommandLineOption hostOption(QStringLiteral("host"),
                                        AdminCli::tr("the folder of the cluster's unix socket"),
                                        QStringLiteral("folder"), QStringLiteral("/var/run/postgresql"));
    const QCommandLineOption portOption(QStringLiteral("port"), AdminCli::tr("the cluster's port"),
                                        QStringLiteral("port"), QStringLiteral("5432"));
    const QCommandLineOption allowOption(
        QStringLiteral("allow"), AdminCli::tr("a user of this PC whose programs may use the site database"),
        QStringLiteral("user"));
    const QCommandLineOption nameOption(QStringLiteral("name"),
                                        AdminCli::tr("the role and database to make (default carwash)"),
                                        QStringLiteral("name"), kSiteName);
    parser.addOption(hostOption);
    parser.addOption(portOption);
    parser.addOption(nameOption);
    parser.addOption(allowOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("site init"), args, usageLine))
        return Invalid;
    if (!parser.positionalArguments().isEmpty())
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    const QString socketFolder = parser.value(hostOption);
    if (!socketFolder.startsWith(u'/'))
        return m_cli.invalid(
            AdminCli::tr("--host: \"%1\" is not a folder; site init reaches the cluster of this "
                         "PC through its unix socket, e.g. /var/run/postgresql.")
                .arg(socketFolder));
    bool portOk = false;
    const int port = parser.value(portOption).toInt(&portOk);
    if (!portOk || port < 1 || port > 65535)
        return m_cli.invalid(
            AdminCli::tr("--port: \"%1\" is not valid; accepted: 1 to 65535.").arg(parser.value(portOption)));
    // A name psql and pg_hba.conf take as written (lower case, no quotes needed).
    static const QRegularExpression plainName(QStringLiteral("^[a-z_][a-z0-9_]{0,62}$"));
    const QString name = parser.value(nameOption);
    if (!plainName.match(name).hasMatch())
        return m_cli.invalid(
            AdminCli::tr("--name: \"%1\" is not valid; accepted: lower-case letters, digits and "
                         "_, not starting with a digit, at most 63.")
                .arg(name));
    const QStringList allow = parser.values(allowOption);
    for (const QString &user : allow)
        if (user.trimmed().isEmpty() || user == name || user == kServerUser)
            return m_cli.invalid(AdminCli::tr("--allow: \"%1\" is not a desk user's name.").arg(user));

    const bool root = ::geteuid() == 0;
    if (!root && userName(::geteuid()) != kServerUser)
        return m_cli.refused(
            AdminCli::tr("site init makes a role and a database in PostgreSQL and writes %1: "
                         "run it as root (sudo carwash-admin site init) or as the %2 user.")
                .arg(SiteConfigFile::defaultPath(), kServerUser));
    const QString path = SiteConfigFile::path(QProcessEnvironment::systemEnvironment());
    const QString url = siteUrl(socketFolder, port, name);
    if (const int rc = checkSiteFile(path, url); rc != Ok)
        return rc;

    InitOutcome outcome;
    {
        ServerUserScope asServer;
        QString error;
        if (root && !asServer.enter(&error))
            return m_cli.refused(error);
        {
            ConnectionPool cluster(superuserConfig(socketFolder, port, QStringLiteral("postgres")));
            auto made = cluster
                            .withRetry(QStringLiteral("site.init"), RetryPolicy::standard(),
                                       [name](QSqlDatabase &db) {
                                           const bool role = SiteDatabase::ensureRole(db, name);
                                           const bool database = SiteDatabase::ensureDatabase(db, name, name);
                                           return std::pair {role, database};
                                       })
                            .result();
            if (!made.ok())
                return m_cli.failWith(made.error());
            outcome.roleMade = made->first;
            outcome.databaseMade = made->second;
        }
        ConnectionPool site(superuserConfig(socketFolder, port, name));
        auto migrated = site.withRetry(QStringLiteral("site.migrate"), RetryPolicy::standard(),
                                       [name](QSqlDatabase &db) { return SiteDatabase::migrateAs(db, name); })
                            .result();
        if (!migrated.ok())
            return m_cli.failWith(migrated.error());
        outcome.migrations = migrated.value();
        for (const QString &user : allow) {
            auto changed = site.withRetry(QStringLiteral("site.allow"), RetryPolicy::standard(),
                                          [user, name](QSqlDatabase &db) {
                                              return SiteDatabase::allowUser(db, user, name, name);
                                          })
                               .result();
            if (!changed.ok())
                return m_cli.failWith(changed.error());
            outcome.allowed.append(
                QJsonObject {{QStringLiteral("user"), user}, {QStringLiteral("changed"), changed.value()}});
        }
    }

    const bool fileWritten = !SiteConfigFile::read(path).exists;
    if (fileWritten) {
        QString error;
        if (!SiteConfigFile::write(path, url, QStringLiteral("carwash-admin site init"), &error))
            return m_cli.refused(
                AdminCli::tr("The site database is ready, but %1 Run site init again as root.").arg(error));
    }
    bool allowChanged = false;
    for (const QJsonValue &a : std::as_const(outcome.allowed))
        allowChanged = allowChanged || a[u"changed"].toBool();
    const bool alreadyDone = !outcome.roleMade && !outcome.databaseMade && outcome.migrations.isEmpty()
        && !allowChanged && !fileWritten;

    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(QJsonObject {
            {QStringLiteral("already_done"), alreadyDone},
            {QStringLiteral("role"),
             QJsonObject {{QStringLiteral("name"), name}, {QStringLiteral("created"), outcome.roleMade}}},
            {QStringLiteral("database"),
             QJsonObject {{QStringLiteral("name"), name}, {QStringLiteral("created"), outcome.databaseMade}}},
            {QStringLiteral("migrations_applied"), QJsonArray::fromStringList(outcome.migrations)},
            {QStringLiteral("allowed"), outcome.allowed},
            {QStringLiteral("config_file"),
             QJsonObject {{QStringLiteral("path"), path}, {QStringLiteral("written"), fileWritten}}},
            {QStringLiteral("database_url"), url}})
                    << '\n';
    } else if (alreadyDone) {
        m_cli.out() << AdminCli::tr(
                           "The site database is set up already (%1, named in %2); nothing was changed.")
                           .arg(url, path)
                    << '\n';
    } else {
        m_cli.out() << (outcome.roleMade ? AdminCli::tr("Made the role %1.")
                                         : AdminCli::tr("The role %1 was there."))
                           .arg(name)
                    << '\n';
        m_cli.out() << (outcome.databaseMade ? AdminCli::tr("Made the database %1.")
                                             : AdminCli::tr("The database %1 was there."))
                           .arg(name)
                    << '\n';
        if (!outcome.migrations.isEmpty())
            m_cli.out()
                << AdminCli::tr("Applied migrations: %1.").arg(outcome.migrations.join(QStringLiteral(", ")))
                << '\n';
        for (const QJsonValue &a : std::as_const(outcome.allowed))
            m_cli.out() << (a[u"changed"].toBool() ? AdminCli::tr("Let %1 in.")
                                                   : AdminCli::tr("%1 was let in already."))
                               .arg(a[u"user"].toString())
                        << '\n';
        m_cli.out() << (fileWritten ? AdminCli::tr("Wrote %1: %2") : AdminCli::tr("%1 names it already: %2"))
                           .arg(path, url)
                    << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}

int SiteCommands::join(const QStringList &args)
{
    const QString usageLine
        = QStringLiteral("site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?…] [--json]");
    QCommandLineParser parser;
    if (!m_cli.parseCommand(parser, QStringLiteral("site join"), args, usageLine))
        return Invalid;
    if (parser.positionalArguments().size() != 1)
        return m_cli.invalid(
            AdminCli::tr("site join needs the site database's URL. Usage: carwash-admin %1").arg(usageLine));
    const QString given = parser.positionalArguments().constFirst();
    DatabaseConfigLoader::Result parsed;
    DatabaseConfigLoader::parseUrl(given, parsed);
    if (!parsed.ok())
        return m_cli.invalid(parsed.errors.join(u'\n'));
    DatabaseConfig config = parsed.config;
    config.applicationName = QStringLiteral("carwash-admin");
    const QString url = SiteConfigFile::withoutPassword(given);
    const bool root = ::geteuid() == 0;
    const QString path = SiteConfigFile::path(QProcessEnvironment::systemEnvironment());
    if (root) {
        if (const int rc = checkSiteFile(path, url); rc != Ok)
            return rc;
    }

    // Only a connection that works is kept.
    const DbResult<ConnectionCheck::Outcome> checked = ConnectionCheck::runBlocking(config);
    if (!checked.ok())
        return m_cli.failWith(checked.error());

    // The password: in the keychain of the user running this (a root's
    // keychain serves no desk user: then each user joins as themselves).
    QString password = QStringLiteral("none");
    if (!config.password.isEmpty() && root) {
        password = QStringLiteral("not_stored");
    } else if (!config.password.isEmpty()) {
        std::unique_ptr<KeychainRequest> request(
            KeychainRequest::write(DatabaseStartup::keychainKey(config), config.password));
        if (!request->runBlocking())
            return m_cli.refused(
                AdminCli::tr("The password could not be saved in the keychain (%1); nothing was "
                             "changed. Unlock the keychain (or start one in this session) and "
                             "join again.")
                    .arg(request->errorString()));
        password = QStringLiteral("keychain");
    }

    QString writtenTo = path;
    if (root) {
        QString error;
        if (!SiteConfigFile::write(path, url, QStringLiteral("carwash-admin site join"), &error))
            return m_cli.refused(error);
    } else {
        QSettings settings;
        DatabaseConfigLoader::save(config, settings);
        settings.sync();
        if (settings.status() != QSettings::NoError)
            return m_cli.refused(
                AdminCli::tr("The settings could not be written to %1.").arg(settings.fileName()));
        writtenTo = settings.fileName();
        // The site's file comes before the user's settings: say so rather
        // than let this join look as if it did nothing.
        if (SiteConfigFile::read(path).exists)
            m_cli.err() << AdminCli::tr("Note: %1 names the site database for every program of this PC and "
                                        "comes before your settings; to change it, run site join with sudo.")
                               .arg(path)
                        << '\n'
                        << Qt::flush;
    }

    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("database_url"), url},
                         {QStringLiteral("written_to"), writtenTo},
                         {QStringLiteral("password"), password},
                         {QStringLiteral("server_version"), checked->serverVersion},
                         {QStringLiteral("schema_version"), checked->schemaVersion}})
                    << '\n';
    } else {
        m_cli.out() << AdminCli::tr("Connected to PostgreSQL %1; the site database is %2.")
                           .arg(checked->serverVersion, url)
                    << '\n';
        m_cli.out() << AdminCli::tr("Wrote it to %1.").arg(writtenTo) << '\n';
        if (password == u"keychain")
            m_cli.out() << AdminCli::tr("The password is in your keychain.") << '\n';
        else if (password == u"not_stored")
            m_cli.out() << AdminCli::tr(
                "The password was not stored: each user of this PC saves it in their own "
                "keychain with carwash-admin site join URL (as themselves) or in the "
                "desk's database settings.")
                        << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}
