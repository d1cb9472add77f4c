// A verified webhook body becomes a typed event, or a clear refusal when it
// is not one; the accessors find our payment and Stripe's ids and states in
// each object type the server applies (shapes from Stripe's fixtures).
#include "payments/stripeevent.h"

#include <QJsonDocument>
#include <QTest>

namespace {

QByteArray eventBody(const QString &type, const QByteArray &object)
{
    return R"({"id":"evt_1Pgc76B7WZ01zgkWwyRHS12y","object":"event","api_version":"2020-08-27",)"
           R"("created":1767225600,"livemode":false,"pending_webhooks":1,)"
           R"("request":{"id":null,"idempotency_key":null},"type":")"
        + type.toUtf8() + R"(","data":{"object":)" + object + "}}";
}

const QByteArray Session = R"({"id":"cs_test_a1","object":"checkout.session","amount_total":2975,
    "client_reference_id":"CW-7Q2","currency":"eur","metadata":{"payment_id":"17","booking_id":"9"},
    "mode":"payment","payment_intent":"pi_3Pa","payment_status":"paid","status":"complete",
    "url":null})";

const QByteArray PaymentIntentFailed = R"({"id":"pi_3Pb","object":"payment_intent","amount":2975,
    "amount_received":0,"currency":"eur","status":"requires_payment_method",
    "metadata":{"payment_id":"18"},"last_payment_error":{"type":"card_error","code":"card_declined",
    "decline_code":"insufficient_funds","message":"Your card has insufficient funds."}})";

const QByteArray ReaderFailed = R"({"id":"tmr_FDOt2wlRZEdpd7","object":"terminal.reader",
    "action":{"type":"process_payment_intent","status":"failed","failure_code":"card_declined",
    "failure_message":"The card was declined.",
    "process_payment_intent":{"payment_intent":"pi_3Pc"}},"device_type":"simulated_wisepos_e",
    "label":"Kiosk 1","metadata":{},"status":"online"})";

const QByteArray ChargeRefunded = R"({"id":"ch_3Pd","object":"charge","amount":2975,"amount_refunded":1000,
    "currency":"eur","metadata":{"payment_id":"19","booking_id":"12"},"payment_intent":"pi_3Pd",
    "refunded":false,"status":"succeeded","failure_code":null,"failure_message":null})";

} // namespace

class TestStripeEvent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checkoutSessionCompleted();
    void paymentIntentFailedSaysWhy();
    void readerActionFailedNamesItsIntent();
    void chargeRefundedCarriesAmounts();
    void expandedPaymentIntentIsReadByItsId();
    void eventOfAnyOtherTypeStillParses();
    void notAnEventIsRefused_data();
    void notAnEventIsRefused();
};

void TestStripeEvent::checkoutSessionCompleted()
{
    const StripeEvent e
        = StripeEvent::parse(eventBody(QStringLiteral("checkout.session.completed"), Session));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    QCOMPARE(e.id(), QStringLiteral("evt_1Pgc76B7WZ01zgkWwyRHS12y"));
    QCOMPARE(e.type(), QStringLiteral("checkout.session.completed"));
    QCOMPARE(e.created(), QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC));
    QCOMPARE(e.apiVersion(), QStringLiteral("2020-08-27"));
    QVERIFY(!e.livemode());
    const StripeObject &o = e.object();
    QCOMPARE(o.type(), QStringLiteral("checkout.session"));
    QCOMPARE(o.id(), QStringLiteral("cs_test_a1"));
    QCOMPARE(o.checkoutSessionId(), QStringLiteral("cs_test_a1"));
    QCOMPARE(o.paymentIntentId(), QStringLiteral("pi_3Pa"));
    QCOMPARE(o.readerId(), QString());
    QCOMPARE(o.paymentId(), std::optional<qint64>(17));
    QCOMPARE(o.bookingId(), std::optional<qint64>(9));
    QCOMPARE(o.clientReferenceId(), QStringLiteral("CW-7Q2"));
    QCOMPARE(o.paymentStatus(), QStringLiteral("paid"));
    QCOMPARE(o.status(), QStringLiteral("complete"));
    QCOMPARE(o.amount(), std::optional<qint64>(2975));
    QCOMPARE(o.currency(), QStringLiteral("eur"));
    QCOMPARE(o.amountRefunded(), std::nullopt);
    QCOMPARE(e.json().value(QLatin1String("pending_webhooks")).toInt(), 1);
}

void TestStripeEvent::paymentIntentFailedSaysWhy()
{
    const StripeEvent e
        = StripeEvent::parse(eventBody(QStringLiteral("payment_intent.payment_failed"), PaymentIntentFailed));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    const StripeObject &o = e.object();
    QCOMPARE(o.paymentIntentId(), QStringLiteral("pi_3Pb"));
    QCOMPARE(o.checkoutSessionId(), QString());
    QCOMPARE(o.paymentId(), std::optional<qint64>(18));
    QCOMPARE(o.bookingId(), std::nullopt);
    QCOMPARE(o.status(), QStringLiteral("requires_payment_method"));
    QCOMPARE(o.amount(), std::optional<qint64>(2975));
    QCOMPARE(o.amountReceived(), std::optional<qint64>(0));
    QCOMPARE(o.failureCode(), QStringLiteral("insufficient_funds"));
    QCOMPARE(o.failureMessage(), QStringLiteral("Your card has insufficient funds."));
}

void TestStripeEvent::readerActionFailedNamesItsIntent()
{
    const StripeEvent e
        = StripeEvent::parse(eventBody(QStringLiteral("terminal.reader.action_failed"), ReaderFailed));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    const StripeObject &o = e.object();
    QCOMPARE(o.readerId(), QStringLiteral("tmr_FDOt2wlRZEdpd7"));
    QCOMPARE(o.paymentIntentId(), QStringLiteral("pi_3Pc"));
    QCOMPARE(o.readerActionType(), QStringLiteral("process_payment_intent"));
    QCOMPARE(o.readerActionStatus(), QStringLiteral("failed"));
    QCOMPARE(o.failureCode(), QStringLiteral("card_declined"));
    QCOMPARE(o.failureMessage(), QStringLiteral("The card was declined."));
    QCOMPARE(o.status(), QStringLiteral("online"));
    QCOMPARE(o.paymentId(), std::nullopt);
}

void TestStripeEvent::chargeRefundedCarriesAmounts()
{
    const StripeEvent e = StripeEvent::parse(eventBody(QStringLiteral("charge.refunded"), ChargeRefunded));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    const StripeObject &o = e.object();
    QCOMPARE(o.type(), QStringLiteral("charge"));
    QCOMPARE(o.paymentIntentId(), QStringLiteral("pi_3Pd"));
    QCOMPARE(o.amount(), std::optional<qint64>(2975));
    QCOMPARE(o.amountRefunded(), std::optional<qint64>(1000));
    QCOMPARE(o.paymentId(), std::optional<qint64>(19));
    QCOMPARE(o.bookingId(), std::optional<qint64>(12));
    QCOMPARE(o.failureCode(), QString());
}

void TestStripeEvent::expandedPaymentIntentIsReadByItsId()
{
    // A session fetched with expand[]=payment_intent, or by the reconciler.
    QJsonObject session = QJsonDocument::fromJson(Session).object();
    session.insert(QStringLiteral("payment_intent"),
                   QJsonObject {{QStringLiteral("id"), QStringLiteral("pi_expanded")},
                                {QStringLiteral("object"), QStringLiteral("payment_intent")}});
    QCOMPARE(StripeObject(session).paymentIntentId(), QStringLiteral("pi_expanded"));
    session.insert(QStringLiteral("payment_intent"), QJsonValue::Null);
    QCOMPARE(StripeObject(session).paymentIntentId(), QString());
    // Not our ids: a metadata value that is not a whole number.
    session.insert(QStringLiteral("metadata"),
                   QJsonObject {{QStringLiteral("payment_id"), QStringLiteral("17a")}});
    QCOMPARE(StripeObject(session).paymentId(), std::nullopt);
}

void TestStripeEvent::eventOfAnyOtherTypeStillParses()
{
    const StripeEvent e = StripeEvent::parse(
        eventBody(QStringLiteral("plan.created"), R"({"id":"price_1","object":"plan","amount":2000})"));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    QCOMPARE(e.object().type(), QStringLiteral("plan"));
    QCOMPARE(e.object().paymentIntentId(), QString());
    // Stripe's fixtures have api_version null.
    QByteArray nullVersion = eventBody(QStringLiteral("plan.created"), R"({"id":"price_1","object":"plan"})");
    nullVersion.replace(R"("api_version":"2020-08-27")", R"("api_version":null)");
    const StripeEvent withoutVersion = StripeEvent::parse(nullVersion);
    QVERIFY(withoutVersion.isValid());
    QCOMPARE(withoutVersion.apiVersion(), QString());
}

void TestStripeEvent::notAnEventIsRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("id=evt_1&type=checkout.session.completed");
    QTest::newRow("truncated") << eventBody(QStringLiteral("checkout.session.completed"), Session).chopped(3);
    QTest::newRow("an array") << QByteArray("[1,2]");
    QTest::newRow("a session, not an event") << Session;
    QTest::newRow("no id") << QByteArray(R"({"object":"event","type":"x","data":{"object":{"id":"a"}}})");
    QTest::newRow("no type") << QByteArray(R"({"id":"evt_1","object":"event","data":{"object":{"id":"a"}}})");
    QTest::newRow("no data") << QByteArray(R"({"id":"evt_1","object":"event","type":"x"})");
    QTest::newRow("data.object not an object")
        << QByteArray(R"({"id":"evt_1","object":"event","type":"x","data":{"object":"cs_1"}})");
    QTest::newRow("id not a string") << QByteArray(
        R"({"id":7,"object":"event","type":"x","data":{"object":{"id":"a"}}})");
}

void TestStripeEvent::notAnEventIsRefused()
{
    QFETCH(QByteArray, body);
    const StripeEvent e = StripeEvent::parse(body);
    QVERIFY(!e.isValid());
    QVERIFY(!e.errorString().isEmpty());
    QCOMPARE(e.id(), QString());
    QCOMPARE(e.type(), QString());
    QVERIFY(e.object().isEmpty());
}

QTEST_GUILESS_MAIN(TestStripeEvent)
#include "tst_stripeevent.moc"
