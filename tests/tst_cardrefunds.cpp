// Refunds as the desk's "Refund…" and carwash-admin payment refund ask for
// them, against a real PostgreSQL: cash given back at once (refund row
// succeeded, the payment's refunded_cents and status kept right, audited),
// card refunds pending with a request carwash-server carries out (the
// newest card payment first, then cash), the limits, and nothing written
// when a card refund is needed while no server runs.
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "tests/harness/testnames.h"
#include "tests/paymentsfixture.h"

#include <QTest>

using TestNames::describe;

class TestCardRefunds : public QObject, private PaymentsDbFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startPayments(QStringLiteral("tst_cardrefunds"), &error), qPrintable(error));
    }
    void init() { resetPayments(); }
    void cleanupTestCase() { stopPayments(); }

    void cashRefundsAreDoneAtOnce();
    void cardRefundsArePendingWithARequestNewestCardFirst();
    void refundLimits();
    void aCardRefundWithoutAServerWritesNothing();
};

void TestCardRefunds::cashRefundsAreDoneAtOnce()
{
    QString code;
    const qint64 id = booking(QStringLiteral("completed"), 4500, &code);
    const auto cash = run([id](QSqlDatabase &db) { return PaymentRepo(db).recordCash(id, 5000, Desk); });
    QVERIFY2(cash.ok(), describe(cash).constData());
    const auto part = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, 1000, QStringLiteral("scratched mirror"), Desk);
    });
    QVERIFY2(part.ok(), describe(part).constData());
    QCOMPARE(part->totalCents, 1000);
    QCOMPARE(part->parts.size(), 1);
    QCOMPARE(part->parts.first().method, QStringLiteral("cash"));
    QCOMPARE(part->parts.first().status, QStringLiteral("succeeded"));
    QCOMPARE(part->parts.first().requestId, 0);
    const qint64 refundId = part->parts.first().refundId;
    QCOMPARE(sql(QStringLiteral(
                     "SELECT concat_ws('|', payment_id, method, status, amount_cents, currency, reason, "
                     "idempotency_key, created_by, succeeded_at IS NOT NULL) FROM refunds WHERE id = %1")
                     .arg(refundId))
                 .toString(),
             QStringLiteral("%1|cash|succeeded|1000|USD|scratched mirror|refund-%2|staff:7|t")
                 .arg(cash->id)
                 .arg(refundId));
    QCOMPARE(sql(QStringLiteral("SELECT status || ':' || refunded_cents FROM payments WHERE id = %1")
                     .arg(cash->id))
                 .toString(),
             QStringLiteral("succeeded:1000"));
    // The rest, by default all that is left: the payment is refunded in full.
    const auto rest = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, std::nullopt, QString(), Desk);
    });
    QVERIFY2(rest.ok(), describe(rest).constData());
    QCOMPARE(rest->totalCents, 3500);
    QCOMPARE(sql(QStringLiteral("SELECT status || ':' || refunded_cents FROM payments WHERE id = %1")
                     .arg(cash->id))
                 .toString(),
             QStringLiteral("refunded:4500"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral(
                     "SELECT string_agg(details->>'amount_cents', ',' ORDER BY id) FROM audit_log WHERE "
                     "action = 'payment.refund' AND entity_id = '%1'")
                     .arg(id))
                 .toString(),
             QStringLiteral("1000,3500"));
    const auto none = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, std::nullopt, QString(), Desk);
    });
    QCOMPARE(none.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(none.error().message().contains(code), qPrintable(none.error().message()));
}

void TestCardRefunds::cardRefundsArePendingWithARequestNewestCardFirst()
{
    const qint64 id = booking(QStringLiteral("completed"), 4500);
    // Paid in three parts, as carwash-server records card successes.
    PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("cash"), 1000,
                                QStringLiteral("now() - interval '3 hours'"));
    const qint64 older = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("terminal"), 1500,
                                                     QStringLiteral("now() - interval '2 hours'"));
    const qint64 newer = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("stripe_checkout"), 2000,
                                                     QStringLiteral("now() - interval '1 hour'"));
    const auto refund = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, 2600, QStringLiteral("wrong wash"), Desk);
    });
    QVERIFY2(refund.ok(), describe(refund).constData());
    QCOMPARE(refund->parts.size(), 2);
    QCOMPARE(refund->parts[0].paymentId, newer);
    QCOMPARE(refund->parts[0].amountCents, 2000);
    QCOMPARE(refund->parts[1].paymentId, older);
    QCOMPARE(refund->parts[1].amountCents, 600);
    for (const RefundPart &p : refund->parts) {
        QCOMPARE(p.method, QStringLiteral("card"));
        QCOMPARE(p.status, QStringLiteral("pending"));
        QCOMPARE(sql(QStringLiteral(
                         "SELECT concat_ws('|', r.status, r.method, r.amount_cents, r.idempotency_key, "
                         "q.kind, q.booking_id, q.payment_id, q.idempotency_key, q.status) FROM refunds r "
                         "JOIN payment_requests q ON q.refund_id = r.id WHERE r.id = %1 AND q.id = %2")
                         .arg(p.refundId)
                         .arg(p.requestId))
                     .toString(),
                 QStringLiteral("pending|card|%1|refund-%2|refund|%3|%4|refund-%2|pending")
                     .arg(p.amountCents)
                     .arg(p.refundId)
                     .arg(id)
                     .arg(p.paymentId));
    }
    QCOMPARE(refund->requestIds().size(), 2);
    // Pending refunds are not yet money back: the payments are unchanged.
    QCOMPARE(
        sql(QStringLiteral("SELECT sum(refunded_cents) FROM payments WHERE booking_id = %1").arg(id)).toInt(),
        0);
    // What is left: 900 on the reader's payment, then the cash.
    const auto rest = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, std::nullopt, QString(), Desk);
    });
    QVERIFY2(rest.ok(), describe(rest).constData());
    QCOMPARE(rest->totalCents, 1900);
    QCOMPARE(rest->parts.size(), 2);
    QCOMPARE(rest->parts[0].paymentId, older);
    QCOMPARE(rest->parts[0].amountCents, 900);
    QCOMPARE(rest->parts[1].method, QStringLiteral("cash"));
    QCOMPARE(rest->parts[1].amountCents, 1000);
}

void TestCardRefunds::refundLimits()
{
    QString code;
    const qint64 id = booking(QStringLiteral("completed"), 3000, &code);
    auto refund = [this, id](std::optional<qint64> cents) {
        return run([id, cents](QSqlDatabase &db) {
            return CardPaymentRequests(db).refundBooking(id, cents, QString(), Desk);
        });
    };
    const auto nothingPaid = refund(std::nullopt);
    QCOMPARE(nothingPaid.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(nothingPaid.error().message().contains(QStringLiteral("Nothing was paid")),
             qPrintable(nothingPaid.error().message()));
    const auto cash = run([id](QSqlDatabase &db) { return PaymentRepo(db).recordCash(id, 3000, Desk); });
    QVERIFY(cash.ok());
    QCOMPARE(refund(0).error().kind(), DbError::Kind::Invalid);
    QCOMPARE(refund(-100).error().kind(), DbError::Kind::Invalid);
    const auto tooMuch = refund(3001);
    QCOMPARE(tooMuch.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(tooMuch.error().message().contains(QStringLiteral("$30.00")),
             qPrintable(tooMuch.error().message()));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM refunds")).toInt(), 0);
    // One payment only, by its id.
    const qint64 p = cash->id;
    const auto byPayment = run(
        [p](QSqlDatabase &db) { return CardPaymentRequests(db).refundPayment(p, 3000, QString(), Desk); });
    QVERIFY2(byPayment.ok(), describe(byPayment).constData());
    QCOMPARE(refund(1).error().kind(), DbError::Kind::Invalid);
}

void TestCardRefunds::aCardRefundWithoutAServerWritesNothing()
{
    const qint64 id = booking(QStringLiteral("completed"), 2000);
    PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("terminal"), 2000, QStringLiteral("now()"));
    const auto blocked = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundBooking(id, 500, QString(), Desk, false);
    });
    QVERIFY2(blocked.ok(), describe(blocked).constData());
    QVERIFY(blocked->blockedForCard);
    QVERIFY(blocked->parts.isEmpty());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM refunds")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.refund'")).toInt(),
             0);
}

QTEST_GUILESS_MAIN(TestCardRefunds)
#include "tst_cardrefunds.moc"
