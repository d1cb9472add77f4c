#pragma once

#include "app/cli/clicontext.h"

class FleetHealth;

// carwash-admin migrate, config and health: the database itself, the
// configuration in force, and the health of every process using it.
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

private:
    void printProcesses(const FleetHealth &fleet);

    CliContext &m_cli;
};
