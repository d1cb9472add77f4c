#pragma once

#include "app/cli/clicontext.h"

// carwash-admin seed: the demo car wash and a demo day of bookings.
class DemoCommands
{
public:
    using enum CliContext::ExitCode;

    explicit DemoCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int seed(const QStringList &args);

private:
    CliContext &m_cli;
};
