#pragma once

#include "app/cli/clicontext.h"

// carwash-admin services, service, settings, hours and closure: what the car
// wash offers and when it is open.
class CatalogueCommands
{
public:
    using enum CliContext::ExitCode;

    explicit CatalogueCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int services();
    int service(const QStringList &args);
    int settings(const QStringList &args);
    int hours(const QStringList &args);
    int closure(const QStringList &args);

private:
    CliContext &m_cli;
};
