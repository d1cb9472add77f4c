// carwash-server as an operator runs it: a real process against a real
// PostgreSQL — its health endpoint, its listen address, bodies it refuses
// before reading them, and leaving on SIGTERM with nothing left behind.
#include "app/startup/version.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/serverprocess.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

namespace {

using TestWaits::kNoHangMs;

// The keys of every object, recursively; of an array, its first element's.
QStringList shapeOf(const QJsonValue &value, const QString &path = QStringLiteral("$"))
{
    QStringList keys;
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            keys << path + QLatin1Char('.') + it.key();
            keys << shapeOf(it.value(), path + QLatin1Char('.') + it.key());
        }
    } else if (value.isArray() && !value.toArray().isEmpty()) {
        keys << shapeOf(value.toArray().first(), path + QStringLiteral("[]"));
    }
    return keys;
}

QStringList programsIn(const QJsonObject &health)
{
    QStringList programs;
    for (const QJsonValue &p : health[u"processes"].toArray())
        programs << p[u"program"].toString();
    return programs;
}

// Reads one HTTP answer from a raw socket: the status and the body.
QPair<int, QByteArray> readAnswer(QTcpSocket &socket)
{
    QByteArray data;
    while (socket.waitForReadyRead(kNoHangMs) || socket.bytesAvailable() > 0) {
        data += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
        const qsizetype end = data.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        static const QRegularExpression lengthHeader(QStringLiteral("(?i)content-length:\\s*(\\d+)"));
        const QRegularExpressionMatch m = lengthHeader.match(QString::fromLatin1(data.left(end)));
        if (m.hasMatch() && data.size() >= end + 4 + m.captured(1).toInt())
            break;
    }
    data += socket.readAll();
    const int status = data.mid(9, 3).toInt();
    const qsizetype end = data.indexOf("\r\n\r\n");
    return {status, end < 0 ? QByteArray() : data.mid(end + 4)};
}

} // namespace

class TestServer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void healthAnswersTheFleetAsCarwashAdminDoes();
    void healthIs503WhileTheDatabaseIsStopped();
    void unknownPathsAre404AndEachRequestIsLoggedWithoutItsBody();
    void aBodyOverOneMebibyteIsRefusedBeforeItIsRead();
    void aChunkedBodyOverOneMebibyteIs413();
    void withoutStripeSettingsHealthServesAndWebhooksAre503();
    void badListenAddressesAreRefused_data();
    void badListenAddressesAreRefused();
    void anAddressInUseIsRefusedNamingIt();
    void sigtermFinishesTheRequestInFlightAndClosesEveryConnection();
    void healthCallersAtOnceShareOneCheck();
    void aBurstOfConnectionsWaitsInTheKernelWhileTheServerIsBusy();

private:
    QProcessEnvironment environment() const;

    PgTestCluster m_cluster;
};

void TestServer::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

QProcessEnvironment TestServer::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=3&pool_timeout=5")
                   .arg(m_cluster.port()));
    env.insert(QStringLiteral("HOME"), QDir::tempPath()); // no saved settings of the tester's
    return env;
}

void TestServer::healthAnswersTheFleetAsCarwashAdminDoes()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));

    const ServerProcess::Response answer = server.get(QStringLiteral("/health"));
    QCOMPARE(answer.status, 200);
    const QJsonObject fromServer = answer.json().object();

    QProcess admin;
    admin.setProcessEnvironment(environment());
    admin.start(QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin")),
                {QStringLiteral("health"), QStringLiteral("--json")});
    QVERIFY(admin.waitForFinished(kNoHangMs));
    const QJsonObject fromAdmin = QJsonDocument::fromJson(admin.readAllStandardOutput()).object();
    QVERIFY2(!fromAdmin.isEmpty(), admin.readAllStandardError().constData());

    // The same report: the same fields at every level, the same verdict,
    // and both see the server among the live processes.
    QCOMPARE(shapeOf(fromServer), shapeOf(fromAdmin));
    QCOMPARE(fromServer[u"status"].toString(), fromAdmin[u"status"].toString());
    QVERIFY(fromServer[u"database"][u"reachable"].toBool());
    QVERIFY2(programsIn(fromServer).contains(QStringLiteral("carwash-server")),
             qPrintable(programsIn(fromServer).join(u',')));
    QVERIFY(programsIn(fromAdmin).contains(QStringLiteral("carwash-server")));
    // Each says its own version, and the fleet says the server's.
    QCOMPARE(fromServer[u"version"].toString(), QStringLiteral(CARWASH_VERSION));
    QCOMPARE(fromAdmin[u"version"].toString(), QStringLiteral(CARWASH_VERSION));
    for (const QJsonValue &p : fromAdmin[u"processes"].toArray())
        if (p[u"program"].toString() == u"carwash-server")
            QCOMPARE(p[u"version"].toString(), QStringLiteral(CARWASH_VERSION));
    QCOMPARE(server.terminate(), 0);
}

void TestServer::healthIs503WhileTheDatabaseIsStopped()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));

    QVERIFY(m_cluster.stop());
    const ServerProcess::Response down = server.get(QStringLiteral("/health"));
    QVERIFY(m_cluster.start());
    QCOMPARE(down.status, 503);
    const QJsonObject json = down.json().object();
    QCOMPARE(json[u"status"].toString(), QStringLiteral("unhealthy"));
    QCOMPARE(json[u"database"][u"reachable"].toBool(true), false);
    QVERIFY2(json[u"alerts"].toArray().first().toString().startsWith(u"database unreachable"),
             down.body.constData());

    // Back once the database is: the pool reconnects by itself.
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));
    QCOMPARE(server.terminate(), 0);
}

void TestServer::unknownPathsAre404AndEachRequestIsLoggedWithoutItsBody()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    const ServerProcess::Response missing
        = server.post(QStringLiteral("/nothing/here?token=sk_test_secret"),
                      QByteArrayLiteral("{\"card\":\"4242424242424242\"}"), {});
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json()[u"error"][u"code"].toString(), QStringLiteral("not_found"));
    QCOMPARE(server.terminate(), 0);

    const QString log = server.log();
    QVERIFY2(log.contains(QRegularExpression(QStringLiteral("POST /nothing/here 404 \\d+ ms"))),
             qPrintable(log));
    QVERIFY2(!log.contains(u"sk_test_secret"), qPrintable(log));
    QVERIFY2(!log.contains(u"4242424242424242"), qPrintable(log));
}

void TestServer::aBodyOverOneMebibyteIsRefusedBeforeItIsRead()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));

    // Only the head is sent: the answer comes without waiting for the
    // announced two mebibytes.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(server.port()));
    QVERIFY(socket.waitForConnected(kNoHangMs));
    socket.write("POST /stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 2097152\r\n\r\n{");
    const auto [status, body] = readAnswer(socket);
    QCOMPARE(status, 413);
    QVERIFY2(QJsonDocument::fromJson(body)[u"error"][u"message"].toString().contains(u"1048576"),
             body.constData());

    // A client that sends the whole body at once still reads the answer.
    QTcpSocket whole;
    whole.connectToHost(QStringLiteral("127.0.0.1"), quint16(server.port()));
    QVERIFY(whole.waitForConnected(kNoHangMs));
    whole.write("POST /stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2097152\r\n\r\n"
                + QByteArray(2097152, 'x'));
    QCOMPARE(readAnswer(whole).first, 413);

    // One byte over the limit is over it; the server still answers others.
    QTcpSocket exact;
    exact.connectToHost(QStringLiteral("127.0.0.1"), quint16(server.port()));
    QVERIFY(exact.waitForConnected(kNoHangMs));
    exact.write("POST /stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048577\r\n\r\n");
    QCOMPARE(readAnswer(exact).first, 413);
    QCOMPARE(server.get(QStringLiteral("/nothing")).status, 404);
    QCOMPARE(server.terminate(), 0);
}

void TestServer::aChunkedBodyOverOneMebibyteIs413()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));

    // No Content-Length to judge by: the body is counted once read.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(server.port()));
    QVERIFY(socket.waitForConnected(kNoHangMs));
    socket.write("POST /stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
    const QByteArray chunk(64 * 1024, 'x');
    for (int i = 0; i < 17; ++i) // 1088 KiB
        socket.write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
    socket.write("0\r\n\r\n");
    const auto [status, body] = readAnswer(socket);
    QCOMPARE(status, 413);
    QCOMPARE(QJsonDocument::fromJson(body)[u"error"][u"code"].toString(), QStringLiteral("too_large"));
    QCOMPARE(server.terminate(), 0);
}

void TestServer::withoutStripeSettingsHealthServesAndWebhooksAre503()
{
    QProcessEnvironment env = environment();
    env.remove(QStringLiteral("STRIPE_SECRET_KEY"));
    env.remove(QStringLiteral("STRIPE_WEBHOOK_SECRET"));
    // Nor from a keychain: the tester's own is left alone (tst_serverkeychain
    // has a keyring of its own for that).
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/bus"));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));
    const ServerProcess::Response webhook = server.post(
        QStringLiteral("/stripe/webhook"), QByteArrayLiteral("{}"), {{"Stripe-Signature", "t=1,v1=00"}});
    QCOMPARE(webhook.status, 503); // Stripe keeps it and delivers again once a secret is set
    QCOMPARE(webhook.json()[u"error"][u"code"].toString(), QStringLiteral("not_configured"));
    QCOMPARE(server.terminate(), 0);
    const QString log = server.log();
    QVERIFY2(log.contains(u"card payments are unavailable") && log.contains(u"STRIPE_SECRET_KEY"),
             qPrintable(log));
    QVERIFY2(log.contains(u"Stripe's events cannot be accepted") && log.contains(u"STRIPE_WEBHOOK_SECRET"),
             qPrintable(log));
    QVERIFY2(
        log.contains(u"Stripe secret key: missing (STRIPE_SECRET_KEY is not set, and the keychain has none")
            && log.contains(u"Stripe webhook secret: missing"),
        qPrintable(log));
}

void TestServer::badListenAddressesAreRefused_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("no port") << QStringLiteral("127.0.0.1") << 2 << QStringLiteral("not ADDRESS:PORT");
    QTest::newRow("empty port") << QStringLiteral("127.0.0.1:") << 2 << QStringLiteral("not ADDRESS:PORT");
    QTest::newRow("port too large") << QStringLiteral("127.0.0.1:65536") << 2 << QStringLiteral("0 to 65535");
    QTest::newRow("port not a number")
        << QStringLiteral("127.0.0.1:http") << 2 << QStringLiteral("0 to 65535");
    QTest::newRow("host name") << QStringLiteral("example.com:8080") << 2
                               << QStringLiteral("not an IP address");
    QTest::newRow("bare IPv6") << QStringLiteral("::1:8080") << 2 << QStringLiteral("in brackets");
    // TEST-NET-1: a valid address that is no interface of this machine.
    QTest::newRow("not this machine's")
        << QStringLiteral("192.0.2.1:8080") << 1 << QStringLiteral("cannot listen on 192.0.2.1:8080");
}

void TestServer::badListenAddressesAreRefused()
{
    QFETCH(QString, listen);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    QProcess server;
    server.setProcessEnvironment(environment());
    server.start(ServerProcess::programPath(), {QStringLiteral("--listen"), listen});
    QVERIFY(server.waitForFinished(kNoHangMs));
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), exitCode);
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(server.readAllStandardOutput().isEmpty()); // never said it was listening
}

void TestServer::anAddressInUseIsRefusedNamingIt()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(occupant.serverPort());
    QProcess server;
    server.setProcessEnvironment(environment());
    server.start(ServerProcess::programPath(), {QStringLiteral("--listen"), address});
    QVERIFY(server.waitForFinished(kNoHangMs));
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QCOMPARE(server.exitCode(), 1);
    QVERIFY2(err.contains(QStringLiteral("cannot listen on %1").arg(address)), qPrintable(err));
    QVERIFY2(err.contains(u"--listen"), qPrintable(err)); // what to do about it
}

void TestServer::sigtermFinishesTheRequestInFlightAndClosesEveryConnection()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));
    QVERIFY(m_cluster.countConnections(QStringLiteral("carwash-server")) > 0);
    // The payment request queue's and the mail queue's LISTENs, each on a
    // connection of its own.
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(QStringLiteral("carwash-server-listen")), 2,
                              kNoHangMs);

    // Hold the table the health report reads, so a GET /health stays in
    // flight on the server until the lock goes.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("locker"));
        const DatabaseConfig c = m_cluster.config(QStringLiteral("tst_server-locker"));
        db.setHostName(c.host);
        db.setPort(c.port);
        db.setDatabaseName(c.database);
        db.setUserName(c.user);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        QVERIFY2(q.exec(QStringLiteral("LOCK TABLE process_health IN ACCESS EXCLUSIVE MODE")),
                 qPrintable(q.lastError().text()));

        QNetworkAccessManager manager;
        QNetworkReply *reply
            = manager.get(QNetworkRequest(QUrl(server.baseUrl() + QStringLiteral("/health"))));
        // The server's statement waits on our lock: the request is in flight.
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster
                                         .queryBlocking(QStringLiteral(
                                             "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                             "'carwash-server' AND wait_event_type = 'Lock' AND query LIKE "
                                             "'%process_health%' AND query NOT LIKE '%INSERT%'"))
                                         .toInt()
                                     == 1,
                                 kNoHangMs);
        QVERIFY(server.sendTerminate());
        // It waits for the request: no answer while the lock is held.
        QTest::qWait(300);
        QVERIFY(!reply->isFinished());
        QVERIFY(q.exec(QStringLiteral("COMMIT")));

        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kNoHangMs);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        QVERIFY(json[u"database"][u"reachable"].toBool());
        delete reply;
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("locker"));

    QVERIFY2(server.waitForExit() == 0, qPrintable(server.log()));
    QCOMPARE(m_cluster.countConnections(QStringLiteral("carwash-server")), 0);
    QCOMPARE(m_cluster.countConnections(QStringLiteral("carwash-server-listen")), 0);
    // It signed off: no row of a lost carwash-server stays behind.
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(*) FROM process_health WHERE program = "
                                               "'carwash-server'"))
                 .toInt(),
             0);
    QVERIFY2(server.log().contains(QRegularExpression(QStringLiteral("GET /health 200 \\d+ ms"))),
             qPrintable(server.log()));
}

void TestServer::healthCallersAtOnceShareOneCheck()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));
    // Hold the table the fleet check reads: the check stays in flight.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("healthlocker"));
    auto removeDb = qScopeGuard([] { QSqlDatabase::removeDatabase(QStringLiteral("healthlocker")); });
    {
        const DatabaseConfig c = m_cluster.config(QStringLiteral("tst_server-locker"));
        db.setHostName(c.host);
        db.setPort(c.port);
        db.setDatabaseName(c.database);
        db.setUserName(c.user);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        QVERIFY2(q.exec(QStringLiteral("LOCK TABLE process_health IN ACCESS EXCLUSIVE MODE")),
                 qPrintable(q.lastError().text()));

        // Fifty callers at once, ten times the server's pool.
        constexpr int Callers = 50;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < Callers; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, server.port());
            socket->write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            sockets.push_back(std::move(socket));
        }
        const QString waiting = QStringLiteral(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'carwash-server' AND "
            "wait_event_type = 'Lock' AND query LIKE '%process_health%' AND query NOT LIKE '%INSERT%'");
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster.queryBlocking(waiting).toInt() == 1, kNoHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(sockets.begin(), sockets.end(),
                                             [](const auto &s) {
                                                 return s->state() == QAbstractSocket::ConnectedState
                                                        && s->bytesToWrite() == 0;
                                             }),
                                 kNoHangMs);
        // Every request is in; still one statement of the server waits, none
        // of the fifty is answered, and the pool is not filled by them.
        QTest::qWait(300);
        QCOMPARE(m_cluster.queryBlocking(waiting).toInt(), 1);
        for (const auto &socket : sockets)
            QCOMPARE(socket->bytesAvailable(), 0);
        QVERIFY(q.exec(QStringLiteral("COMMIT")));

        // One check answered them all: the same report, the same instant.
        QSet<QString> checkedAt;
        for (const auto &socket : sockets) {
            const auto [status, body] = readAnswer(*socket);
            QCOMPARE(status, 200);
            checkedAt.insert(QJsonDocument::fromJson(body).object()[u"checked_at"].toString());
        }
        QCOMPARE(checkedAt.size(), 1);
        QVERIFY(!checkedAt.values().first().isEmpty());
        db.close();
    }
    QCOMPARE(server.terminate(), 0);
}

void TestServer::aBurstOfConnectionsWaitsInTheKernelWhileTheServerIsBusy()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(environment(), {}, &error), qPrintable(error));
    QVERIFY2(server.waitUntilHealthy(&error), qPrintable(error + server.log()));
    // The server stopped (its event loop as busy as it gets): three hundred
    // clients connect at once. The kernel completes every handshake into the
    // listen backlog; with Qt's default of 50 the rest would stay unanswered
    // until their handshake was retransmitted, a second and more later.
    QCOMPARE(::kill(pid_t(server.pid()), SIGSTOP), 0);
    auto resume = qScopeGuard([&server] { ::kill(pid_t(server.pid()), SIGCONT); });
    constexpr int Clients = 300;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < Clients; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server.port());
        sockets.push_back(std::move(socket));
    }
    const auto connected = [&sockets] {
        return int(std::count_if(sockets.begin(), sockets.end(), [](const auto &s) {
            return s->state() == QAbstractSocket::ConnectedState;
        }));
    };
    QTRY_COMPARE_WITH_TIMEOUT(connected(), Clients, kNoHangMs);
    for (const auto &socket : sockets)
        socket->write("GET /carwash-no-such-path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(sockets.begin(), sockets.end(),
                                         [](const auto &s) { return s->bytesToWrite() == 0; }),
                             kNoHangMs);
    resume.dismiss();
    QCOMPARE(::kill(pid_t(server.pid()), SIGCONT), 0);
    // Every one of them is answered once the server runs again.
    for (const auto &socket : sockets)
        QCOMPARE(readAnswer(*socket).first, 404);
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
