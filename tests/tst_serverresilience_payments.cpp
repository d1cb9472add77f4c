// carwash-server stopped while a desk switches between Checkout and the
// reader and the customer pays both ways: one charge kept, the other way
// cancelled or refunded once; a card approved as the desk turns to Checkout
// kept; paid after the hold ended with the slot free, confirmed. A real
// PostgreSQL, the fake Stripe, the rows a desk writes; a desk holding the
// booking puts the server's steps in order.
#include "db/payments/cardpaymentrequests.h"
#include "tests/harness/nohang.h"
#include "tests/serverresiliencefixture.h"

#include <QJsonObject>
#include <QTest>

using TestWaits::kNoHangMs;

class TestServerResiliencePayments : public QObject, protected ServerResilienceFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startResilience(QStringLiteral("tst_serverresilience_payments")); }
    void init() { resetForTest(); }
    void cleanupTestCase() { stopResilience(); }

    void bothWaysOfPayingKeepOneCharge_data();
    void bothWaysOfPayingKeepOneCharge();
    void aCardApprovedAsTheDeskTurnsToCheckoutIsKept();
    void paidAfterTheHoldEndedWithTheSlotFreeIsConfirmed();
};

void TestServerResiliencePayments::bothWaysOfPayingKeepOneCharge_data()
{
    QTest::addColumn<bool>("eventsLost");
    QTest::newRow("Checkout's events retried until the server is back") << false;
    QTest::newRow("Checkout's events lost") << true;
}

void TestServerResiliencePayments::bothWaysOfPayingKeepOneCharge()
{
    QFETCH(bool, eventsLost);
    const QString readerId = m_stripe.registerReader(QStringLiteral("Desk 1"));
    QVERIFY(!readerId.isEmpty());
    sql(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('%1', 'Desk 1')").arg(readerId));
    ServerProcess server;
    QVERIFY(startServer(server));
    const int port = server.port();
    QVERIFY(deliverTo(server));

    // The customer gets a Checkout link.
    const qint64 bookingId = heldBooking(QStringLiteral("14:00"), QStringLiteral("BOTH 1"));
    auto link = run(QStringLiteral("test.checkout"), [bookingId](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(bookingId, Desk, QStringLiteral("en"));
    });
    QVERIFY2(link.ok(), describe(link).constData());
    const qint64 checkoutPayment = link->paymentId;
    QCOMPARE(answer(link->requestId), QStringLiteral("done"));
    const QString sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(checkoutPayment));
    QVERIFY(sessionId.startsWith(u"cs_"));

    // The server stops; the desk turns to its reader, which cancels the
    // Checkout payment here and queues the cancel for Stripe...
    QCOMPARE(server.terminate(), 0);
    auto reader = run(QStringLiteral("test.reader"), [bookingId, readerId](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(bookingId, readerId, Desk);
    });
    QVERIFY2(reader.ok(), describe(reader).constData());
    const CardPaymentStart onReader = reader.value();
    QCOMPARE(onReader.cancelledPaymentIds, QList<qint64> {checkoutPayment});
    QCOMPARE(statusOf(QStringLiteral("payments"), checkoutPayment), QStringLiteral("cancelled"));
    const qint64 cancelRequest
        = count(QStringLiteral("SELECT id FROM payment_requests WHERE kind = 'cancel' AND payment_id = %1")
                    .arg(checkoutPayment));
    QVERIFY(cancelRequest > 0);
    // ...while the customer pays on the phone. Stripe's events for it meet
    // a closed port and are retried for a while, or never sent at all.
    if (eventsLost)
        QVERIFY(m_stripe.disableWebhook());
    QVERIFY2(m_stripe.pay(sessionId), qPrintable(m_stripe.lastError()));

    // The server comes back while a desk holds the booking: the reader gets
    // the cart before the phone's payment can be recorded.
    BookingHolder holder(m_cluster.config(), bookingId);
    QVERIFY(holder.pid() > 0);
    QVERIFY(restart(server, port, serverEnvironment()));
    if (eventsLost)
        QVERIFY(deliverTo(server)); // the reader's events do arrive
    QCOMPARE(answer(onReader.requestId), QStringLiteral("done"));
    const QString readerIntent
        = text(QStringLiteral("SELECT stripe_payment_intent_id FROM payments WHERE id = %1")
                   .arg(onReader.paymentId));
    QVERIFY(readerIntent.startsWith(u"pi_"));
    QCOMPARE(statusOf(QStringLiteral("payments"), checkoutPayment), QStringLiteral("cancelled"));
    QCOMPARE(statusOf(QStringLiteral("payments"), onReader.paymentId), QStringLiteral("pending"));

    // The desk lets go. Too late to cancel the link: the money that came is
    // recorded whether or not its events get through, and it pays the
    // booking, so the reader's payment is cancelled, at Stripe too.
    QVERIFY(holder.letGo());
    QCOMPARE(answer(cancelRequest), QStringLiteral("done"));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("payments"), checkoutPayment),
                              QStringLiteral("succeeded"), kNoHangMs);
    const QJsonObject cancelled = resultOf(cancelRequest);
    QCOMPARE(cancelled[u"cancelled"].toBool(true), false);
    QCOMPARE(cancelled[u"stripe_status"].toString(), QStringLiteral("complete"));
    QCOMPARE(m_stripe.object(sessionId)[u"status"].toString(), QStringLiteral("complete"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), bookingId), QStringLiteral("confirmed"));
    QCOMPARE(statusOf(QStringLiteral("payments"), onReader.paymentId), QStringLiteral("cancelled"));
    const qint64 readerCancel
        = count(QStringLiteral("SELECT id FROM payment_requests WHERE kind = 'cancel' AND payment_id = %1")
                    .arg(onReader.paymentId));
    QVERIFY(readerCancel > 0);
    QCOMPARE(answer(readerCancel), QStringLiteral("done"));
    QCOMPARE(resultOf(readerCancel)[u"cancelled"].toBool(), true);
    QCOMPARE(m_stripe.object(readerIntent)[u"status"].toString(), QStringLiteral("canceled"));
    // A card tapped on the reader now is not charged.
    QVERIFY(!m_stripe.presentCard(readerId));
    QCOMPARE(m_stripe.object(readerIntent)[u"status"].toString(), QStringLiteral("canceled"));

    // One charge kept at Stripe, none left live, nothing to give back.
    const QString checkoutIntent = m_stripe.object(sessionId)[u"payment_intent"].toString();
    QVERIFY(checkoutIntent.startsWith(u"pi_"));
    QCOMPARE(m_stripe.object(checkoutIntent)[u"status"].toString(), QStringLiteral("succeeded"));
    QCOMPARE(m_stripe.object(checkoutIntent)[u"charges"][u"data"][0][u"amount_refunded"].toInt(), 0);
    for (const QJsonValue &r : m_stripe.requests())
        QVERIFY2(r[u"path"].toString() != u"/v1/refunds", "nothing is refunded at Stripe");
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1 "
                                  "AND status IN ('pending', 'processing')")
                       .arg(bookingId)),
             0);
    const qint64 owed
        = count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(checkoutPayment));
    QCOMPARE(count(QStringLiteral("SELECT sum(amount_cents - refunded_cents) FROM payments "
                                  "WHERE booking_id = %1 AND status IN ('succeeded', 'refunded')")
                       .arg(bookingId)),
             owed);
    QCOMPARE(audits(bookingId, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(audits(bookingId, QStringLiteral("booking.status")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.cancelled' "
                                  "AND actor = 'stripe' AND details->>'payment_id' = '%1' "
                                  "AND details->>'reason' = 'paid by card another way'")
                       .arg(onReader.paymentId)),
             1);
    if (eventsLost)
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events WHERE payload::text LIKE '%%1%'")
                           .arg(sessionId)),
                 0);
    QCOMPARE(server.terminate(), 0);
}

void TestServerResiliencePayments::aCardApprovedAsTheDeskTurnsToCheckoutIsKept()
{
    const QString readerId = m_stripe.registerReader(QStringLiteral("Desk 1"));
    QVERIFY(!readerId.isEmpty());
    sql(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('%1', 'Desk 1')").arg(readerId));
    ServerProcess server;
    QVERIFY(startServer(server)); // no delivery: every event is lost
    const int port = server.port();

    const qint64 bookingId = heldBooking(QStringLiteral("15:00"), QStringLiteral("BOTH 2"));
    auto reader = run(QStringLiteral("test.reader"), [bookingId, readerId](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(bookingId, readerId, Desk);
    });
    QVERIFY2(reader.ok(), describe(reader).constData());
    const qint64 readerPayment = reader->paymentId;
    QCOMPARE(answer(reader->requestId), QStringLiteral("done"));
    const QString readerIntent = text(
        QStringLiteral("SELECT stripe_payment_intent_id FROM payments WHERE id = %1").arg(readerPayment));
    QVERIFY(readerIntent.startsWith(u"pi_"));

    // The card is approved just as the desk gives up on the reader and
    // shows a Checkout link instead, while the server restarts.
    QCOMPARE(server.terminate(), 0);
    QVERIFY2(m_stripe.presentCard(readerId), qPrintable(m_stripe.lastError()));
    QCOMPARE(m_stripe.object(readerIntent)[u"status"].toString(), QStringLiteral("succeeded"));
    auto link = run(QStringLiteral("test.checkout"), [bookingId](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(bookingId, Desk, QStringLiteral("en"));
    });
    QVERIFY2(link.ok(), describe(link).constData());
    QCOMPARE(link->cancelledPaymentIds, QList<qint64> {readerPayment});
    const qint64 cancelRequest
        = count(QStringLiteral("SELECT id FROM payment_requests WHERE kind = 'cancel' AND payment_id = %1")
                    .arg(readerPayment));
    QVERIFY(cancelRequest > 0);

    // The server comes back while a desk holds the booking: the link is
    // made, and the customer pays it too, before the reader's money can be
    // recorded.
    BookingHolder holder(m_cluster.config(), bookingId);
    QVERIFY(holder.pid() > 0);
    QVERIFY(restart(server, port, serverEnvironment()));
    QCOMPARE(answer(link->requestId), QStringLiteral("done"));
    const QString sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(link->paymentId));
    QVERIFY2(m_stripe.pay(sessionId), qPrintable(m_stripe.lastError()));
    const QString checkoutIntent = m_stripe.object(sessionId)[u"payment_intent"].toString();
    QVERIFY(checkoutIntent.startsWith(u"pi_"));
    QCOMPARE(statusOf(QStringLiteral("payments"), readerPayment), QStringLiteral("cancelled"));
    QCOMPARE(statusOf(QStringLiteral("payments"), link->paymentId), QStringLiteral("pending"));

    // The desk lets go. Too late to cancel: the money the reader took is
    // recorded and pays the booking, which cancels the link; too late for
    // that too, so its charge goes back, once.
    QVERIFY(holder.letGo());
    QCOMPARE(answer(cancelRequest), QStringLiteral("done"));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("payments"), readerPayment),
                              QStringLiteral("succeeded"), kNoHangMs);
    QCOMPARE(statusOf(QStringLiteral("bookings"), bookingId), QStringLiteral("confirmed"));
    const QJsonObject cancelled = resultOf(cancelRequest);
    QCOMPARE(cancelled[u"cancelled"].toBool(true), false);
    QCOMPARE(cancelled[u"stripe_status"].toString(), QStringLiteral("succeeded"));
    const qint64 linkCancel
        = count(QStringLiteral("SELECT id FROM payment_requests WHERE kind = 'cancel' AND payment_id = %1")
                    .arg(link->paymentId));
    QVERIFY(linkCancel > 0);
    QCOMPARE(answer(linkCancel), QStringLiteral("done"));
    QCOMPARE(resultOf(linkCancel)[u"cancelled"].toBool(true), false);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.cancelled' "
                                  "AND actor = 'stripe' AND details->>'payment_id' = '%1' "
                                  "AND details->>'reason' = 'paid by card another way'")
                       .arg(link->paymentId)),
             1);
    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM refunds WHERE payment_id = %1").arg(link->paymentId)),
        QStringLiteral("succeeded"), kNoHangMs);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 1);
    QCOMPARE(text(QStringLiteral("SELECT automatic FROM refunds WHERE payment_id = %1").arg(link->paymentId)),
             QStringLiteral("duplicate"));

    // One charge kept at Stripe (the reader's), the other given back once,
    // none left live.
    const qint64 owed
        = count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(readerPayment));
    QCOMPARE(m_stripe.object(checkoutIntent)[u"charges"][u"data"][0][u"amount_refunded"].toInt(), int(owed));
    QCOMPARE(m_stripe.object(readerIntent)[u"charges"][u"data"][0][u"amount_refunded"].toInt(), 0);
    int refundsMade = 0;
    for (const QJsonValue &r : m_stripe.requests())
        refundsMade += r[u"method"].toString() == u"POST" && r[u"path"].toString() == u"/v1/refunds"
            && !r[u"replayed"].toBool() && r[u"status"].toInt() == 200;
    QCOMPARE(refundsMade, 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1 "
                                  "AND status IN ('pending', 'processing')")
                       .arg(bookingId)),
             0);
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT sum(amount_cents - refunded_cents) FROM payments "
                             "WHERE booking_id = %1 AND status IN ('succeeded', 'refunded')")
                  .arg(bookingId)),
        owed, kNoHangMs);
    QCOMPARE(audits(bookingId, QStringLiteral("payment.succeeded")), 2);
    QCOMPARE(audits(bookingId, QStringLiteral("booking.status")), 1);
    QCOMPARE(audits(bookingId, QStringLiteral("refund.automatic")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);
    QCOMPARE(server.terminate(), 0);
}

void TestServerResiliencePayments::paidAfterTheHoldEndedWithTheSlotFreeIsConfirmed()
{
    // No reconciler pass in the way: the customer pays a session whose hold
    // has ended before anybody expired it.
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("CARWASH_RECONCILE_INTERVAL_MS"), QStringLiteral("3600000"));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY(deliverTo(server, 1.0, 200)); // every event twice

    const qint64 bookingId = heldBooking(QStringLiteral("16:00"), QStringLiteral("LATE 2"));
    const qint64 paymentId = cardPayment(bookingId, QStringLiteral("stripe_checkout"));
    const qint64 asked = askServer(QStringLiteral("checkout"), bookingId, paymentId,
                                   QStringLiteral("payment-%1-checkout").arg(paymentId));
    QCOMPARE(answer(asked), QStringLiteral("done"));
    const QString sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(paymentId));

    // The hold ends; nobody takes the slot.
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id = %1")
            .arg(bookingId));
    QCOMPARE(text(QStringLiteral("SELECT booking_status_now(status, hold_expires_at) FROM bookings "
                                 "WHERE id = %1")
                      .arg(bookingId)),
             QStringLiteral("expired"));

    QVERIFY(m_stripe.pay(sessionId));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("payments"), paymentId), QStringLiteral("succeeded"),
                              kNoHangMs);
    QCOMPARE(statusOf(QStringLiteral("bookings"), bookingId), QStringLiteral("confirmed"));
    QCOMPARE(
        text(QStringLiteral("SELECT hold_expires_at IS NULL FROM bookings WHERE id = %1").arg(bookingId)),
        QStringLiteral("true"));
    // Every copy of every event answered, and still nothing went back.
    const int events = int(m_stripe.events().size());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            int answered = 0;
            for (const QJsonValue &d : m_stripe.deliveries())
                answered += d[u"status"].toInt() == 200;
            return answered >= 2 * events;
        }(),
        kNoHangMs);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), qint64(events));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'refund'")), 0);
    for (const QJsonValue &r : m_stripe.requests())
        QVERIFY2(r[u"path"].toString() != u"/v1/refunds", "nothing is refunded at Stripe");
    QCOMPARE(
        text(QStringLiteral("SELECT coalesce(attention, '') FROM payments WHERE id = %1").arg(paymentId)),
        QString());
    QCOMPARE(audits(bookingId, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(audits(bookingId, QStringLiteral("booking.status")), 1);
    QVERIFY(text(QStringLiteral("SELECT details->>'reason' FROM audit_log WHERE entity = 'booking' "
                                "AND entity_id = '%1' AND action = 'booking.status'")
                     .arg(bookingId))
                .contains(u"still free"));
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServerResiliencePayments)
#include "tst_serverresilience_payments.moc"
