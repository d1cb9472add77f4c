#pragma once

#include "app/cli/clicontext.h"

class FleetHealth;

// carwash-admin migrate, config, health and --version: the database itself,
// the configuration in force, the health of every process using it, and
// which version of the product this is.
class DatabaseCommands
{
public:
    using enum CliContext::ExitCode;

    explicit DatabaseCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int migrate();
    int config();
    int health();
    int version();

private:
    void printProcesses(const FleetHealth &fleet);

    CliContext &m_cli;
};
