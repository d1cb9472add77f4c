#pragma once

#include "app/cli/clicontext.h"

struct DatabaseConfig;

// carwash-admin site init|join: one database for every program of a site.
// init (root or the postgres user) makes the role and database `carwash` in
// a PostgreSQL cluster of this PC through its local socket, migrates it, lets
// desk users in, and writes the connection, never a password, to the site's
// config file (SiteConfigFile); a second run changes nothing and says so.
// join points this PC at a site database elsewhere: checked, the password in
// the keychain, the connection in the site's file (root) or the user's
// saved settings.
class SiteCommands
{
public:
    using enum CliContext::ExitCode;

    explicit SiteCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int init(const QStringList &args);
    int join(const QStringList &args);
    // The site's file must be missing or name url already; otherwise
    // refused (exit 1), nothing changed. Ok, or the exit code.
    int checkSiteFile(const QString &path, const QString &url);

    CliContext &m_cli;
};
