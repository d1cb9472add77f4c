// carwash-server as a process killed around a webhook: after the commit of
// its transaction (Stripe's redelivery is a duplicate) and with the
// transaction open (nothing is stored; the redelivery applies it once). A
// real PostgreSQL, the fake Stripe, the rows a desk writes; a desk holding
// the booking puts the server's steps in order.
#include "payments/webhooksignature.h"
#include "tests/harness/nohang.h"
#include "tests/serverresiliencefixture.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using TestWaits::kNoHangMs;

class TestServerResilienceKills : public QObject, protected ServerResilienceFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startResilience(QStringLiteral("tst_serverresilience_kills")); }
    void init() { resetForTest(); }
    void cleanupTestCase() { stopResilience(); }

    void killedAfterTheCommitTheRedeliveryIsADuplicate();
    void killedWithTheTransactionOpenNothingIsStored();

private:
    // A held booking whose Checkout session the server made; paid at the
    // fake when pay is true (no delivery configured: the events stay there).
    struct Paid
    {
        qint64 bookingId = 0;
        qint64 paymentId = 0;
        QString sessionId;
        QString eventId;
        QByteArray body; // checkout.session.completed as Stripe sends it
    };
    Paid checkoutPaidAtStripe(const QString &localTime, const QString &plate);
    QByteArray eventBody(const QString &type, const QString &objectId, QString *eventId = nullptr);
    // Sends a signed POST /stripe/webhook on socket and never reads the answer.
    static bool postUnread(QTcpSocket &socket, int port, const QByteArray &body);
    ServerProcess::Response redeliver(ServerProcess &server, const QByteArray &body);
    static bool kill(ServerProcess &server);
};

QByteArray TestServerResilienceKills::eventBody(const QString &type, const QString &objectId,
                                                QString *eventId)
{
    for (const QJsonValue &e : m_stripe.events()) {
        const QJsonObject event = e.toObject();
        if (event[u"type"].toString() == type && event[u"data"][u"object"][u"id"].toString() == objectId) {
            if (eventId)
                *eventId = event[u"id"].toString();
            return QJsonDocument(event).toJson(QJsonDocument::Compact);
        }
    }
    return {};
}

TestServerResilienceKills::Paid TestServerResilienceKills::checkoutPaidAtStripe(const QString &localTime,
                                                                                const QString &plate)
{
    Paid p;
    p.bookingId = heldBooking(localTime, plate);
    p.paymentId = cardPayment(p.bookingId, QStringLiteral("stripe_checkout"));
    const qint64 asked = askServer(QStringLiteral("checkout"), p.bookingId, p.paymentId,
                                   QStringLiteral("payment-%1-checkout").arg(p.paymentId));
    if (answer(asked) != u"done")
        return p;
    p.sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(p.paymentId));
    if (!m_stripe.pay(p.sessionId)) {
        qWarning("%s", qPrintable(m_stripe.lastError()));
        return p;
    }
    p.body = eventBody(QStringLiteral("checkout.session.completed"), p.sessionId, &p.eventId);
    return p;
}

bool TestServerResilienceKills::postUnread(QTcpSocket &socket, int port, const QByteArray &body)
{
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    if (!socket.waitForConnected(kNoHangMs))
        return false;
    const QByteArray signature = WebhookSignature::sign(body, ServerPaymentFixture::webhookSecret(),
                                                        QDateTime::currentSecsSinceEpoch());
    QByteArray request = QByteArrayLiteral("POST /stripe/webhook HTTP/1.1\r\n");
    request += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    request += "Content-Type: application/json; charset=utf-8\r\n";
    request += "Stripe-Signature: " + signature + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    request += body;
    socket.write(request);
    while (socket.bytesToWrite() > 0)
        if (!socket.waitForBytesWritten(kNoHangMs))
            return false;
    return true;
}

ServerProcess::Response TestServerResilienceKills::redeliver(ServerProcess &server, const QByteArray &body)
{
    // Stripe signs each attempt anew.
    return server.post(QStringLiteral("/stripe/webhook"), body,
                       {{"Stripe-Signature",
                         WebhookSignature::sign(body, webhookSecret(), QDateTime::currentSecsSinceEpoch())}});
}

bool TestServerResilienceKills::kill(ServerProcess &server)
{
    return ::kill(pid_t(server.pid()), SIGKILL) == 0 && server.waitForExit() == -1;
}

void TestServerResilienceKills::killedAfterTheCommitTheRedeliveryIsADuplicate()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    const Paid p = checkoutPaidAtStripe(QStringLiteral("10:00"), QStringLiteral("KILL 1"));
    QVERIFY2(!p.body.isEmpty(), qPrintable(server.log()));
    const int port = server.port();

    // Delivered; the event's row seen from another connection means the
    // transaction committed. The server dies before anybody reads its answer:
    // to Stripe this delivery failed.
    QTcpSocket socket;
    QVERIFY(postUnread(socket, port, p.body));
    const QString stored
        = QStringLiteral("SELECT count(*) FROM stripe_events WHERE id = '%1'").arg(p.eventId);
    QTRY_COMPARE_WITH_TIMEOUT(count(stored), 1, kNoHangMs);
    QVERIFY(kill(server));
    QCOMPARE(statusOf(QStringLiteral("payments"), p.paymentId), QStringLiteral("succeeded"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), p.bookingId), QStringLiteral("confirmed"));

    // Stripe delivers the same bytes again to the restarted server.
    QVERIFY(restart(server, port, serverEnvironment()));
    const ServerProcess::Response again = redeliver(server, p.body);
    QVERIFY2(again.status == 200, qPrintable(QString::fromUtf8(again.body) + server.log()));
    QCOMPARE(again.json()[u"result"].toString(), QStringLiteral("duplicate"));

    QCOMPARE(count(stored), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 1);
    QCOMPARE(text(QStringLiteral("SELECT processed_at IS NOT NULL FROM stripe_events WHERE id = '%1'")
                      .arg(p.eventId)),
             QStringLiteral("true"));
    QCOMPARE(statusOf(QStringLiteral("payments"), p.paymentId), QStringLiteral("succeeded"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), p.bookingId), QStringLiteral("confirmed"));
    QCOMPARE(audits(p.bookingId, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(audits(p.bookingId, QStringLiteral("booking.status")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM refunds")), 0);
    QCOMPARE(server.terminate(), 0);
}

void TestServerResilienceKills::killedWithTheTransactionOpenNothingIsStored()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    const Paid p = checkoutPaidAtStripe(QStringLiteral("11:00"), QStringLiteral("KILL 2"));
    QVERIFY2(!p.body.isEmpty(), qPrintable(server.log()));
    const int port = server.port();

    // Another writer holds the booking, which applying the event locks.
    BookingHolder holder(m_cluster.config(), p.bookingId);
    const qint64 holderPid = holder.pid();
    QVERIFY(holderPid > 0);

    QTcpSocket socket;
    QVERIFY(postUnread(socket, port, p.body));
    // The server's transaction has stored the event and waits for the
    // booking's lock, held by the holder and nobody else.
    const QString waiting
        = QStringLiteral("SELECT coalesce(max(pid), 0) FROM pg_stat_activity "
                         "WHERE pg_blocking_pids(pid) = ARRAY[%1] AND wait_event_type = 'Lock' "
                         "AND state = 'active' AND query LIKE '%FOR UPDATE OF b%'")
              .arg(holderPid);
    QTRY_VERIFY_WITH_TIMEOUT(count(waiting) > 0, kNoHangMs);
    const qint64 serverBackend = count(waiting);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1 "
                                  "AND xact_start IS NOT NULL AND backend_xid IS NOT NULL")
                       .arg(serverBackend)),
             1); // it has written: the event's row, not yet committed
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);

    QVERIFY(kill(server));
    QCOMPARE(socket.bytesAvailable(), 0);
    QVERIFY(holder.letGo());
    // Its backend finds the client gone and rolls back.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(serverBackend)), 0,
        kNoHangMs);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 0);
    QCOMPARE(statusOf(QStringLiteral("payments"), p.paymentId), QStringLiteral("pending"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), p.bookingId), QStringLiteral("held"));
    QCOMPARE(audits(p.bookingId, QStringLiteral("payment.succeeded")), 0);

    // Stripe got no answer and delivers again: applied, once.
    QVERIFY(restart(server, port, serverEnvironment()));
    const ServerProcess::Response again = redeliver(server, p.body);
    QVERIFY2(again.status == 200, qPrintable(QString::fromUtf8(again.body) + server.log()));
    QCOMPARE(again.json()[u"result"].toString(), QStringLiteral("applied"));
    const ServerProcess::Response third = redeliver(server, p.body);
    QCOMPARE(third.status, 200);
    QCOMPARE(third.json()[u"result"].toString(), QStringLiteral("duplicate"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events")), 1);
    QCOMPARE(statusOf(QStringLiteral("payments"), p.paymentId), QStringLiteral("succeeded"));
    QCOMPARE(statusOf(QStringLiteral("bookings"), p.bookingId), QStringLiteral("confirmed"));
    QCOMPARE(audits(p.bookingId, QStringLiteral("payment.succeeded")), 1);
    QCOMPARE(audits(p.bookingId, QStringLiteral("booking.status")), 1);
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServerResilienceKills)
#include "tst_serverresilience_kills.moc"
