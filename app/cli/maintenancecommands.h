#pragma once

#include "app/cli/clicontext.h"

// carwash-admin maintenance: retention of health, audit and payment-event
// rows, as the desk runs it daily.
class MaintenanceCommands
{
public:
    using enum CliContext::ExitCode;

    explicit MaintenanceCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    CliContext &m_cli;
};
