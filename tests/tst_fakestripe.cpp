// The fake Stripe's C++ wrapper, as the server and client tests use it: the
// fake starts, a plain Qt HTTP client creates a Checkout session with the
// wrapper's key, the session is paid and its events recorded; a reader
// declines a card; an injected fault is answered and logged; the process
// ends with its wrapper. (The fake's wire format itself is proved by
// npm_fake_crosscheck against Stripe's official library.)
#include "tests/harness/fakestripe.h"
#include "tests/harness/nohang.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

#include <memory>

namespace {

// The events about one object, by type, in the order they were created.
QStringList eventTypesFor(const QJsonArray &events, const QString &objectId)
{
    QStringList types;
    for (const QJsonValue &e : events) {
        if (e[QStringLiteral("data")][QStringLiteral("object")][QStringLiteral("id")].toString() == objectId)
            types << e[QStringLiteral("type")].toString();
    }
    return types;
}

} // namespace

class TestFakeStripe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fake.start(&error), qPrintable(error));
        QVERIFY(m_fake.port() > 0);
    }

    void sessionCreatedByAPlainClientIsPaidWithItsEvents()
    {
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("mode"), QStringLiteral("payment"));
        form.addQueryItem(QStringLiteral("line_items[0][price_data][currency]"), QStringLiteral("eur"));
        form.addQueryItem(QStringLiteral("line_items[0][price_data][unit_amount]"), QStringLiteral("1990"));
        form.addQueryItem(QStringLiteral("line_items[0][price_data][product_data][name]"),
                          QStringLiteral("Wash"));
        form.addQueryItem(QStringLiteral("line_items[0][quantity]"), QStringLiteral("2"));
        form.addQueryItem(QStringLiteral("success_url"), QStringLiteral("https://wash.example/paid"));
        form.addQueryItem(QStringLiteral("client_reference_id"), QStringLiteral("BK-1"));
        form.addQueryItem(QStringLiteral("metadata[payment_id]"), QStringLiteral("12"));
        form.addQueryItem(QStringLiteral("expires_at"),
                          QString::number(QDateTime::currentSecsSinceEpoch() + 40 * 60));
        QUrl url = m_fake.apiBase();
        url.setPath(QStringLiteral("/v1/checkout/sessions"));
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader("Authorization", "Bearer " + FakeStripe::secretKey().toUtf8());
        request.setRawHeader("Idempotency-Key", "tst-fakestripe-session-1");
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> reply(
            network.post(request, form.toString(QUrl::FullyEncoded).toUtf8()));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(TestWaits::kNoHangMs));
        const QByteArray body = reply->readAll();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject session = QJsonDocument::fromJson(body).object();
        const QString id = session[QStringLiteral("id")].toString();
        QVERIFY2(id.startsWith(QStringLiteral("cs_test_")), body.constData());
        QCOMPARE(session[QStringLiteral("amount_total")].toInt(), 3980);
        QCOMPARE(session[QStringLiteral("status")].toString(), QStringLiteral("open"));
        QCOMPARE(session[QStringLiteral("metadata")][QStringLiteral("payment_id")].toString(),
                 QStringLiteral("12"));
        QCOMPARE(session[QStringLiteral("url")].toString(),
                 m_fake.apiBase().toString() + QStringLiteral("/pay/") + id);
        const QString intentId = session[QStringLiteral("payment_intent")].toString();

        QVERIFY2(m_fake.pay(id), qPrintable(m_fake.lastError()));
        QCOMPARE(eventTypesFor(m_fake.events(), id),
                 QStringList {QStringLiteral("checkout.session.completed")});
        const QJsonObject paid
            = m_fake.events().last()[QStringLiteral("data")][QStringLiteral("object")].toObject();
        QCOMPARE(paid[QStringLiteral("payment_status")].toString(), QStringLiteral("paid"));
        QCOMPARE(m_fake.object(id)[QStringLiteral("status")].toString(), QStringLiteral("complete"));
        const QJsonObject intent = m_fake.object(intentId);
        QCOMPARE(intent[QStringLiteral("status")].toString(), QStringLiteral("succeeded"));
        QCOMPARE(intent[QStringLiteral("amount_received")].toInt(), 3980);

        // Paying twice is refused: the session is no longer open.
        QVERIFY(!m_fake.pay(id));
        QVERIFY2(m_fake.lastError().contains(QStringLiteral("HTTP 400")), qPrintable(m_fake.lastError()));
    }

    void readerDeclinesACard()
    {
        const QString reader = m_fake.registerReader(QStringLiteral("Desk 1"));
        QVERIFY2(reader.startsWith(QStringLiteral("tmr_")), qPrintable(m_fake.lastError()));
        const FakeStripe::Reply created
            = m_fake.call("POST", QStringLiteral("/v1/payment_intents"),
                          {{QStringLiteral("amount"), QStringLiteral("2500")},
                           {QStringLiteral("currency"), QStringLiteral("eur")},
                           {QStringLiteral("payment_method_types[]"), QStringLiteral("card_present")}});
        QCOMPARE(created.status, 200);
        const QString intent
            = QJsonDocument::fromJson(created.body).object()[QStringLiteral("id")].toString();
        const FakeStripe::Reply processing = m_fake.call(
            "POST", QStringLiteral("/v1/terminal/readers/%1/process_payment_intent").arg(reader),
            {{QStringLiteral("payment_intent"), intent}});
        QCOMPARE(processing.status, 200);

        QVERIFY2(m_fake.presentCard(reader, QStringLiteral("4000000000000002")),
                 qPrintable(m_fake.lastError()));
        const QJsonObject action = m_fake.object(reader)[QStringLiteral("action")].toObject();
        QCOMPARE(action[QStringLiteral("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(action[QStringLiteral("failure_code")].toString(), QStringLiteral("card_declined"));
        QCOMPARE(m_fake.object(intent)[QStringLiteral("status")].toString(),
                 QStringLiteral("requires_payment_method"));
        QCOMPARE(eventTypesFor(m_fake.events(), reader),
                 QStringList {QStringLiteral("terminal.reader.action_failed")});
        // Nothing is collecting any more: a second tap is refused.
        QVERIFY(!m_fake.presentCard(reader));
    }

    void injectedFaultIsAnsweredAndLogged()
    {
        QVERIFY2(m_fake.reset(), qPrintable(m_fake.lastError()));
        QCOMPARE(m_fake.requests().size(), 0);
        QVERIFY2(m_fake.addFault(QStringLiteral("^GET /v1/payment_intents/"), QStringLiteral("500"), 1),
                 qPrintable(m_fake.lastError()));
        const FakeStripe::Reply failed = m_fake.call("GET", QStringLiteral("/v1/payment_intents/pi_nosuch"));
        QCOMPARE(failed.status, 500);
        QCOMPARE(
            QJsonDocument::fromJson(failed.body)[QStringLiteral("error")][QStringLiteral("type")].toString(),
            QStringLiteral("api_error"));
        // Only once: the next one reaches the API (which has no such intent).
        QCOMPARE(m_fake.call("GET", QStringLiteral("/v1/payment_intents/pi_nosuch")).status, 404);
        const QJsonArray log = m_fake.requests();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[0][QStringLiteral("status")].toInt(), 500);
        QCOMPARE(log[0][QStringLiteral("fault")].toString(), QStringLiteral("500"));
        QCOMPARE(log[1][QStringLiteral("status")].toInt(), 404);
        QCOMPARE(log[1][QStringLiteral("headers")][QStringLiteral("authorization")].toString(),
                 QStringLiteral("Bearer ") + FakeStripe::secretKey());
    }

    void processEndsWithItsWrapper()
    {
        int port = 0;
        {
            FakeStripe other;
            QString error;
            QVERIFY2(other.start(&error), qPrintable(error));
            port = other.port();
            QTcpSocket socket;
            socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
            QVERIFY(socket.waitForConnected(TestWaits::kNoHangMs));
        }
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
        QVERIFY(!socket.waitForConnected(TestWaits::kNoHangMs));
        QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
    }

private:
    FakeStripe m_fake;
};

QTEST_GUILESS_MAIN(TestFakeStripe)
#include "tst_fakestripe.moc"
