#pragma once

#include "app/cli/clicontext.h"

// carwash-admin staff list and staff reset-pin NAME: who may sign in, and a
// new PIN for someone (a manager) who forgot theirs, from a shell. The new PIN
// is printed once and the reset is audited as done by the operator ("cli").
class StaffCommands
{
public:
    using enum CliContext::ExitCode;

    explicit StaffCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int list();
    int resetPin(const QString &name);

    CliContext &m_cli;
};
