// The booking page (GET /) in a real browser: headless Chromium driven by
// puppeteer-core (tests/npm/bookingpage-browser.mjs, one scenario per run)
// against the real carwash-server on a real PostgreSQL, paying at the fake
// Stripe's hosted Checkout page with Stripe's events delivered to the
// server. The script asserts on the page; this test starts everything and
// checks what the database holds afterwards. And the page's answers
// themselves: security headers, caching, nothing from elsewhere.
#include "db/pool/sql.h"
#include "db/text/isotime.h"
#include "tests/serverpaymentfixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <functional>

class TestBookingPage : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void thePageAndItsAssetsAreServedSafely();
    void aCustomerBooksAndPaysOnAPhone();
    void aTimeTakenMeanwhileOffersAlternativesAndOneBooks();
    void aRefusalForNowSaysWhenToTryAgain();
    void theDatabaseAwaySaysToTryAgainAndTryingAgainBooks();
    void aBadPlateIsToldAtThePlateField();
    void aSpanishBrowserGetsTheSpanishPage();
    void aBookingIsFoundMovedAndCancelledByCodeAndPlate();
    void theKeyboardAloneBooksAndPays();

private:
    // Runs one scenario of the browser script; its RESULT object (empty
    // when it failed, with what it said in the log).
    QJsonObject browse(const QString &scenario, QJsonObject arguments,
                       const QList<std::function<bool()>> &steps = {});
    QJsonObject customer(const QString &plate) const
    {
        return {{QStringLiteral("service"), m_f.wash},
                {QStringLiteral("vehicle"), QStringLiteral("suv")},
                {QStringLiteral("plate"), plate},
                {QStringLiteral("name"), QStringLiteral("Dana Online")},
                {QStringLiteral("phone"), QStringLiteral("+1 555 0100")}};
    }
    QString bookingField(const QString &code, const QString &expression)
    {
        return text(QStringLiteral("SELECT %1 FROM bookings b JOIN customers c ON c.id = b.customer_id "
                                   "WHERE b.code = '%2'")
                        .arg(expression, code));
    }

    static QDateTime instant(const QString &text)
    {
        bool hasOffset = false;
        return IsoTime::parseDateTime(text, &hasOffset);
    }

    ServerProcess m_server;
};

void TestBookingPage::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    QVERIFY2(QFileInfo::exists(QStringLiteral(CARWASH_NPM_DIR "/node_modules/puppeteer-core/package.json")),
             "puppeteer-core is missing: run scripts/setup-npm.sh");
    const QString chromium = qEnvironmentVariable("CARWASH_CHROMIUM", QStringLiteral("/usr/bin/chromium"));
    QVERIFY2(
        QFileInfo(chromium).isExecutable(),
        qPrintable(chromium + QStringLiteral(" is missing: run scripts/setup-deps.sh (Debian's chromium)")));
    startEngine(QStringLiteral("tst_bookingpage"));
    resetCatalogue();
    startStripe();
    QVERIFY(startServer(m_server));
    QVERIFY(deliverTo(m_server));
}

void TestBookingPage::init()
{
    resetCatalogue();
    sql(QStringLiteral("TRUNCATE stripe_events, payment_requests, refunds CASCADE"));
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'api.%'"));
    // Payment ids start afresh with the catalogue, and with them the keys
    // the server sends Stripe: a fresh fake Stripe account per test, and the
    // server pointed at it.
    QCOMPARE(m_server.terminate(), 0);
    startStripe();
    QVERIFY(startServer(m_server));
    QVERIFY(deliverTo(m_server));
}

void TestBookingPage::cleanupTestCase()
{
    m_server.terminate();
    m_stripe.stop();
    stopEngine();
}

QJsonObject TestBookingPage::browse(const QString &scenario, QJsonObject arguments,
                                    const QList<std::function<bool()>> &steps)
{
    arguments.insert(QStringLiteral("base"), m_server.baseUrl());
    QProcess node;
    node.setProcessChannelMode(QProcess::SeparateChannels);
    node.start(QStringLiteral(CARWASH_NODE),
               {QStringLiteral(CARWASH_NPM_DIR "/bookingpage-browser.mjs"), scenario,
                QString::fromUtf8(QJsonDocument(arguments).toJson(QJsonDocument::Compact))});
    // Each "STEP name" line the scenario prints waits for the next step
    // here (a change outside the browser), then for "go" on its stdin.
    QByteArray seen;
    for (const std::function<bool()> &step : steps) {
        QDeadlineTimer bound(120000); // a bound, not a measure
        while (!seen.contains("STEP ") && !bound.hasExpired() && node.state() != QProcess::NotRunning) {
            node.waitForReadyRead(500);
            seen += node.readAllStandardOutput();
        }
        const qsizetype at = seen.indexOf("STEP ");
        if (at < 0)
            break; // the scenario ended early: told below
        const qsizetype end = seen.indexOf('\n', at);
        seen.remove(0, end < 0 ? seen.size() : end + 1);
        if (!step()) {
            qWarning("a step of %s failed", qPrintable(scenario));
            node.kill();
            break;
        }
        node.write("go\n");
    }
    // A bound, not a measure: a browser that hangs must not hang the run.
    if (!node.waitForFinished(240000)) {
        node.kill();
        node.waitForFinished();
        qWarning("the browser scenario %s did not finish", qPrintable(scenario));
    }
    const QString out = QString::fromUtf8(seen + node.readAllStandardOutput());
    const QString err = QString::fromUtf8(node.readAllStandardError());
    if (node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0) {
        qWarning("%s failed:\n%s\n%s\nserver log:\n%s", qPrintable(scenario), qPrintable(out),
                 qPrintable(err), qPrintable(m_server.log().right(3000)));
        return {};
    }
    static const QRegularExpression result(QStringLiteral("^RESULT (.*)$"),
                                           QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = result.match(out);
    if (!match.hasMatch()) {
        qWarning("%s said no RESULT:\n%s", qPrintable(scenario), qPrintable(out));
        return {};
    }
    QJsonObject answer = QJsonDocument::fromJson(match.captured(1).toUtf8()).object();
    answer.insert(QStringLiteral("ok"), true);
    return answer;
}

void TestBookingPage::thePageAndItsAssetsAreServedSafely()
{
    const ServerProcess::Response page = m_server.get(QStringLiteral("/"));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.headers.value("content-type"), QByteArray("text/html; charset=utf-8"));
    const QByteArray csp = page.headers.value("content-security-policy");
    for (const char *directive : {"default-src 'none'", "script-src 'self'", "style-src 'self'",
                                  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"})
        QVERIFY2(csp.contains(directive), csp.constData());
    QVERIFY(!csp.contains("unsafe"));
    QCOMPARE(page.headers.value("x-content-type-options"), QByteArray("nosniff"));
    QCOMPARE(page.headers.value("x-frame-options"), QByteArray("DENY"));
    QCOMPARE(page.headers.value("referrer-policy"), QByteArray("no-referrer"));
    QCOMPARE(page.headers.value("cache-control"), QByteArray("no-store"));
    // No inline script: every <script> names its file.
    const QString html = QString::fromUtf8(page.body);
    QCOMPARE(html.count(QStringLiteral("<script")), html.count(QStringLiteral("<script src=\"/web/")));
    QVERIFY(!html.contains(QStringLiteral(" style=")) && !html.contains(QStringLiteral(" on")));

    // Each asset the page names: its type, cached for a year at this
    // version, revalidated at another; nothing fetched from elsewhere.
    static const QRegularExpression linked(
        QStringLiteral("\"(/web/([a-z]+\\.([a-z]+))\\?v=([0-9a-f]{12}))\""));
    const QHash<QString, QByteArray> types = {{QStringLiteral("js"), "text/javascript; charset=utf-8"},
                                              {QStringLiteral("css"), "text/css; charset=utf-8"},
                                              {QStringLiteral("svg"), "image/svg+xml"}};
    int assets = 0;
    for (auto it = linked.globalMatch(html); it.hasNext(); ++assets) {
        const QRegularExpressionMatch m = it.next();
        const ServerProcess::Response asset = m_server.get(m.captured(1));
        QCOMPARE(asset.status, 200);
        QCOMPARE(asset.headers.value("content-type"), types.value(m.captured(3)));
        QCOMPARE(asset.headers.value("cache-control"), QByteArray("public, max-age=31536000, immutable"));
        QCOMPARE(asset.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QByteArray body = asset.body;
        body.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""); // a name, not an address
        QVERIFY2(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"),
                 qPrintable(m.captured(2)));
        const ServerProcess::Response stale = m_server.get(QStringLiteral("/web/") + m.captured(2));
        QCOMPARE(stale.status, 200);
        QCOMPARE(stale.headers.value("cache-control"), QByteArray("no-cache"));
        QCOMPARE(stale.body, asset.body);
    }
    QCOMPARE(assets, 5); // icon, style, texts, QR encoder, the page's script

    // HEAD (as monitors ask): GET's status and headers, its length, no body.
    // A second request on the same connection is answered next, so nothing
    // was sent between the two.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_server.port()));
    QVERIFY(socket.waitForConnected(10000));
    socket.write("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                 "GET /web/nothing.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    QByteArray answers;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(30000))
        answers += socket.readAll();
    answers += socket.readAll();
    const qsizetype headEnd = answers.indexOf("\r\n\r\n");
    QVERIFY2(headEnd > 0, answers.constData());
    const QByteArray head = answers.left(headEnd).toLower();
    QVERIFY2(head.startsWith("http/1.1 200"), head.constData());
    QVERIFY2(head.contains("content-length: " + QByteArray::number(page.body.size())), head.constData());
    QVERIFY2(head.contains("content-security-policy: default-src 'none'"), head.constData());
    QVERIFY2(answers.mid(headEnd + 4).startsWith("HTTP/1.1 404"), answers.constData());
    QCOMPARE(m_server.get(QStringLiteral("/web/nothing.js")).status, 404);
    QCOMPARE(m_server.get(QStringLiteral("/web/../index.html")).status, 404);
}

void TestBookingPage::aCustomerBooksAndPaysOnAPhone()
{
    const QJsonObject r = browse(QStringLiteral("flow"), customer(QStringLiteral("fl-100 a")));
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    const QString code = r.value(QStringLiteral("code")).toString();
    // Booked once, though the first answer was lost and the button clicked
    // twice: by the page's key, as the customer asked, and paid.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = 'FL100A'")), 1);
    QCOMPARE(bookingField(code, QStringLiteral("b.status || ' ' || b.vehicle_class || ' ' || b.created_by")),
             QStringLiteral("confirmed suv online"));
    QCOMPARE(bookingField(code, QStringLiteral("b.idempotency_key")),
             r.value(QStringLiteral("key")).toString());
    QCOMPARE(bookingField(code, QStringLiteral("c.name || ' ' || c.phone")),
             QStringLiteral("Dana Online +1 555 0100"));
    QCOMPARE(bookingField(code, QStringLiteral("b.service_id::text")), QString::number(m_f.wash));
    const QDateTime start = instant(r.value(QStringLiteral("start")).toString());
    QVERIFY(start.isValid());
    QCOMPARE(value(QStringLiteral("SELECT starts_at FROM bookings WHERE code = '%1'").arg(code)).toDateTime(),
             start);
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM payments p JOIN bookings b ON b.id = p.booking_id "
                       "WHERE b.code = '%1' AND p.status = 'succeeded' AND p.amount_cents = b.price_cents")
                       .arg(code)),
             1);
}

void TestBookingPage::aTimeTakenMeanwhileOffersAlternativesAndOneBooks()
{
    const QJsonObject r = browse(QStringLiteral("taken"), customer(QStringLiteral("TK 200")));
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    const QString code = r.value(QStringLiteral("code")).toString();
    const QDateTime taken = instant(r.value(QStringLiteral("taken")).toString());
    const QDateTime chosen = instant(r.value(QStringLiteral("chosen")).toString());
    QVERIFY(taken.isValid() && chosen.isValid() && taken != chosen);
    // Every bay at the taken time went to the bookings from outside; the
    // customer's one booking is at the alternative they chose, held for
    // the payment they were sent to.
    const QJsonArray outside = r.value(QStringLiteral("outside")).toArray();
    QVERIFY(!outside.isEmpty());
    for (const QJsonValue &c : outside)
        QCOMPARE(bookingField(c.toString(), QStringLiteral("b.status")), QStringLiteral("held"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE starts_at = '%1' AND status = 'held'")
                       .arg(IsoTime::format(taken))),
             qint64(outside.size()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = 'TK200'")), 1);
    QCOMPARE(bookingField(code, QStringLiteral("b.plate || ' ' || b.status")), QStringLiteral("TK200 held"));
    QCOMPARE(value(QStringLiteral("SELECT starts_at FROM bookings WHERE code = '%1'").arg(code)).toDateTime(),
             chosen);
}

void TestBookingPage::aRefusalForNowSaysWhenToTryAgain()
{
    // One write at a time, one more each second: booking takes it, paying
    // right after is refused (429) until the bucket refills.
    sql(QStringLiteral(
        "INSERT INTO site_settings (key, value) VALUES ('api.write_burst', '1'), "
        "('api.write_rate_per_minute', '60') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    QCOMPARE(m_server.terminate(), 0);
    QVERIFY(startServer(m_server));
    const QJsonObject r = browse(QStringLiteral("limited"), customer(QStringLiteral("RL 400")));
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    QVERIFY(r.value(QStringLiteral("refused")).toInt() >= 1);
    const QString code = r.value(QStringLiteral("code")).toString();
    // One booking, held, with one Checkout made for it once allowed.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = 'RL400'")), 1);
    QCOMPARE(bookingField(code, QStringLiteral("b.status")), QStringLiteral("held"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM payments p JOIN bookings b ON b.id = p.booking_id "
                                  "WHERE b.code = '%1' AND p.status = 'pending'")
                       .arg(code)),
             1);
}

void TestBookingPage::theDatabaseAwaySaysToTryAgainAndTryingAgainBooks()
{
    // PostgreSQL stops after the customer filled in the form and starts
    // again after the page said so: "Try again" then books, once.
    const QJsonObject r = browse(QStringLiteral("away"), customer(QStringLiteral("DA 500")),
                                 {[this] { return m_cluster.stop(); }, [this] { return m_cluster.start(); }});
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    const QString code = r.value(QStringLiteral("code")).toString();
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = 'DA500'")), 1);
    QCOMPARE(bookingField(code, QStringLiteral("b.status")), QStringLiteral("held"));
}

void TestBookingPage::aBadPlateIsToldAtThePlateField()
{
    QJsonObject who = customer(QStringLiteral("%%"));
    who.insert(QStringLiteral("name"), QStringLiteral("Bad Plate"));
    const QJsonObject r = browse(QStringLiteral("badplate"), who);
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    QVERIFY(r.value(QStringLiteral("message")).toString().contains(QStringLiteral("plate")));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM customers WHERE name = 'Bad Plate'")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings")), 0);
}

void TestBookingPage::aSpanishBrowserGetsTheSpanishPage()
{
    const QJsonObject r = browse(QStringLiteral("spanish"), customer(QStringLiteral("%%")));
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    QVERIFY2(r.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("La matrícula")),
             qPrintable(r.value(QStringLiteral("message")).toString()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings")), 0);
}

void TestBookingPage::aBookingIsFoundMovedAndCancelledByCodeAndPlate()
{
    const QJsonObject request {{QStringLiteral("service"), m_f.wash},
                               {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("10:00")))},
                               {QStringLiteral("plate"), QStringLiteral("LK-42 A")},
                               {QStringLiteral("name"), QStringLiteral("Lee Lookup")},
                               {QStringLiteral("email"), QStringLiteral("lee@example.com")}};
    const ServerProcess::Response made = m_server.send("POST", QStringLiteral("/api/bookings"),
                                                       QJsonDocument(request).toJson(QJsonDocument::Compact));
    QCOMPARE(made.status, 201);
    const QString code = made.json().object().value(QStringLiteral("code")).toString();
    const QJsonObject r = browse(QStringLiteral("lookup"),
                                 {{QStringLiteral("code"), code},
                                  {QStringLiteral("wrongPlate"), QStringLiteral("ZZ 999")},
                                  {QStringLiteral("typedPlate"), QStringLiteral("lk 42a")}});
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    QCOMPARE(bookingField(code, QStringLiteral("b.status")), QStringLiteral("cancelled"));
    const QDateTime moved = instant(r.value(QStringLiteral("moved")).toString());
    QVERIFY(moved.isValid() && moved != at(QStringLiteral("10:00")));
    // The first time picked was taken meanwhile: moved to an alternative.
    const QDateTime taken = instant(r.value(QStringLiteral("taken")).toString());
    QVERIFY(taken.isValid() && taken != moved);
    QVERIFY(count(QStringLiteral("SELECT count(*) FROM bookings WHERE plate LIKE 'MOVE%' AND starts_at = '%1'")
                      .arg(IsoTime::toSql(taken)))
            > 0);
    QCOMPARE(value(QStringLiteral("SELECT starts_at FROM bookings WHERE code = '%1'").arg(code)).toDateTime(),
             moved);
    QCOMPARE(
        count(QStringLiteral(
                  "SELECT count(*) FROM audit_log WHERE action = 'booking.reschedule' AND actor = 'online' "
                  "AND entity_id = (SELECT id::text FROM bookings WHERE code = '%1')")
                  .arg(code)),
        1);
    // By the customer, online, audited as the desk's changes are.
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM audit_log WHERE action = 'booking.status' AND actor = 'online' "
                       "AND details->>'to' = 'cancelled' AND entity_id = "
                       "(SELECT id::text FROM bookings WHERE code = '%1')")
                       .arg(code)),
             1);
}

void TestBookingPage::theKeyboardAloneBooksAndPays()
{
    QJsonObject who = customer(QStringLiteral("KB 300"));
    who.insert(QStringLiteral("vehicle"), QStringLiteral("car"));
    const QJsonObject r = browse(QStringLiteral("keyboard"), who);
    QVERIFY(r.value(QStringLiteral("ok")).toBool());
    const QString code = r.value(QStringLiteral("code")).toString();
    QCOMPARE(bookingField(code, QStringLiteral("b.plate || ' ' || b.status || ' ' || b.vehicle_class")),
             QStringLiteral("KB300 confirmed car"));
    QCOMPARE(value(QStringLiteral("SELECT starts_at FROM bookings WHERE code = '%1'").arg(code)).toDateTime(),
             instant(r.value(QStringLiteral("start")).toString()));
}

QTEST_GUILESS_MAIN(TestBookingPage)
#include "tst_bookingpage.moc"
