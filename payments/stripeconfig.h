#pragma once

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

// What carwash-server needs to talk to Stripe and to check its webhooks. The
// secrets are held but never printed: redacted() is the form for logs.
struct StripeConfig
{
    Q_DECLARE_TR_FUNCTIONS(StripeConfig)
public:
    // The Stripe-Version this client speaks (the wire format of shared/stripe).
    static QString defaultApiVersion() { return QStringLiteral("2020-08-27"); }
    static QUrl defaultApiBase() { return QUrl(QStringLiteral("https://api.stripe.com")); }

    QUrl apiBase = defaultApiBase(); // STRIPE_API_BASE; tests point it at the fake
    QString secretKey; // STRIPE_SECRET_KEY: sk_live_…, sk_test_… or rk_…
    QStringList webhookSecrets; // STRIPE_WEBHOOK_SECRET: whsec_…, several during a rotation
    QString apiVersion = defaultApiVersion();

    // One attempt's time limit: a server that does not answer within it ends
    // the attempt as a timeout (then retried like a connection error).
    int requestTimeoutMs = 30000;
    // Retries after the first attempt (Stripe's maxNetworkRetries).
    int maxRetries = 3;
    // Backoff: base * 2^(retry-1), capped, then jittered between 50 and 100 %,
    // never below the base (Stripe's own libraries' formula).
    int retryBaseDelayMs = 500;
    int retryMaxDelayMs = 5000;

    // STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET (comma-separated) and
    // STRIPE_API_BASE (default https://api.stripe.com); the rest keeps its defaults.
    static StripeConfig fromEnvironment(const QProcessEnvironment &env);
    // "whsec_a, whsec_b" as a list, blanks dropped (STRIPE_WEBHOOK_SECRET's
    // form, also the keychain's).
    static QStringList splitWebhookSecrets(const QString &text);

    // What is missing or wrong, one translated sentence each naming the
    // setting and what is expected; empty when the server can use it. Never
    // quotes a secret.
    QStringList problems() const;
    bool isUsable() const { return problems().isEmpty(); }
    // The part of problems() about calling Stripe's API (key, address,
    // version, timeout, retries): StripeClient refuses every call while
    // there is one, as a Configuration error.
    QStringList apiProblems() const;
    // The part about checking webhooks (the signing secrets).
    QStringList webhookProblems() const;

    // One line for the log: base, version, the kind of key (sk_test_…), how
    // many webhook secrets, timeout and retries. No secret.
    QString redacted() const;
    // "sk_test_…", "whsec_…": what kind of secret, never its value.
    static QString redactSecret(const QString &secret);
};
