// Card payments at the desk, end to end through the database: Card… says
// why card payment is unavailable when no carwash-server reports and starts
// nothing; with one reporting, the QR code of the Checkout link, paid, the
// booking reloaded; the desk's reader declined, then cancelled; Stripe's
// refusal shown; the window turning while the check waits on a lock. Real
// windows on the offscreen platform, real PostgreSQL.
//
// carwash-server's side is played here through plain SQL
// (BookingDetailsCardFixture). The end-to-end test with the real
// carwash-server and the fake Stripe replaces this stand-in once the server
// lands.
// theServersNewsArrivesByListen writes those answers with the server's own
// database code instead (PaymentRequestQueue, StripeEventRepo) and shows
// the desk hears them through payments_changed, not by polling.
#include "db/notify/bookingchangelistener.h"
#include "db/payments/paymentrequestqueue.h"
#include "db/payments/stripeeventrepo.h"
#include "db/payments/stripeupdate.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"
#include "tests/bookingdetailscardfixture.h"
#include "tests/mnemonics.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/cardpaymentdialog.h"

#include <QLabel>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace DeskTest;

class TestBookingDetailsCard : public QObject, protected BookingDetailsCardFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_bookingdetails_card")); }
    void init() { showDeskWithoutServer(); }
    void cleanup() { closeDesk(); }

    void cardIsUnavailableWithoutAPaymentServer();
    void qrCodeOfTheCheckoutLinkThenPaid();
    void readerDeclinedThenCancelled();
    void aRefusedRequestShowsStripesMessage();
    void theWindowTurnsWhileTheCheckWaits();
    void theServersNewsArrivesByListen();
};

// --- card payments ---------------------------------------------------------

void TestBookingDetailsCard::cardIsUnavailableWithoutAPaymentServer()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QVERIFY(button(dialog, QStringLiteral("bookingTakeCard"))->isVisible());
    CardPaymentDialog *card = openCard(dialog);
    QVERIFY(card);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Unavailable);
    QVERIFY2(
        card->unavailableText().contains(QStringLiteral("no payment server (carwash-server) is running")),
        qPrintable(card->unavailableText()));
    QVERIFY(card->unavailableText().contains(QStringLiteral("cash")));
    // Nothing else is offered, and nothing was started.
    QVERIFY(!card->payOnReader());
    QVERIFY(!card->payByQrCode());
    QVERIFY(!button(card, QStringLiteral("cardByQrCode"))->isVisible());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE booking_id = %1").arg(id)), 0);

    // A server that fell silent three minutes ago is no better.
    card->close();
    QTRY_VERIFY(dialog->findChildren<CardPaymentDialog *>().isEmpty()); // gone, not reused
    sql(QStringLiteral(
        "INSERT INTO process_health (host, pid, started_at, program, snapshot, updated_at) "
        "VALUES ('payments-host', 1, now(), 'carwash-server', '{}', now() - interval '3 minutes')"));
    card = openCard(dialog);
    QVERIFY(card);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Unavailable);
    QVERIFY2(card->unavailableText().contains(QStringLiteral("has reported for 3 minutes")),
             qPrintable(card->unavailableText()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payment_requests WHERE booking_id = %1").arg(id)), 0);
}

void TestBookingDetailsCard::qrCodeOfTheCheckoutLinkThenPaid()
{
    serverReports();
    const qint64 id = book({});
    const qint64 due = price(id);
    // Held for ten more minutes: the hold ends the session before its own
    // thirty minutes, so the time left counts to the hold.
    sql(QStringLiteral("UPDATE bookings SET status = 'held', hold_expires_at = now() + interval '10 minutes' "
                       "WHERE id = %1")
            .arg(id));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    CardPaymentDialog *card = openCard(dialog);
    QVERIFY(card);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Choose);
    // No reader is assigned to this desk: only the phone is offered.
    QVERIFY(!card->offersReader());
    QVERIFY(card->findChild<QLabel *>(QStringLiteral("cardNoReader"))
                ->text()
                .contains(CardPaymentDialog::deskName()));
    QVERIFY(!card->payOnReader());
    QVERIFY(Mnemonics::clashes(card).isEmpty());

    QVERIFY(card->payByQrCode());
    QTRY_COMPARE_WITH_TIMEOUT(card->page(), CardPaymentDialog::Page::QrCode, kNoHangMs);
    const qint64 paymentId = card->paymentId();
    QVERIFY(paymentId > 0);
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', method, status, amount_cents, created_by) FROM payments "
                           "WHERE id = %1")
                .arg(paymentId))
            .toString(),
        QStringLiteral("stripe_checkout|pending|%1|%2").arg(due).arg(m_window->signedIn()->actor()));
    const qint64 request = lastRequest(paymentId, QStringLiteral("checkout"));
    QCOMPARE(card->requestId(), request);
    QCOMPARE(sql(QStringLiteral("SELECT locale FROM payment_requests WHERE id = %1").arg(request)).toString(),
             QStringLiteral("en"));
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("payment link")), kNoHangMs);
    QVERIFY(card->qrImage().isNull());

    // The server made the session.
    const QString url = QStringLiteral("https://checkout.stripe.com/c/pay/cs_test_desk%1").arg(paymentId);
    sql(QStringLiteral(
            "UPDATE payments SET stripe_checkout_session_id = 'cs_test_desk%1', checkout_url = '%2', "
            "checkout_expires_at = now() + interval '30 minutes' WHERE id = %1")
            .arg(paymentId)
            .arg(url));
    answer(request,
           QStringLiteral("{\"session_id\": \"cs_test_desk%1\", \"url\": \"%2\"}").arg(paymentId).arg(url));
    QTRY_COMPARE_WITH_TIMEOUT(card->checkoutUrl(), url, kNoHangMs);
    QCOMPARE(card->findChild<QLabel *>(QStringLiteral("cardQrLink"))->text(), url);
    QCOMPARE(card->qrImage().convertToFormat(QImage::Format_RGB32),
             QrCodeImage::render(url, 6).convertToFormat(QImage::Format_RGB32));
    QVERIFY(card->stateText().contains(QStringLiteral("Waiting for the customer")));
    const QString left = card->findChild<QLabel *>(QStringLiteral("cardQrTimeLeft"))->text();
    QVERIFY2(left.startsWith(QStringLiteral("9:")) || left.startsWith(QStringLiteral("10:")),
             qPrintable(left));
    QVERIFY(left.endsWith(QStringLiteral(" left")));

    // Paid on the phone: the dialog says so, the booking reloads paid.
    QSignalSpy paid(card, &CardPaymentDialog::paid);
    paymentSucceeded(paymentId);
    QTRY_COMPARE_WITH_TIMEOUT(paid.count(), 1, kNoHangMs);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Paid);
    QCOMPARE(card->stateText(),
             QStringLiteral("Paid: %1 by card.").arg(Money::format(due, QStringLiteral("USD"))));
    QVERIFY(button(card, QStringLiteral("cardPrintReceipt"))->isVisible());
    QVERIFY(button(card, QStringLiteral("cardSaveReceipt"))->isVisible());
    QVERIFY(Mnemonics::clashes(card).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(dialog->findChild<QLabel *>(QStringLiteral("bookingField_payment"))->text(),
                              QStringLiteral("Paid"), kNoHangMs);
    QTRY_VERIFY(!dialog->isBusy());
    QVERIFY(!button(dialog, QStringLiteral("bookingTakeCard"))->isVisible());
    QVERIFY(!button(dialog, QStringLiteral("bookingTakeCash"))->isVisible());
    QVERIFY(button(dialog, QStringLiteral("bookingPrintReceipt"))->isVisible());
    // Polling stopped with the final state: no more reads are asked for.
    QVERIFY(!card->isBusy());
}

void TestBookingDetailsCard::readerDeclinedThenCancelled()
{
    serverReports();
    const QString reader = QStringLiteral("tmr_deskreader1");
    sql(QStringLiteral("INSERT INTO card_readers (id, label, assigned_kind, assigned_to) "
                       "VALUES ('%1', 'Front desk', 'desk', '%2')")
            .arg(reader, CardPaymentDialog::deskName()));
    const qint64 id = book({});
    const qint64 due = price(id);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    CardPaymentDialog *card = openCard(dialog);
    QVERIFY(card);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Choose);
    QVERIFY(card->offersReader());
    QCOMPARE(card->reader()->id, reader);

    QVERIFY(card->payOnReader());
    QTRY_COMPARE_WITH_TIMEOUT(card->page(), CardPaymentDialog::Page::Reader, kNoHangMs);
    const qint64 first = card->paymentId();
    QCOMPARE(card->findChild<QLabel *>(QStringLiteral("cardReaderAmount"))->text(),
             Money::format(due, QStringLiteral("USD")));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', method, status, amount_cents, stripe_terminal_reader_id) "
                           "FROM payments WHERE id = %1")
                .arg(first))
            .toString(),
        QStringLiteral("terminal|pending|%1|%2").arg(due).arg(reader));
    const qint64 request = lastRequest(first, QStringLiteral("reader_payment"));
    QVERIFY(request > 0);
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("Sending the amount to the reader")),
                             kNoHangMs);

    // Sent to the reader, then the card declined: not final at Stripe.
    sql(QStringLiteral("UPDATE payments SET stripe_payment_intent_id = 'pi_test_desk%1' WHERE id = %1")
            .arg(first));
    answer(request, QStringLiteral("{\"payment_intent_id\": \"pi_test_desk%1\"}").arg(first));
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("Waiting for the card")), kNoHangMs);
    QVERIFY(!button(card, QStringLiteral("cardReaderRetry"))->isVisible());
    sql(QStringLiteral("UPDATE payments SET failure_reason = 'Your card was declined.' WHERE id = %1")
            .arg(first));
    QTRY_COMPARE_WITH_TIMEOUT(card->progress().state(), CardPaymentProgress::State::Declined, kNoHangMs);
    QCOMPARE(card->stateText(),
             QStringLiteral("Declined: Your card was declined. Try again with another card, or take cash."));
    QVERIFY(button(card, QStringLiteral("cardReaderRetry"))->isVisible());
    QVERIFY(Mnemonics::clashes(card).isEmpty());

    // Another card: the declined attempt ends and a fresh one goes out.
    QVERIFY(card->tryAgain());
    QTRY_VERIFY_WITH_TIMEOUT(card->paymentId() != first, kNoHangMs);
    const qint64 second = card->paymentId();
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(first)).toString(),
             QStringLiteral("cancelled"));
    QVERIFY(lastRequest(first, QStringLiteral("cancel")) > 0);
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(second)).toString(),
             QStringLiteral("pending"));
    answer(lastRequest(second, QStringLiteral("reader_payment")));
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("Waiting for the card")), kNoHangMs);

    // Cancel at the desk: the payment ends, the server is asked to cancel
    // the reader's action.
    QSignalSpy cancelled(card, &CardPaymentDialog::cancelled);
    QTest::mouseClick(button(card, QStringLiteral("cardReaderCancel")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(card->progress().state(), CardPaymentProgress::State::Cancelled, kNoHangMs);
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', kind, reader_id, idempotency_key, status) FROM "
                                "payment_requests WHERE id = %1")
                     .arg(lastRequest(second, QStringLiteral("cancel"))))
                 .toString(),
             QStringLiteral("cancel|%1|payment-%2-cancel|pending").arg(reader).arg(second));
    QVERIFY(card->stateText().contains(QStringLiteral("cancelled; nothing was charged")));
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1 AND status = 'succeeded'")
                  .arg(id)),
        0);
    QVERIFY(button(card, QStringLiteral("cardReaderRetry"))->isVisible());
    QVERIFY(!button(card, QStringLiteral("cardReaderCancel"))->isEnabled());
    // The booking still owes it all and offers both ways again.
    QTRY_VERIFY(!dialog->isBusy());
    QCOMPARE(dialog->details()->dueCents(), due);
    QVERIFY(button(dialog, QStringLiteral("bookingTakeCard"))->isVisible());
}

void TestBookingDetailsCard::aRefusedRequestShowsStripesMessage()
{
    serverReports();
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    CardPaymentDialog *card = openCard(dialog);
    QVERIFY(card);
    QVERIFY(card->payByQrCode());
    QTRY_COMPARE_WITH_TIMEOUT(card->page(), CardPaymentDialog::Page::QrCode, kNoHangMs);
    const qint64 paymentId = card->paymentId();
    // Stripe refused the session; the server fails the request with its
    // message and the payment with it.
    const QString stripe = QStringLiteral("Invalid API Key provided: sk_test_****1234");
    sql(QStringLiteral("UPDATE payment_requests SET status = 'failed', error_code = 'invalid_request_error', "
                       "error_message = '%1', answered_at = now() WHERE id = %2; "
                       "UPDATE payments SET status = 'failed', failure_reason = '%1' WHERE id = %3")
            .arg(stripe)
            .arg(card->requestId())
            .arg(paymentId));
    QTRY_COMPARE_WITH_TIMEOUT(card->progress().state(), CardPaymentProgress::State::Failed, kNoHangMs);
    QCOMPARE(card->stateText(),
             QStringLiteral("The card payment failed: %1 Try again, or take cash.").arg(stripe));
    QVERIFY(card->qrImage().isNull());
    QVERIFY(button(card, QStringLiteral("cardQrRetry"))->isVisible());
    QVERIFY(!button(card, QStringLiteral("cardQrCancel"))->isEnabled());
    // A new link is a new payment and a new request.
    QVERIFY(card->tryAgain());
    QTRY_VERIFY_WITH_TIMEOUT(card->paymentId() != paymentId && card->paymentId() > 0, kNoHangMs);
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payment_requests WHERE id = %1").arg(card->requestId()))
                 .toString(),
             QStringLiteral("pending"));
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("payment link")), kNoHangMs);
}

// --- the GUI thread ------------------------------------------------------

void TestBookingDetailsCard::theWindowTurnsWhileTheCheckWaits()
{
    serverReports();
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    // Another connection holds process_health: the availability check waits
    // on it, the window does not.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool locker(lockerConfig);
    bool granted = false;
    auto lock = m_site.holdTableLocked(locker, QStringLiteral("process_health"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });
    CardPaymentDialog *card = dialog->openCardPayment();
    QVERIFY(card);
    const QString checkQuery = QStringLiteral("FROM process_health WHERE program");
    QTRY_VERIFY_WITH_TIMEOUT(m_site.waitingOnALock({}, checkQuery) >= 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QVERIFY(m_site.waitingOnALock({}, checkQuery) >= 1);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Checking);
    QVERIFY(card->isBusy());
    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QTRY_VERIFY_WITH_TIMEOUT(lock.isFinished(), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(card->page(), CardPaymentDialog::Page::Choose, kNoHangMs);
}

void TestBookingDetailsCard::theServersNewsArrivesByListen()
{
    serverReports();
    const qint64 id = book({});
    const qint64 due = price(id);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QVERIFY(m_window->bookingListener());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bookingListener()->isListening(), kNoHangMs);
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    CardPaymentDialog *card = openCard(dialog);
    QVERIFY(card);
    // No fallback poll within the test: what changes on screen came by LISTEN.
    card->setPollInterval(24 * 3600 * 1000);
    QVERIFY(card->payByQrCode());
    QTRY_VERIFY_WITH_TIMEOUT(card->stateText().contains(QStringLiteral("payment link")), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!card->isBusy(), kNoHangMs);
    const qint64 paymentId = card->paymentId();
    const qint64 requestId = card->requestId();
    QVERIFY(paymentId > 0 && requestId > 0);

    // The server claims the request, records the session it made and
    // answers: payments_changed.
    const QString url = QStringLiteral("https://checkout.stripe.com/c/pay/cs_test_listen%1").arg(paymentId);
    const QString sessionId = QStringLiteral("cs_test_listen%1").arg(paymentId);
    const auto answered
        = m_pool
              ->withConnection(
                  QStringLiteral("test.server"),
                  [&](QSqlDatabase &db) {
                      PaymentRequestQueue queue(db);
                      // Earlier tests' requests wait in the queue too: the server takes them all.
                      const QList<PaymentRequest> claimed = queue.claim(100);
                      if (std::none_of(claimed.begin(), claimed.end(),
                                       [requestId](const PaymentRequest &r) { return r.id == requestId; }))
                          return false;
                      queue.recordCheckoutSession(paymentId, sessionId, url,
                                                  QDateTime::currentDateTimeUtc().addSecs(31 * 60));
                      return queue.complete(requestId,
                                            QJsonObject {{QStringLiteral("session_id"), sessionId},
                                                         {QStringLiteral("url"), url}});
                  })
              .result();
    QVERIFY2(answered.ok() && answered.value(), qPrintable(answered.error().message()));
    QTRY_COMPARE_WITH_TIMEOUT(card->checkoutUrl(), url, kNoHangMs);
    QCOMPARE(card->page(), CardPaymentDialog::Page::QrCode);

    // Stripe's news that the customer paid, applied as the server applies it.
    QSignalSpy paid(card, &CardPaymentDialog::paid);
    StripeUpdate update;
    update.object = StripeUpdate::Object::CheckoutSession;
    update.checkoutSessionId = sessionId;
    update.paymentId = paymentId;
    update.bookingId = id;
    update.sessionStatus = QStringLiteral("complete");
    update.sessionPaymentStatus = QStringLiteral("paid");
    update.amountCents = due;
    update.currency = QStringLiteral("USD");
    const auto applied = m_pool
                             ->withConnection(QStringLiteral("test.server"),
                                              [&](QSqlDatabase &db) {
                                                  return StripeEventRepo(db).applyReconciled(update).result
                                                      == StripeEventOutcome::Result::Applied;
                                              })
                             .result();
    QVERIFY2(applied.ok() && applied.value(), qPrintable(applied.error().message()));
    QTRY_COMPARE_WITH_TIMEOUT(paid.count(), 1, kNoHangMs);
    QCOMPARE(card->page(), CardPaymentDialog::Page::Paid);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->findChild<QLabel *>(QStringLiteral("bookingField_payment"))->text(),
                              QStringLiteral("Paid"), kNoHangMs);
}

QTEST_MAIN(TestBookingDetailsCard)
#include "tst_bookingdetails_card.moc"
