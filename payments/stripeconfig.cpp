#include "payments/stripeconfig.h"

namespace {

const auto SecretKeyVariable = QStringLiteral("STRIPE_SECRET_KEY");
const auto WebhookSecretVariable = QStringLiteral("STRIPE_WEBHOOK_SECRET");
const auto ApiBaseVariable = QStringLiteral("STRIPE_API_BASE");

bool hasWhitespace(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); });
}

} // namespace

StripeConfig StripeConfig::fromEnvironment(const QProcessEnvironment &env)
{
    StripeConfig config;
    config.secretKey = env.value(SecretKeyVariable).trimmed();
    config.webhookSecrets = splitWebhookSecrets(env.value(WebhookSecretVariable));
    const QString base = env.value(ApiBaseVariable).trimmed();
    if (!base.isEmpty())
        config.apiBase = QUrl(base, QUrl::StrictMode);
    return config;
}

QStringList StripeConfig::splitWebhookSecrets(const QString &text)
{
    QStringList secrets;
    for (const QString &secret : text.split(QLatin1Char(','))) {
        if (!secret.trimmed().isEmpty())
            secrets << secret.trimmed();
    }
    return secrets;
}

QStringList StripeConfig::problems() const
{
    return apiProblems() + webhookProblems();
}

QStringList StripeConfig::apiProblems() const
{
    QStringList problems;
    if (secretKey.isEmpty()) {
        problems << tr("%1 is not set: carwash-server needs the secret key of the car wash's Stripe account "
                       "(it starts with sk_live_, sk_test_ or rk_), in its environment file or its "
                       "account's keychain (carwash-server secrets set secret-key).")
                        .arg(SecretKeyVariable);
    } else if (secretKey.startsWith(u"pk_")) {
        problems << tr("%1 holds a publishable key (pk_…): the server needs the secret key, which starts "
                       "with sk_live_, sk_test_ or rk_.")
                        .arg(SecretKeyVariable);
    } else if (!(secretKey.startsWith(u"sk_") || secretKey.startsWith(u"rk_")) || hasWhitespace(secretKey)) {
        problems << tr("%1 is not a Stripe secret key: it should start with sk_live_, sk_test_ or rk_ and "
                       "hold no spaces.")
                        .arg(SecretKeyVariable);
    }
    const QString scheme = apiBase.scheme();
    if (!apiBase.isValid() || apiBase.host().isEmpty() || (scheme != u"https" && scheme != u"http")
        || !(apiBase.path().isEmpty() || apiBase.path() == u"/") || apiBase.hasQuery()) {
        problems << tr("%1 is not an http or https address without a path (the default is %2).")
                        .arg(ApiBaseVariable, defaultApiBase().toString());
    }
    if (apiVersion.isEmpty())
        problems << tr("The Stripe API version is empty; it should be a date such as %1.")
                        .arg(defaultApiVersion());
    if (requestTimeoutMs <= 0)
        problems << tr("The Stripe request timeout must be more than 0 ms.");
    if (maxRetries < 0 || maxRetries > 10)
        problems << tr("The number of retries of a Stripe request must be between 0 and 10.");
    if (retryBaseDelayMs < 0 || retryMaxDelayMs < retryBaseDelayMs)
        problems << tr(
            "The retry delays of Stripe requests must be 0 ms or more, the longest no shorter than "
            "the first.");
    return problems;
}

QStringList StripeConfig::webhookProblems() const
{
    QStringList problems;
    if (webhookSecrets.isEmpty()) {
        problems << tr("%1 is not set: carwash-server needs the signing secret of the Stripe webhook "
                       "endpoint (whsec_…, shown in Stripe's dashboard; several separated by commas while "
                       "one is replaced), in its environment file or its account's keychain "
                       "(carwash-server secrets set webhook-secret).")
                        .arg(WebhookSecretVariable);
    }
    for (qsizetype i = 0; i < webhookSecrets.size(); ++i) {
        const QString &secret = webhookSecrets.at(i);
        if (!secret.startsWith(u"whsec_") || hasWhitespace(secret)) {
            problems << tr("%1: value %2 of %3 is not a webhook signing secret; each starts with whsec_.")
                            .arg(WebhookSecretVariable)
                            .arg(i + 1)
                            .arg(webhookSecrets.size());
        }
    }
    return problems;
}

QString StripeConfig::redacted() const
{
    return QStringLiteral("api %1, version %2, key %3, %4 webhook secret(s), timeout %5 ms, %6 retries "
                          "from %7 ms to %8 ms")
        .arg(apiBase.toString(QUrl::RemoveUserInfo), apiVersion, redactSecret(secretKey))
        .arg(webhookSecrets.size())
        .arg(requestTimeoutMs)
        .arg(maxRetries)
        .arg(retryBaseDelayMs)
        .arg(retryMaxDelayMs);
}

QString StripeConfig::redactSecret(const QString &secret)
{
    if (secret.isEmpty())
        return QStringLiteral("(none)");
    // The prefix up to the last '_' of the first two parts: sk_test_, rk_live_, whsec_.
    static const QStringList prefixes {QStringLiteral("sk_test_"), QStringLiteral("sk_live_"),
                                       QStringLiteral("rk_test_"), QStringLiteral("rk_live_"),
                                       QStringLiteral("whsec_"),   QStringLiteral("pk_test_"),
                                       QStringLiteral("pk_live_")};
    for (const QString &prefix : prefixes) {
        if (secret.startsWith(prefix))
            return prefix + QStringLiteral("…");
    }
    return QStringLiteral("(unrecognised, %1 characters)").arg(secret.size());
}
