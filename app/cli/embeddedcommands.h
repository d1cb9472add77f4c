#pragma once

#include "app/cli/clicontext.h"

// carwash-admin db start|stop|status: the embedded server, when no
// external database is configured.
class EmbeddedCommands
{
public:
    using enum CliContext::ExitCode;

    explicit EmbeddedCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    CliContext &m_cli;
};
