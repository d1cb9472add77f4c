// StripeClient against the fake Stripe (tests/harness/fakestripe): the
// headers and form body Stripe receives, every operation the server uses
// round-tripping, idempotent replays and conflicts, authentication, what is
// refused before sending, and calls ended by a shutdown.
#include "payments/stripeclient.h"
#include "payments/stripeform.h"
#include "payments/stripeobject.h"
#include "tests/harness/fakestripe.h"
#include "tests/stripeclienttesting.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace StripeClientTesting;

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
    void sameKeySameParamsIsReplayed();
    void sameKeyOtherParamsIsAnIdempotencyError();
    void wrongKeyIsAnAuthenticationError();
    void unusableSettingsAreAConfigurationError();
    void refusedBeforeSending();
    void shutdownEndsCallsInFlightAsCancelled();

private:
    StripeConfig config() const { return fakeConfig(m_fake); }

    FakeStripe m_fake;
    std::unique_ptr<StripeClient> m_client;
};

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
    QCOMPARE(result.object().value(QLatin1String("expires_at")).toInteger(),
             params.expiresAt.toSecsSinceEpoch());
    QCOMPARE(result.attempts(), 1);
    QVERIFY(result.requestId().startsWith(u"req_"));
    QVERIFY(!result.idempotentReplayed());

    const QJsonArray sent = requestsMatching(m_fake.requests(), QStringLiteral("POST"),
                                             QStringLiteral("/v1/checkout/sessions"));
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
    QCOMPARE(form.value(QLatin1String("payment_intent_data[metadata][payment_id]")).toString(),
             QStringLiteral("17"));
    QCOMPARE(form.size(), StripeForm::fields(params.toParams()).size());
}

void TestStripeClient::checkoutSessionRetrievedAndExpired()
{
    const StripeResult created
        = await(m_client->createCheckoutSession(sessionParams(), uniqueKey("checkout")));
    QVERIFY2(created.ok(), qPrintable(created.error().logText()));
    const QString id = StripeObject(created.object()).id();

    const StripeResult retrieved = await(m_client->retrieveCheckoutSession(id));
    QVERIFY2(retrieved.ok(), qPrintable(retrieved.error().logText()));
    QCOMPARE(StripeObject(retrieved.object()).id(), id);
    QCOMPARE(StripeObject(retrieved.object()).status(), QStringLiteral("open"));

    const StripeResult expired = await(m_client->expireCheckoutSession(id, uniqueKey("expire")));
    QVERIFY2(expired.ok(), qPrintable(expired.error().logText()));
    QCOMPARE(StripeObject(expired.object()).status(), QStringLiteral("expired"));
    QCOMPARE(StripeObject(await(m_client->retrieveCheckoutSession(id)).object()).status(),
             QStringLiteral("expired"));

    // An expired session cannot be expired again: Stripe's 400, not retried.
    const StripeResult again = await(m_client->expireCheckoutSession(id, uniqueKey("expire-again")));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(again.error().httpStatus(), 400);
    QCOMPARE(again.error().attempts(), 1);
    QVERIFY(!again.error().message().isEmpty());

    const QJsonArray requests = m_fake.requests();
    const QJsonArray gets
        = requestsMatching(requests, QStringLiteral("GET"), QStringLiteral("/v1/checkout/sessions/cs_\\w+"));
    QCOMPARE(gets.size(), 2);
    QVERIFY(header(gets.first(), "idempotency-key").isEmpty()); // a GET needs none
    QCOMPARE(header(gets.first(), "authorization"), QStringLiteral("Bearer ") + FakeStripe::secretKey());
    QCOMPARE(requestsMatching(requests, QStringLiteral("POST"),
                              QStringLiteral("/v1/checkout/sessions/cs_\\w+/expire"))
                 .size(),
             2);
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
    const QJsonObject shownCart = shown
                                      .object()[QStringLiteral("action")]
                                               [QStringLiteral("set_reader_display")][QStringLiteral("cart")]
                                      .toObject();
    QCOMPARE(shownCart.value(QLatin1String("total")).toInteger(), 2975);
    QCOMPARE(shownCart.value(QLatin1String("line_items")).toArray().size(), 2);
    QCOMPARE(shownCart.value(QLatin1String("line_items"))
                 .toArray()
                 .at(1)[QStringLiteral("description")]
                 .toString(),
             QStringLiteral("Wax"));

    const StripeResult created = await(m_client->createPaymentIntent(intentParams(), uniqueKey("intent")));
    QVERIFY2(created.ok(), qPrintable(created.error().logText()));
    const QString intent = StripeObject(created.object()).id();
    const StripeResult processing
        = await(m_client->processPaymentIntent(reader, intent, uniqueKey("process")));
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
    const QString declinedIntent
        = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i1"))).object()).id();
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
    const QString intent
        = StripeObject(await(m_client->createPaymentIntent(intentParams(), uniqueKey("i2"))).object()).id();
    QVERIFY(await(m_client->processPaymentIntent(reader, intent, uniqueKey("p2"))).ok());
    const StripeResult cancelled = await(m_client->cancelReaderAction(reader, uniqueKey("cancel-action")));
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error().logText()));
    QCOMPARE(StripeObject(cancelled.object()).readerActionStatus(), QString());
    // Nothing in progress any more: Stripe's 400, not retried.
    const StripeResult again = await(m_client->cancelReaderAction(reader, uniqueKey("cancel-action-2")));
    QCOMPARE(again.error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(again.error().attempts(), 1);
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

void TestStripeClient::unusableSettingsAreAConfigurationError()
{
    StripeConfig noKey = config();
    noKey.secretKey.clear();
    StripeClient client(noKey);
    const StripeResult result = await(client.createPaymentIntent(intentParams(), uniqueKey("intent")));
    QCOMPARE(result.error().kind(), StripeError::Kind::Configuration);
    QCOMPARE(result.error().attempts(), 0);
    QVERIFY2(result.error().userMessage().contains(u"STRIPE_SECRET_KEY"),
             qPrintable(result.error().userMessage()));
    QCOMPARE(await(client.retrieveReader(QStringLiteral("tmr_1"))).error().kind(),
             StripeError::Kind::Configuration);
    // Webhook secrets are not the client's business.
    StripeConfig noWebhookSecret = config();
    noWebhookSecret.webhookSecrets.clear();
    StripeClient withoutSecrets(noWebhookSecret);
    QVERIFY(await(withoutSecrets.createPaymentIntent(intentParams(), uniqueKey("intent"))).ok());
    QCOMPARE(m_fake.requests().size(), 1);
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
    QCOMPARE(
        await(m_client->createRefund(RefundParams {QStringLiteral("pi_1"), {}, {}, {}}, QString(256, u'k')))
            .error()
            .param(),
        QStringLiteral("Idempotency-Key"));
    // No id, no request.
    QCOMPARE(await(m_client->retrieveReader(QString())).error().kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(await(m_client->processPaymentIntent(QStringLiteral("tmr_1"), QString(), uniqueKey("p")))
                 .error()
                 .param(),
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
