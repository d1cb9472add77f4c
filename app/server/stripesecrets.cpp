#include "app/server/stripesecrets.h"

#include <QEventLoop>

#include <memory>

QString StripeSecrets::keychainKey(Secret secret)
{
    return secret == Secret::SecretKey ? QStringLiteral("stripe/secret_key")
                                       : QStringLiteral("stripe/webhook_secret");
}

QString StripeSecrets::variable(Secret secret)
{
    return secret == Secret::SecretKey ? QStringLiteral("STRIPE_SECRET_KEY")
                                       : QStringLiteral("STRIPE_WEBHOOK_SECRET");
}

QString StripeSecrets::argumentName(Secret secret)
{
    return secret == Secret::SecretKey ? QStringLiteral("secret-key") : QStringLiteral("webhook-secret");
}

bool StripeSecrets::fromArgumentName(const QString &name, Secret *secret)
{
    for (Secret candidate : All) {
        if (name == argumentName(candidate)) {
            *secret = candidate;
            return true;
        }
    }
    return false;
}

void StripeSecrets::put(StripeConfig *config, Secret secret, const QString &value)
{
    if (secret == Secret::SecretKey)
        config->secretKey = value.trimmed();
    else
        config->webhookSecrets = StripeConfig::splitWebhookSecrets(value);
}

bool StripeSecrets::isSet(const StripeConfig &config, Secret secret)
{
    return secret == Secret::SecretKey ? !config.secretKey.isEmpty() : !config.webhookSecrets.isEmpty();
}

QStringList StripeSecrets::problems(Secret secret, const QString &value)
{
    // Only the secret differs from the defaults, so only its problems show.
    StripeConfig config;
    put(&config, secret, value);
    return secret == Secret::SecretKey ? config.apiProblems() : config.webhookProblems();
}

QString StripeSecrets::redacted(Secret secret, const QString &value)
{
    StripeConfig config;
    put(&config, secret, value);
    return redacted(config, secret);
}

QString StripeSecrets::redacted(const StripeConfig &config, Secret secret)
{
    if (secret == Secret::SecretKey)
        return StripeConfig::redactSecret(config.secretKey);
    QStringList kinds;
    for (const QString &s : config.webhookSecrets)
        kinds << StripeConfig::redactSecret(s);
    return tr("%n secret(s): %1", nullptr, int(kinds.size())).arg(kinds.join(QStringLiteral(", ")));
}

QString StripeSecrets::Loaded::logLine(Secret secret) const
{
    const QString what = secret == Secret::SecretKey ? QStringLiteral("Stripe secret key")
                                                     : QStringLiteral("Stripe webhook secret");
    const Origin &from = origin(secret);
    switch (from.source) {
    case Source::Environment:
        return QStringLiteral("%1: from the environment (%2), %3")
            .arg(what, variable(secret), redacted(config, secret));
    case Source::Keychain:
        return QStringLiteral("%1: from the keychain (%2), %3")
            .arg(what, keychainKey(secret), redacted(config, secret));
    case Source::Missing:
        break;
    }
    return QStringLiteral("%1: missing (%2 is not set, and the keychain has none: %3)")
        .arg(what, variable(secret), from.why);
}

StripeSecrets::Loaded StripeSecrets::loadBlocking(const QProcessEnvironment &env, int timeoutMs)
{
    Loaded loaded;
    loaded.config = StripeConfig::fromEnvironment(env);
    std::unique_ptr<KeychainRequest> reads[2];
    QEventLoop loop;
    int pending = 0;
    for (Secret secret : All) {
        const int i = int(secret);
        Origin &origin = secret == Secret::SecretKey ? loaded.secretKey : loaded.webhookSecret;
        if (isSet(loaded.config, secret)) {
            origin.source = Source::Environment;
            continue;
        }
        reads[i].reset(KeychainRequest::read(keychainKey(secret)));
        reads[i]->setTimeout(timeoutMs);
        QObject::connect(reads[i].get(), &KeychainRequest::finished, &loop, [&pending, &loop] {
            if (--pending == 0)
                loop.quit();
        });
        ++pending;
    }
    for (auto &read : reads) {
        if (read)
            read->start(); // finished() comes later, never from inside start()
    }
    if (pending > 0)
        loop.exec();
    for (Secret secret : All) {
        const KeychainRequest *read = reads[int(secret)].get();
        if (!read)
            continue;
        Origin &origin = secret == Secret::SecretKey ? loaded.secretKey : loaded.webhookSecret;
        if (read->error() == KeychainRequest::Error::None && !read->secret().trimmed().isEmpty()) {
            put(&loaded.config, secret, read->secret());
            origin.source = Source::Keychain;
        } else {
            origin.source = Source::Missing;
            origin.keychainUnavailable = read->error() != KeychainRequest::Error::None
                && read->error() != KeychainRequest::Error::NotFound;
            origin.why = read->error() == KeychainRequest::Error::None
                ? tr("the entry %1 is empty").arg(keychainKey(secret))
                : read->errorString();
        }
    }
    return loaded;
}
