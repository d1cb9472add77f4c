// Stripe's events applied to payments and bookings on a real PostgreSQL, the
// way carwash-server hands them over: each stored once by its id and applied
// in the same transaction as a state machine that only moves forward, so
// redeliveries and any order of delivery end the same; unknown types and
// unknown payments kept; refunds add up to the payment; the reconciler goes
// the same way.
#include "tests/cardpaymentfixture.h"

#include <QTest>

#include <algorithm>

using Result = StripeEventOutcome::Result;

class TestStripeEventsDelivery : public QObject, protected CardPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startEngine(QStringLiteral("tst_stripeevents_delivery")); }
    void init();
    void cleanupTestCase() { stopEngine(); }

    void paidCheckoutEndsTheSameInAnyOrder_data();
    void paidCheckoutEndsTheSameInAnyOrder();
    void redeliveredEventIsADuplicateAndAppliesNothing();
    void unknownTypeIsStoredAndMarkedProcessed();
    void eventForAPaymentWeDoNotKnowIsKeptWithItsProblem();
    void asynchronousPaymentSucceedsOrFailsAfterProcessing();
    void readerDeclineIsNotFinalAndASecondCardPays();
    void partialThenFullRefundMakesThePaymentRefunded();
    void expiryOrCancelAfterSuccessChangesNothing();
    void reconcilerAppliesThroughTheSamePath();
};

void TestStripeEventsDelivery::init()
{
    resetCatalogue();
    setTax(QStringLiteral("0"), true);
}

void TestStripeEventsDelivery::paidCheckoutEndsTheSameInAnyOrder_data()
{
    QTest::addColumn<QStringList>("order");
    QStringList events {QStringLiteral("completed"), QStringLiteral("expired"), QStringLiteral("intent")};
    std::sort(events.begin(), events.end());
    do {
        QTest::newRow(qPrintable(events.join(u','))) << events;
    } while (std::next_permutation(events.begin(), events.end()));
}

void TestStripeEventsDelivery::paidCheckoutEndsTheSameInAnyOrder()
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

void TestStripeEventsDelivery::redeliveredEventIsADuplicateAndAppliesNothing()
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

void TestStripeEventsDelivery::unknownTypeIsStoredAndMarkedProcessed()
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

void TestStripeEventsDelivery::eventForAPaymentWeDoNotKnowIsKeptWithItsProblem()
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

void TestStripeEventsDelivery::asynchronousPaymentSucceedsOrFailsAfterProcessing()
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

void TestStripeEventsDelivery::readerDeclineIsNotFinalAndASecondCardPays()
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

void TestStripeEventsDelivery::partialThenFullRefundMakesThePaymentRefunded()
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

void TestStripeEventsDelivery::expiryOrCancelAfterSuccessChangesNothing()
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

void TestStripeEventsDelivery::reconcilerAppliesThroughTheSamePath()
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

QTEST_GUILESS_MAIN(TestStripeEventsDelivery)
#include "tst_stripeevents_delivery.moc"
