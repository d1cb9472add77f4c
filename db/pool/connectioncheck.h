#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

// "Test connection" for settings not in use yet: a short-lived pool of one
// connection for the given configuration, one probe, and everything closed
// again. Blocking for up to the connect timeout: run it on a worker thread
// (QtConcurrent), never on the GUI thread.
class ConnectionCheck
{
public:
    struct Outcome
    {
        QString serverVersion;
        QString schemaVersion; // empty when CarWash Desk has not set the database up yet
        double elapsedMs = 0;
    };

    static DbResult<Outcome> runBlocking(DatabaseConfig config);
};
