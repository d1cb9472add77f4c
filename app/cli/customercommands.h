#pragma once

#include "app/cli/clicontext.h"

// carwash-admin customer find|forget: the desk's customer search from a
// shell, and erasing a customer's personal data on request (CustomerEraser:
// bookings and payments stay for the books; audited as the operator's,
// "cli"; --dry-run shows who and how much, changing nothing).
class CustomerCommands
{
public:
    using enum CliContext::ExitCode;

    explicit CustomerCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int find(const QString &text);
    int forget(const QString &idPhoneOrEmail, bool dryRun);

    CliContext &m_cli;
};
