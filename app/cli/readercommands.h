#pragma once

#include "app/cli/clicontext.h"

// carwash-admin reader list|add|remove: the Stripe Terminal readers (ids
// from Stripe's dashboard) and the desk or kiosk each serves, at most one
// per device. Changes are audited as the operator's ("cli").
class ReaderCommands
{
public:
    using enum CliContext::ExitCode;

    explicit ReaderCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int list();
    int add(const QString &id, const QString &label, const QString &kind, const QString &name);
    int remove(const QString &id);

    CliContext &m_cli;
};
