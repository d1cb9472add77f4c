// Stripe's news about money that arrives late or twice, applied on a real
// PostgreSQL the way carwash-server hands it over: a late payment confirms
// the booking if its slot is free and is refunded exactly once if not, even
// delivered concurrently; a second way of paying that completes is refunded
// once; a payment that settles the booking cancels its other live card
// payment.
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrequestqueue.h"
#include "tests/cardpaymentfixture.h"

#include <QDateTime>
#include <QTest>

#include <latch>

using Result = StripeEventOutcome::Result;

class TestStripeEventsLatePayments : public QObject, protected CardPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startEngine(QStringLiteral("tst_stripeevents_latepayments")); }
    void init();
    void cleanupTestCase() { stopEngine(); }

    void latePaymentConfirmsTheBookingWhenItsSlotIsFree_data();
    void latePaymentConfirmsTheBookingWhenItsSlotIsFree();
    void latePaymentForATakenSlotIsRefundedOnce();
    void concurrentDeliveriesOfALatePaymentApplyOnce();
    void secondWayOfPayingThatCompletesIsRefundedOnce();
    void paidOneWayCancelsTheOtherLiveCardPayment_data();
    void paidOneWayCancelsTheOtherLiveCardPayment();
};

void TestStripeEventsLatePayments::init()
{
    resetCatalogue();
    setTax(QStringLiteral("0"), true);
}

void TestStripeEventsLatePayments::latePaymentConfirmsTheBookingWhenItsSlotIsFree_data()
{
    QTest::addColumn<bool>("rowExpired");
    QTest::newRow("hold lapsed, row still held") << false;
    QTest::newRow("row already expired") << true;
}

void TestStripeEventsLatePayments::latePaymentConfirmsTheBookingWhenItsSlotIsFree()
{
    QFETCH(bool, rowExpired);
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("LATE1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("late"));
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 minute'%1 WHERE id = %2")
            .arg(rowExpired ? QStringLiteral(", status = 'expired'") : QString())
            .arg(booking));
    deliver(QStringLiteral("evt_late"), QStringLiteral("checkout.session.completed"),
            paidSession(payment, QStringLiteral("late")));
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments WHERE attention IS NOT NULL")), 0);
}

void TestStripeEventsLatePayments::latePaymentForATakenSlotIsRefundedOnce()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("LATE2"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("taken"));
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = %1")
            .arg(booking));
    // A walk-in takes the same bay and time: the lapsed hold is expired for it.
    BookingRequest walkIn = request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("WALK1"));
    walkIn.slot.bayId = m_f.lane1;
    const BookingOutcome other = book(walkIn);
    QCOMPARE(other.booking.status, QStringLiteral("confirmed"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("expired"));

    for (int i = 0; i < 3; ++i) {
        const StripeEventOutcome outcome
            = deliver(QStringLiteral("evt_taken"), QStringLiteral("checkout.session.completed"),
                      paidSession(payment, QStringLiteral("taken")));
        QCOMPARE(outcome.result, i == 0 ? Result::Applied : Result::Duplicate);
    }
    deliver(QStringLiteral("evt_taken_intent"), QStringLiteral("payment_intent.succeeded"),
            intent(payment, QStringLiteral("taken"), QStringLiteral("succeeded")));
    reconcile(paidSession(payment, QStringLiteral("taken")));

    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("expired"));
    QCOMPARE(bookingStatus(other.booking.id), QStringLiteral("confirmed"));
    const qint64 amount
        = count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(payment));
    QVERIFY(amount > 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 1);
    const qint64 refund
        = count(QStringLiteral("SELECT id FROM refunds WHERE payment_id = %1 AND automatic = 'slot_taken' "
                               "AND status = 'pending' "
                               "AND method = 'card' AND amount_cents = %2 AND created_by = 'system'")
                    .arg(payment)
                    .arg(amount));
    QVERIFY(refund > 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'refund' AND status = "
                                  "'pending' AND refund_id = %1 AND payment_id = %2 AND booking_id = %3 "
                                  "AND idempotency_key = 'refund-%1'")
                       .arg(refund)
                       .arg(payment)
                       .arg(booking)),
             1);
    const QString attention
        = text(QStringLiteral("SELECT attention FROM payments WHERE id = %1").arg(payment));
    QVERIFY2(attention.contains(QStringLiteral("another booking had taken the slot")), qPrintable(attention));
    QCOMPARE(audits(booking, QStringLiteral("refund.automatic")), 1);
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 1);
}

void TestStripeEventsLatePayments::concurrentDeliveriesOfALatePaymentApplyOnce()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("RACE1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("race"));
    sql(QStringLiteral(
            "UPDATE bookings SET status = 'expired', hold_expires_at = now() - interval '1 minute' "
            "WHERE id = %1")
            .arg(booking));
    BookingRequest walkIn = request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("WALK3"));
    walkIn.slot.bayId = m_f.lane1;
    QCOMPARE(book(walkIn).booking.status, QStringLiteral("confirmed"));

    // Stripe delivers both events, each three times, all at once on six
    // connections of the server's pool.
    constexpr int Deliveries = 6;
    std::latch together(Deliveries);
    QList<QFuture<DbResult<StripeEventOutcome>>> deliveries;
    for (int i = 0; i < Deliveries; ++i) {
        const bool completed = i % 2 == 0;
        const QString id
            = completed ? QStringLiteral("evt_race_completed") : QStringLiteral("evt_race_intent");
        const QString type = completed ? QStringLiteral("checkout.session.completed")
                                       : QStringLiteral("payment_intent.succeeded");
        const StripeUpdate update = completed
            ? paidSession(payment, QStringLiteral("race"))
            : intent(payment, QStringLiteral("race"), QStringLiteral("succeeded"));
        deliveries << m_pool->withConnection(
            QStringLiteral("test.deliver"), [&together, id, type, update](QSqlDatabase &db) {
                together.arrive_and_wait();
                return StripeEventRepo(db).receive(id, type, QByteArrayLiteral("{}"), update);
            });
    }
    QMap<Result, int> results;
    for (auto &f : deliveries) {
        const DbResult<StripeEventOutcome> outcome = f.result();
        QVERIFY2(outcome.ok(), describe(outcome).constData());
        ++results[outcome.value().result];
    }
    QCOMPARE(results.value(Result::Applied), 1);
    QCOMPARE(results.value(Result::Unchanged), 1);
    QCOMPARE(results.value(Result::Duplicate), 4);
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds WHERE automatic = 'slot_taken'")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'refund'")), 1);
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 2);
}

void TestStripeEventsLatePayments::secondWayOfPayingThatCompletesIsRefundedOnce()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("TWICE1"));
    // The customer opened the QR code, then paid on the reader: starting the
    // reader cancelled the Checkout payment, but they paid on the phone too.
    const qint64 checkout = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("phone"));
    sql(QStringLiteral("UPDATE payments SET status = 'cancelled' WHERE id = %1").arg(checkout));
    const qint64 reader = cardPayment(booking, QStringLiteral("terminal"), QStringLiteral("reader"));
    deliver(QStringLiteral("evt_reader"), QStringLiteral("payment_intent.succeeded"),
            intent(reader, QStringLiteral("reader"), QStringLiteral("succeeded")));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);

    deliver(QStringLiteral("evt_phone"), QStringLiteral("checkout.session.completed"),
            paidSession(checkout, QStringLiteral("phone")));
    deliver(QStringLiteral("evt_phone_intent"), QStringLiteral("payment_intent.succeeded"),
            intent(checkout, QStringLiteral("phone"), QStringLiteral("succeeded")));
    deliver(QStringLiteral("evt_phone"), QStringLiteral("checkout.session.completed"),
            paidSession(checkout, QStringLiteral("phone")));

    QCOMPARE(paymentStatus(checkout), QStringLiteral("succeeded"));
    QCOMPARE(paymentStatus(reader), QStringLiteral("succeeded"));
    const qint64 amount
        = count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(checkout));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 1);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM refunds WHERE payment_id = %1 AND automatic = 'duplicate' "
                             "AND amount_cents = %2")
                  .arg(checkout)
                  .arg(amount)),
        1);
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM payment_requests WHERE kind = 'refund' AND payment_id = %1")
                       .arg(checkout)),
             1);
    QVERIFY(!text(QStringLiteral("SELECT attention FROM payments WHERE id = %1").arg(checkout)).isEmpty());
    QCOMPARE(
        count(
            QStringLiteral("SELECT count(*) FROM payments WHERE id = %1 AND attention IS NULL").arg(reader)),
        1);
}

void TestStripeEventsLatePayments::paidOneWayCancelsTheOtherLiveCardPayment_data()
{
    QTest::addColumn<QString>("readerRequest"); // how far the server got with the reader's create
    QTest::newRow("not sent yet") << QStringLiteral("pending");
    QTest::newRow("being sent") << QStringLiteral("working");
    QTest::newRow("on the reader") << QStringLiteral("done");
}

void TestStripeEventsLatePayments::paidOneWayCancelsTheOtherLiveCardPayment()
{
    QFETCH(QString, readerRequest);
    const QString desk = QStringLiteral("desk:test"), readerId = QStringLiteral("tmr_Desk");
    sql(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('%1', 'Desk') ON CONFLICT DO NOTHING")
            .arg(readerId));
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("OTHER1"));
    // The customer got a Checkout link (made at Stripe); the desk turned to
    // its reader, which cancelled the link here, but the customer pays it.
    auto link = run(QStringLiteral("test.checkout"), [=](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(booking, desk, QStringLiteral("en"));
    });
    QVERIFY2(link.ok(), describe(link).constData());
    const qint64 checkout = link->paymentId;
    QVERIFY(run(QStringLiteral("test.session"), [=](QSqlDatabase &db) {
                PaymentRequestQueue queue(db);
                queue.claim(10);
                queue.recordCheckoutSession(checkout, QStringLiteral("cs_link"),
                                            QStringLiteral("https://checkout.test/cs_link"),
                                            QDateTime::currentDateTimeUtc().addSecs(3600));
                return queue.complete(link->requestId, {});
            }).ok());
    auto started = run(QStringLiteral("test.reader"), [=](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(booking, readerId, desk);
    });
    QVERIFY2(started.ok(), describe(started).constData());
    const qint64 reader = started->paymentId;
    QCOMPARE(started->cancelledPaymentIds, QList<qint64> {checkout});
    if (readerRequest != u"pending") {
        QVERIFY(run(QStringLiteral("test.reader_sent"), [=](QSqlDatabase &db) {
                    PaymentRequestQueue queue(db);
                    queue.claim(10);
                    if (readerRequest == u"working")
                        return true;
                    queue.recordPaymentIntent(reader, QStringLiteral("pi_reader"), readerId);
                    return queue.complete(started->requestId, {});
                }).ok());
    }
    QCOMPARE(deliver(QStringLiteral("evt_link"), QStringLiteral("checkout.session.completed"),
                     paidSession(checkout, QStringLiteral("link")))
                 .result,
             Result::Applied);
    // The same news again, and by the other event, changes nothing more.
    QCOMPARE(deliver(QStringLiteral("evt_link"), QStringLiteral("checkout.session.completed"),
                     paidSession(checkout, QStringLiteral("link")))
                 .result,
             Result::Duplicate);
    QCOMPARE(deliver(QStringLiteral("evt_link_intent"), QStringLiteral("payment_intent.succeeded"),
                     intent(checkout, QStringLiteral("link"), QStringLiteral("succeeded")))
                 .result,
             Result::Unchanged);
    QCOMPARE(reconcile(paidSession(checkout, QStringLiteral("link"))).result, Result::Unchanged);

    QCOMPARE(paymentStatus(checkout), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(paymentStatus(reader), QStringLiteral("cancelled"));
    // Not sent yet: it never will be. Sent: the server cancels it at Stripe.
    QCOMPARE(text(QStringLiteral("SELECT status || '/' || coalesce(error_code, '') FROM payment_requests "
                                 "WHERE id = %1")
                      .arg(started->requestId)),
             readerRequest == u"pending" ? QStringLiteral("failed/cancelled") : readerRequest + u'/');
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'cancel' "
                                  "AND payment_id = %1 AND status = 'pending' "
                                  "AND idempotency_key = 'payment-%1-cancel'")
                       .arg(reader)),
             readerRequest == u"pending" ? 0 : 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.cancelled' "
                                  "AND actor = 'stripe' AND details->>'payment_id' = '%1' "
                                  "AND details->>'reason' = 'paid by card another way'")
                       .arg(reader)),
             1);
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
}

QTEST_GUILESS_MAIN(TestStripeEventsLatePayments)
#include "tst_stripeevents_latepayments.moc"
