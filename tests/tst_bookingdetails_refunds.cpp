// Refunds at the desk, end to end through the database: Refund… for
// managers only, partial then the rest, cash at once and card once the
// server has done it. Real windows on the offscreen platform, real
// PostgreSQL; carwash-server's side played through plain SQL
// (BookingDetailsCardFixture).
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "tests/bookingdetailscardfixture.h"
#include "tests/mnemonics.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/refunddialog.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace DeskTest;

class TestBookingDetailsRefunds : public QObject, protected BookingDetailsCardFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_bookingdetails_refunds")); }
    void init() { showDeskWithoutServer(); }
    void cleanup() { closeDesk(); }

    void refundIsForManagersOnly();
    void cashRefundPartThenTheRest();
    void cardRefundWaitsForTheServer();
};

void TestBookingDetailsRefunds::refundIsForManagersOnly()
{
    const qint64 id = book({});
    const qint64 due = price(id);
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, due](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, due, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QVERIFY(!button(dialog, QStringLiteral("bookingRefund"))->isVisible());
    QVERIFY(!dialog->openRefund());
    m_window->signOut();
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    dialog = openLoaded(id);
    QVERIFY(dialog);
    QVERIFY(button(dialog, QStringLiteral("bookingRefund"))->isVisible());
    QVERIFY(Mnemonics::clashes(dialog).isEmpty());
}

void TestBookingDetailsRefunds::cashRefundPartThenTheRest()
{
    const qint64 id = book({});
    const qint64 due = price(id);
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, due](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, due, QStringLiteral("staff:2"));
    }));
    QVERIFY(paid.ok());
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    RefundDialog *refund = dialog->openRefund();
    QVERIFY(refund);
    QCOMPARE(refund->refundablePaymentIds(), QList<qint64> {paid->id});
    QVERIFY(refund->methodText().startsWith(QStringLiteral("Cash")));
    QCOMPARE(refund->amountCents(), std::optional<qint64>(due)); // all that is left
    QVERIFY(Mnemonics::clashes(refund).isEmpty());
    // A reason is required; more than is left is refused; neither writes.
    refund->setAmountText(QStringLiteral("10.00"));
    QVERIFY(!refund->refund());
    QVERIFY(refund->messageText().contains(QStringLiteral("Give a reason")));
    refund->setReason(QStringLiteral("wash not finished"));
    refund->setAmountText(QLocale().toString(double(due + 1) / 100.0, 'f', 2));
    QVERIFY(!refund->refund());
    QVERIFY(refund->messageText().contains(QStringLiteral("more than is left")));
    refund->setAmountText(QStringLiteral("ten"));
    QVERIFY(!refund->refund());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds WHERE payment_id = %1").arg(paid->id)), 0);

    refund->setAmountText(QStringLiteral("10.00"));
    QSignalSpy finished(refund, &RefundDialog::finishedRefund);
    QVERIFY(refund->refund());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(refund->messageText(), QStringLiteral("$10.00 refunded in cash: hand it back to the customer."));
    QCOMPARE(sql(QStringLiteral(
                     "SELECT concat_ws('|', method, status, amount_cents, reason, created_by) FROM refunds "
                     "WHERE payment_id = %1")
                     .arg(paid->id))
                 .toString(),
             QStringLiteral("cash|succeeded|1000|wash not finished|%1").arg(m_window->signedIn()->actor()));
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = 'payment.refund'")
                       .arg(id)),
             1);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->details()->paidCents, due - 1000, kNoHangMs);
    QTRY_VERIFY(!dialog->isBusy());
    refund->close();
    QTRY_VERIFY(dialog->findChildren<RefundDialog *>().isEmpty());

    // The rest: offered as the default.
    refund = dialog->openRefund();
    QVERIFY(refund);
    QCOMPARE(refund->amountCents(), std::optional<qint64>(due - 1000));
    refund->setReason(QStringLiteral("customer left"));
    QSignalSpy rest(refund, &RefundDialog::finishedRefund);
    QVERIFY(refund->refund());
    QTRY_COMPARE_WITH_TIMEOUT(rest.count(), 1, kNoHangMs);
    QCOMPARE(rest.first().first().toBool(), true);
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', status, refunded_cents) FROM payments WHERE id = %1")
                     .arg(paid->id))
                 .toString(),
             QStringLiteral("refunded|%1").arg(due));
    QTRY_VERIFY(!dialog->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!button(dialog, QStringLiteral("bookingRefund"))->isVisible(), kNoHangMs);
}

void TestBookingDetailsRefunds::cardRefundWaitsForTheServer()
{
    serverReports();
    const qint64 id = book({});
    const qint64 due = price(id);
    auto started = await(m_pool->withConnection(QStringLiteral("checkout"), [id](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(id, QStringLiteral("staff:2"), QStringLiteral("en"));
    }));
    QVERIFY2(started.ok(), describe(started).constData());
    answer(started->requestId);
    paymentSucceeded(started->paymentId);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Morgan Lee")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    RefundDialog *refund = dialog->openRefund();
    QVERIFY(refund);
    QVERIFY(refund->methodText().startsWith(QStringLiteral("Card")));
    refund->setAmountText(QStringLiteral("5.50"));
    refund->setReason(QStringLiteral("scratched mirror"));
    QSignalSpy finished(refund, &RefundDialog::finishedRefund);
    QVERIFY(refund->refund());
    // Written and asked for; the dialog waits for the server.
    QTRY_VERIFY_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM refunds WHERE payment_id = %1 AND status = "
                             "'pending' AND amount_cents = 550")
                  .arg(started->paymentId))
            == 1,
        kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(refund->messageText().contains(QStringLiteral("Asking Stripe to refund $5.50")),
                             kNoHangMs);
    QVERIFY(refund->isBusy());
    QCOMPARE(finished.count(), 0);
    const qint64 refundId
        = count(QStringLiteral("SELECT id FROM refunds WHERE payment_id = %1").arg(started->paymentId));
    const qint64 request
        = count(QStringLiteral("SELECT id FROM payment_requests WHERE refund_id = %1").arg(refundId));
    // The server carried it out at Stripe.
    sql(QStringLiteral(
            "UPDATE refunds SET status = 'succeeded', succeeded_at = now(), stripe_refund_id = 're_desk%1' "
            "WHERE id = %1; UPDATE payments SET refunded_cents = refunded_cents + 550 WHERE id = %2")
            .arg(refundId)
            .arg(started->paymentId));
    answer(request, QStringLiteral("{\"refund_id\": \"re_desk%1\"}").arg(refundId));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(refund->messageText(), QStringLiteral("$5.50 refunded to the card."));
    QVERIFY(!refund->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(dialog->details()->paidCents, due - 550, kNoHangMs);
    refund->close();
    QTRY_VERIFY(dialog->findChildren<RefundDialog *>().isEmpty());

    // The rest, refused by Stripe: said in its words.
    QTRY_VERIFY(!dialog->isBusy());
    refund = dialog->openRefund();
    QVERIFY(refund);
    QCOMPARE(refund->amountCents(), std::optional<qint64>(due - 550));
    refund->setReason(QStringLiteral("customer unhappy"));
    QSignalSpy refused(refund, &RefundDialog::finishedRefund);
    QVERIFY(refund->refund());
    qint64 second = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (second = count(QStringLiteral("SELECT coalesce(max(r.id), 0) FROM payment_requests AS r "
                                       "JOIN refunds AS f ON f.id = r.refund_id WHERE "
                                       "f.payment_id = %1 AND f.status = 'pending'")
                            .arg(started->paymentId)))
            > 0,
        kNoHangMs);
    sql(QStringLiteral("UPDATE payment_requests SET status = 'failed', error_code = 'charge_disputed', "
                       "error_message = 'Charge ch_1 has been charged back; cannot issue a refund.', "
                       "answered_at = now() WHERE id = %1")
            .arg(second));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, kNoHangMs);
    QCOMPARE(refused.first().first().toBool(), false);
    QCOMPARE(
        refund->messageText(),
        QStringLiteral(
            "Stripe refused the card refund: Charge ch_1 has been charged back; cannot issue a refund."));
}

QTEST_MAIN(TestBookingDetailsRefunds)
#include "tst_bookingdetails_refunds.moc"
