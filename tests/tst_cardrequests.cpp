// Asking for card work as desks, kiosks and carwash-admin do, against a real
// PostgreSQL: the payment and request rows with their ids and idempotency
// keys, reuse of a live Checkout session, one live way of paying (switching
// or taking cash cancels the other), cancels, reconcile requests, polling a
// request, whether a carwash-server is there to answer (process_health rows
// published as a server publishes them), and the card readers. Refunds are
// in tst_cardrefunds.
#include "db/health/processhealthrepo.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/readerrepo.h"
#include "tests/harness/notifyrecorder.h"
#include "tests/harness/testnames.h"
#include "tests/paymentsfixture.h"

#include <QSet>
#include <QTest>

using TestNames::describe;

class TestCardRequests : public QObject, private PaymentsDbFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startPayments(QStringLiteral("tst_cardrequests"), &error), qPrintable(error));
    }
    void init() { resetPayments(); }
    void cleanupTestCase() { stopPayments(); }

    void checkoutWritesThePaymentAndTheRequestWithTheirKeysAndNotifies();
    void aLiveCheckoutIsReusedUntilItExpires();
    void desksAskingAtOnceShareOnePayment();
    void startingTheReaderCancelsTheCheckoutAndBack();
    void refusedWhenTheBookingCannotBePaid();
    void cashAtTheDeskCancelsAPendingCardPayment();
    void cancelEndsAPendingCardPaymentOnly();
    void reconcileAndPollingARequest();
    void availabilityFollowsTheServersHealthRows();
    void readersOnePerDevice();

private:
    ProcessIdentity server(qint64 pid) const;
    const QString m_reader = FrontReader;
};

ProcessIdentity TestCardRequests::server(qint64 pid) const
{
    ProcessIdentity p;
    p.program = QStringLiteral("carwash-server");
    p.host = QStringLiteral("backoffice");
    p.pid = pid;
    p.startedAt = QDateTime::fromMSecsSinceEpoch(1765000000000 + pid, Qt::UTC);
    return p;
}

void TestCardRequests::checkoutWritesThePaymentAndTheRequestWithTheirKeysAndNotifies()
{
    // The server's LISTEN.
    {
        const NotifyRecorder listener(m_cluster.config(), {QStringLiteral("payment_requests")});
        QVERIFY(listener.isListening());

        const qint64 id = booking(QStringLiteral("confirmed"), 4500);
        auto started = run([id](QSqlDatabase &db) {
            return CardPaymentRequests(db).startCheckout(id, Desk, QStringLiteral("de"));
        });
        QVERIFY2(started.ok(), describe(started).constData());
        QVERIFY(!started->reused);
        QCOMPARE(started->amountCents, 4500);
        QCOMPARE(started->currency, QStringLiteral("USD"));
        QVERIFY(started->cancelledPaymentIds.isEmpty());
        const qint64 p = started->paymentId;
        const qint64 r = started->requestId;
        const QString key = QStringLiteral("payment-%1-checkout").arg(p);
        // The charge as cash records it: 8.25 % included in 45.00 is 3.43.
        QCOMPARE(sql(QStringLiteral(
                         "SELECT concat_ws('|', booking_id, method, status, amount_cents, currency, "
                         "idempotency_key, created_by, tax_rate_basis_points, prices_include_tax, "
                         "net_cents, tax_cents, gross_cents, paid_at IS NULL) FROM payments WHERE id = %1")
                         .arg(p))
                     .toString(),
                 QStringLiteral("%1|stripe_checkout|pending|4500|USD|%2|staff:7|825|t|4157|343|4500|t")
                     .arg(id)
                     .arg(key));
        QCOMPARE(
            sql(QStringLiteral("SELECT concat_ws('|', kind, booking_id, payment_id, coalesce(refund_id, 0), "
                               "coalesce(reader_id, '-'), locale, idempotency_key, status, attempts, "
                               "requested_by, answered_at IS NULL) FROM payment_requests WHERE id = %1")
                    .arg(r))
                .toString(),
            QStringLiteral("checkout|%1|%2|0|-|de|%3|pending|0|staff:7|t").arg(id).arg(p).arg(key));
        QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 1);
        QCOMPARE(sql(QStringLiteral(
                         "SELECT concat_ws('|', actor, details->>'payment_id', details->>'request_id', "
                         "details->>'tax_cents') FROM audit_log WHERE action = 'payment.card_requested' "
                         "AND entity_id = '%1'")
                         .arg(id))
                     .toString(),
                 QStringLiteral("staff:7|%1|%2|343").arg(p).arg(r));
        QTRY_COMPARE(listener.payloads(QStringLiteral("payment_requests")), QStringList {QString::number(r)});
    }
}

void TestCardRequests::aLiveCheckoutIsReusedUntilItExpires()
{
    const qint64 id = booking(QStringLiteral("held"), 3000);
    auto ask = [this, id] {
        return run([id](QSqlDatabase &db) { return CardPaymentRequests(db).startCheckout(id, Desk, {}); });
    };
    const auto first = ask();
    QVERIFY2(first.ok(), describe(first).constData());
    // Still with the server: the same payment and request, nothing new.
    const auto again = ask();
    QVERIFY(again->reused);
    QCOMPARE(again->paymentId, first->paymentId);
    QCOMPARE(again->requestId, first->requestId);
    // Answered (as carwash-server does): the session's URL, 30 minutes left.
    sql(QStringLiteral("UPDATE payments SET stripe_checkout_session_id = 'cs_test_1', checkout_url = "
                       "'https://checkout.stripe.com/c/pay/cs_test_1', checkout_expires_at = now() + "
                       "interval '30 minutes' WHERE id = %1; UPDATE payment_requests SET status = 'done', "
                       "answered_at = now() WHERE id = %2")
            .arg(first->paymentId)
            .arg(first->requestId));
    const auto open = ask();
    QVERIFY(open->reused);
    QCOMPARE(open->paymentId, first->paymentId);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments")).toInt(), 1);
    // Expired: a new session; the old one cancelled, and since it reached
    // Stripe, a cancel request expires it there.
    sql(QStringLiteral("UPDATE payments SET checkout_expires_at = now() - interval '1 minute' WHERE id = %1")
            .arg(first->paymentId));
    const auto fresh = ask();
    QVERIFY2(fresh.ok(), describe(fresh).constData());
    QVERIFY(!fresh->reused);
    QVERIFY(fresh->paymentId != first->paymentId);
    QCOMPARE(fresh->cancelledPaymentIds, QList<qint64> {first->paymentId});
    QCOMPARE(
        sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(first->paymentId)).toString(),
        QStringLiteral("cancelled"));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', booking_id, status, idempotency_key) FROM payment_requests "
                           "WHERE kind = 'cancel' AND payment_id = %1")
                .arg(first->paymentId))
            .toString(),
        QStringLiteral("%1|pending|payment-%2-cancel").arg(id).arg(first->paymentId));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE status = 'pending'")).toInt(), 1);
}

void TestCardRequests::desksAskingAtOnceShareOnePayment()
{
    // Eight asks (a double tap, several desks) through the pool at once:
    // the booking's lock makes them take turns, so one payment, one
    // request, and every ask answered with them.
    const qint64 id = booking(QStringLiteral("confirmed"), 3500);
    QList<QFuture<DbResult<CardPaymentStart>>> asks;
    for (int i = 0; i < 8; ++i)
        asks.append(m_pool->withRetry(
            QStringLiteral("test.checkout"), RetryPolicy::critical(), [id](QSqlDatabase &db) {
                return CardPaymentRequests(db).startCheckout(id, Desk, QStringLiteral("en"));
            }));
    QSet<qint64> payments;
    int fresh = 0;
    for (auto &ask : asks) {
        const DbResult<CardPaymentStart> started = ask.result();
        QVERIFY2(started.ok(), describe(started).constData());
        payments.insert(started->paymentId);
        fresh += started->reused ? 0 : 1;
    }
    QCOMPARE(payments.size(), 1);
    QCOMPARE(fresh, 1);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 1);
    QCOMPARE(
        sql(QStringLiteral("SELECT count(*) FROM payment_requests WHERE booking_id = %1").arg(id)).toInt(),
        1);
}

void TestCardRequests::startingTheReaderCancelsTheCheckoutAndBack()
{
    const qint64 id = booking(QStringLiteral("confirmed"), 2500);
    const auto checkout = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(id, Desk, QStringLiteral("en"));
    });
    QVERIFY2(checkout.ok(), describe(checkout).constData());
    // The checkout request never left the queue: it is failed as cancelled,
    // and nothing at Stripe needs cancelling.
    const QString reader = m_reader;
    const auto onReader = run([id, reader](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(id, reader, Desk);
    });
    QVERIFY2(onReader.ok(), describe(onReader).constData());
    QCOMPARE(onReader->cancelledPaymentIds, QList<qint64> {checkout->paymentId});
    QCOMPARE(
        sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(checkout->paymentId)).toString(),
        QStringLiteral("cancelled"));
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', status, error_code, answered_at IS NOT NULL) FROM "
                                "payment_requests WHERE id = %1")
                     .arg(checkout->requestId))
                 .toString(),
             QStringLiteral("failed|cancelled|t"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'cancel'")).toInt(), 0);
    const qint64 t = onReader->paymentId;
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', method, status, amount_cents, stripe_terminal_reader_id, "
                           "idempotency_key) FROM payments WHERE id = %1")
                .arg(t))
            .toString(),
        QStringLiteral("terminal|pending|2500|%1|payment-%2-reader_payment").arg(m_reader).arg(t));
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', kind, payment_id, reader_id, coalesce(locale, '-'), "
                                "idempotency_key) FROM payment_requests WHERE id = %1")
                     .arg(onReader->requestId))
                 .toString(),
             QStringLiteral("reader_payment|%1|%2|-|payment-%1-reader_payment").arg(t).arg(m_reader));
    // The same reader again while it waits for the card: the same payment.
    const auto same = run([id, reader](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(id, reader, Desk);
    });
    QVERIFY(same->reused);
    QCOMPARE(same->paymentId, t);

    // The server is at the reader now: back to Checkout cancels it there.
    sql(QStringLiteral("UPDATE payment_requests SET status = 'working' WHERE id = %1")
            .arg(onReader->requestId));
    const auto back = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(id, Desk, QStringLiteral("en"));
    });
    QVERIFY2(back.ok(), describe(back).constData());
    QCOMPARE(back->cancelledPaymentIds, QList<qint64> {t});
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', status, coalesce(reader_id, '-'), idempotency_key) FROM "
                           "payment_requests WHERE kind = 'cancel' AND payment_id = %1")
                .arg(t))
            .toString(),
        QStringLiteral("pending|%1|payment-%2-cancel").arg(m_reader).arg(t));
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payment_requests WHERE id = %1").arg(onReader->requestId))
                 .toString(),
             QStringLiteral("working")); // the server's to finish
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(method || ':' || status, ',' ORDER BY id) FROM payments "
                                "WHERE booking_id = %1")
                     .arg(id))
                 .toString(),
             QStringLiteral("stripe_checkout:cancelled,terminal:cancelled,stripe_checkout:pending"));
}

void TestCardRequests::refusedWhenTheBookingCannotBePaid()
{
    auto checkout = [this](qint64 id) {
        return run([id](QSqlDatabase &db) { return CardPaymentRequests(db).startCheckout(id, Desk, {}); });
    };
    for (const QString &status :
         {QStringLiteral("cancelled"), QStringLiteral("no_show"), QStringLiteral("expired")}) {
        QString code;
        const auto refused = checkout(booking(status, 2000, &code));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind(), DbError::Kind::Invalid);
        QVERIFY2(refused.error().message().contains(code), qPrintable(refused.error().message()));
    }
    // Paid in cash already: nothing is owed.
    const qint64 paid = booking(QStringLiteral("confirmed"), 2000);
    QVERIFY(run([paid](QSqlDatabase &db) { return PaymentRepo(db).recordCash(paid, 2000, Desk); }).ok());
    const auto nothingDue = checkout(paid);
    QCOMPARE(nothingDue.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(nothingDue.error().message().contains(QStringLiteral("nothing is due")),
             qPrintable(nothingDue.error().message()));
    QCOMPARE(checkout(999999).error().kind(), DbError::Kind::NotFound);
    const qint64 id = booking(QStringLiteral("confirmed"), 2000);
    const auto noReader = run([id](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(id, QStringLiteral("tmr_Unknown"), Desk);
    });
    QCOMPARE(noReader.error().kind(), DbError::Kind::NotFound);
    // An asynchronous payment settling is not cancelled by a second ask.
    const auto started = checkout(id);
    sql(QStringLiteral("UPDATE payments SET status = 'processing' WHERE id = %1").arg(started->paymentId));
    const auto settling = checkout(id);
    QCOMPARE(settling.error().kind(), DbError::Kind::Invalid);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 1);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 1);
}

void TestCardRequests::cashAtTheDeskCancelsAPendingCardPayment()
{
    const qint64 id = booking(QStringLiteral("confirmed"), 2000);
    const QString reader = m_reader;
    const auto onReader = run([id, reader](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(id, reader, Desk);
    });
    QVERIFY2(onReader.ok(), describe(onReader).constData());
    sql(QStringLiteral("UPDATE payment_requests SET status = 'working' WHERE id = %1")
            .arg(onReader->requestId));
    const auto cash = run([id](QSqlDatabase &db) { return PaymentRepo(db).recordCash(id, 2000, Desk); });
    QVERIFY2(cash.ok(), describe(cash).constData());
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(method || ':' || status, ',' ORDER BY id) FROM payments "
                                "WHERE booking_id = %1")
                     .arg(id))
                 .toString(),
             QStringLiteral("terminal:cancelled,cash:succeeded"));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', kind, reader_id, idempotency_key) FROM payment_requests "
                           "WHERE kind = 'cancel'"))
            .toString(),
        QStringLiteral("cancel|%1|payment-%2-cancel").arg(m_reader).arg(onReader->paymentId));
}

void TestCardRequests::cancelEndsAPendingCardPaymentOnly()
{
    const qint64 id = booking(QStringLiteral("confirmed"), 2000);
    const auto started
        = run([id](QSqlDatabase &db) { return CardPaymentRequests(db).startCheckout(id, Desk, {}); });
    sql(QStringLiteral("UPDATE payment_requests SET status = 'done', answered_at = now() WHERE id = %1")
            .arg(started->requestId));
    const qint64 p = started->paymentId;
    const auto cancelled = run([p](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(p, Desk); });
    QVERIFY2(cancelled.ok(), describe(cancelled).constData());
    QVERIFY(cancelled.value() > 0);
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', kind, payment_id, idempotency_key, requested_by) FROM "
                                "payment_requests WHERE id = %1")
                     .arg(cancelled.value()))
                 .toString(),
             QStringLiteral("cancel|%1|payment-%1-cancel|staff:7").arg(p));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.cancelled' AND "
                                "(details->>'payment_id')::bigint = %1")
                     .arg(p))
                 .toInt(),
             1);
    const auto twice = run([p](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(p, Desk); });
    QCOMPARE(twice.error().kind(), DbError::Kind::Invalid);
    const auto cash = run([id](QSqlDatabase &db) { return PaymentRepo(db).recordCash(id, 2000, Desk); });
    const qint64 cashId = cash->id;
    const auto notCard
        = run([cashId](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(cashId, Desk); });
    QCOMPARE(notCard.error().kind(), DbError::Kind::Invalid);
    QCOMPARE(
        run([](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(999999, Desk); }).error().kind(),
        DbError::Kind::NotFound);
}

void TestCardRequests::reconcileAndPollingARequest()
{
    const auto id = run(
        [](QSqlDatabase &db) { return CardPaymentRequests(db).requestReconcile(QStringLiteral("cli")); });
    QVERIFY2(id.ok(), describe(id).constData());
    const qint64 r = id.value();
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', kind, booking_id IS NULL, idempotency_key, requested_by) "
                           "FROM payment_requests WHERE id = %1")
                .arg(r))
            .toString(),
        QStringLiteral("reconcile|t|reconcile-%1|cli").arg(r));
    auto poll = [this, r](qint64 which = 0) {
        const qint64 requestId = which ? which : r;
        return run([requestId](QSqlDatabase &db) { return CardPaymentRequests(db).request(requestId); });
    };
    auto pending = poll();
    QVERIFY(pending->has_value());
    QCOMPARE((*pending)->status, QStringLiteral("pending"));
    QVERIFY(!(*pending)->isAnswered());
    QVERIFY(!(*pending)->answeredAt.isValid());
    QCOMPARE((*pending)->idempotencyKey, QStringLiteral("reconcile-%1").arg(r));
    sql(QStringLiteral("UPDATE payment_requests SET status = 'failed', error_code = 'api_error', "
                       "error_message = 'Stripe is having a bad day.', result = '{\"tried\": 3}', "
                       "answered_at = now() WHERE id = %1")
            .arg(r));
    const auto failed = poll();
    QVERIFY((*failed)->isAnswered());
    QVERIFY((*failed)->failed());
    QCOMPARE((*failed)->errorCode, QStringLiteral("api_error"));
    QCOMPARE((*failed)->errorMessage, QStringLiteral("Stripe is having a bad day."));
    QCOMPARE((*failed)->result.value(QStringLiteral("tried")).toInt(), 3);
    QVERIFY((*failed)->answeredAt.isValid());
    QVERIFY(!poll(999999)->has_value());
}

void TestCardRequests::availabilityFollowsTheServersHealthRows()
{
    auto availability
        = [this] { return run([](QSqlDatabase &db) { return CardPaymentRequests(db).availability(); }); };
    const auto none = availability();
    QVERIFY(!none->available);
    QVERIFY2(none->reason.contains(QStringLiteral("no payment server (carwash-server) is running")),
             qPrintable(none->reason));
    // A desk publishing is no payment server.
    ProcessIdentity desk = server(41);
    desk.program = QStringLiteral("carwash");
    const QJsonObject snapshot {{QStringLiteral("status"), QStringLiteral("healthy")}};
    QVERIFY(run([&](QSqlDatabase &db) { ProcessHealthRepo(db).publish(desk, snapshot); }).ok());
    QVERIFY(!availability()->available);
    const ProcessIdentity s = server(42);
    QVERIFY(run([&](QSqlDatabase &db) { ProcessHealthRepo(db).publish(s, snapshot); }).ok());
    const auto up = availability();
    QVERIFY(up->available);
    QVERIFY(up->reason.isEmpty());
    QVERIFY(up->silentSeconds >= 0 && up->silentSeconds < 60);
    // Silent for three minutes (crashed, or its machine off).
    sql(QStringLiteral("UPDATE process_health SET updated_at = now() - interval '3 minutes 10 seconds' "
                       "WHERE program = 'carwash-server'"));
    const auto silent = availability();
    QVERIFY(!silent->available);
    QVERIFY2(silent->reason.contains(QStringLiteral("no payment server has reported for 3 minutes")),
             qPrintable(silent->reason));
    // A second server publishing makes it available again.
    QVERIFY(run([&](QSqlDatabase &db) { ProcessHealthRepo(db).publish(server(43), snapshot); }).ok());
    QVERIFY(availability()->available);
    // Both signed off (their rows removed on a clean stop).
    QVERIFY(run([&](QSqlDatabase &db) { return ProcessHealthRepo(db).remove(s); }).value());
    QVERIFY(run([&](QSqlDatabase &db) { return ProcessHealthRepo(db).remove(server(43)); }).value());
    QVERIFY(!availability()->available);
    QVERIFY(availability()->reason.contains(QStringLiteral("is running")));
}

void TestCardRequests::readersOnePerDevice()
{
    auto readers = [this] { return run([](QSqlDatabase &db) { return ReaderRepo(db).list(); }); };
    const auto bad = run([](QSqlDatabase &db) {
        return ReaderRepo(db).add(QStringLiteral("reader-1"), QStringLiteral("Kiosk"), Desk);
    });
    QCOMPARE(bad.error().kind(), DbError::Kind::Invalid);
    QVERIFY(bad.error().message().contains(QStringLiteral("tmr_")));
    const auto added = run([](QSqlDatabase &db) {
        return ReaderRepo(db).add(QStringLiteral("tmr_Kiosk2"), QStringLiteral(" Kiosk reader "), Desk);
    });
    QVERIFY2(added.ok(), describe(added).constData());
    QCOMPARE(added->label, QStringLiteral("Kiosk reader"));
    QVERIFY(!added->isAssigned());
    const auto twice = run([](QSqlDatabase &db) {
        return ReaderRepo(db).add(QStringLiteral("tmr_Kiosk2"), QStringLiteral("Again"), Desk);
    });
    QCOMPARE(twice.error().kind(), DbError::Kind::Invalid);
    const QString front = m_reader;
    const auto assigned = run([front](QSqlDatabase &db) {
        return ReaderRepo(db).assign(front, QStringLiteral("desk"), QStringLiteral("Front"), Desk);
    });
    QVERIFY2(assigned.ok(), describe(assigned).constData());
    QCOMPARE(assigned->assignedTo, QStringLiteral("Front"));
    // The desk has its reader: a second is refused, naming the first.
    const auto second = run([](QSqlDatabase &db) {
        return ReaderRepo(db).assign(QStringLiteral("tmr_Kiosk2"), QStringLiteral("desk"),
                                     QStringLiteral("Front"), Desk);
    });
    QCOMPARE(second.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(second.error().message().contains(front), qPrintable(second.error().message()));
    // The same name as a kiosk is another device.
    QVERIFY(run([](QSqlDatabase &db) {
                return ReaderRepo(db).assign(QStringLiteral("tmr_Kiosk2"), QStringLiteral("kiosk"),
                                             QStringLiteral("Front"), Desk);
            }).ok());
    const auto found = run([](QSqlDatabase &db) {
        return ReaderRepo(db).forDevice(QStringLiteral("kiosk"), QStringLiteral("Front"));
    });
    QCOMPARE((*found)->id, QStringLiteral("tmr_Kiosk2"));
    QVERIFY(run([front](QSqlDatabase &db) { return ReaderRepo(db).unassign(front, Desk); }).ok());
    QVERIFY(run([](QSqlDatabase &db) {
                return ReaderRepo(db).assign(QStringLiteral("tmr_Kiosk2"), QStringLiteral("desk"),
                                             QStringLiteral("Front"), Desk);
            }).ok());
    QVERIFY(run([front](QSqlDatabase &db) { return ReaderRepo(db).remove(front, Desk); }).ok());
    QCOMPARE(run([front](QSqlDatabase &db) { return ReaderRepo(db).remove(front, Desk); }).error().kind(),
             DbError::Kind::NotFound);
    const auto left = readers();
    QCOMPARE(left->size(), 1);
    QCOMPARE(left->first().assignedKind, QStringLiteral("desk"));
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = "
                                "'card_reader'"))
                 .toString(),
             QStringLiteral("reader.added,reader.assigned,reader.assigned,reader.unassigned,reader.assigned,"
                            "reader.removed"));
}

QTEST_GUILESS_MAIN(TestCardRequests)
#include "tst_cardrequests.moc"
