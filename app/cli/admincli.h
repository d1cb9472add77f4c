#pragma once

#include "app/cli/clicontext.h"

#include <QCoreApplication>
#include <QStringList>

// carwash-admin: the operators' and tests' command line. Every command runs
// through the one pool; results go to stdout (text, or JSON with --json),
// problems to stderr with an exit code a script can branch on. This class
// only dispatches: each command family has its own file over CliContext.
class AdminCli
{
    Q_DECLARE_TR_FUNCTIONS(AdminCli)
public:
    using ExitCode = CliContext::ExitCode;
    using enum CliContext::ExitCode;

    int run(const QStringList &arguments);

private:
    int usage(int code);

    CliContext m_cli;
};
