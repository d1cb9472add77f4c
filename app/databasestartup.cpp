#include "databasestartup.h"

#include "embeddedserver.h"

#include <QSettings>

void DatabaseStartup::setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("carwash"));
    QCoreApplication::setApplicationName(QStringLiteral("carwash-desk"));
}

DatabaseConfigLoader::Result DatabaseStartup::loadConfig(const QString &programName)
{
    QSettings settings;
    auto result = DatabaseConfigLoader::load(QProcessEnvironment::systemEnvironment(), &settings);
    if (result.config.applicationName.isEmpty())
        result.config.applicationName = programName;
    return result;
}

DbResult<DatabaseConfig> DatabaseStartup::resolveBlocking(DatabaseConfig config)
{
    if (!config.embedded)
        return config;
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
