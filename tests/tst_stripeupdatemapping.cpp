// Stripe's JSON into StripeUpdate, the one mapping the webhook and the
// reconciler share, over objects shaped as Stripe's fixtures show them; and
// the Checkout Session's expiry within Stripe's limits.
#include "server/paymentrequestexecutor.h"
#include "server/stripeupdatemapping.h"
#include "payments/stripeevent.h"
#include "payments/stripeobject.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QByteArray eventJson(const char *type, const char *object)
{
    return QByteArrayLiteral(
               "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2020-08-27\",\"created\":"
               "1700000000,\"livemode\":false,\"type\":\"")
        + type + "\",\"data\":{\"object\":" + object + "}}";
}

} // namespace

class TestStripeUpdateMapping : public QObject
{
    Q_OBJECT
private slots:
    void aCompletedSessionCarriesOurIdsAndItsState();
    void aPaymentIntentCarriesItsStatusAndWhyItFailed();
    void aReaderActionCarriesTheIntentItProcessed();
    void aRefundedChargeListsItsRefunds();
    void aRefundAlone();
    void aFetchedObjectIsTheReconcilersNotAnEvents();
    void checkoutExpiryStaysWithinStripesLimits_data();
    void checkoutExpiryStaysWithinStripesLimits();
};

void TestStripeUpdateMapping::aCompletedSessionCarriesOurIdsAndItsState()
{
    const StripeEvent e = StripeEvent::parse(
        eventJson("checkout.session.completed",
                  R"({"id":"cs_test_a1","object":"checkout.session","amount_total":2400,"currency":"eur",
                  "client_reference_id":"K7Q2XW","metadata":{"payment_id":"41","booking_id":"17"},
                  "mode":"payment","payment_intent":"pi_3Ab","payment_status":"paid","status":"complete"})"));
    QVERIFY2(e.isValid(), qPrintable(e.errorString()));
    const StripeUpdate u = StripeUpdateMapping::fromEvent(e);
    QCOMPARE(u.eventId, QStringLiteral("evt_1"));
    QCOMPARE(u.eventType, QStringLiteral("checkout.session.completed"));
    QCOMPARE(int(u.object), int(StripeUpdate::Object::CheckoutSession));
    QCOMPARE(u.checkoutSessionId, QStringLiteral("cs_test_a1"));
    QCOMPARE(u.paymentIntentId, QStringLiteral("pi_3Ab"));
    QCOMPARE(u.paymentId, 41);
    QCOMPARE(u.bookingId, 17);
    QCOMPARE(u.bookingCode, QStringLiteral("K7Q2XW"));
    QCOMPARE(u.sessionStatus, QStringLiteral("complete"));
    QCOMPARE(u.sessionPaymentStatus, QStringLiteral("paid"));
    QCOMPARE(u.amountCents, std::optional<qint64>(2400));
    QCOMPARE(u.currency, QStringLiteral("EUR"));
    QCOMPARE(u.source(), QStringLiteral("evt_1"));
}

void TestStripeUpdateMapping::aPaymentIntentCarriesItsStatusAndWhyItFailed()
{
    const StripeUpdate u = StripeUpdateMapping::fromEvent(StripeEvent::parse(eventJson(
        "payment_intent.payment_failed",
        R"({"id":"pi_9","object":"payment_intent","amount":1099,"currency":"usd","status":"requires_payment_method",
            "metadata":{"payment_id":"7","booking_id":"3"},
            "last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline",
                                  "message":"Your card was declined."}})")));
    QCOMPARE(int(u.object), int(StripeUpdate::Object::PaymentIntent));
    QCOMPARE(u.paymentIntentId, QStringLiteral("pi_9"));
    QCOMPARE(u.intentStatus, QStringLiteral("requires_payment_method"));
    QCOMPARE(u.failureMessage, QStringLiteral("Your card was declined."));
    QVERIFY(!u.failureReason.isEmpty());
    QCOMPARE(u.paymentId, 7);
    QCOMPARE(u.amountCents, std::optional<qint64>(1099));
    QCOMPARE(u.currency, QStringLiteral("USD"));
}

void TestStripeUpdateMapping::aReaderActionCarriesTheIntentItProcessed()
{
    const StripeUpdate u = StripeUpdateMapping::fromEvent(StripeEvent::parse(
        eventJson("terminal.reader.action_failed",
                  R"({"id":"tmr_5","object":"terminal.reader","status":"online","metadata":{},
            "action":{"type":"process_payment_intent","status":"failed","failure_code":"card_declined",
                      "failure_message":"Your card has been declined.",
                      "process_payment_intent":{"payment_intent":"pi_77"}}})")));
    QCOMPARE(int(u.object), int(StripeUpdate::Object::ReaderAction));
    QCOMPARE(u.readerId, QStringLiteral("tmr_5"));
    QCOMPARE(u.paymentIntentId, QStringLiteral("pi_77"));
    QCOMPARE(u.readerActionStatus, QStringLiteral("failed"));
    QCOMPARE(u.failureMessage, QStringLiteral("Your card has been declined."));
    QCOMPARE(u.failureReason, QStringLiteral("card_declined"));
    QCOMPARE(u.paymentId, 0); // a reader's metadata is not ours: the intent id finds the payment
    QVERIFY(!u.amountCents.has_value());

    // An expanded intent says whether the money arrived, and whose it is.
    const StripeUpdate expanded = StripeUpdateMapping::fromObject(StripeObject(json(
        R"({"id":"tmr_5","object":"terminal.reader","action":{"type":"process_payment_intent","status":"succeeded",
            "process_payment_intent":{"payment_intent":{"id":"pi_77","object":"payment_intent","status":"succeeded",
            "metadata":{"payment_id":"12","booking_id":"4"}}}}})")));
    QCOMPARE(expanded.paymentIntentId, QStringLiteral("pi_77"));
    QCOMPARE(expanded.intentStatus, QStringLiteral("succeeded"));
    QCOMPARE(expanded.paymentId, 12);
    QCOMPARE(expanded.bookingId, 4);
}

void TestStripeUpdateMapping::aRefundedChargeListsItsRefunds()
{
    const StripeUpdate u = StripeUpdateMapping::fromEvent(StripeEvent::parse(
        eventJson("charge.refunded",
                  R"({"id":"ch_1","object":"charge","amount":2400,"amount_refunded":900,"currency":"eur",
            "payment_intent":"pi_3Ab","status":"succeeded","refunded":false,"metadata":{"payment_id":"41"},
            "refunds":{"object":"list","data":[
              {"id":"re_1","object":"refund","amount":500,"currency":"eur","status":"succeeded",
               "metadata":{"refund_id":"8"},"payment_intent":"pi_3Ab"},
              {"id":"re_2","object":"refund","amount":400,"currency":"eur","status":"failed",
               "failure_reason":"expired_or_canceled_card","metadata":{}}]}})")));
    QCOMPARE(int(u.object), int(StripeUpdate::Object::Charge));
    QCOMPARE(u.paymentIntentId, QStringLiteral("pi_3Ab"));
    QCOMPARE(u.amountRefundedCents, std::optional<qint64>(900));
    QCOMPARE(u.refunds.size(), 2);
    QCOMPARE(u.refunds[0].refundId, QStringLiteral("re_1"));
    QCOMPARE(u.refunds[0].ourRefundId, 8);
    QCOMPARE(u.refunds[0].status, QStringLiteral("succeeded"));
    QCOMPARE(u.refunds[0].amountCents, 500);
    QCOMPARE(u.refunds[0].currency, QStringLiteral("EUR"));
    QCOMPARE(u.refunds[1].ourRefundId, 0);
    QCOMPARE(u.refunds[1].failureReason, QStringLiteral("expired_or_canceled_card"));
}

void TestStripeUpdateMapping::aRefundAlone()
{
    const StripeUpdate u = StripeUpdateMapping::fromEvent(StripeEvent::parse(
        eventJson("refund.updated",
                  R"({"id":"re_3","object":"refund","amount":100,"currency":"usd","status":"succeeded",
                                     "payment_intent":"pi_4","metadata":{"refund_id":"9","payment_id":"2"}})")));
    QCOMPARE(int(u.object), int(StripeUpdate::Object::Refund));
    QCOMPARE(u.paymentIntentId, QStringLiteral("pi_4"));
    QCOMPARE(u.refunds.size(), 1);
    QCOMPARE(u.refunds[0].ourRefundId, 9);
    QCOMPARE(u.paymentId, 2);
}

void TestStripeUpdateMapping::aFetchedObjectIsTheReconcilersNotAnEvents()
{
    const StripeUpdate u = StripeUpdateMapping::fromObject(StripeObject(
        json(R"({"id":"cs_9","object":"checkout.session","status":"expired","payment_status":"unpaid",
                 "metadata":{"payment_id":"5","booking_id":"6"},"payment_intent":null})")));
    QVERIFY(u.eventId.isEmpty());
    QVERIFY(u.eventType.isEmpty());
    QCOMPARE(u.source(), QStringLiteral("reconcile"));
    QCOMPARE(u.sessionStatus, QStringLiteral("expired"));
    QVERIFY(u.paymentIntentId.isEmpty());
    QCOMPARE(u.paymentId, 5);
}

void TestStripeUpdateMapping::checkoutExpiryStaysWithinStripesLimits_data()
{
    const QDateTime now(QDate(2026, 3, 28), QTime(22, 0), QTimeZone::utc());
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("holdEnd");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("no hold: 31 minutes") << now << QDateTime() << now.addSecs(31 * 60);
    QTest::newRow("a 10-minute hold: still 31 minutes") << now << now.addSecs(600) << now.addSecs(31 * 60);
    QTest::newRow("a hold ended already") << now << now.addSecs(-60) << now.addSecs(31 * 60);
    QTest::newRow("a 2-hour hold: its end") << now << now.addSecs(7200) << now.addSecs(7200);
    QTest::newRow("a 3-day hold: under 24 hours") << now << now.addDays(3) << now.addSecs(24 * 3600 - 60);
}

void TestStripeUpdateMapping::checkoutExpiryStaysWithinStripesLimits()
{
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, holdEnd);
    QFETCH(QDateTime, expected);
    const QDateTime expiry = PaymentRequestExecutor::checkoutExpiry(now, holdEnd);
    QCOMPARE(expiry, expected);
    QVERIFY(expiry >= now.addSecs(30 * 60));
    QVERIFY(expiry <= now.addSecs(24 * 3600));
}

QTEST_GUILESS_MAIN(TestStripeUpdateMapping)
#include "tst_stripeupdatemapping.moc"
