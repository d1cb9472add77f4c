#pragma once

#include "databaseconfig.h"
#include "dberror.h"

#include <QCoreApplication>

// How every program finds its database: configuration from the environment,
// DATABASE_URL and saved settings, and the embedded default when nothing is
// configured. resolveBlocking() may start a server: never on the GUI thread.
class DatabaseStartup
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseStartup)
public:
    // Names the organisation and application so settings and the data folder
    // are shared by all three programs.
    static void setApplicationIdentity();

    static DatabaseConfigLoader::Result loadConfig(const QString &programName);

    // For the embedded default: starts (or reuses) the private server and
    // points the configuration at its socket.
    static DbResult<DatabaseConfig> resolveBlocking(DatabaseConfig config);
};
