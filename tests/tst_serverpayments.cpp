// Card payments end to end through carwash-server as a process: a real
// PostgreSQL, the fake Stripe speaking Stripe's wire format and delivering
// signed events as Stripe does (at least once, in any order), and the
// payment request rows a desk writes.
#include "db/notify/bookingchangelistener.h"
#include "payments/webhooksignature.h"
#include "tests/harness/nohang.h"
#include "tests/serverpaymentfixture.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

namespace {

using TestWaits::kNoHangMs;

} // namespace

class TestServerPayments : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void aHeldBookingPaidByCheckoutIsConfirmedByTheSignedEvents();
    void duplicatedAndReorderedDeliveriesApplyOnce();
    void forgedStaleAndNonEventBodiesChangeNothing();
    void eventsDuringADatabaseOutageAre503ThenAppliedOnce();
    void aLostEventIsAppliedByTheReconciler();
    void aReconcileRequestRunsOnePassAndSaysWhatItDid();
    void aHoldThatEndsUnpaidExpiresItsSession();
    void aCheckoutCancelledWhileStripeMakesItIsExpiredThere();
    void paidAfterTheSlotWasTakenIsRefundedOnce();

private:
    // A held booking, its pending Checkout payment and the request a desk
    // writes for it (in one transaction, notified at commit).
    struct Asked
    {
        qint64 bookingId = 0;
        qint64 paymentId = 0;
        qint64 requestId = 0;
        QString code;
    };
    Asked askForCheckout(const QString &localTime, const QString &plate);
    // Waits for the server's answer; the session id.
    QString sessionMadeFor(const Asked &asked);
    QByteArray eventBody(const QString &type, const QString &sessionId);
};

void TestServerPayments::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(QStringLiteral("tst_serverpayments"));
}

void TestServerPayments::init()
{
    resetCatalogue();
    sql(QStringLiteral("TRUNCATE stripe_events, payment_requests, refunds CASCADE"));
    // A fresh Stripe account for each test: ids restart here, and Stripe
    // keeps idempotency keys for a day.
    startStripe();
}

void TestServerPayments::cleanupTestCase()
{
    m_stripe.stop();
    stopEngine();
}

TestServerPayments::Asked TestServerPayments::askForCheckout(const QString &localTime, const QString &plate)
{
    Asked asked;
    asked.bookingId = heldBooking(localTime, plate);
    asked.paymentId = cardPayment(asked.bookingId, QStringLiteral("stripe_checkout"));
    asked.code = text(QStringLiteral("SELECT code FROM bookings WHERE id = %1").arg(asked.bookingId));
    asked.requestId = askServer(QStringLiteral("checkout"), asked.bookingId, asked.paymentId,
                                QStringLiteral("payment-%1-checkout").arg(asked.paymentId));
    return asked;
}

QString TestServerPayments::sessionMadeFor(const Asked &asked)
{
    if (answer(asked.requestId) != u"done")
        return {};
    return text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(asked.paymentId));
}

QByteArray TestServerPayments::eventBody(const QString &type, const QString &sessionId)
{
    for (const QJsonValue &e : m_stripe.events()) {
        const QJsonObject event = e.toObject();
        if (event[u"type"].toString() == type && event[u"data"][u"object"][u"id"].toString() == sessionId)
            return QJsonDocument(event).toJson(QJsonDocument::Compact);
    }
    return {};
}

void TestServerPayments::aHeldBookingPaidByCheckoutIsConfirmedByTheSignedEvents()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));

    const Asked asked = askForCheckout(QStringLiteral("10:00"), QStringLiteral("PAY 1"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY2(sessionId.startsWith(u"cs_"), qPrintable(server.log()));

    // What the server asked Stripe for: the database's amount, our ids, the
    // booking code, the customer's language, an expiry within Stripe's limits.
    QJsonObject create;
    for (const QJsonValue &r : m_stripe.requests())
        if (r[u"method"].toString() == u"POST" && r[u"path"].toString() == u"/v1/checkout/sessions")
            create = r.toObject();
    const QJsonObject form = create[u"form"].toObject();
    QCOMPARE(form[u"mode"].toString(), QStringLiteral("payment"));
    QCOMPARE(form[u"client_reference_id"].toString(), asked.code);
    QCOMPARE(form[u"metadata[payment_id]"].toString(), QString::number(asked.paymentId));
    QCOMPARE(form[u"metadata[booking_id]"].toString(), QString::number(asked.bookingId));
    QCOMPARE(form[u"payment_intent_data[metadata][payment_id]"].toString(), QString::number(asked.paymentId));
    QCOMPARE(form[u"locale"].toString(), QStringLiteral("de"));
    QCOMPARE(create[u"headers"][u"idempotency-key"].toString(),
             QStringLiteral("payment-%1-stripe_checkout-").arg(asked.bookingId));
    const qint64 expiresAt = form[u"expires_at"].toString().toLongLong();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QVERIFY2(expiresAt >= now + 30 * 60 && expiresAt <= now + 24 * 3600,
             qPrintable(form[u"expires_at"].toString()));
    qint64 lineTotal = 0;
    for (int i = 0; form.contains(QStringLiteral("line_items[%1][quantity]").arg(i)); ++i)
        lineTotal
            += form[QStringLiteral("line_items[%1][price_data][unit_amount]").arg(i)].toString().toLongLong()
            * form[QStringLiteral("line_items[%1][quantity]").arg(i)].toString().toLongLong();
    QCOMPARE(lineTotal,
             count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(asked.paymentId)));

    // The answer a desk reads, and the URL the QR code shows.
    const QJsonObject result
        = QJsonDocument::fromJson(
              text(QStringLiteral("SELECT result::text FROM payment_requests WHERE id = %1")
                       .arg(asked.requestId))
                  .toUtf8())
              .object();
    QCOMPARE(result[u"session_id"].toString(), sessionId);
    QCOMPARE(result[u"url"].toString(),
             text(QStringLiteral("SELECT checkout_url FROM payments WHERE id = %1").arg(asked.paymentId)));
    QVERIFY(result[u"url"].toString().contains(sessionId));

    // A desk listening as the board does: the news of the payment reaches it
    // by NOTIFY from the server's transaction.
    BookingChangeListener desk;
    QSignalSpy bookingNews(&desk, &BookingChangeListener::bookingChanged);
    QSignalSpy paymentNews(&desk, &BookingChangeListener::paymentChanged);
    desk.start(m_cluster.config(QStringLiteral("tst_serverpayments-desk")));
    QTRY_VERIFY_WITH_TIMEOUT(desk.isListening(), kNoHangMs);

    QVERIFY2(m_stripe.pay(sessionId), qPrintable(m_stripe.lastError()));
    const QString paymentStatus
        = QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId);
    QTRY_COMPARE_WITH_TIMEOUT(text(paymentStatus), QStringLiteral("succeeded"), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(asked.bookingId)),
        QStringLiteral("confirmed"), kNoHangMs);
    const auto heard = [&] {
        for (const QList<QVariant> &news : std::as_const(bookingNews)) {
            if (news.at(0).toLongLong() == asked.bookingId && news.at(2).toString() == u"confirmed")
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(heard(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(paymentNews.cbegin(), paymentNews.cend(),
                                         [&](const QList<QVariant> &news) {
                                             return news.at(0).toLongLong() == asked.bookingId
                                                    && news.at(1).toLongLong() == asked.paymentId;
                                         }),
                             kNoHangMs);
    desk.stop();
    // Every event the fake sent was stored once and answered 2xx.
    QTRY_VERIFY_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM stripe_events")) == m_stripe.events().size(), kNoHangMs);
    for (const QJsonValue &d : m_stripe.deliveries())
        QCOMPARE(d[u"status"].toInt(), 200);
    QCOMPARE(server.terminate(), 0);
    QVERIFY(server.log().contains(u"POST /stripe/webhook 200"));
}

void TestServerPayments::duplicatedAndReorderedDeliveriesApplyOnce()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    // Every event twice, each copy after its own random delay.
    QVERIFY(deliverTo(server, 1.0, 400));
    const Asked asked = askForCheckout(QStringLiteral("11:00"), QStringLiteral("PAY 2"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY2(!sessionId.isEmpty(), qPrintable(server.log()));
    QVERIFY(m_stripe.pay(sessionId));

    const int events = int(m_stripe.events().size());
    // Both copies of each delivered and answered 2xx.
    QTRY_VERIFY_WITH_TIMEOUT(m_stripe.deliveries().size() >= 2 * events, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QJsonValue &d : m_stripe.deliveries())
                if (d[u"status"].toInt() != 200)
                    return false;
            return true;
        }(),
        kNoHangMs);
    QCOMPARE(text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
             QStringLiteral("succeeded"));
    QCOMPARE(text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(asked.bookingId)),
             QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), qint64(events));
    // Paid once: one success in the booking's history, no refund.
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                             "AND action = 'payment.succeeded'")
                  .arg(asked.bookingId)),
        1);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                             "AND action = 'booking.status'")
                  .arg(asked.bookingId)),
        1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::forgedStaleAndNonEventBodiesChangeNothing()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    const Asked asked = askForCheckout(QStringLiteral("12:00"), QStringLiteral("PAY 3"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());
    QVERIFY(m_stripe.pay(sessionId)); // no delivery configured: the events stay at the fake
    const QByteArray body = eventBody(QStringLiteral("checkout.session.completed"), sessionId);
    QVERIFY(!body.isEmpty());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString path = QStringLiteral("/stripe/webhook");

    struct Case
    {
        const char *name;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QString code;
    };
    const QList<Case> cases = {
        {"no signature", {}, body, QStringLiteral("bad_signature")},
        {"another secret",
         {{"Stripe-Signature", WebhookSignature::sign(body, QStringLiteral("whsec_forger"), now)}},
         body,
         QStringLiteral("bad_signature")},
        {"signed, then changed",
         {{"Stripe-Signature", WebhookSignature::sign(body, webhookSecret(), now)}},
         QByteArray(body).replace("complete", "expired_"),
         QStringLiteral("bad_signature")},
        {"stale",
         {{"Stripe-Signature", WebhookSignature::sign(body, webhookSecret(), now - 301)}},
         body,
         QStringLiteral("bad_signature")},
        {"signed but not JSON",
         {{"Stripe-Signature", WebhookSignature::sign("not json", webhookSecret(), now)}},
         QByteArrayLiteral("not json"),
         QStringLiteral("not_an_event")},
        {"signed JSON that is no event",
         {{"Stripe-Signature", WebhookSignature::sign("{\"id\":1}", webhookSecret(), now)}},
         QByteArrayLiteral("{\"id\":1}"),
         QStringLiteral("not_an_event")},
    };
    for (const Case &c : cases) {
        const ServerProcess::Response r = server.post(path, c.body, c.headers);
        QVERIFY2(r.status == 400, c.name);
        QVERIFY2(r.json()[u"error"][u"code"].toString() == c.code, c.name);
    }
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);
    QCOMPARE(text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
             QStringLiteral("pending"));
    QCOMPARE(text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(asked.bookingId)),
             QStringLiteral("held"));

    // The same body signed with the second of the rotating secrets is taken.
    const ServerProcess::Response genuine
        = server.post(path, body, {{"Stripe-Signature", WebhookSignature::sign(body, webhookSecret(), now)}});
    QCOMPARE(genuine.status, 200);
    QCOMPARE(genuine.json()[u"result"].toString(), QStringLiteral("applied"));
    const ServerProcess::Response again
        = server.post(path, body, {{"Stripe-Signature", WebhookSignature::sign(body, webhookSecret(), now)}});
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json()[u"result"].toString(), QStringLiteral("duplicate"));
    QCOMPARE(text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
             QStringLiteral("succeeded"));
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::eventsDuringADatabaseOutageAre503ThenAppliedOnce()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    const Asked asked = askForCheckout(QStringLiteral("13:00"), QStringLiteral("PAY 4"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());

    QVERIFY(m_cluster.stop());
    QVERIFY(m_stripe.pay(sessionId));
    // Stripe hears 503 and delivers again later.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QJsonValue &d : m_stripe.deliveries())
                if (d[u"status"].toInt() == 503)
                    return true;
            return false;
        }(),
        kNoHangMs);
    QVERIFY(m_cluster.start());

    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
        QStringLiteral("succeeded"), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM stripe_events")),
                              qint64(m_stripe.events().size()), kNoHangMs);
    QCOMPARE(text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(asked.bookingId)),
             QStringLiteral("confirmed"));
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                             "AND action = 'payment.succeeded'")
                  .arg(asked.bookingId)),
        1);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                             "AND action = 'booking.status'")
                  .arg(asked.bookingId)),
        1);
    QVERIFY(server.log().contains(u"POST /stripe/webhook 503"));
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::aLostEventIsAppliedByTheReconciler()
{
    ServerProcess server;
    QVERIFY(startServer(server, 0)); // pending payments are looked up at once
    const Asked asked = askForCheckout(QStringLiteral("14:00"), QStringLiteral("PAY 5"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());
    // Paid, and not one event reaches the server.
    QVERIFY(m_stripe.pay(sessionId));
    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
        QStringLiteral("succeeded"), kNoHangMs);
    QCOMPARE(text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(asked.bookingId)),
             QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);
    bool fetched = false;
    for (const QJsonValue &r : m_stripe.requests())
        fetched |= r[u"method"].toString() == u"GET" && r[u"path"].toString().endsWith(sessionId);
    QVERIFY(fetched);
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::aReconcileRequestRunsOnePassAndSaysWhatItDid()
{
    // No pass of its own after the first: only the request asks for one.
    QProcessEnvironment env = serverEnvironment(0);
    env.insert(QStringLiteral("CARWASH_RECONCILE_INTERVAL_MS"), QStringLiteral("3600000"));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    const Asked asked = askForCheckout(QStringLiteral("17:00"), QStringLiteral("REC 1"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());
    QVERIFY(m_stripe.pay(sessionId)); // no event reaches the server
    QCOMPARE(statusOf(QStringLiteral("payments"), asked.paymentId), QStringLiteral("pending"));

    // As `carwash-admin payment reconcile` asks.
    const qint64 reconcile = askServer(QStringLiteral("reconcile"), 0, 0, QStringLiteral("reconcile-test"));
    QCOMPARE(answer(reconcile), QStringLiteral("done"));
    const QJsonObject result = resultOf(reconcile);
    QCOMPARE(result[u"checked"].toInt(), 1);
    QCOMPARE(result[u"applied"].toInt(), 1);
    QCOMPARE(statusOf(QStringLiteral("payments"), asked.paymentId), QStringLiteral("succeeded"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), asked.bookingId), QStringLiteral("confirmed"));
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::aHoldThatEndsUnpaidExpiresItsSession()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    const Asked asked = askForCheckout(QStringLiteral("15:00"), QStringLiteral("PAY 6"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());
    QCOMPARE(m_stripe.object(sessionId)[u"status"].toString(), QStringLiteral("open"));

    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id = %1")
            .arg(asked.bookingId));
    QTRY_COMPARE_WITH_TIMEOUT(m_stripe.object(sessionId)[u"status"].toString(), QStringLiteral("expired"),
                              kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(asked.paymentId)),
        QStringLiteral("expired"), kNoHangMs);
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::paidAfterTheSlotWasTakenIsRefundedOnce()
{
    // No reconciler pass in the way: the customer pays a session whose hold
    // has ended before anybody expired it.
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("CARWASH_RECONCILE_INTERVAL_MS"), QStringLiteral("3600000"));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY(deliverTo(server, 1.0, 200)); // and every event twice
    const Asked asked = askForCheckout(QStringLiteral("16:00"), QStringLiteral("LATE 1"));
    const QString sessionId = sessionMadeFor(asked);
    QVERIFY(!sessionId.isEmpty());

    // The hold ends; a walk-in takes its slot.
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id = %1")
            .arg(asked.bookingId));
    BookingRequest walkIn = request(m_f.wash, QStringLiteral("16:00"), QStringLiteral("WALK 1"));
    walkIn.slot.bayId = m_f.lane1;
    QCOMPARE(book(walkIn).booking.status, QStringLiteral("confirmed"));

    QVERIFY(m_stripe.pay(sessionId));
    // The money came anyway: it goes back, once, made at Stripe by the server.
    const QString refund
        = QStringLiteral("SELECT status FROM refunds WHERE payment_id = %1").arg(asked.paymentId);
    QTRY_COMPARE_WITH_TIMEOUT(text(refund), QStringLiteral("succeeded"), kNoHangMs);
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM refunds WHERE payment_id = %1 AND automatic = 'slot_taken'")
                       .arg(asked.paymentId)),
             1);
    int made = 0;
    for (const QJsonValue &r : m_stripe.requests())
        made += r[u"method"].toString() == u"POST" && r[u"path"].toString() == u"/v1/refunds"
            && !r[u"replayed"].toBool();
    QCOMPARE(made, 1);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("payments"), asked.paymentId),
                              QStringLiteral("refunded"), kNoHangMs);
    QVERIFY(
        !text(QStringLiteral("SELECT attention FROM payments WHERE id = %1").arg(asked.paymentId)).isEmpty());
    QCOMPARE(statusOf(QStringLiteral("bookings"), asked.bookingId), QStringLiteral("expired"));
    QCOMPARE(server.terminate(), 0);
}

void TestServerPayments::aCheckoutCancelledWhileStripeMakesItIsExpiredThere()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    const qint64 bookingId = heldBooking(QStringLiteral("15:00"), QStringLiteral("RACE 1"));
    const qint64 paymentId = cardPayment(bookingId, QStringLiteral("stripe_checkout"));

    // A desk holds the payment's row (as CardPaymentRequests::cancel's
    // UPDATE does, after the booking's: NO KEY UPDATE, so the request's
    // foreign key still goes in) while the server makes the session.
    QSqlDatabase desk = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("racingdesk"));
    auto removeDesk = qScopeGuard([] { QSqlDatabase::removeDatabase(QStringLiteral("racingdesk")); });
    {
        const DatabaseConfig c = m_cluster.config(QStringLiteral("tst_serverpayments-desk"));
        desk.setHostName(c.host);
        desk.setPort(c.port);
        desk.setDatabaseName(c.database);
        desk.setUserName(c.user);
        QVERIFY2(desk.open() && desk.transaction(), qPrintable(desk.lastError().text()));
        QSqlQuery lock(desk);
        QVERIFY2(lock.exec(QStringLiteral("SELECT 1 FROM payments WHERE id = %1 FOR NO KEY UPDATE").arg(paymentId)),
                 qPrintable(lock.lastError().text()));

        const qint64 requestId = askServer(QStringLiteral("checkout"), bookingId, paymentId,
                                           QStringLiteral("payment-%1-checkout").arg(paymentId));
        // The session is made at Stripe; recording it waits on the desk.
        QTRY_VERIFY_WITH_TIMEOUT(!stripeRequest(QStringLiteral("POST"), QStringLiteral("/v1/checkout/sessions"))
                                      .isEmpty(),
                                 kNoHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            count(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                 "'carwash-server' AND wait_event_type = 'Lock' AND query LIKE "
                                 "'UPDATE payments SET stripe_checkout_session_id%'")),
            qint64(1), kNoHangMs);
        // The desk cancels it and lets go.
        QVERIFY(lock.exec(QStringLiteral("UPDATE payments SET status = 'cancelled' WHERE id = %1").arg(paymentId)));
        QVERIFY(desk.commit());

        QCOMPARE(answer(requestId), QStringLiteral("failed"));
        QCOMPARE(text(QStringLiteral("SELECT error_code FROM payment_requests WHERE id = %1").arg(requestId)),
                 QStringLiteral("not_pending"));
    }
    desk.close();
    // Nothing stays open at Stripe for the customer to pay.
    const QString sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(paymentId));
    QVERIFY(sessionId.startsWith(u"cs_"));
    QTRY_COMPARE_WITH_TIMEOUT(m_stripe.object(sessionId)[u"status"].toString(), QStringLiteral("expired"),
                              kNoHangMs);
    QCOMPARE(statusOf(QStringLiteral("payments"), paymentId), QStringLiteral("cancelled"));
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServerPayments)
#include "tst_serverpayments.moc"
