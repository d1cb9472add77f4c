#pragma once

#include "app/cli/clicontext.h"

// carwash-admin backup and restore: a pg_dump archive of the site's
// database with its manifest (README, "Backups"), and putting one back into
// a database that holds no bookings yet, or over one that does with
// --replace after a confirmation. A restore is audited as the operator's
// ("cli") and ends with the migrations, so an older archive comes up to date.
class BackupCommands
{
public:
    using enum CliContext::ExitCode;

    explicit BackupCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int backup(const QStringList &args);
    int restore(const QStringList &args);

private:
    // Bookings in the database now (0 when it has no schema yet); -1 after
    // reporting a problem, whose exit code is in *rc.
    qint64 bookingsInDatabase(int *rc);
    bool confirmReplace(qint64 bookings);

    CliContext &m_cli;
};
