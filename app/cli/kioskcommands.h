#pragma once

#include "app/cli/clicontext.h"

struct KioskChange;

// carwash-admin kiosk list|set: the self-service kiosks, their language,
// the ways of paying they offer and their card reader (kept in card_readers,
// assigned through ReaderRepo). set makes a kiosk that is not there yet.
// Changes are audited as the operator's ("cli").
class KioskCommands
{
public:
    using enum CliContext::ExitCode;

    explicit KioskCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int list();
    int set(const QString &name, const KioskChange &change);

    CliContext &m_cli;
};
