#pragma once

#include "app/cli/clicontext.h"

// carwash-admin takings --date YYYY-MM-DD [--json|--csv]: a site-local
// day's takings by method (cash, card), refunds, tax and net, read from the
// payments and refunds tables; --csv writes the end-of-day export.
class TakingsCommands
{
public:
    using enum CliContext::ExitCode;

    explicit TakingsCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    CliContext &m_cli;
};
