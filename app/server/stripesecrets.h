#pragma once

#include "keychain/keychainrequest.h"
#include "payments/stripeconfig.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// carwash-server's two Stripe secrets and where each comes from. The
// environment (the service's environment file) wins; a secret it does not
// set is read from the OS keychain of the account the server runs as, under
// the programs' keychain service (KeychainRequest::serviceName()) and the
// keys "stripe/secret_key" and "stripe/webhook_secret" (several webhook
// secrets comma-separated, as in the environment). STRIPE_API_BASE and the
// rest come from the environment only. Nothing here prints a secret.
class StripeSecrets
{
    Q_DECLARE_TR_FUNCTIONS(StripeSecrets)
public:
    enum class Secret { SecretKey, WebhookSecret };
    enum class Source { Environment, Keychain, Missing };
    static constexpr Secret All[] = {Secret::SecretKey, Secret::WebhookSecret};

    // "stripe/secret_key", "stripe/webhook_secret".
    static QString keychainKey(Secret secret);
    // "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET".
    static QString variable(Secret secret);
    // What `carwash-server secrets` calls it: "secret-key", "webhook-secret".
    static QString argumentName(Secret secret);
    static bool fromArgumentName(const QString &name, Secret *secret);

    // The value in its place in config (the webhook secrets split at commas),
    // and read back from there.
    static void put(StripeConfig *config, Secret secret, const QString &value);
    static bool isSet(const StripeConfig &config, Secret secret);
    // What is wrong with value as that secret (StripeConfig's own checks);
    // empty when the server can use it. Never quotes the value.
    static QStringList problems(Secret secret, const QString &value);
    // "sk_test_…", "2 secrets: whsec_…, whsec_…": the kind, never the value.
    static QString redacted(Secret secret, const QString &value);
    static QString redacted(const StripeConfig &config, Secret secret);

    struct Origin
    {
        Source source = Source::Missing;
        // Missing: why the keychain gave none (nothing stored, no keychain
        // here, no answer in time); no secret in it.
        QString why;
        // Missing because the keychain could not be asked (none here, no
        // answer, refused), not merely because nothing is stored.
        bool keychainUnavailable = false;
    };

    struct Loaded
    {
        StripeConfig config;
        Origin secretKey;
        Origin webhookSecret;
        const Origin &origin(Secret secret) const
        {
            return secret == Secret::SecretKey ? secretKey : webhookSecret;
        }
        // One line per secret for the log: where it came from and its kind.
        QString logLine(Secret secret) const;
    };

    // StripeConfig::fromEnvironment, then one keychain read for each secret
    // the environment lacks (both under way at once, each bounded by
    // timeoutMs) in a local event loop. For start-up, before the event loop
    // serves anything; no keychain is touched when the environment has both.
    static Loaded loadBlocking(const QProcessEnvironment &env,
                               int timeoutMs = KeychainRequest::DefaultTimeoutMs);
};
