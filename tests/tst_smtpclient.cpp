// SmtpClient on its own against a real SMTP server (python3-aiosmtpd) and
// against a peer that accepts and then says nothing: what arrives is what
// was sent (dot-stuffing undone by the server), AUTH PLAIN, or LOGIN when the
// server offers only that, and every wait ends in an error instead of a hang.
#include "server/mail/smtpclient.h"
#include "tests/harness/smtpsink.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

class TestSmtpClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theServerReceivesExactlyWhatWasSent();
    void authLoginWhenTheServerOffersNoPlain();
    void aRefusedRecipientIsPermanent();
    void aSilentServerTimesOut();
    void noServerAtAllIsATemporaryError();
    void anAddressThatWouldInjectACommandIsRefused();
    void starttlsAndImplicitTlsWithATrustedCertificate_data();
    void starttlsAndImplicitTlsWithATrustedCertificate();
    void anUntrustedCertificateSendsNothing();
    void starttlsAskedOfAServerWithoutIt();

private:
    static SmtpSettings settingsFor(int port);
};

SmtpSettings TestSmtpClient::settingsFor(int port)
{
    SmtpSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = quint16(port);
    settings.security = SmtpSettings::Security::None;
    return settings;
}

void TestSmtpClient::theServerReceivesExactlyWhatWasSent()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error, {.auth = QStringLiteral("user:secret")}), qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(sink.port());
    settings.user = QStringLiteral("user");
    settings.password = QStringLiteral("secret");
    // Lines a naive client would end the message with, or lose a dot of.
    const QByteArray body = "Subject: dots\r\n\r\n.\r\n..two\r\n.starts with a dot\r\nlast line\r\n";
    client.send(settings, "from@example.com", "to@example.org", body);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages().size(), 1, 30000);
    QCOMPARE(sink.messages().constFirst()[u"mail_from"].toString(), QStringLiteral("from@example.com"));
    QCOMPARE(sink.authMechanisms(), QStringList {QStringLiteral("PLAIN")});
    QFile raw(QDir(sink.folder()).filePath(QStringLiteral("0001.eml")));
    QVERIFY(raw.open(QIODevice::ReadOnly));
    QCOMPARE(raw.readAll(), body);
}

void TestSmtpClient::authLoginWhenTheServerOffersNoPlain()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error, {.auth = QStringLiteral("user:secret"), .loginOnly = true}),
             qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(sink.port());
    settings.user = QStringLiteral("user");
    settings.password = QStringLiteral("wrong");
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult refused = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!refused.ok);
    QVERIFY(!refused.permanent); // the settings are wrong, not the message
    QVERIFY2(refused.error.startsWith(QStringLiteral("AUTH LOGIN password refused: 535")),
             qPrintable(refused.error));

    settings.password = QStringLiteral("secret");
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    const SmtpResult sent = finished.at(1).at(0).value<SmtpResult>();
    QVERIFY2(sent.ok, qPrintable(sent.error));
    QCOMPARE(sink.authMechanisms(), QStringList {QStringLiteral("LOGIN")});
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages().size(), 1, 30000);
}

void TestSmtpClient::aRefusedRecipientIsPermanent()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error, {.reject = QStringLiteral("nobody")}), qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    client.send(settingsFor(sink.port()), "from@example.com", "nobody@example.org",
                "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QVERIFY(result.permanent);
    QCOMPARE(result.replyCode, 550);
    QVERIFY2(result.error.startsWith(QStringLiteral("RCPT TO refused: 550")), qPrintable(result.error));
    QCOMPARE(sink.messages().size(), 0);
}

void TestSmtpClient::aSilentServerTimesOut()
{
    // Accepts the connection and never greets: a mail server that hangs.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> accepted;
    connect(&silent, &QTcpServer::newConnection, this, [&] { accepted << silent.nextPendingConnection(); });
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(silent.serverPort());
    settings.stepTimeoutMs = 300;
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QVERIFY(!result.permanent);
    QVERIFY2(result.error.contains(QStringLiteral("no answer from the SMTP server within 300 ms (greeting)")),
             qPrintable(result.error));
    QCOMPARE(accepted.size(), 1);
    // The conversation's deadline holds even when each reply comes in time:
    // one line of a reply every 100 ms, never the last one.
    QTcpServer dribbling;
    QVERIFY(dribbling.listen(QHostAddress::LocalHost, 0));
    QTimer drip;
    connect(&dribbling, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *peer = dribbling.nextPendingConnection();
        connect(&drip, &QTimer::timeout, peer, [peer] { peer->write("220-still here\r\n"); });
        drip.start(100);
    });
    settings = settingsFor(dribbling.serverPort());
    settings.stepTimeoutMs = 5000;
    settings.totalTimeoutMs = 1000;
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    const SmtpResult late = finished.at(1).at(0).value<SmtpResult>();
    QVERIFY(!late.ok);
    QVERIFY2(late.error.contains(QStringLiteral("took longer than 1000 ms")), qPrintable(late.error));
}

void TestSmtpClient::noServerAtAllIsATemporaryError()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    client.send(settingsFor(port), "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QVERIFY(!result.permanent);
    QVERIFY2(result.error.contains(QStringLiteral("refused")), qPrintable(result.error));
}

void TestSmtpClient::anAddressThatWouldInjectACommandIsRefused()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error), qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    client.send(settingsFor(sink.port()), "from@example.com", "a@example.org>\r\nRCPT TO:<b@example.org",
                "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QVERIFY(result.permanent);
    QVERIFY2(result.error.contains(QStringLiteral("cannot be used")), qPrintable(result.error));
    // And the client still sends the next message.
    client.send(settingsFor(sink.port()), "from@example.com", "b@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QVERIFY(finished.at(1).at(0).value<SmtpResult>().ok);
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages().size(), 1, 30000);
    QCOMPARE(sink.messages().constFirst()[u"rcpt_tos"].toArray(),
             QJsonArray {QStringLiteral("b@example.org")});
}

void TestSmtpClient::starttlsAndImplicitTlsWithATrustedCertificate_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("security");
    QTest::newRow("starttls") << QStringLiteral("starttls") << int(SmtpSettings::Security::StartTls);
    QTest::newRow("implicit tls") << QStringLiteral("implicit") << int(SmtpSettings::Security::Tls);
}

void TestSmtpClient::starttlsAndImplicitTlsWithATrustedCertificate()
{
    QFETCH(QString, mode);
    QFETCH(int, security);
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error, {.auth = QStringLiteral("user:secret"), .tls = mode}), qPrintable(error));
    // The sink's own certificate, trusted as a mail provider's CA would be.
    const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
    const auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(before); });
    QSslConfiguration trusting = before;
    QVERIFY(trusting.addCaCertificates(sink.certificatePath()));
    QSslConfiguration::setDefaultConfiguration(trusting);

    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(sink.port());
    settings.security = SmtpSettings::Security(security);
    settings.user = QStringLiteral("user");
    settings.password = QStringLiteral("secret");
    client.send(settings, "from@example.com", "to@example.org", "Subject: tls\r\n\r\nsecret\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages().size(), 1, 30000);
    QCOMPARE(sink.authMechanisms(), QStringList {QStringLiteral("PLAIN")});
}

void TestSmtpClient::anUntrustedCertificateSendsNothing()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error, {.tls = QStringLiteral("starttls")}), qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(sink.port());
    settings.security = SmtpSettings::Security::StartTls;
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QVERIFY(!result.permanent); // a certificate can be fixed; the message is fine
    QVERIFY2(result.error.contains(QStringLiteral("STARTTLS")), qPrintable(result.error));
    QTest::qWait(500);
    QCOMPARE(sink.messages().size(), 0);
}

void TestSmtpClient::starttlsAskedOfAServerWithoutIt()
{
    SmtpSink sink;
    QString error;
    QVERIFY2(sink.start(&error), qPrintable(error));
    SmtpClient client;
    QSignalSpy finished(&client, &SmtpClient::finished);
    SmtpSettings settings = settingsFor(sink.port());
    settings.security = SmtpSettings::Security::StartTls;
    client.send(settings, "from@example.com", "to@example.org", "Subject: x\r\n\r\nx\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    const SmtpResult result = finished.at(0).at(0).value<SmtpResult>();
    QVERIFY(!result.ok);
    QCOMPARE(result.error, QStringLiteral("STARTTLS is required but the SMTP server does not offer it"));
    QCOMPARE(sink.messages().size(), 0);
}

QTEST_GUILESS_MAIN(TestSmtpClient)
#include "tst_smtpclient.moc"
