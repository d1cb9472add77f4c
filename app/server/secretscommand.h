#pragma once

#include "app/server/stripesecrets.h"

#include <QCoreApplication>
#include <QStringList>

// `carwash-server secrets set|show|remove`: the operator keeps the Stripe
// secrets in the keychain of the account the server runs as (so run it as
// that account). `set` reads the value from stdin, without echo when stdin is
// a terminal; never from the command line, which other users see in ps.
// Output and errors are redacted like StripeConfig::redacted(). The exit
// codes are the server's: 0 done, 2 bad arguments or a value that is not
// that secret, 4 no keychain here or it did not answer in time.
class SecretsCommand
{
    Q_DECLARE_TR_FUNCTIONS(SecretsCommand)
public:
    // arguments: what follows "secrets" ("set secret-key", "show", ...).
    static int run(const QStringList &arguments, int timeoutMs = KeychainRequest::DefaultTimeoutMs);
    static QString usage();

private:
    static int set(StripeSecrets::Secret secret, int timeoutMs);
    static int show(int timeoutMs);
    static int remove(StripeSecrets::Secret secret, int timeoutMs);
    // The exit code and message for a keychain that failed; for NoService,
    // where to put the setting instead.
    static int keychainFailed(const KeychainRequest &request, StripeSecrets::Secret secret);
    // One line from stdin (all of it when it is not a terminal), without
    // echo on a terminal after a prompt on stderr; false at end of input.
    static bool readFromStdin(const QString &prompt, QString *value);
};
