// StripeClient's retries against the fake Stripe's injected faults, by
// Stripe's rules: connection errors, timeouts, 409, 429 and 5xx retried with
// one Idempotency-Key and one body throughout; Stripe-Should-Retry: false and
// other 4xx never; attempts bounded, then a typed error. Delays and timeouts
// are tiny; nothing here asserts on durations.
#include "payments/stripeclient.h"
#include "payments/stripeform.h"
#include "payments/stripeobject.h"
#include "tests/harness/fakestripe.h"
#include "tests/stripeclienttesting.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace StripeClientTesting;

class TestStripeClientRetries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void retriedAfterTransientFaultsWithOneIdempotencyKey_data();
    void retriedAfterTransientFaultsWithOneIdempotencyKey();
    void retrieveIsRetriedToo();
    void answerLostAfterTheWorkIsReplayedNotRepeated();
    void neverRetried_data();
    void neverRetried();
    void attemptsAreBoundedThenTypedError_data();
    void attemptsAreBoundedThenTypedError();
    void unreachableStripeIsAConnectionError();

private:
    StripeConfig config() const { return fakeConfig(m_fake); }

    FakeStripe m_fake;
    std::unique_ptr<StripeClient> m_client;
};

void TestStripeClientRetries::initTestCase()
{
    QString error;
    QVERIFY2(m_fake.start(&error), qPrintable(error));
    QVERIFY2(config().isUsable(), qPrintable(config().problems().join(u'\n')));
}

void TestStripeClientRetries::init()
{
    QVERIFY2(m_fake.reset(), qPrintable(m_fake.lastError()));
    m_client = std::make_unique<StripeClient>(config());
}

void TestStripeClientRetries::retriedAfterTransientFaultsWithOneIdempotencyKey_data()
{
    QTest::addColumn<QStringList>("faults");
    QTest::addColumn<int>("attempts"); // ours; -1 where Qt's own resend may answer first
    QTest::newRow("500 twice") << QStringList {QStringLiteral("500"), QStringLiteral("500")} << 3;
    QTest::newRow("429 with Stripe-Should-Retry: true") << QStringList {QStringLiteral("429")} << 2;
    QTest::newRow("a hang, then a 500") << QStringList {QStringLiteral("hang"), QStringLiteral("500")} << 3;
    // Qt's HTTP stack itself sends a request again, once or twice, when the
    // connection closes before any answer (as Stripe's libraries do for a
    // closed connection); either way the request arrives again, unchanged.
    QTest::newRow("connection reset") << QStringList {QStringLiteral("reset")} << -1;
    QTest::newRow("a hang, then a reset")
        << QStringList {QStringLiteral("hang"), QStringLiteral("reset")} << -1;
}

void TestStripeClientRetries::retriedAfterTransientFaultsWithOneIdempotencyKey()
{
    QFETCH(QStringList, faults);
    QFETCH(int, attempts);
    // Faults apply in the order added, each to the next matching request.
    for (const QString &fault : faults)
        QVERIFY2(m_fake.addFault(QStringLiteral("^POST /v1/payment_intents$"), fault, 1),
                 qPrintable(m_fake.lastError()));
    const QString key = uniqueKey("intent");
    const StripeResult result = await(m_client->createPaymentIntent(intentParams(), key));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    if (attempts > 0)
        QCOMPARE(result.attempts(), attempts);
    else
        QVERIFY(result.attempts() >= faults.count(QStringLiteral("hang")) + 1);

    const QJsonArray sent
        = requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/payment_intents"));
    // Every fault was met, then the answer.
    QCOMPARE(sent.size(), faults.size() + 1);
    for (qsizetype i = 0; i < faults.size(); ++i)
        QCOMPARE(sent.at(i)[QStringLiteral("fault")].toString(), faults.at(i));
    const QString body = sent.first()[QStringLiteral("body")].toString();
    for (const QJsonValue &request : sent) {
        QCOMPARE(header(request, "idempotency-key"), key);
        QCOMPARE(request[QStringLiteral("body")].toString(), body);
    }
    QCOMPARE(sent.last()[QStringLiteral("status")].toInt(), 200);
    // One intent was made, the one we were given.
    QVERIFY(!m_fake.object(StripeObject(result.object()).id()).isEmpty());
}

void TestStripeClientRetries::retrieveIsRetriedToo()
{
    const QString id
        = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent"))).object())
              .id();
    QVERIFY(id.startsWith(u"pi_"));
    QVERIFY(m_fake.addFault(QStringLiteral("^GET /v1/payment_intents/"), QStringLiteral("500"), 1));
    QVERIFY(m_fake.addFault(QStringLiteral("^GET /v1/payment_intents/"), QStringLiteral("hang"), 1));
    const StripeResult result = await(m_client->retrievePaymentIntent(id));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    QCOMPARE(StripeObject(result.object()).id(), id);
    QCOMPARE(result.attempts(), 3);
    QCOMPARE(
        requestsMatching(m_fake.requests(), QStringLiteral("GET"), QStringLiteral("/v1/payment_intents/\\w+"))
            .size(),
        3);
}

void TestStripeClientRetries::answerLostAfterTheWorkIsReplayedNotRepeated()
{
    // Stripe did the work but the answer never arrived: the retry with the
    // same key gets the first answer back, so there is one refund, not two.
    const QString intent
        = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent"))).object())
              .id();
    const QString reader = m_fake.registerReader(QStringLiteral("Kiosk 2"));
    QVERIFY(await(m_client->processPaymentIntent(reader, intent, uniqueKey("process"))).ok());
    QVERIFY(m_fake.presentCard(reader));
    QVERIFY(m_fake.addFault(QStringLiteral("^POST /v1/refunds$"), QStringLiteral("reset_after"), 1));
    RefundParams params;
    params.paymentIntentId = intent;
    params.amountCents = 500;
    const StripeResult result = await(m_client->createRefund(params, uniqueKey("refund")));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    QVERIFY(result.idempotentReplayed());
    const QJsonArray sent
        = requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/refunds"));
    QCOMPARE(sent.size(), 2);
    QCOMPARE(sent.at(0)[QStringLiteral("fault")].toString(), QStringLiteral("reset_after"));
    QVERIFY(sent.at(1)[QStringLiteral("replayed")].toBool());
    QCOMPARE(header(sent.at(0), "idempotency-key"), header(sent.at(1), "idempotency-key"));
    // The intent's charge shows one refund of 500, not 1000.
    const StripeObject paid(await(m_client->retrievePaymentIntent(intent)).object());
    const QJsonArray charges = paid.json()[QStringLiteral("charges")][QStringLiteral("data")].toArray();
    QCOMPARE(charges.size(), 1);
    QCOMPARE(StripeObject(charges.first().toObject()).amountRefunded(), std::optional<qint64>(500));
}

void TestStripeClientRetries::neverRetried_data()
{
    QTest::addColumn<QString>("case_");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("400 invalid parameter")
        << QStringLiteral("400") << StripeError::Kind::InvalidRequest << 400;
    QTest::newRow("404 no such object") << QStringLiteral("404") << StripeError::Kind::NotFound << 404;
    QTest::newRow("429 with Stripe-Should-Retry: false")
        << QStringLiteral("429_no_retry") << StripeError::Kind::RateLimit << 429;
}

void TestStripeClientRetries::neverRetried()
{
    QFETCH(QString, case_);
    QFETCH(StripeError::Kind, kind);
    QFETCH(int, status);
    StripeResult result;
    if (case_ == u"400") {
        // A cancelled intent cannot be cancelled again.
        const QString id
            = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i"))).object())
                  .id();
        QVERIFY(await(m_client->cancelPaymentIntent(id, uniqueKey("cancel"))).ok());
        QVERIFY(m_fake.reset());
        result = await(m_client->cancelPaymentIntent(id, uniqueKey("cancel-again")));
    } else if (case_ == u"404") {
        result = await(m_client->retrievePaymentIntent(QStringLiteral("pi_doesNotExist")));
    } else {
        QVERIFY(
            m_fake.addFault(QStringLiteral("^POST /v1/payment_intents$"), QStringLiteral("429_no_retry"), 1));
        result = await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent")));
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), kind);
    QCOMPARE(result.error().httpStatus(), status);
    QCOMPARE(result.error().attempts(), 1);
    QCOMPARE(result.attempts(), 1);
    QVERIFY(result.error().requestId().startsWith(u"req_"));
    QVERIFY(!result.error().message().isEmpty());
    QVERIFY(!result.error().userMessage().isEmpty());
    QCOMPARE(m_fake.requests().size(), 1);
}

void TestStripeClientRetries::attemptsAreBoundedThenTypedError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::newRow("500 for ever") << QStringLiteral("500") << StripeError::Kind::Api;
    QTest::newRow("429 for ever") << QStringLiteral("429") << StripeError::Kind::RateLimit;
    QTest::newRow("resets for ever") << QStringLiteral("reset") << StripeError::Kind::Connection;
    QTest::newRow("hangs for ever") << QStringLiteral("hang") << StripeError::Kind::Timeout;
}

void TestStripeClientRetries::attemptsAreBoundedThenTypedError()
{
    QFETCH(QString, fault);
    QFETCH(StripeError::Kind, kind);
    QVERIFY(m_fake.addFault(QStringLiteral("^POST /v1/checkout/sessions$"), fault, 100));
    const QString key = uniqueKey("checkout");
    const StripeResult result = await(m_client->createCheckoutSession(sessionParams(), key));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), kind);
    QVERIFY(result.error().isTransient());
    QCOMPARE(result.error().attempts(), config().maxRetries + 1);
    QCOMPARE(result.error().operation(), QStringLiteral("checkout.sessions.create"));
    QVERIFY(!result.error().userMessage().isEmpty());
    const QString log = result.error().logText();
    QVERIFY2(log.contains(u"attempts=3") && !log.contains(FakeStripe::secretKey()), qPrintable(log));
    const QJsonArray sent = m_fake.requests();
    if (fault == u"reset") // Qt's own resend of a closed connection comes on top (see above)
        QVERIFY(sent.size() >= config().maxRetries + 1);
    else
        QCOMPARE(sent.size(), config().maxRetries + 1);
    for (const QJsonValue &request : sent)
        QCOMPARE(header(request, "idempotency-key"), key);
}

void TestStripeClientRetries::unreachableStripeIsAConnectionError()
{
    // A port nobody listens on: connection refused on every attempt.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    StripeConfig unreachable = config();
    unreachable.apiBase.setPort(closed.serverPort());
    closed.close();
    StripeClient client(unreachable);
    const StripeResult result = await(client.retrieveCheckoutSession(QStringLiteral("cs_test_1")));
    QCOMPARE(result.error().kind(), StripeError::Kind::Connection);
    QCOMPARE(result.error().attempts(), unreachable.maxRetries + 1);
    QVERIFY(!result.error().detail().isEmpty());
}

QTEST_GUILESS_MAIN(TestStripeClientRetries)
#include "tst_stripeclient_retries.moc"
