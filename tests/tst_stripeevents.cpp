// Stripe's events applied to payments and bookings on a real PostgreSQL, the
// way carwash-server hands them over: each stored once by its id and applied
// in the same transaction as a state machine that only moves forward, so
// redeliveries and any order of delivery end the same; money that arrives
// late confirms the booking if its slot is free and is refunded exactly once
// if not; a payment that settles the booking cancels its other live card
// payment; refunds add up to the payment.
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrequestqueue.h"
#include "tests/cardpaymentfixture.h"

#include <QDateTime>
#include <QTest>

#include <algorithm>
#include <latch>

using Result = StripeEventOutcome::Result;

class TestStripeEvents : public QObject, protected CardPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void paidCheckoutEndsTheSameInAnyOrder_data();
    void paidCheckoutEndsTheSameInAnyOrder();
    void redeliveredEventIsADuplicateAndAppliesNothing();
    void unknownTypeIsStoredAndMarkedProcessed();
    void eventForAPaymentWeDoNotKnowIsKeptWithItsProblem();
    void asynchronousPaymentSucceedsOrFailsAfterProcessing();
    void readerDeclineIsNotFinalAndASecondCardPays();
    void latePaymentConfirmsTheBookingWhenItsSlotIsFree_data();
    void latePaymentConfirmsTheBookingWhenItsSlotIsFree();
    void latePaymentForATakenSlotIsRefundedOnce();
    void concurrentDeliveriesOfALatePaymentApplyOnce();
    void secondWayOfPayingThatCompletesIsRefundedOnce();
    void paidOneWayCancelsTheOtherLiveCardPayment_data();
    void paidOneWayCancelsTheOtherLiveCardPayment();
    void partialThenFullRefundMakesThePaymentRefunded();
    void expiryOrCancelAfterSuccessChangesNothing();
    void reconcilerAppliesThroughTheSamePath();

private:
    QString paymentStatus(qint64 paymentId);
    QString bookingStatus(qint64 bookingId);
    qint64 audits(qint64 bookingId, const QString &action);
};

void TestStripeEvents::initTestCase()
{
    startEngine(QStringLiteral("tst_stripeevents"));
}

void TestStripeEvents::init()
{
    resetCatalogue();
    setTax(QStringLiteral("0"), true);
}

void TestStripeEvents::cleanupTestCase()
{
    stopEngine();
}

QString TestStripeEvents::paymentStatus(qint64 paymentId)
{
    return text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(paymentId));
}

QString TestStripeEvents::bookingStatus(qint64 bookingId)
{
    return text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(bookingId));
}

qint64 TestStripeEvents::audits(qint64 bookingId, const QString &action)
{
    return count(
        QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                       "AND action = '%2'")
            .arg(bookingId)
            .arg(action));
}

void TestStripeEvents::paidCheckoutEndsTheSameInAnyOrder_data()
{
    QTest::addColumn<QStringList>("order");
    QStringList events {QStringLiteral("completed"), QStringLiteral("expired"), QStringLiteral("intent")};
    std::sort(events.begin(), events.end());
    do {
        QTest::newRow(qPrintable(events.join(u','))) << events;
    } while (std::next_permutation(events.begin(), events.end()));
}

void TestStripeEvents::paidCheckoutEndsTheSameInAnyOrder()
{
    QFETCH(QStringList, order);
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("PERM1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("perm"));
    QVERIFY(payment > 0);
    for (const QString &event : order) {
        if (event == u"completed")
            deliver(QStringLiteral("evt_completed"), QStringLiteral("checkout.session.completed"),
                    paidSession(payment, QStringLiteral("perm")));
        else if (event == u"expired")
            deliver(QStringLiteral("evt_expired"), QStringLiteral("checkout.session.expired"),
                    session(payment, QStringLiteral("perm"), QStringLiteral("expired"),
                            QStringLiteral("unpaid")));
        else
            deliver(QStringLiteral("evt_intent"), QStringLiteral("payment_intent.succeeded"),
                    intent(payment, QStringLiteral("perm"), QStringLiteral("succeeded")));
    }
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments WHERE id = %1 AND paid_at IS NOT NULL "
                                  "AND attention IS NULL")
                       .arg(payment)),
             1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE id = %1 AND hold_expires_at IS NULL")
                       .arg(booking)),
             1);
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = "
                                  "'booking.status' AND details->>'to' = 'confirmed'")
                       .arg(booking)),
             1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events WHERE processed_at IS NOT NULL "
                                  "AND payment_id = %1 AND processing_error IS NULL")
                       .arg(payment)),
             3);
}

void TestStripeEvents::redeliveredEventIsADuplicateAndAppliesNothing()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("DUP1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("dup"));
    const StripeEventOutcome first
        = deliver(QStringLiteral("evt_dup"), QStringLiteral("checkout.session.completed"),
                  paidSession(payment, QStringLiteral("dup")));
    QCOMPARE(first.result, Result::Applied);
    QCOMPARE(first.paymentId, payment);
    QCOMPARE(first.bookingId, booking);
    QCOMPARE(first.paymentStatus, QStringLiteral("succeeded"));
    const qint64 auditRows = count(QStringLiteral("SELECT count(*) FROM audit_log"));
    for (int i = 0; i < 2; ++i) {
        const StripeEventOutcome again
            = deliver(QStringLiteral("evt_dup"), QStringLiteral("checkout.session.completed"),
                      paidSession(payment, QStringLiteral("dup")));
        QCOMPARE(again.result, Result::Duplicate);
    }
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log")), auditRows);
    // Another event saying the same is stored, and changes nothing.
    const StripeEventOutcome same
        = deliver(QStringLiteral("evt_same"), QStringLiteral("payment_intent.succeeded"),
                  intent(payment, QStringLiteral("dup"), QStringLiteral("succeeded")));
    QCOMPARE(same.result, Result::Unchanged);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log")), auditRows);
}

void TestStripeEvents::unknownTypeIsStoredAndMarkedProcessed()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("UNK1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("unk"));
    // Even one whose object would say "paid": its type is not acted on.
    const StripeEventOutcome outcome
        = deliver(QStringLiteral("evt_customer"), QStringLiteral("customer.created"),
                  paidSession(payment, QStringLiteral("unk")));
    QCOMPARE(outcome.result, Result::Ignored);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events WHERE id = 'evt_customer' "
                                  "AND type = 'customer.created' AND processed_at IS NOT NULL "
                                  "AND processing_error IS NULL AND payload->>'type' = 'customer.created'")),
             1);
    QCOMPARE(paymentStatus(payment), QStringLiteral("pending"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("held"));
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 0);
}

void TestStripeEvents::eventForAPaymentWeDoNotKnowIsKeptWithItsProblem()
{
    StripeUpdate stranger = intent(0, QStringLiteral("stranger"), QStringLiteral("succeeded"));
    const StripeEventOutcome outcome
        = deliver(QStringLiteral("evt_stranger"), QStringLiteral("payment_intent.succeeded"), stranger);
    QCOMPARE(outcome.result, Result::UnknownPayment);
    QCOMPARE(outcome.paymentId, 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events WHERE id = 'evt_stranger' "
                                  "AND processed_at IS NOT NULL AND payment_id IS NULL "
                                  "AND processing_error LIKE '%pi_stranger%'")),
             1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action LIKE 'payment.%'")), 0);
}

void TestStripeEvents::asynchronousPaymentSucceedsOrFailsAfterProcessing()
{
    const qint64 good = heldBooking(QStringLiteral("10:00"), QStringLiteral("ASYNC1"));
    const qint64 goodPayment = cardPayment(good, QStringLiteral("stripe_checkout"), QStringLiteral("async1"));
    const qint64 bad = heldBooking(QStringLiteral("11:00"), QStringLiteral("ASYNC2"));
    const qint64 badPayment = cardPayment(bad, QStringLiteral("stripe_checkout"), QStringLiteral("async2"));
    const QString complete = QStringLiteral("complete");
    const QString unpaid = QStringLiteral("unpaid");

    QCOMPARE(deliver(QStringLiteral("evt_a1"), QStringLiteral("checkout.session.completed"),
                     session(goodPayment, QStringLiteral("async1"), complete, unpaid))
                 .paymentStatus,
             QStringLiteral("processing"));
    QCOMPARE(deliver(QStringLiteral("evt_a2"), QStringLiteral("checkout.session.completed"),
                     session(badPayment, QStringLiteral("async2"), complete, unpaid))
                 .paymentStatus,
             QStringLiteral("processing"));
    QCOMPARE(bookingStatus(good), QStringLiteral("held"));

    deliver(QStringLiteral("evt_a3"), QStringLiteral("checkout.session.async_payment_succeeded"),
            paidSession(goodPayment, QStringLiteral("async1")));
    StripeUpdate failed = session(badPayment, QStringLiteral("async2"), complete, unpaid);
    failed.failureMessage = QStringLiteral("The bank debit was refused.");
    deliver(QStringLiteral("evt_a4"), QStringLiteral("checkout.session.async_payment_failed"), failed);

    QCOMPARE(paymentStatus(goodPayment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(good), QStringLiteral("confirmed"));
    QCOMPARE(paymentStatus(badPayment), QStringLiteral("failed"));
    QCOMPARE(text(QStringLiteral("SELECT failure_reason FROM payments WHERE id = %1").arg(badPayment)),
             QStringLiteral("The bank debit was refused."));
    QCOMPARE(bookingStatus(bad), QStringLiteral("held")); // keeps its hold until it ends
    QCOMPARE(audits(bad, QStringLiteral("payment.failed")), 1);
    QCOMPARE(audits(good, QStringLiteral("payment.processing")), 1);
}

void TestStripeEvents::readerDeclineIsNotFinalAndASecondCardPays()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("READ1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("terminal"), QStringLiteral("reader"));
    const QString declined = QStringLiteral("Your card was declined.");
    const StripeEventOutcome failed
        = deliver(QStringLiteral("evt_r1"), QStringLiteral("terminal.reader.action_failed"),
                  readerAction(payment, QStringLiteral("reader"), QStringLiteral("failed"),
                               QStringLiteral("requires_payment_method"), declined));
    QCOMPARE(failed.result, Result::Applied);
    QCOMPARE(failed.paymentStatus, QStringLiteral("pending"));
    StripeUpdate intentFailed
        = intent(payment, QStringLiteral("reader"), QStringLiteral("requires_payment_method"));
    intentFailed.failureMessage = declined;
    QCOMPARE(deliver(QStringLiteral("evt_r2"), QStringLiteral("payment_intent.payment_failed"), intentFailed)
                 .paymentStatus,
             QStringLiteral("pending"));
    QCOMPARE(text(QStringLiteral("SELECT failure_reason FROM payments WHERE id = %1").arg(payment)),
             declined);
    QCOMPARE(
        text(QStringLiteral("SELECT stripe_terminal_reader_id FROM payments WHERE id = %1").arg(payment)),
        QStringLiteral("tmr_reader"));
    QCOMPARE(audits(booking, QStringLiteral("payment.attempt_failed")), 1); // the same reason once
    QCOMPARE(bookingStatus(booking), QStringLiteral("held"));

    deliver(QStringLiteral("evt_r3"), QStringLiteral("terminal.reader.action_succeeded"),
            readerAction(payment, QStringLiteral("reader"), QStringLiteral("succeeded"),
                         QStringLiteral("succeeded")));
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    deliver(QStringLiteral("evt_r4"), QStringLiteral("payment_intent.succeeded"),
            intent(payment, QStringLiteral("reader"), QStringLiteral("succeeded")));
    QCOMPARE(audits(booking, QStringLiteral("payment.succeeded")), 1);
}

void TestStripeEvents::latePaymentConfirmsTheBookingWhenItsSlotIsFree_data()
{
    QTest::addColumn<bool>("rowExpired");
    QTest::newRow("hold lapsed, row still held") << false;
    QTest::newRow("row already expired") << true;
}

void TestStripeEvents::latePaymentConfirmsTheBookingWhenItsSlotIsFree()
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

void TestStripeEvents::latePaymentForATakenSlotIsRefundedOnce()
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

void TestStripeEvents::concurrentDeliveriesOfALatePaymentApplyOnce()
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

void TestStripeEvents::secondWayOfPayingThatCompletesIsRefundedOnce()
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

void TestStripeEvents::paidOneWayCancelsTheOtherLiveCardPayment_data()
{
    QTest::addColumn<QString>("readerRequest"); // how far the server got with the reader's create
    QTest::newRow("not sent yet") << QStringLiteral("pending");
    QTest::newRow("being sent") << QStringLiteral("working");
    QTest::newRow("on the reader") << QStringLiteral("done");
}

void TestStripeEvents::paidOneWayCancelsTheOtherLiveCardPayment()
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

void TestStripeEvents::partialThenFullRefundMakesThePaymentRefunded()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("REF1"), {m_f.wax});
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("ref"));
    deliver(QStringLiteral("evt_paid"), QStringLiteral("checkout.session.completed"),
            paidSession(payment, QStringLiteral("ref")));
    const qint64 amount
        = count(QStringLiteral("SELECT amount_cents FROM payments WHERE id = %1").arg(payment));
    QCOMPARE(amount, 1500); // wash 1000 + wax 500
    // A manager's partial refund at the desk: the row a desk writes.
    const qint64 ours
        = count(QStringLiteral("INSERT INTO refunds (payment_id, method, amount_cents, currency, "
                               "reason, idempotency_key, created_by) VALUES (%1, 'card', 400, 'USD', "
                               "'wax not applied', 'desk-refund-1', 'staff:2') RETURNING id")
                    .arg(payment));
    QVERIFY(ours > 0);
    StripeUpdate charge;
    charge.object = StripeUpdate::Object::Charge;
    charge.paymentIntentId = QStringLiteral("pi_ref");
    charge.amountCents = amount;
    charge.amountRefundedCents = 400;
    charge.refunds
        = {{QStringLiteral("re_one"), ours, QStringLiteral("succeeded"), 400, QStringLiteral("USD"), {}}};
    QCOMPARE(deliver(QStringLiteral("evt_ref1"), QStringLiteral("charge.refunded"), charge).result,
             Result::Applied);
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(count(QStringLiteral("SELECT refunded_cents FROM payments WHERE id = %1").arg(payment)), 400);
    QCOMPARE(text(QStringLiteral("SELECT stripe_refund_id FROM refunds WHERE id = %1").arg(ours)),
             QStringLiteral("re_one"));

    // The rest refunded in Stripe's dashboard: the charge lists both.
    charge.amountRefundedCents = amount;
    charge.refunds.append(
        {QStringLiteral("re_two"), 0, QStringLiteral("succeeded"), amount - 400, QStringLiteral("USD"), {}});
    deliver(QStringLiteral("evt_ref2"), QStringLiteral("charge.refunded"), charge);
    deliver(QStringLiteral("evt_ref3"), QStringLiteral("charge.refunded"), charge); // said again
    QCOMPARE(paymentStatus(payment), QStringLiteral("refunded"));
    QCOMPARE(count(QStringLiteral("SELECT refunded_cents FROM payments WHERE id = %1").arg(payment)), amount);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM refunds WHERE payment_id = %1 AND status = 'succeeded'")
                  .arg(payment)),
        2);
    QCOMPARE(audits(booking, QStringLiteral("refund.succeeded")), 2);
    QCOMPARE(audits(booking, QStringLiteral("refund.external")), 1);
}

void TestStripeEvents::expiryOrCancelAfterSuccessChangesNothing()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("KEEP1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("keep"));
    deliver(QStringLiteral("evt_k1"), QStringLiteral("payment_intent.succeeded"),
            intent(payment, QStringLiteral("keep"), QStringLiteral("succeeded")));
    const qint64 auditRows = count(QStringLiteral("SELECT count(*) FROM audit_log"));
    QCOMPARE(
        deliver(QStringLiteral("evt_k2"), QStringLiteral("checkout.session.expired"),
                session(payment, QStringLiteral("keep"), QStringLiteral("expired"), QStringLiteral("unpaid")))
            .result,
        Result::Unchanged);
    QCOMPARE(deliver(QStringLiteral("evt_k3"), QStringLiteral("payment_intent.canceled"),
                     intent(payment, QStringLiteral("keep"), QStringLiteral("canceled")))
                 .result,
             Result::Unchanged);
    StripeUpdate failed
        = session(payment, QStringLiteral("keep"), QStringLiteral("complete"), QStringLiteral("unpaid"));
    deliver(QStringLiteral("evt_k4"), QStringLiteral("checkout.session.async_payment_failed"), failed);
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log")), auditRows);
}

void TestStripeEvents::reconcilerAppliesThroughTheSamePath()
{
    const qint64 booking = heldBooking(QStringLiteral("10:00"), QStringLiteral("REC1"));
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"), QStringLiteral("rec"));
    // The webhook was lost; the reconciler finds the session paid.
    StripeUpdate fetched = paidSession(0, QStringLiteral("rec")); // no metadata: found by its session id
    const StripeEventOutcome outcome = reconcile(fetched);
    QCOMPARE(outcome.result, Result::Applied);
    QCOMPARE(outcome.paymentId, payment);
    QCOMPARE(paymentStatus(payment), QStringLiteral("succeeded"));
    QCOMPARE(bookingStatus(booking), QStringLiteral("confirmed"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.succeeded' "
                                  "AND actor = 'stripe' AND details->>'source' = 'reconcile'")),
             1);
    QCOMPARE(reconcile(fetched).result, Result::Unchanged);
    // The late webhook after it changes nothing either.
    QCOMPARE(deliver(QStringLiteral("evt_rec"), QStringLiteral("checkout.session.completed"),
                     paidSession(payment, QStringLiteral("rec")))
                 .result,
             Result::Unchanged);
}

QTEST_GUILESS_MAIN(TestStripeEvents)
#include "tst_stripeevents.moc"
