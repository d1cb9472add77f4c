// The payment request queue as carwash-server works it, on a real
// PostgreSQL: claims that never overlap however many connections claim at
// once, a request of a server that died taken over after its lease, answers
// that notify, what a Checkout session is made of (amounts from the
// database, adding up to the cent), refunds carried out, the reconciler's
// and the hold expiry's lists; and the LISTEN side on any channels.
#include "db/notify/notificationlistener.h"
#include "db/payments/paymentrequestqueue.h"
#include "tests/cardpaymentfixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <latch>

class TestPaymentQueue : public QObject, protected CardPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void concurrentClaimsNeverShareARequest();
    void workingRequestPastItsLeaseIsClaimedAgain();
    void answersAreRecordedOnceAndNotified();
    void failedCheckoutRequestFailsItsPayment();
    void checkoutOrderAddsUpToTheAmount_data();
    void checkoutOrderAddsUpToTheAmount();
    void checkoutOrderForTheBalanceIsOneLine();
    void refundCarriedOutMakesThePaymentRefunded();
    void refundStripeRefusedNeedsAttention();
    void reconcilerAndHoldExpiryFindTheirPayments();
    void listenerHearsEveryChannelItListensOn();

private:
    qint64 request(const QString &kind, qint64 booking, qint64 payment, qint64 refund, const QString &key);
    QList<PaymentRequest> claim(int limit, int leaseSeconds = PaymentRequestQueue::LeaseSeconds);
    template<typename Fn> auto queue(Fn fn)
    {
        return run(QStringLiteral("test.queue"), [fn](QSqlDatabase &db) {
            PaymentRequestQueue q(db);
            return fn(q);
        });
    }
};

void TestPaymentQueue::initTestCase()
{
    startEngine(QStringLiteral("tst_paymentqueue"));
}

void TestPaymentQueue::init()
{
    resetCatalogue();
    setTax(QStringLiteral("0"), true);
}

void TestPaymentQueue::cleanupTestCase()
{
    stopEngine();
}

qint64 TestPaymentQueue::request(const QString &kind, qint64 booking, qint64 payment, qint64 refund,
                                 const QString &key)
{
    auto null = [](qint64 id) { return id > 0 ? QString::number(id) : QStringLiteral("NULL"); };
    return count(
        QStringLiteral("INSERT INTO payment_requests (kind, booking_id, payment_id, refund_id, locale, "
                       "idempotency_key, requested_by) VALUES ('%1', %2, %3, %4, 'de', '%5', 'kiosk') "
                       "RETURNING id")
            .arg(kind, null(booking), null(payment), null(refund), key));
}

QList<PaymentRequest> TestPaymentQueue::claim(int limit, int leaseSeconds)
{
    auto claimed = queue([=](PaymentRequestQueue &q) { return q.claim(limit, leaseSeconds); });
    if (!claimed.ok())
        qWarning("%s", describe(claimed).constData());
    return claimed.ok() ? claimed.value() : QList<PaymentRequest>();
}

void TestPaymentQueue::concurrentClaimsNeverShareARequest()
{
    constexpr int Requests = 300;
    constexpr int Claimers = 6; // the pool has 8 connections: all run at once
    sql(QStringLiteral("INSERT INTO payment_requests (kind, idempotency_key, requested_by) "
                       "SELECT 'reconcile', 'reconcile-' || g, 'cli' FROM generate_series(1, %1) AS g")
            .arg(Requests));
    std::latch together(Claimers);
    QList<QFuture<DbResult<QList<qint64>>>> claimers;
    for (int i = 0; i < Claimers; ++i) {
        claimers << m_pool->withConnection(QStringLiteral("test.claim"), [&together](QSqlDatabase &db) {
            // Each on its own worker thread and connection, all claiming
            // from the same moment on.
            together.arrive_and_wait();
            QList<qint64> ids;
            for (;;) {
                const QList<PaymentRequest> batch = PaymentRequestQueue(db).claim(4);
                if (batch.isEmpty())
                    return ids;
                for (const PaymentRequest &r : batch)
                    ids << r.id;
            }
        });
    }
    QList<qint64> all;
    int claimersThatGotSome = 0;
    for (auto &f : claimers) {
        const DbResult<QList<qint64>> ids = f.result();
        QVERIFY2(ids.ok(), describe(ids).constData());
        all += ids.value();
        claimersThatGotSome += ids.value().isEmpty() ? 0 : 1;
    }
    QCOMPARE(all.size(), Requests);
    QCOMPARE(QSet<qint64>(all.cbegin(), all.cend()).size(), Requests);
    QVERIFY2(claimersThatGotSome >= 2, "the claims did not overlap in time");
    QCOMPARE(count(QStringLiteral(
                 "SELECT count(*) FROM payment_requests WHERE status = 'working' AND attempts = 1")),
             Requests);
}

void TestPaymentQueue::workingRequestPastItsLeaseIsClaimedAgain()
{
    const qint64 stale = request(QStringLiteral("reconcile"), 0, 0, 0, QStringLiteral("stale"));
    const qint64 fresh = request(QStringLiteral("reconcile"), 0, 0, 0, QStringLiteral("fresh"));
    QCOMPARE(claim(10).size(), 2);
    QVERIFY(claim(10).isEmpty()); // both working, within their lease
    // The server that took "stale" died three minutes ago.
    sql(QStringLiteral("ALTER TABLE payment_requests DISABLE TRIGGER payment_requests_updated_at; "
                       "UPDATE payment_requests SET updated_at = now() - interval '3 minutes' WHERE id = %1; "
                       "ALTER TABLE payment_requests ENABLE TRIGGER payment_requests_updated_at")
            .arg(stale));
    const QList<PaymentRequest> again = claim(10);
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.first().id, stale);
    QCOMPARE(again.first().attempts, 2);
    QVERIFY(claim(10).isEmpty());
    QCOMPARE(count(QStringLiteral("SELECT attempts FROM payment_requests WHERE id = %1").arg(fresh)), 1);
}

void TestPaymentQueue::answersAreRecordedOnceAndNotified()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("ANS1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"));
    const qint64 id
        = request(QStringLiteral("checkout"), booking, payment, 0, QStringLiteral("checkout-ans"));
    NotificationListener listener({QStringLiteral("payments_changed")});
    QSignalSpy heard(&listener, &NotificationListener::notification);
    QSignalSpy listening(&listener, &NotificationListener::listeningChanged);
    listener.start(m_cluster.config(QStringLiteral("tst_paymentqueue-listen")));
    QTRY_VERIFY(listener.isListening());

    const QList<PaymentRequest> claimed = claim(1);
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().kind, QStringLiteral("checkout"));
    QCOMPARE(claimed.first().paymentId, payment);
    QCOMPARE(claimed.first().bookingId, booking);
    QCOMPARE(claimed.first().locale, QStringLiteral("de"));
    const QJsonObject result {{QStringLiteral("session_id"), QStringLiteral("cs_ans")},
                              {QStringLiteral("url"), QStringLiteral("http://127.0.0.1/pay/cs_ans")}};
    auto done = queue([=](PaymentRequestQueue &q) {
        q.recordCheckoutSession(payment, QStringLiteral("cs_ans"),
                                QStringLiteral("http://127.0.0.1/pay/cs_ans"),
                                QDateTime::currentDateTimeUtc().addSecs(1800));
        return q.complete(id, result);
    });
    QVERIFY2(done.ok() && done.value(), describe(done).constData());
    QCOMPARE(text(QStringLiteral("SELECT status || ' ' || (result->>'session_id') || ' ' || "
                                 "(answered_at IS NOT NULL) FROM payment_requests WHERE id = %1")
                      .arg(id)),
             QStringLiteral("done cs_ans true"));
    QCOMPARE(text(QStringLiteral(
                      "SELECT stripe_checkout_session_id || ' ' || checkout_url || ' ' || "
                      "(checkout_expires_at > now() + interval '25 minutes') FROM payments WHERE id = %1")
                      .arg(payment)),
             QStringLiteral("cs_ans http://127.0.0.1/pay/cs_ans true"));
    QTRY_COMPARE(heard.size(), 1);
    QCOMPARE(heard.first().at(0).toString(), QStringLiteral("payments_changed"));
    const QJsonObject payload = QJsonDocument::fromJson(heard.first().at(1).toString().toUtf8()).object();
    QCOMPARE(payload.value(u"request_id").toInteger(), id);
    QCOMPARE(payload.value(u"payment_id").toInteger(), payment);
    QCOMPARE(payload.value(u"booking_id").toInteger(), booking);
    QCOMPARE(payload.value(u"status").toString(), QStringLiteral("done"));

    // Answered already (say by a server that took it over): not again.
    auto twice = queue(
        [=](PaymentRequestQueue &q) { return q.fail(id, QStringLiteral("late"), QStringLiteral("x")); });
    QVERIFY(twice.ok());
    QVERIFY(!twice.value());
    QCOMPARE(text(QStringLiteral("SELECT status FROM payment_requests WHERE id = %1").arg(id)),
             QStringLiteral("done"));
    listener.stop();
}

void TestPaymentQueue::failedCheckoutRequestFailsItsPayment()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("FAIL1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"));
    const qint64 id
        = request(QStringLiteral("checkout"), booking, payment, 0, QStringLiteral("checkout-fail"));
    QCOMPARE(claim(1).size(), 1);
    const QString message
        = QStringLiteral("Stripe refused the request: your account cannot take payments yet.");
    auto failed = queue(
        [=](PaymentRequestQueue &q) { return q.fail(id, QStringLiteral("invalid_request_error"), message); });
    QVERIFY(failed.ok() && failed.value());
    QCOMPARE(text(QStringLiteral(
                      "SELECT status || ' ' || error_code || ' ' || error_message FROM payment_requests "
                      "WHERE id = %1 AND answered_at IS NOT NULL")
                      .arg(id)),
             QStringLiteral("failed invalid_request_error ") + message);
    QCOMPARE(text(QStringLiteral("SELECT status || ': ' || failure_reason FROM payments WHERE id = %1")
                      .arg(payment)),
             QStringLiteral("failed: ") + message);
    QCOMPARE(text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
             QStringLiteral("held"));
    // The desk may ask again: a new card payment is allowed now.
    QVERIFY(cardPayment(booking, QStringLiteral("terminal")) > 0);
}

void TestPaymentQueue::checkoutOrderAddsUpToTheAmount_data()
{
    QTest::addColumn<QString>("percent");
    QTest::addColumn<bool>("inclusive");
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<qint64>("taxLine"); // 0: none
    QTest::newRow("8.25 % included") << QStringLiteral("8.25") << true << qint64(1500) << qint64(0);
    QTest::newRow("8.25 % on top") << QStringLiteral("8.25") << false << qint64(1624) << qint64(124);
    QTest::newRow("19 % on top") << QStringLiteral("19") << false << qint64(1785) << qint64(285);
    QTest::newRow("no tax, excluded") << QStringLiteral("0") << false << qint64(1500) << qint64(0);
}

void TestPaymentQueue::checkoutOrderAddsUpToTheAmount()
{
    QFETCH(QString, percent);
    QFETCH(bool, inclusive);
    QFETCH(qint64, amount);
    QFETCH(qint64, taxLine);
    setTax(percent, inclusive);
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("ORDER1"), {m_f.wax});
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"));
    request(QStringLiteral("checkout"), booking, payment, 0, QStringLiteral("checkout-order"));
    // The catalogue changing after booking changes nothing booked.
    sql(QStringLiteral("UPDATE service_prices SET price_cents = 9999; UPDATE addons SET price_cents = 9999"));
    auto order = queue([=](PaymentRequestQueue &q) { return q.checkoutOrder(payment); });
    QVERIFY2(order.ok(), describe(order).constData());
    const CheckoutOrder o = order.value();
    QCOMPARE(o.amountCents, amount);
    QCOMPARE(o.paymentId, payment);
    QCOMPARE(o.bookingId, booking);
    QCOMPARE(o.bookingCode, text(QStringLiteral("SELECT code FROM bookings WHERE id = %1").arg(booking)));
    QCOMPARE(o.currency, QStringLiteral("USD"));
    QCOMPARE(o.locale, QStringLiteral("de"));
    QVERIFY(o.holdExpiresAt.isValid());
    QCOMPARE(o.holdExpiresAt.toMSecsSinceEpoch(),
             count(QStringLiteral("SELECT (extract(epoch FROM hold_expires_at) * 1000)::bigint FROM bookings "
                                  "WHERE id = %1")
                       .arg(booking)));
    qint64 sum = 0;
    QStringList names;
    for (const CheckoutLine &line : o.lines) {
        sum += line.unitAmountCents * line.quantity;
        names << QStringLiteral("%1=%2").arg(line.name).arg(line.unitAmountCents);
    }
    QCOMPARE(sum, o.amountCents);
    QStringList expected {QStringLiteral("Wash (Car)=1000"), QStringLiteral("Wax=500")};
    if (taxLine > 0)
        expected << QStringLiteral("Tax %1 %=%2").arg(percent).arg(taxLine);
    QCOMPARE(names, expected);
}

void TestPaymentQueue::checkoutOrderForTheBalanceIsOneLine()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("BAL1"), {m_f.wax});
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"));
    // 600 was paid in cash before; the card pays the rest.
    sql(QStringLiteral("UPDATE payments SET amount_cents = 900 WHERE id = %1").arg(payment));
    auto order = queue([=](PaymentRequestQueue &q) { return q.checkoutOrder(payment); });
    QVERIFY2(order.ok(), describe(order).constData());
    const CheckoutOrder o = order.value();
    QCOMPARE(o.lines.size(), 1);
    QCOMPARE(o.lines.first().unitAmountCents, 900);
    QVERIFY(o.lines.first().name.contains(o.bookingCode));
    auto missing = queue([](PaymentRequestQueue &q) { return q.checkoutOrder(424242); });
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind(), DbError::Kind::NotFound);
}

void TestPaymentQueue::refundCarriedOutMakesThePaymentRefunded()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("RFD1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("terminal"), QStringLiteral("rfd"));
    deliver(QStringLiteral("evt_rfd"), QStringLiteral("payment_intent.succeeded"),
            intent(payment, QStringLiteral("rfd"), QStringLiteral("succeeded")));
    const qint64 refund
        = count(QStringLiteral("INSERT INTO refunds (payment_id, method, amount_cents, currency, "
                               "reason, idempotency_key, created_by) "
                               "SELECT id, 'card', amount_cents, currency, 'customer left', "
                               "'refund-desk-1', 'staff:2' FROM payments WHERE id = %1 RETURNING id")
                    .arg(payment));
    const qint64 id
        = request(QStringLiteral("refund"), booking, payment, refund, QStringLiteral("refund-desk-1"));
    const QList<PaymentRequest> claimed = claim(5);
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().refundId, refund);
    auto order = queue([=](PaymentRequestQueue &q) { return q.refundOrder(refund); });
    QVERIFY2(order.ok(), describe(order).constData());
    const RefundOrder o = order.value();
    QCOMPARE(o.paymentIntentId, QStringLiteral("pi_rfd"));
    QCOMPARE(o.amountCents, 1000);
    QCOMPARE(o.idempotencyKey, QStringLiteral("refund-desk-1"));
    QCOMPARE(o.status, QStringLiteral("pending"));
    auto done = queue([=](PaymentRequestQueue &q) {
        q.recordRefundCreated(refund, QStringLiteral("re_rfd"));
        q.recordRefundSucceeded(refund);
        q.recordRefundSucceeded(refund); // said twice: once counted
        return q.complete(id, {{QStringLiteral("refund_id"), QStringLiteral("re_rfd")}});
    });
    QVERIFY(done.ok() && done.value());
    QCOMPARE(text(QStringLiteral("SELECT status || ' ' || refunded_cents FROM payments WHERE id = %1")
                      .arg(payment)),
             QStringLiteral("refunded 1000"));
    QCOMPARE(text(QStringLiteral("SELECT status || ' ' || stripe_refund_id FROM refunds WHERE id = %1")
                      .arg(refund)),
             QStringLiteral("succeeded re_rfd"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'refund.succeeded'")), 1);
    // The event that follows says the same: nothing more.
    StripeUpdate refunded;
    refunded.object = StripeUpdate::Object::Refund;
    refunded.refunds
        = {{QStringLiteral("re_rfd"), refund, QStringLiteral("succeeded"), 1000, QStringLiteral("USD"), {}}};
    QCOMPARE(deliver(QStringLiteral("evt_rfd2"), QStringLiteral("refund.updated"), refunded).result,
             StripeEventOutcome::Result::Unchanged);
}

void TestPaymentQueue::refundStripeRefusedNeedsAttention()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("RFD2"));
    const qint64 payment = cardPayment(booking, QStringLiteral("terminal"), QStringLiteral("rfd2"));
    deliver(QStringLiteral("evt_rfd2"), QStringLiteral("payment_intent.succeeded"),
            intent(payment, QStringLiteral("rfd2"), QStringLiteral("succeeded")));
    const qint64 refund
        = count(QStringLiteral("INSERT INTO refunds (payment_id, method, amount_cents, currency, "
                               "idempotency_key, created_by) VALUES (%1, 'card', 300, 'USD', "
                               "'refund-desk-2', 'staff:2') RETURNING id")
                    .arg(payment));
    const qint64 id
        = request(QStringLiteral("refund"), booking, payment, refund, QStringLiteral("refund-desk-2"));
    QCOMPARE(claim(5).size(), 1);
    auto failed = queue([=](PaymentRequestQueue &q) {
        return q.fail(id, QStringLiteral("charge_already_refunded"),
                      QStringLiteral("The charge was refunded already."));
    });
    QVERIFY(failed.ok() && failed.value());
    QCOMPARE(
        text(QStringLiteral("SELECT status || ' ' || failure_reason FROM refunds WHERE id = %1").arg(refund)),
        QStringLiteral("failed The charge was refunded already."));
    QCOMPARE(text(QStringLiteral("SELECT status || ' ' || refunded_cents FROM payments WHERE id = %1")
                      .arg(payment)),
             QStringLiteral("succeeded 0"));
    const QString attention
        = text(QStringLiteral("SELECT attention FROM payments WHERE id = %1").arg(payment));
    QVERIFY2(attention.contains(QStringLiteral("The charge was refunded already.")), qPrintable(attention));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'refund.failed' "
                                  "AND entity_id = '%1'")
                       .arg(booking)),
             1);
}

void TestPaymentQueue::reconcilerAndHoldExpiryFindTheirPayments()
{
    const qint64 old = heldBooking(QStringLiteral("10:00"), QStringLiteral("OLD1"));
    const qint64 oldPayment = cardPayment(old, QStringLiteral("stripe_checkout"), QStringLiteral("old"));
    const qint64 fresh = heldBooking(QStringLiteral("11:00"), QStringLiteral("NEW1"));
    const qint64 freshPayment = cardPayment(fresh, QStringLiteral("terminal"), QStringLiteral("new"));
    const qint64 paid = heldBooking(QStringLiteral("12:00"), QStringLiteral("PAID1"));
    const qint64 paidPayment = cardPayment(paid, QStringLiteral("stripe_checkout"), QStringLiteral("paid"));
    deliver(QStringLiteral("evt_paid"), QStringLiteral("checkout.session.completed"),
            paidSession(paidPayment, QStringLiteral("paid")));
    sql(QStringLiteral("UPDATE payments SET created_at = now() - interval '10 minutes' WHERE id IN (%1, %2)")
            .arg(oldPayment)
            .arg(paidPayment));

    auto pending = queue([](PaymentRequestQueue &q) { return q.pendingCardPayments(300); });
    QVERIFY(pending.ok());
    QCOMPARE(pending.value().size(), 1);
    QCOMPARE(pending.value().first().paymentId, oldPayment);
    QCOMPARE(pending.value().first().checkoutSessionId, QStringLiteral("cs_old"));
    QCOMPARE(pending.value().first().paymentIntentId, QStringLiteral("pi_old"));
    auto both = queue([](PaymentRequestQueue &q) { return q.pendingCardPayments(0); });
    QCOMPARE(both.value().size(), 2);
    QCOMPARE(both.value().last().paymentId, freshPayment);

    auto none = queue([](PaymentRequestQueue &q) { return q.checkoutsToExpire(); });
    QVERIFY(none.ok() && none.value().isEmpty()); // every hold still live
    sql(QStringLiteral(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id IN (%1, %2)")
            .arg(old)
            .arg(fresh));
    auto expire = queue([](PaymentRequestQueue &q) { return q.checkoutsToExpire(); });
    QVERIFY(expire.ok());
    QCOMPARE(expire.value().size(), 1); // the reader payment has no session to expire
    QCOMPARE(expire.value().first().paymentId, oldPayment);
    QCOMPARE(expire.value().first().checkoutSessionId, QStringLiteral("cs_old"));
    auto ref = queue([=](PaymentRequestQueue &q) { return q.cardPayment(freshPayment); });
    QVERIFY(ref.ok() && ref.value());
    QCOMPARE(ref.value()->paymentIntentId, QStringLiteral("pi_new"));
    QCOMPARE(ref.value()->method, QStringLiteral("terminal"));
}

void TestPaymentQueue::listenerHearsEveryChannelItListensOn()
{
    NotificationListener listener({QStringLiteral("payment_requests"), QStringLiteral("payments_changed")});
    QSignalSpy heard(&listener, &NotificationListener::notification);
    QSignalSpy resyncs(&listener, &NotificationListener::resyncNeeded);
    listener.setReconnectDelays(50, 200);
    listener.start(m_cluster.config(QStringLiteral("tst_paymentqueue-listen2")));
    QTRY_VERIFY(listener.isListening());
    QTRY_COMPARE(resyncs.size(), 1);
    sql(QStringLiteral(
        "SELECT pg_notify('payment_requests', '17'), pg_notify('bookings_changed', '{}'), "
        "pg_notify('payments_changed', '{\"payment_id\":5,\"booking_id\":3,\"status\":\"succeeded\"}')"));
    QTRY_COMPARE(heard.size(), 2);
    QCOMPARE(heard.at(0).at(0).toString(), QStringLiteral("payment_requests"));
    QCOMPARE(heard.at(0).at(1).toString(), QStringLiteral("17"));
    QCOMPARE(heard.at(1).at(0).toString(), QStringLiteral("payments_changed"));
    QCOMPARE(heard.at(1).at(1).toString(),
             QStringLiteral("{\"payment_id\":5,\"booking_id\":3,\"status\":\"succeeded\"}"));

    // A late payment for a taken slot asks the server for its refund on the
    // request channel, in the same transaction.
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("NOTE1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("note"));
    sql(QStringLiteral(
            "UPDATE bookings SET status = 'expired', hold_expires_at = now() - interval '1 minute' "
            "WHERE id = %1")
            .arg(booking));
    BookingRequest walkIn
        = CardPaymentFixture::request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("WALK2"));
    walkIn.slot.bayId = m_f.lane1;
    QCOMPARE(book(walkIn).booking.status, QStringLiteral("confirmed"));
    heard.clear();
    deliver(QStringLiteral("evt_note"), QStringLiteral("checkout.session.completed"),
            paidSession(payment, QStringLiteral("note")));
    const QString requestId = QString::number(count(QStringLiteral("SELECT id FROM payment_requests")));
    QTRY_COMPARE(heard.size(), 2);
    QCOMPARE(heard.at(0).at(0).toString(), QStringLiteral("payment_requests"));
    QCOMPARE(heard.at(0).at(1).toString(), requestId);
    QCOMPARE(heard.at(1).at(0).toString(), QStringLiteral("payments_changed"));
    const QJsonObject payload = QJsonDocument::fromJson(heard.at(1).at(1).toString().toUtf8()).object();
    QCOMPARE(payload.value(u"payment_id").toInteger(), payment);
    QCOMPARE(payload.value(u"booking_id").toInteger(), booking);
    QCOMPARE(payload.value(u"status").toString(), QStringLiteral("succeeded"));
    listener.stop();
    QVERIFY(!listener.isListening());
}

QTEST_GUILESS_MAIN(TestPaymentQueue)
#include "tst_paymentqueue.moc"
