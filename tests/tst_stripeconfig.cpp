// carwash-server's Stripe settings from its environment, said in words when
// missing or wrong and never printed with a secret; Stripe's error answers
// classified as its libraries do, with a message a person can act on.
#include "payments/stripecall_p.h"
#include "payments/stripeconfig.h"
#include "payments/stripeerror.h"

#include <QTest>

namespace {

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, const char *>> values)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : values)
        env.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    return env;
}

const char *const Key = "sk_test_51HxYzSecretPart0123";

} // namespace

class TestStripeConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTheEnvironment();
    void defaultsToStripeItself();
    void problemsAreNamed_data();
    void problemsAreNamed();
    void redactedFormHoldsNoSecret();

    void errorsAreClassifiedLikeStripesLibraries_data();
    void errorsAreClassifiedLikeStripesLibraries();
    void errorWithoutStripesBodyKeepsWhatCameInstead();
    void logTextCutsSecretsAndUserMessageSaysWhatToDo();

    void retriesFollowStripesRules_data();
    void retriesFollowStripesRules();
    void backoffGrowsWithJitterWithinItsBounds();
};

void TestStripeConfig::readsTheEnvironment()
{
    const StripeConfig config
        = StripeConfig::fromEnvironment(environment({{"STRIPE_SECRET_KEY", Key},
                                                     {"STRIPE_WEBHOOK_SECRET", " whsec_old ,whsec_new,, "},
                                                     {"STRIPE_API_BASE", "http://127.0.0.1:4242"}}));
    QCOMPARE(config.secretKey, QString::fromLatin1(Key));
    QCOMPARE(config.webhookSecrets, (QStringList {QStringLiteral("whsec_old"), QStringLiteral("whsec_new")}));
    QCOMPARE(config.apiBase, QUrl(QStringLiteral("http://127.0.0.1:4242")));
    QCOMPARE(config.apiVersion, QStringLiteral("2020-08-27"));
    QVERIFY2(config.isUsable(), qPrintable(config.problems().join(u'\n')));
}

void TestStripeConfig::defaultsToStripeItself()
{
    const StripeConfig config = StripeConfig::fromEnvironment(
        environment({{"STRIPE_SECRET_KEY", Key}, {"STRIPE_WEBHOOK_SECRET", "whsec_a"}}));
    QCOMPARE(config.apiBase, QUrl(QStringLiteral("https://api.stripe.com")));
    QVERIFY(config.isUsable());
}

void TestStripeConfig::problemsAreNamed_data()
{
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("named");
    QTest::newRow("nothing set") << QProcessEnvironment() << QStringLiteral("STRIPE_SECRET_KEY is not set");
    QTest::newRow("no webhook secret")
        << environment({{"STRIPE_SECRET_KEY", Key}}) << QStringLiteral("STRIPE_WEBHOOK_SECRET is not set");
    QTest::newRow("publishable key") << environment(
        {{"STRIPE_SECRET_KEY", "pk_test_123"}, {"STRIPE_WEBHOOK_SECRET", "whsec_a"}})
                                     << QStringLiteral("publishable key");
    QTest::newRow("not a key") << environment(
        {{"STRIPE_SECRET_KEY", "hunter2"}, {"STRIPE_WEBHOOK_SECRET", "whsec_a"}})
                               << QStringLiteral("STRIPE_SECRET_KEY is not a Stripe secret key");
    QTest::newRow("second secret wrong")
        << environment({{"STRIPE_SECRET_KEY", Key}, {"STRIPE_WEBHOOK_SECRET", "whsec_a,sk_test_oops"}})
        << QStringLiteral("STRIPE_WEBHOOK_SECRET: value 2 of 2");
    QTest::newRow("base not http") << environment(
        {{"STRIPE_SECRET_KEY", Key}, {"STRIPE_WEBHOOK_SECRET", "whsec_a"}, {"STRIPE_API_BASE", "ftp://x"}})
                                   << QStringLiteral("STRIPE_API_BASE");
    QTest::newRow("base with a path") << environment({{"STRIPE_SECRET_KEY", Key},
                                                      {"STRIPE_WEBHOOK_SECRET", "whsec_a"},
                                                      {"STRIPE_API_BASE", "https://api.stripe.com/v1"}})
                                      << QStringLiteral("STRIPE_API_BASE");
}

void TestStripeConfig::problemsAreNamed()
{
    QFETCH(QProcessEnvironment, env);
    QFETCH(QString, named);
    const StripeConfig config = StripeConfig::fromEnvironment(env);
    QVERIFY(!config.isUsable());
    QCOMPARE(config.problems(), config.apiProblems() + config.webhookProblems());
    if (named.startsWith(u"STRIPE_WEBHOOK_SECRET")) // the client could still call Stripe
        QVERIFY(config.apiProblems().isEmpty() && !config.webhookProblems().isEmpty());
    else
        QVERIFY(!config.apiProblems().isEmpty());
    const QString problems = config.problems().join(u'\n');
    QVERIFY2(problems.contains(named), qPrintable(problems));
    QVERIFY2(!problems.contains(QString::fromLatin1(Key)) && !problems.contains(u"oops")
                 && !problems.contains(u"hunter2"),
             qPrintable(problems));
}

void TestStripeConfig::redactedFormHoldsNoSecret()
{
    StripeConfig config = StripeConfig::fromEnvironment(
        environment({{"STRIPE_SECRET_KEY", Key}, {"STRIPE_WEBHOOK_SECRET", "whsec_abcdef,whsec_ghijkl"}}));
    const QString line = config.redacted();
    QVERIFY2(line.contains(u"sk_test_…") && line.contains(u"2 webhook secret")
                 && line.contains(u"api.stripe.com"),
             qPrintable(line));
    QVERIFY2(!line.contains(u"51HxYz") && !line.contains(u"abcdef") && !line.contains(u"ghijkl"),
             qPrintable(line));
    QCOMPARE(StripeConfig::redactSecret(QStringLiteral("hunter2")),
             QStringLiteral("(unrecognised, 7 characters)"));
    QCOMPARE(StripeConfig::redactSecret(QString()), QStringLiteral("(none)"));
    // Timeouts and retries out of range are named too.
    config.requestTimeoutMs = 0;
    config.maxRetries = 11;
    QCOMPARE(config.problems().size(), 2);
}

void TestStripeConfig::errorsAreClassifiedLikeStripesLibraries_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::addColumn<bool>("transient");
    const auto error = [](const char *type, const char *code = "") {
        return QByteArray(R"({"error":{"type":")") + type + R"(","code":")" + code
            + R"(","message":"m","param":"p"}})";
    };
    QTest::newRow("400 invalid") << 400 << error("invalid_request_error", "parameter_missing")
                                 << StripeError::Kind::InvalidRequest << false;
    QTest::newRow("400 idempotency") << 400 << error("idempotency_error") << StripeError::Kind::Idempotency
                                     << false;
    QTest::newRow("401") << 401 << error("authentication_error") << StripeError::Kind::Authentication
                         << false;
    QTest::newRow("402 card") << 402 << error("card_error", "card_declined") << StripeError::Kind::Card
                              << false;
    QTest::newRow("403") << 403 << error("invalid_request_error") << StripeError::Kind::Permission << false;
    QTest::newRow("404") << 404 << error("invalid_request_error", "resource_missing")
                         << StripeError::Kind::NotFound << false;
    QTest::newRow("409") << 409 << error("invalid_request_error", "lock_timeout")
                         << StripeError::Kind::Conflict << true;
    QTest::newRow("429") << 429 << error("invalid_request_error", "rate_limit")
                         << StripeError::Kind::RateLimit << true;
    QTest::newRow("500") << 500 << error("api_error") << StripeError::Kind::Api << true;
    QTest::newRow("503 from a proxy")
        << 503 << QByteArray("<html>busy</html>") << StripeError::Kind::Api << true;
    QTest::newRow("418 other 4xx") << 418 << error("invalid_request_error")
                                   << StripeError::Kind::InvalidRequest << false;
}

void TestStripeConfig::errorsAreClassifiedLikeStripesLibraries()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(StripeError::Kind, kind);
    QFETCH(bool, transient);
    const StripeError error = StripeError::fromResponse(status, body);
    QCOMPARE(error.kind(), kind);
    QCOMPARE(error.isTransient(), transient);
    QCOMPARE(error.httpStatus(), status);
    QVERIFY(!error.userMessage().isEmpty());
}

void TestStripeConfig::errorWithoutStripesBodyKeepsWhatCameInstead()
{
    const StripeError error = StripeError::fromResponse(502, "<html><h1>502 Bad Gateway</h1></html>");
    QCOMPARE(error.kind(), StripeError::Kind::Api);
    QCOMPARE(error.type(), QString());
    QVERIFY2(error.detail().contains(u"502 Bad Gateway"), qPrintable(error.detail()));
    const StripeError card = StripeError::fromResponse(
        402,
        R"({"error":{"type":"card_error","code":"card_declined","decline_code":"stolen_card",)"
        R"("message":"Your card was declined.","param":""}})");
    QCOMPARE(card.code(), QStringLiteral("card_declined"));
    QCOMPARE(card.declineCode(), QStringLiteral("stolen_card"));
    QCOMPARE(card.message(), QStringLiteral("Your card was declined."));
    QVERIFY2(card.userMessage().contains(u"Your card was declined."), qPrintable(card.userMessage()));
}

void TestStripeConfig::logTextCutsSecretsAndUserMessageSaysWhatToDo()
{
    StripeError error = StripeError::fromResponse(
        401,
        R"({"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_51HxYzSecretPart0123"}})");
    error.setOperation(QStringLiteral("refunds.create"));
    error.setRequestId(QStringLiteral("req_abc"));
    error.setAttempts(1);
    QCOMPARE(error.kind(), StripeError::Kind::Authentication);
    const QString log = error.logText();
    QVERIFY2(log.startsWith(u"refunds.create: authentication http=401") && log.contains(u"request_id=req_abc")
                 && log.contains(u"attempts=1") && log.contains(u"sk_test_…"),
             qPrintable(log));
    QVERIFY2(!log.contains(u"51HxYz"), qPrintable(log));
    QVERIFY2(error.userMessage().contains(u"STRIPE_SECRET_KEY"), qPrintable(error.userMessage()));
    QCOMPARE(StripeError::withoutSecrets(QStringLiteral("a whsec_xyz b rk_live_123")),
             QStringLiteral("a whsec_… b rk_live_…"));
}

void TestStripeConfig::retriesFollowStripesRules_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("retried");
    QTest::newRow("400") << 400 << QByteArray() << false;
    QTest::newRow("401") << 401 << QByteArray() << false;
    QTest::newRow("402 declined") << 402 << QByteArray() << false;
    QTest::newRow("403") << 403 << QByteArray() << false;
    QTest::newRow("404") << 404 << QByteArray() << false;
    QTest::newRow("409") << 409 << QByteArray() << true;
    QTest::newRow("429") << 429 << QByteArray() << true;
    QTest::newRow("500") << 500 << QByteArray() << true;
    QTest::newRow("503") << 503 << QByteArray() << true;
    QTest::newRow("429, Stripe-Should-Retry: false") << 429 << QByteArray("false") << false;
    QTest::newRow("500, Stripe-Should-Retry: false") << 500 << QByteArray("false") << false;
    QTest::newRow("409, Stripe-Should-Retry: false") << 409 << QByteArray("false") << false;
    QTest::newRow("400, Stripe-Should-Retry: true") << 400 << QByteArray("true") << true;
    QTest::newRow("402, Stripe-Should-Retry: true") << 402 << QByteArray("true") << true;
    QTest::newRow("400, header neither true nor false") << 400 << QByteArray("maybe") << false;
}

void TestStripeConfig::retriesFollowStripesRules()
{
    QFETCH(int, status);
    QFETCH(QByteArray, header);
    QFETCH(bool, retried);
    QCOMPARE(StripeCall::shouldRetry(status, header), retried);
}

void TestStripeConfig::backoffGrowsWithJitterWithinItsBounds()
{
    StripeConfig config;
    config.retryBaseDelayMs = 500;
    config.retryMaxDelayMs = 5000;
    for (int round = 0; round < 200; ++round) {
        // min(500 * 2^(n-1), 5000), jittered to 50..100 %, never below 500.
        const int first = StripeCall::backoffMs(config, 1, 0);
        QVERIFY2(first >= 500 && first <= 500, qPrintable(QString::number(first)));
        const int third = StripeCall::backoffMs(config, 3, 0);
        QVERIFY2(third >= 1000 && third <= 2000, qPrintable(QString::number(third)));
        const int tenth = StripeCall::backoffMs(config, 10, 0);
        QVERIFY2(tenth >= 2500 && tenth <= 5000, qPrintable(QString::number(tenth)));
        // Retry-After is honoured when reasonable (up to 60 s), ignored beyond.
        QVERIFY(StripeCall::backoffMs(config, 1, 7) >= 7000);
        QVERIFY(StripeCall::backoffMs(config, 1, 600) <= 500);
    }
    // The jitter really varies the delay.
    QSet<int> seen;
    for (int round = 0; round < 50; ++round)
        seen.insert(StripeCall::backoffMs(config, 4, 0));
    QVERIFY(seen.size() > 1);
}

QTEST_GUILESS_MAIN(TestStripeConfig)
#include "tst_stripeconfig.moc"
