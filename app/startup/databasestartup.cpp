#include "app/startup/databasestartup.h"

#include "app/startup/version.h"
#include "db/config/siteconfigfile.h"
#include "db/embedded/embeddedserver.h"
#include "keychain/keychainrequest.h"

#include <QSettings>

#include <memory>

void DatabaseStartup::setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("carwash"));
    QCoreApplication::setApplicationName(QStringLiteral("carwash-desk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CARWASH_VERSION));
}

QString DatabaseStartup::versionLine(const QString &program)
{
    return QStringLiteral("%1 %2\n").arg(program, QCoreApplication::applicationVersion());
}

DatabaseConfigLoader::Result DatabaseStartup::loadConfig(const QString &programName)
{
    QSettings settings;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    auto result = DatabaseConfigLoader::load(env, &settings, SiteConfigFile::path(env));
    if (result.config.applicationName.isEmpty())
        result.config.applicationName = programName;
    return result;
}

DbResult<DatabaseConfig> DatabaseStartup::resolveBlocking(DatabaseConfig config, KeychainLookup keychain)
{
    if (!config.embedded) {
        if (keychain == KeychainLookup::Blocking)
            config = withKeychainPasswordBlocking(config);
        return config;
    }
    EmbeddedServer server;
    const DbResult<EmbeddedConnection> running = server.ensureRunningBlocking();
    if (!running.ok())
        return running.error();
    config.host = running->socketDir;
    config.port = running->port;
    config.user = running->user;
    config.database = running->database;
    config.password.clear();
    return config;
}

bool DatabaseStartup::wantsKeychainPassword(const DatabaseConfig &config)
{
    return !config.embedded && config.password.isEmpty() && !config.user.isEmpty();
}

QString DatabaseStartup::keychainKey(const DatabaseConfig &config)
{
    return KeychainRequest::databasePasswordKey(config.user, config.hostPortList(), config.database);
}

KeychainRequest *DatabaseStartup::passwordRequest(const DatabaseConfig &config, QObject *parent)
{
    return KeychainRequest::read(keychainKey(config), parent);
}

DatabaseConfig DatabaseStartup::withKeychainPasswordBlocking(DatabaseConfig config, QString *note)
{
    if (!wantsKeychainPassword(config))
        return config;
    std::unique_ptr<KeychainRequest> request(passwordRequest(config));
    if (request->runBlocking())
        config.password = request->secret();
    else if (note)
        *note = request->errorString();
    return config;
}
