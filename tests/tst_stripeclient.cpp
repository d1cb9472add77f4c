// StripeClient against the fake Stripe (tests/harness/fakestripe): the
// headers and form body Stripe receives, every operation the server uses
// round-tripping, Stripe's retry rules under injected faults with one
// Idempotency-Key throughout, bounded attempts ending in a typed error,
// idempotent replays and conflicts, and what is refused before sending.
// Delays and timeouts are tiny; nothing here asserts on durations.
#include "payments/stripeclient.h"
#include "payments/stripeform.h"
#include "payments/stripeobject.h"
#include "tests/harness/fakestripe.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <memory>

namespace {

QJsonArray requestsMatching(const QJsonArray &requests, const QString &method, const QString &pathPattern)
{
    const QRegularExpression path(QRegularExpression::anchoredPattern(pathPattern));
    QJsonArray matching;
    for (const QJsonValue &request : requests) {
        if (request[QStringLiteral("method")].toString() == method
            && path.match(request[QStringLiteral("path")].toString()).hasMatch())
            matching.append(request);
    }
    return matching;
}

QString header(const QJsonValue &request, const char *name)
{
    return request[QStringLiteral("headers")][QLatin1String(name)].toString();
}

QString uniqueKey(const char *purpose)
{
    static int counter = 0;
    return QStringLiteral("payment-%1-%2-%3").arg(QDateTime::currentMSecsSinceEpoch()).arg(++counter).arg(QLatin1String(purpose));
}

CheckoutSessionParams sessionParams()
{
    CheckoutSessionParams params;
    params.currency = QStringLiteral("eur");
    params.lineItems = {{QStringLiteral("Full wash (SUV)"), 2500, 1}, {QStringLiteral("VAT 19% & more"), 475, 1}};
    params.successUrl = QStringLiteral("https://wash.example/paid?booking=CW-7Q2");
    params.cancelUrl = QStringLiteral("https://wash.example/cancelled");
    params.clientReferenceId = QStringLiteral("CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("17")}, {QStringLiteral("booking_id"), QStringLiteral("9")}};
    params.paymentIntentMetadata = params.metadata;
    params.locale = QStringLiteral("de");
    params.expiresAt = QDateTime::currentDateTimeUtc().addSecs(45 * 60);
    return params;
}

PaymentIntentParams intentParams(qint64 amount = 2975)
{
    PaymentIntentParams params;
    params.amountCents = amount;
    params.currency = QStringLiteral("eur");
    params.description = QStringLiteral("Booking CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("18")}};
    return params;
}

} // namespace

class TestStripeClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void checkoutSessionCarriesStripesHeadersAndForm();
    void checkoutSessionRetrievedAndExpired();
    void paymentIntentCreatedRetrievedAndCancelled();
    void readerShowsTheCartTakesTheCardAndIsRefunded();
    void readerDeclineAndCancelledCollection();

    void retriedAfterTransientFaultsWithOneIdempotencyKey_data();
    void retriedAfterTransientFaultsWithOneIdempotencyKey();
    void retrieveIsRetriedToo();
    void answerLostAfterTheWorkIsReplayedNotRepeated();
    void neverRetried_data();
    void neverRetried();
    void attemptsAreBoundedThenTypedError_data();
    void attemptsAreBoundedThenTypedError();
    void unreachableStripeIsAConnectionError();

    void sameKeySameParamsIsReplayed();
    void sameKeyOtherParamsIsAnIdempotencyError();
    void wrongKeyIsAnAuthenticationError();
    void refusedBeforeSending();
    void shutdownEndsCallsInFlightAsCancelled();

private:
    StripeConfig config() const;
    StripeResult await(QFuture<StripeResult> future);

    FakeStripe m_fake;
    std::unique_ptr<StripeClient> m_client;
};

StripeConfig TestStripeClient::config() const
{
    StripeConfig config;
    config.apiBase = m_fake.apiBase();
    config.secretKey = FakeStripe::secretKey();
    config.webhookSecrets = {QStringLiteral("whsec_tst_stripeclient")};
    config.requestTimeoutMs = 700; // a hang ends this quickly as a timeout
    config.maxRetries = 2;
    config.retryBaseDelayMs = 5;
    config.retryMaxDelayMs = 20;
    return config;
}

StripeResult TestStripeClient::await(QFuture<StripeResult> future)
{
    // The client works on this thread's event loop; spin it until the answer.
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return StripeResult(StripeError(StripeError::Kind::Timeout, QStringLiteral("the test gave up waiting")));
    return future.result();
}

void TestStripeClient::initTestCase()
{
    QString error;
    QVERIFY2(m_fake.start(&error), qPrintable(error));
    QVERIFY2(config().isUsable(), qPrintable(config().problems().join(u'\n')));
}

void TestStripeClient::init()
{
    QVERIFY2(m_fake.reset(), qPrintable(m_fake.lastError()));
    m_client = std::make_unique<StripeClient>(config());
}

void TestStripeClient::checkoutSessionCarriesStripesHeadersAndForm()
{
    const CheckoutSessionParams params = sessionParams();
    const QString key = uniqueKey("checkout");
    const StripeResult result = await(m_client->createCheckoutSession(params, key));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    const StripeObject session(result.object());
    QCOMPARE(session.type(), QStringLiteral("checkout.session"));
    QVERIFY(session.id().startsWith(u"cs_"));
    QCOMPARE(session.status(), QStringLiteral("open"));
    QCOMPARE(session.paymentStatus(), QStringLiteral("unpaid"));
    QCOMPARE(session.amount(), std::optional<qint64>(2975));
    QCOMPARE(session.clientReferenceId(), QStringLiteral("CW-7Q2"));
    QCOMPARE(session.paymentId(), std::optional<qint64>(17));
    QVERIFY(!result.object().value(QLatin1String("url")).toString().isEmpty());
    QCOMPARE(result.object().value(QLatin1String("expires_at")).toInteger(), params.expiresAt.toSecsSinceEpoch());
    QCOMPARE(result.attempts(), 1);
    QVERIFY(result.requestId().startsWith(u"req_"));
    QVERIFY(!result.idempotentReplayed());

    const QJsonArray sent = requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/checkout/sessions"));
    QCOMPARE(sent.size(), 1);
    const QJsonValue request = sent.first();
    QCOMPARE(header(request, "authorization"), QStringLiteral("Bearer ") + FakeStripe::secretKey());
    QCOMPARE(header(request, "stripe-version"), QStringLiteral("2020-08-27"));
    QCOMPARE(header(request, "content-type"), QStringLiteral("application/x-www-form-urlencoded"));
    QCOMPARE(header(request, "idempotency-key"), key);
    QCOMPARE(request[QStringLiteral("body")].toString().toUtf8(), StripeForm::encode(params.toParams()));
    // The fake decoded the same fields we meant.
    const QJsonObject form = request[QStringLiteral("form")].toObject();
    for (const auto &[name, value] : StripeForm::fields(params.toParams()))
        QCOMPARE(form.value(name).toString(), value);
    QCOMPARE(form.value(QLatin1String("line_items[1][price_data][product_data][name]")).toString(),
             QStringLiteral("VAT 19% & more"));
    QCOMPARE(form.value(QLatin1String("payment_intent_data[metadata][payment_id]")).toString(), QStringLiteral("17"));
    QCOMPARE(form.size(), StripeForm::fields(params.toParams()).size());
}

void TestStripeClient::checkoutSessionRetrievedAndExpired()
{
    const StripeResult created = await(m_client->createCheckoutSession(sessionParams(), uniqueKey("checkout")));
    QVERIFY2(created.ok(), qPrintable(created.error().logText()));
    const QString id = StripeObject(created.object()).id();

    const StripeResult retrieved = await(m_client->retrieveCheckoutSession(id));
    QVERIFY2(retrieved.ok(), qPrintable(retrieved.error().logText()));
    QCOMPARE(StripeObject(retrieved.object()).id(), id);
    QCOMPARE(StripeObject(retrieved.object()).status(), QStringLiteral("open"));

    const StripeResult expired = await(m_client->expireCheckoutSession(id, uniqueKey("expire")));
    QVERIFY2(expired.ok(), qPrintable(expired.error().logText()));
    QCOMPARE(StripeObject(expired.object()).status(), QStringLiteral("expired"));
    QCOMPARE(StripeObject(await(m_client->retrieveCheckoutSession(id)).object()).status(), QStringLiteral("expired"));

    // An expired session cannot be expired again: Stripe's 400, not retried.
    const StripeResult again = await(m_client->expireCheckoutSession(id, uniqueKey("expire-again")));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(again.error().httpStatus(), 400);
    QCOMPARE(again.error().attempts(), 1);
    QVERIFY(!again.error().message().isEmpty());

    const QJsonArray requests = m_fake.requests();
    const QJsonArray gets = requestsMatching(requests, QStringLiteral("GET"), QStringLiteral("/v1/checkout/sessions/cs_\\w+"));
    QCOMPARE(gets.size(), 2);
    QVERIFY(header(gets.first(), "idempotency-key").isEmpty()); // a GET needs none
    QCOMPARE(header(gets.first(), "authorization"), QStringLiteral("Bearer ") + FakeStripe::secretKey());
    QCOMPARE(requestsMatching(requests, QStringLiteral("POST"), QStringLiteral("/v1/checkout/sessions/cs_\\w+/expire")).size(), 2);
}

void TestStripeClient::paymentIntentCreatedRetrievedAndCancelled()
{
    const StripeResult created = await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent")));
    QVERIFY2(created.ok(), qPrintable(created.error().logText()));
    const StripeObject intent(created.object());
    QVERIFY(intent.id().startsWith(u"pi_"));
    QCOMPARE(intent.amount(), std::optional<qint64>(2975));
    QCOMPARE(intent.currency(), QStringLiteral("eur"));
    QCOMPARE(intent.paymentId(), std::optional<qint64>(18));
    QCOMPARE(created.object().value(QLatin1String("capture_method")).toString(), QStringLiteral("automatic"));
    QCOMPARE(created.object().value(QLatin1String("payment_method_types")).toArray(),
             QJsonArray {QStringLiteral("card_present")});

    const StripeResult retrieved = await(m_client->retrievePaymentIntent(intent.id()));
    QVERIFY2(retrieved.ok(), qPrintable(retrieved.error().logText()));
    QCOMPARE(StripeObject(retrieved.object()).status(), intent.status());

    const StripeResult cancelled = await(m_client->cancelPaymentIntent(intent.id(), uniqueKey("cancel")));
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error().logText()));
    QCOMPARE(StripeObject(cancelled.object()).status(), QStringLiteral("canceled"));
}

void TestStripeClient::readerShowsTheCartTakesTheCardAndIsRefunded()
{
    const QString reader = m_fake.registerReader(QStringLiteral("Kiosk 1"));
    QVERIFY2(reader.startsWith(u"tmr_"), qPrintable(m_fake.lastError()));
    ReaderCart cart;
    cart.currency = QStringLiteral("eur");
    cart.lineItems = {{QStringLiteral("Full wash"), 2500, 1}, {QStringLiteral("Wax"), 475, 1}};
    cart.totalCents = 2975;
    const StripeResult shown = await(m_client->setReaderDisplay(reader, cart, uniqueKey("display")));
    QVERIFY2(shown.ok(), qPrintable(shown.error().logText()));
    QCOMPARE(StripeObject(shown.object()).readerActionType(), QStringLiteral("set_reader_display"));
    const QJsonObject shownCart = shown.object()[QStringLiteral("action")][QStringLiteral("set_reader_display")]
                                      [QStringLiteral("cart")].toObject();
    QCOMPARE(shownCart.value(QLatin1String("total")).toInteger(), 2975);
    QCOMPARE(shownCart.value(QLatin1String("line_items")).toArray().size(), 2);
    QCOMPARE(shownCart.value(QLatin1String("line_items")).toArray().at(1)[QStringLiteral("description")].toString(),
             QStringLiteral("Wax"));

    const StripeResult created = await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent")));
    QVERIFY2(created.ok(), qPrintable(created.error().logText()));
    const QString intent = StripeObject(created.object()).id();
    const StripeResult processing = await(m_client->processPaymentIntent(reader, intent, uniqueKey("process")));
    QVERIFY2(processing.ok(), qPrintable(processing.error().logText()));
    const StripeObject collecting(processing.object());
    QCOMPARE(collecting.readerId(), reader);
    QCOMPARE(collecting.readerActionType(), QStringLiteral("process_payment_intent"));
    QCOMPARE(collecting.readerActionStatus(), QStringLiteral("in_progress"));
    QCOMPARE(collecting.paymentIntentId(), intent);

    QVERIFY2(m_fake.presentCard(reader), qPrintable(m_fake.lastError()));
    const StripeResult done = await(m_client->retrieveReader(reader));
    QVERIFY2(done.ok(), qPrintable(done.error().logText()));
    QCOMPARE(StripeObject(done.object()).readerActionStatus(), QStringLiteral("succeeded"));
    const StripeResult paid = await(m_client->retrievePaymentIntent(intent));
    QCOMPARE(StripeObject(paid.object()).status(), QStringLiteral("succeeded"));
    QCOMPARE(StripeObject(paid.object()).amountReceived(), std::optional<qint64>(2975));

    RefundParams partial;
    partial.paymentIntentId = intent;
    partial.amountCents = 1000;
    partial.reason = QStringLiteral("requested_by_customer");
    partial.metadata = {{QStringLiteral("refund_id"), QStringLiteral("5")}};
    const StripeResult refunded = await(m_client->createRefund(partial, uniqueKey("refund")));
    QVERIFY2(refunded.ok(), qPrintable(refunded.error().logText()));
    const StripeObject refund(refunded.object());
    QVERIFY(refund.id().startsWith(u"re_"));
    QCOMPARE(refund.amount(), std::optional<qint64>(1000));
    QCOMPARE(refund.paymentIntentId(), intent);
    QCOMPARE(refund.status(), QStringLiteral("succeeded"));
    QCOMPARE(refund.metadata(QStringLiteral("refund_id")), QStringLiteral("5"));
    const StripeResult fetched = await(m_client->retrieveRefund(refund.id()));
    QVERIFY2(fetched.ok(), qPrintable(fetched.error().logText()));
    QCOMPARE(StripeObject(fetched.object()).id(), refund.id());

    // Without an amount: all that is left.
    RefundParams rest;
    rest.paymentIntentId = intent;
    const StripeResult restRefunded = await(m_client->createRefund(rest, uniqueKey("refund-rest")));
    QVERIFY2(restRefunded.ok(), qPrintable(restRefunded.error().logText()));
    QCOMPARE(StripeObject(restRefunded.object()).amount(), std::optional<qint64>(1975));
    QVERIFY(!requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/refunds"))
                 .last()[QStringLiteral("form")]
                 .toObject()
                 .contains(u"amount"));
    // Nothing left: Stripe's 400, not retried.
    const StripeResult nothingLeft = await(m_client->createRefund(rest, uniqueKey("refund-more")));
    QCOMPARE(nothingLeft.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(nothingLeft.error().attempts(), 1);
}

void TestStripeClient::readerDeclineAndCancelledCollection()
{
    const QString reader = m_fake.registerReader(QStringLiteral("Desk 1"));
    QVERIFY2(reader.startsWith(u"tmr_"), qPrintable(m_fake.lastError()));
    const QString declinedIntent = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i1"))).object()).id();
    QVERIFY(await(m_client->processPaymentIntent(reader, declinedIntent, uniqueKey("p1"))).ok());
    QVERIFY2(m_fake.presentCard(reader, QStringLiteral("4000000000000002")), qPrintable(m_fake.lastError()));
    const StripeObject failed(await(m_client->retrieveReader(reader)).object());
    QCOMPARE(failed.readerActionStatus(), QStringLiteral("failed"));
    QCOMPARE(failed.failureCode(), QStringLiteral("card_declined"));
    QVERIFY(!failed.failureMessage().isEmpty());
    const StripeObject declined(await(m_client->retrievePaymentIntent(declinedIntent)).object());
    QCOMPARE(declined.status(), QStringLiteral("requires_payment_method"));
    QVERIFY(!declined.failureCode().isEmpty());

    // A collection in progress cancelled at the desk.
    const QString intent = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i2"))).object()).id();
    QVERIFY(await(m_client->processPaymentIntent(reader, intent, uniqueKey("p2"))).ok());
    const StripeResult cancelled = await(m_client->cancelReaderAction(reader, uniqueKey("cancel-action")));
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error().logText()));
    QCOMPARE(StripeObject(cancelled.object()).readerActionStatus(), QString());
    // Nothing in progress any more: Stripe's 400, not retried.
    const StripeResult again = await(m_client->cancelReaderAction(reader, uniqueKey("cancel-action-2")));
    QCOMPARE(again.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(again.error().attempts(), 1);
}

void TestStripeClient::retriedAfterTransientFaultsWithOneIdempotencyKey_data()
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
    QTest::newRow("a hang, then a reset") << QStringList {QStringLiteral("hang"), QStringLiteral("reset")} << -1;
}

void TestStripeClient::retriedAfterTransientFaultsWithOneIdempotencyKey()
{
    QFETCH(QStringList, faults);
    QFETCH(int, attempts);
    // Faults apply in the order added, each to the next matching request.
    for (const QString &fault : faults)
        QVERIFY2(m_fake.addFault(QStringLiteral("^POST /v1/payment_intents$"), fault, 1), qPrintable(m_fake.lastError()));
    const QString key = uniqueKey("intent");
    const StripeResult result = await(m_client->createPaymentIntent(intentParams(), key));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    if (attempts > 0)
        QCOMPARE(result.attempts(), attempts);
    else
        QVERIFY(result.attempts() >= faults.count(QStringLiteral("hang")) + 1);

    const QJsonArray sent = requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/payment_intents"));
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

void TestStripeClient::retrieveIsRetriedToo()
{
    const QString id = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent"))).object()).id();
    QVERIFY(id.startsWith(u"pi_"));
    QVERIFY(m_fake.addFault(QStringLiteral("^GET /v1/payment_intents/"), QStringLiteral("500"), 1));
    QVERIFY(m_fake.addFault(QStringLiteral("^GET /v1/payment_intents/"), QStringLiteral("hang"), 1));
    const StripeResult result = await(m_client->retrievePaymentIntent(id));
    QVERIFY2(result.ok(), qPrintable(result.error().logText()));
    QCOMPARE(StripeObject(result.object()).id(), id);
    QCOMPARE(result.attempts(), 3);
    QCOMPARE(requestsMatching(m_fake.requests(), QStringLiteral("GET"), QStringLiteral("/v1/payment_intents/\\w+")).size(), 3);
}

void TestStripeClient::answerLostAfterTheWorkIsReplayedNotRepeated()
{
    // Stripe did the work but the answer never arrived: the retry with the
    // same key gets the first answer back, so there is one refund, not two.
    const QString intent = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent"))).object()).id();
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
    const QJsonArray sent = requestsMatching(m_fake.requests(), QStringLiteral("POST"), QStringLiteral("/v1/refunds"));
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

void TestStripeClient::neverRetried_data()
{
    QTest::addColumn<QString>("case_");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("400 invalid parameter") << QStringLiteral("400") << StripeError::Kind::InvalidRequest << 400;
    QTest::newRow("404 no such object") << QStringLiteral("404") << StripeError::Kind::NotFound << 404;
    QTest::newRow("429 with Stripe-Should-Retry: false") << QStringLiteral("429_no_retry") << StripeError::Kind::RateLimit << 429;
}

void TestStripeClient::neverRetried()
{
    QFETCH(QString, case_);
    QFETCH(StripeError::Kind, kind);
    QFETCH(int, status);
    StripeResult result;
    if (case_ == u"400") {
        // A cancelled intent cannot be cancelled again.
        const QString id = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i"))).object()).id();
        QVERIFY(await(m_client->cancelPaymentIntent(id, uniqueKey("cancel"))).ok());
        QVERIFY(m_fake.reset());
        result = await(m_client->cancelPaymentIntent(id, uniqueKey("cancel-again")));
    } else if (case_ == u"404") {
        result = await(m_client->retrievePaymentIntent(QStringLiteral("pi_doesNotExist")));
    } else {
        QVERIFY(m_fake.addFault(QStringLiteral("^POST /v1/payment_intents$"), QStringLiteral("429_no_retry"), 1));
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

void TestStripeClient::attemptsAreBoundedThenTypedError_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::newRow("500 for ever") << QStringLiteral("500") << StripeError::Kind::Api;
    QTest::newRow("429 for ever") << QStringLiteral("429") << StripeError::Kind::RateLimit;
    QTest::newRow("resets for ever") << QStringLiteral("reset") << StripeError::Kind::Connection;
    QTest::newRow("hangs for ever") << QStringLiteral("hang") << StripeError::Kind::Timeout;
}

void TestStripeClient::attemptsAreBoundedThenTypedError()
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

void TestStripeClient::unreachableStripeIsAConnectionError()
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

void TestStripeClient::sameKeySameParamsIsReplayed()
{
    const QString key = uniqueKey("checkout");
    const CheckoutSessionParams params = sessionParams();
    const StripeResult first = await(m_client->createCheckoutSession(params, key));
    QVERIFY2(first.ok(), qPrintable(first.error().logText()));
    const StripeResult second = await(m_client->createCheckoutSession(params, key));
    QVERIFY2(second.ok(), qPrintable(second.error().logText()));
    QVERIFY(!first.idempotentReplayed());
    QVERIFY(second.idempotentReplayed());
    QCOMPARE(StripeObject(second.object()).id(), StripeObject(first.object()).id());
}

void TestStripeClient::sameKeyOtherParamsIsAnIdempotencyError()
{
    const QString key = uniqueKey("intent");
    QVERIFY(await(m_client->createPaymentIntent(intentParams(2975), key)).ok());
    const StripeResult other = await(m_client->createPaymentIntent(intentParams(3975), key));
    QVERIFY(!other.ok());
    QCOMPARE(other.error().kind(), StripeError::Kind::Idempotency);
    QCOMPARE(other.error().type(), QStringLiteral("idempotency_error"));
    QCOMPARE(other.error().attempts(), 1);
    QVERIFY(!other.error().isTransient());
}

void TestStripeClient::wrongKeyIsAnAuthenticationError()
{
    StripeConfig wrong = config();
    wrong.secretKey = QStringLiteral("sk_live_notTheFakesKind123");
    StripeClient client(wrong);
    const StripeResult result = await(client.retrieveReader(QStringLiteral("tmr_x")));
    QCOMPARE(result.error().kind(), StripeError::Kind::Authentication);
    QCOMPARE(result.error().httpStatus(), 401);
    QCOMPARE(result.error().attempts(), 1);
    QVERIFY2(!result.error().logText().contains(u"notTheFakesKind"), qPrintable(result.error().logText()));
}

void TestStripeClient::refusedBeforeSending()
{
    CheckoutSessionParams tooSoon = sessionParams();
    tooSoon.expiresAt = QDateTime::currentDateTimeUtc().addSecs(10 * 60);
    const StripeResult soon = await(m_client->createCheckoutSession(tooSoon, uniqueKey("checkout")));
    QCOMPARE(soon.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(soon.error().param(), QStringLiteral("expires_at"));
    QCOMPARE(soon.error().attempts(), 0);
    CheckoutSessionParams tooLate = sessionParams();
    tooLate.expiresAt = QDateTime::currentDateTimeUtc().addSecs(25 * 3600);
    QCOMPARE(await(m_client->createCheckoutSession(tooLate, uniqueKey("checkout"))).error().param(),
             QStringLiteral("expires_at"));
    // A POST without an idempotency key never goes out.
    QCOMPARE(await(m_client->createPaymentIntent(intentParams(), QString())).error().param(),
             QStringLiteral("Idempotency-Key"));
    QCOMPARE(await(m_client->createRefund(RefundParams {QStringLiteral("pi_1"), {}, {}, {}}, QString(256, u'k')))
                 .error()
                 .param(),
             QStringLiteral("Idempotency-Key"));
    // No id, no request.
    QCOMPARE(await(m_client->retrieveReader(QString())).error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(await(m_client->processPaymentIntent(QStringLiteral("tmr_1"), QString(), uniqueKey("p"))).error().param(),
             QStringLiteral("payment_intent"));
    QCOMPARE(m_fake.requests().size(), 0);
    // An id is one path segment, whatever it holds.
    QCOMPARE(await(m_client->retrieveRefund(QStringLiteral("re_1/../../v1/balance"))).error().kind(),
             StripeError::Kind::NotFound);
    QCOMPARE(m_fake.requests().first()[QStringLiteral("path")].toString(),
             QStringLiteral("/v1/refunds/re_1%2F..%2F..%2Fv1%2Fbalance"));
}

void TestStripeClient::shutdownEndsCallsInFlightAsCancelled()
{
    QVERIFY(m_fake.addFault(QStringLiteral("^GET /v1/terminal/readers/"), QStringLiteral("hang"), 1));
    StripeConfig patient = config();
    patient.requestTimeoutMs = 60000;
    auto client = std::make_unique<StripeClient>(patient);
    QFuture<StripeResult> future = client->retrieveReader(QStringLiteral("tmr_x"));
    QVERIFY(QTest::qWaitFor([&] { return m_fake.requests().size() == 1; }, 10000));
    QCOMPARE(client->callsInFlight(), 1);
    QVERIFY(!future.isFinished());
    client.reset();
    QVERIFY(future.isFinished());
    QCOMPARE(future.result().error().kind(), StripeError::Kind::Cancelled);
    QCOMPARE(future.result().error().attempts(), 1);
}

QTEST_GUILESS_MAIN(TestStripeClient)
#include "tst_stripeclient.moc"
