// carwash-admin payment, reader and takings as an operator or a script uses
// them: real processes against a real PostgreSQL. Card work waits for
// carwash-server's answer on the request row; with no server publishing its
// health the commands exit 5 with the reason at once.
//
// The server's side is played here by a thread of the test (ServerStandIn)
// that answers request rows through plain SQL exactly as carwash-server
// does: the payment's Checkout session written to the payment row, the
// request marked done with {"session_id", "url", "expires_at"}, a refund
// marked succeeded. The end-to-end test with carwash-server and the fake
// Stripe replaces this stand-in once the server exists.
#include "db/health/processhealthrepo.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/paymentsfixture.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using AdminProcess::Run;

namespace {

QStringList words(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

// Answers pending payment requests every 50 ms on a connection of its own,
// as carwash-server will. Refuses every request with Stripe's message
// instead when refusing is set.
class ServerStandIn
{
public:
    explicit ServerStandIn(const DatabaseConfig &config)
        : m_config(config)
    { }
    ~ServerStandIn() { stop(); }

    void start()
    {
        m_stop = false;
        m_thread = std::thread([this] { loop(); });
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    std::atomic<bool> refusing {false};
    std::atomic<int> answered {0};

private:
    void loop()
    {
        const QString name = QStringLiteral("server-stand-in");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setHostName(m_config.host);
            db.setPort(m_config.port);
            db.setDatabaseName(m_config.database);
            db.setUserName(m_config.user);
            if (db.open()) {
                while (!m_stop) {
                    answerPending(db);
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
                db.close();
            }
        }
        QSqlDatabase::removeDatabase(name);
    }

    void answerPending(QSqlDatabase &db)
    {
        QSqlQuery pending(db);
        pending.exec(QStringLiteral("SELECT id, kind, coalesce(payment_id, 0), coalesce(refund_id, 0) FROM "
                                    "payment_requests WHERE status = 'pending' ORDER BY id"));
        QList<std::tuple<qint64, QString, qint64, qint64>> requests;
        while (pending.next())
            requests.append({pending.value(0).toLongLong(), pending.value(1).toString(),
                             pending.value(2).toLongLong(), pending.value(3).toLongLong()});
        for (const auto &[id, kind, paymentId, refundId] : requests) {
            db.transaction();
            QSqlQuery q(db);
            if (refusing) {
                q.exec(QStringLiteral("UPDATE payment_requests SET status = 'failed', error_code = "
                                      "'invalid_request_error', error_message = 'Invalid API Key provided: "
                                      "sk_test_****1234', answered_at = now() WHERE id = %1")
                           .arg(id));
            } else if (kind == u"checkout") {
                const QString session = QStringLiteral("cs_test_%1").arg(paymentId);
                q.exec(QStringLiteral("UPDATE payments SET stripe_checkout_session_id = '%1', checkout_url = "
                                      "'https://checkout.stripe.com/c/pay/%1', checkout_expires_at = "
                                      "date_trunc('second', now()) + interval '30 minutes' WHERE id = %2")
                           .arg(session)
                           .arg(paymentId));
                q.exec(
                    QStringLiteral("UPDATE payment_requests AS r SET status = 'done', answered_at = now(), "
                                   "result = jsonb_build_object('session_id', p.stripe_checkout_session_id, "
                                   "'url', p.checkout_url, 'expires_at', "
                                   "to_char(p.checkout_expires_at AT TIME ZONE 'UTC', "
                                   "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) "
                                   "FROM payments AS p WHERE p.id = r.payment_id AND r.id = %1")
                        .arg(id));
            } else if (kind == u"refund") {
                q.exec(QStringLiteral("UPDATE refunds SET status = 'succeeded', succeeded_at = now(), "
                                      "stripe_refund_id = 're_test_%1' WHERE id = %1")
                           .arg(refundId));
                q.exec(QStringLiteral(
                           "UPDATE payments AS p SET refunded_cents = p.refunded_cents + r.amount_cents, "
                           "status = CASE WHEN p.refunded_cents + r.amount_cents = p.amount_cents THEN "
                           "'refunded' ELSE p.status END FROM refunds AS r WHERE r.id = %1 AND "
                           "p.id = r.payment_id")
                           .arg(refundId));
                q.exec(QStringLiteral(
                           "UPDATE payment_requests SET status = 'done', answered_at = now(), result = "
                           "'{\"refund\": \"re_test_%1\"}' WHERE id = %2")
                           .arg(refundId)
                           .arg(id));
            } else {
                q.exec(QStringLiteral(
                           "UPDATE payment_requests SET status = 'done', answered_at = now(), result = "
                           "'{\"checked\": 0}' WHERE id = %1")
                           .arg(id));
            }
            db.commit();
            ++answered;
        }
    }

    DatabaseConfig m_config;
    std::thread m_thread;
    std::atomic<bool> m_stop {false};
};

} // namespace

class TestPaymentCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void withoutAServerCardWorkExitsFiveWithTheReason();
    void checkoutWaitsForTheServersAnswerAndIsReused();
    void aRefusedRequestExitsFiveWithStripesMessage();
    void noAnswerInTimeExitsFiveAndTheRequestStaysQueued();
    void showListsTheBookingsPayments();
    void cashRefundsNeedNoServer();
    void cardRefundsWaitForTheServer();
    void badRefundInputExitsTwo_data();
    void badRefundInputExitsTwo();
    void reconcileOnce();
    void readerCommands();
    void takingsAsTextJsonAndCsv();

private:
    Run admin(const QStringList &args);
    QVariant sql(const QString &text) { return PaymentsFixture::sql(m_cluster, text); }
    void serverPublishes();

    PgTestCluster m_cluster;
    QProcessEnvironment m_env;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<ServerStandIn> m_server;
};

void TestPaymentCli::initTestCase()
{
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_env = AdminProcess::environmentFor(m_cluster.port());
    const Run seeded = admin({QStringLiteral("seed"), QStringLiteral("--demo")});
    QVERIFY2(seeded.exitCode == 0, seeded.err.constData());
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', 'Europe/Berlin') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_paymentcli")));
    m_server = std::make_unique<ServerStandIn>(m_cluster.config());
}

void TestPaymentCli::init()
{
    sql(QStringLiteral("DELETE FROM payment_requests; DELETE FROM refunds; DELETE FROM payments; "
                       "DELETE FROM card_readers; DELETE FROM process_health"));
    m_server->refusing = false;
}

void TestPaymentCli::cleanup()
{
    m_server->stop();
}

void TestPaymentCli::cleanupTestCase()
{
    m_server.reset();
    m_pool.reset();
}

Run TestPaymentCli::admin(const QStringList &args)
{
    return AdminProcess::run(args, m_env);
}

void TestPaymentCli::serverPublishes()
{
    // What a running carwash-server's HealthPublisher writes every 5 s.
    ProcessIdentity server;
    server.program = QStringLiteral("carwash-server");
    server.host = QStringLiteral("backoffice");
    server.pid = 4242;
    server.startedAt = QDateTime::fromMSecsSinceEpoch(1765000000000, Qt::UTC);
    const auto published
        = m_pool
              ->withConnection(QStringLiteral("test.publish"),
                               [server](QSqlDatabase &db) {
                                   ProcessHealthRepo(db).publish(
                                       server, {{QStringLiteral("status"), QStringLiteral("healthy")}});
                               })
              .result();
    QVERIFY(published.ok());
}

void TestPaymentCli::withoutAServerCardWorkExitsFiveWithTheReason()
{
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("confirmed"), 4500, &code);
    const Run checkout
        = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code, QStringLiteral("--json")});
    QCOMPARE(checkout.exitCode, 5);
    QVERIFY2(checkout.errText().contains(QStringLiteral("no payment server (carwash-server) is running")),
             checkout.err.constData());
    QCOMPARE(checkout.json()[u"error"][u"kind"].toString(), QStringLiteral("payment"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 0);
    const Run reconcile = admin({QStringLiteral("payment"), QStringLiteral("reconcile")});
    QCOMPARE(reconcile.exitCode, 5);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 0);
    // A server silent for three minutes: that is the reason given.
    serverPublishes();
    sql(QStringLiteral("UPDATE process_health SET updated_at = now() - interval '3 minutes 5 seconds'"));
    const Run silent = admin({QStringLiteral("payment"), QStringLiteral("checkout"), QString::number(id)});
    QCOMPARE(silent.exitCode, 5);
    QVERIFY2(silent.errText().contains(QStringLiteral("no payment server has reported for 3 minutes")),
             silent.err.constData());
}

void TestPaymentCli::checkoutWaitsForTheServersAnswerAndIsReused()
{
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("held"), 4500, &code);
    serverPublishes();
    m_server->start();
    const Run first
        = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code, QStringLiteral("--json")});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QJsonObject json = first.json().object();
    QCOMPARE(json.keys(),
             QStringList({QStringLiteral("amount_cents"), QStringLiteral("currency"),
                          QStringLiteral("expires_at"), QStringLiteral("payment_id"),
                          QStringLiteral("session_id"), QStringLiteral("status"), QStringLiteral("url")}));
    const qint64 paymentId
        = sql(QStringLiteral("SELECT id FROM payments WHERE booking_id = %1").arg(id)).toLongLong();
    QCOMPARE(json[u"payment_id"].toInteger(), paymentId);
    QCOMPARE(json[u"session_id"].toString(), QStringLiteral("cs_test_%1").arg(paymentId));
    QCOMPARE(json[u"url"].toString(),
             QStringLiteral("https://checkout.stripe.com/c/pay/cs_test_%1").arg(paymentId));
    QCOMPARE(json[u"amount_cents"].toInteger(), 4500);
    QCOMPARE(json[u"currency"].toString(), QStringLiteral("USD"));
    QCOMPARE(json[u"status"].toString(), QStringLiteral("pending"));
    // In the site's zone, as stored.
    const QDateTime expires = QDateTime::fromString(json[u"expires_at"].toString(), Qt::ISODate);
    QCOMPARE(expires.toSecsSinceEpoch(),
             sql(QStringLiteral(
                     "SELECT extract(epoch FROM checkout_expires_at)::bigint FROM payments WHERE id = %1")
                     .arg(paymentId))
                 .toLongLong());
    QVERIFY(json[u"expires_at"].toString().endsWith(QStringLiteral("+01:00"))
            || json[u"expires_at"].toString().endsWith(QStringLiteral("+02:00")));
    QCOMPARE(
        sql(QStringLiteral("SELECT requested_by || ':' || idempotency_key FROM payment_requests")).toString(),
        QStringLiteral("cli:payment-%1-checkout").arg(paymentId));
    // Again, by id: the open session is reused; the server is not asked twice.
    const Run again = admin({QStringLiteral("payment"), QStringLiteral("checkout"), QString::number(id),
                             QStringLiteral("--json")});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QCOMPARE(again.json()[u"payment_id"].toInteger(), paymentId);
    QCOMPARE(again.json()[u"url"].toString(), json[u"url"].toString());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 1);
    QCOMPARE(m_server->answered.load(), 1);
    // The text form shows the link.
    const Run text = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("https://checkout.stripe.com/c/pay/cs_test_"), text.out.constData());
}

void TestPaymentCli::aRefusedRequestExitsFiveWithStripesMessage()
{
    QString code;
    PaymentsFixture::addBooking(m_cluster, QStringLiteral("confirmed"), 2000, &code);
    serverPublishes();
    m_server->refusing = true;
    m_server->start();
    const Run refused = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code});
    QCOMPARE(refused.exitCode, 5);
    QVERIFY2(refused.errText().contains(QStringLiteral("Invalid API Key provided: sk_test_****1234")),
             refused.err.constData());
}

void TestPaymentCli::noAnswerInTimeExitsFiveAndTheRequestStaysQueued()
{
    QString code;
    PaymentsFixture::addBooking(m_cluster, QStringLiteral("confirmed"), 2000, &code);
    serverPublishes(); // it publishes, but answers nothing (hung)
    const Run waited = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code,
                              QStringLiteral("--wait"), QStringLiteral("1")});
    QCOMPARE(waited.exitCode, 5);
    QVERIFY2(waited.errText().contains(QStringLiteral("No carwash-server answering")),
             waited.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payment_requests")).toString(),
             QStringLiteral("pending"));
    const Run badWait = admin({QStringLiteral("payment"), QStringLiteral("checkout"), code,
                               QStringLiteral("--wait"), QStringLiteral("0")});
    QCOMPARE(badWait.exitCode, 2);
}

void TestPaymentCli::showListsTheBookingsPayments()
{
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), 4500, &code);
    const qint64 cash = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("cash"), 1500,
                                                    QStringLiteral("now() - interval '1 hour'"), 4500);
    const qint64 card = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("terminal"), 3000,
                                                    QStringLiteral("now()"), 4500);
    sql(QStringLiteral(
            "UPDATE payments SET stripe_payment_intent_id = 'pi_test_1', stripe_terminal_reader_id = "
            "'tmr_Front' WHERE id = %1")
            .arg(card));
    const Run shown
        = admin({QStringLiteral("payment"), QStringLiteral("show"), code, QStringLiteral("--json")});
    QVERIFY2(shown.exitCode == 0, shown.err.constData());
    const QJsonArray list = shown.json().array();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0][u"id"].toInteger(), cash);
    QCOMPARE(list[0][u"method"].toString(), QStringLiteral("cash"));
    QCOMPARE(list[0][u"amount_cents"].toInteger(), 1500);
    QVERIFY(list[0][u"stripe_payment_intent_id"].isNull());
    QCOMPARE(list[1][u"method"].toString(), QStringLiteral("terminal"));
    QCOMPARE(list[1][u"status"].toString(), QStringLiteral("succeeded"));
    QCOMPARE(list[1][u"refunded_cents"].toInteger(), 0);
    QCOMPARE(list[1][u"currency"].toString(), QStringLiteral("USD"));
    QCOMPARE(list[1][u"stripe_payment_intent_id"].toString(), QStringLiteral("pi_test_1"));
    QCOMPARE(list[1][u"stripe_terminal_reader_id"].toString(), QStringLiteral("tmr_Front"));
    QVERIFY(list[1][u"created_at"].isString());
    QVERIFY(list[1][u"paid_at"].isString());
    QCOMPARE(admin({QStringLiteral("payment"), QStringLiteral("show"), QStringLiteral("ZZZZZ9")}).exitCode,
             3);
    QCOMPARE(admin({QStringLiteral("payment"), QStringLiteral("show"), QStringLiteral("no-such")}).exitCode,
             2);
}

void TestPaymentCli::cashRefundsNeedNoServer()
{
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), 4500, &code);
    const qint64 cash
        = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("cash"), 4500, QStringLiteral("now()"));
    const Run refunded
        = admin({QStringLiteral("payment"), QStringLiteral("refund"), code, QStringLiteral("--amount"),
                 QStringLiteral("12.50"), QStringLiteral("--reason"), QStringLiteral("missed the wheels"),
                 QStringLiteral("--json")});
    QVERIFY2(refunded.exitCode == 0, refunded.err.constData());
    QCOMPARE(refunded.json()[u"total_cents"].toInteger(), 1250);
    const QJsonObject part = refunded.json()[u"refunds"].toArray().first().toObject();
    QCOMPARE(part[u"method"].toString(), QStringLiteral("cash"));
    QCOMPARE(part[u"status"].toString(), QStringLiteral("succeeded"));
    QCOMPARE(part[u"payment_id"].toInteger(), cash);
    QVERIFY(part[u"request_id"].isNull());
    QCOMPARE(sql(QStringLiteral("SELECT reason || ':' || created_by FROM refunds")).toString(),
             QStringLiteral("missed the wheels:cli"));
    QCOMPARE(sql(QStringLiteral("SELECT refunded_cents FROM payments WHERE id = %1").arg(cash)).toInt(),
             1250);
    // More than is left (32.50): refused, nothing written.
    const Run tooMuch = admin({QStringLiteral("payment"), QStringLiteral("refund"), code,
                               QStringLiteral("--amount"), QStringLiteral("32.51")});
    QCOMPARE(tooMuch.exitCode, 2);
    QVERIFY2(tooMuch.errText().contains(QStringLiteral("$32.50")), tooMuch.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM refunds")).toInt(), 1);
}

void TestPaymentCli::cardRefundsWaitForTheServer()
{
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), 3000, &code);
    const qint64 card = PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("stripe_checkout"), 3000,
                                                    QStringLiteral("now()"));
    // No server: nothing is written, and the reason is given.
    const Run blocked = admin({QStringLiteral("payment"), QStringLiteral("refund"), code});
    QCOMPARE(blocked.exitCode, 5);
    QVERIFY2(blocked.errText().contains(QStringLiteral("Nothing was refunded")), blocked.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM refunds")).toInt(), 0);
    serverPublishes();
    m_server->start();
    const Run refunded = admin(
        {QStringLiteral("payment"), QStringLiteral("refund"), QString::number(id), QStringLiteral("--json")});
    QVERIFY2(refunded.exitCode == 0, refunded.err.constData());
    const QJsonObject part = refunded.json()[u"refunds"].toArray().first().toObject();
    QCOMPARE(part[u"method"].toString(), QStringLiteral("card"));
    QCOMPARE(part[u"amount_cents"].toInteger(), 3000);
    QCOMPARE(part[u"status"].toString(), QStringLiteral("succeeded")); // as the server left it
    QCOMPARE(sql(QStringLiteral("SELECT idempotency_key FROM payment_requests WHERE id = %1")
                     .arg(part[u"request_id"].toInteger()))
                 .toString(),
             QStringLiteral("refund-%1").arg(part[u"refund_id"].toInteger()));
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(card)).toString(),
             QStringLiteral("refunded"));
}

void TestPaymentCli::badRefundInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("three decimals") << words({"--amount", "12.505"}) << "too many decimals";
    QTest::newRow("not a number") << words({"--amount", "twelve"}) << "twelve";
    QTest::newRow("negative") << words({"--amount", "-5"}) << "-5";
    QTest::newRow("zero") << words({"--amount", "0"}) << "more than nothing";
}

void TestPaymentCli::badRefundInputExitsTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    QString code;
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), 2000, &code);
    PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("cash"), 2000, QStringLiteral("now()"));
    const Run refused = admin(QStringList {QStringLiteral("payment"), QStringLiteral("refund"), code} + args);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.errText().contains(mentions), refused.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM refunds")).toInt(), 0);
}

void TestPaymentCli::reconcileOnce()
{
    serverPublishes();
    m_server->start();
    const Run reconciled
        = admin({QStringLiteral("payment"), QStringLiteral("reconcile"), QStringLiteral("--json")});
    QVERIFY2(reconciled.exitCode == 0, reconciled.err.constData());
    QCOMPARE(reconciled.json()[u"status"].toString(), QStringLiteral("done"));
    QCOMPARE(reconciled.json()[u"result"][u"checked"].toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT kind || ':' || requested_by FROM payment_requests")).toString(),
             QStringLiteral("reconcile:cli"));
}

void TestPaymentCli::readerCommands()
{
    const Run bad = admin({QStringLiteral("reader"), QStringLiteral("add"), QStringLiteral("reader1"),
                           QStringLiteral("--label"), QStringLiteral("Front")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.errText().contains(QStringLiteral("tmr_")), bad.err.constData());
    const Run added = admin({QStringLiteral("reader"), QStringLiteral("add"), QStringLiteral("tmr_Front1"),
                             QStringLiteral("--label"), QStringLiteral("Front desk reader"),
                             QStringLiteral("--desk"), QStringLiteral("Front"), QStringLiteral("--json")});
    QVERIFY2(added.exitCode == 0, added.err.constData());
    QCOMPARE(added.json()[u"assigned_to"].toString(), QStringLiteral("Front"));
    // The desk has a reader: the second is refused and not added either.
    const Run second = admin({QStringLiteral("reader"), QStringLiteral("add"), QStringLiteral("tmr_Spare2"),
                              QStringLiteral("--label"), QStringLiteral("Spare"), QStringLiteral("--desk"),
                              QStringLiteral("Front")});
    QCOMPARE(second.exitCode, 2);
    QVERIFY2(second.errText().contains(QStringLiteral("tmr_Front1")), second.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM card_readers")).toInt(), 1);
    const Run kiosk = admin({QStringLiteral("reader"), QStringLiteral("add"), QStringLiteral("tmr_Kiosk3"),
                             QStringLiteral("--label"), QStringLiteral("Kiosk"), QStringLiteral("--kiosk"),
                             QStringLiteral("Front")});
    QCOMPARE(kiosk.exitCode, 0);
    const Run listed = admin({QStringLiteral("reader"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    const QJsonArray readers = listed.json().array();
    QCOMPARE(readers.size(), 2);
    QCOMPARE(readers[0][u"id"].toString(), QStringLiteral("tmr_Front1"));
    QCOMPARE(readers[1][u"assigned_kind"].toString(), QStringLiteral("kiosk"));
    QCOMPARE(
        admin({QStringLiteral("reader"), QStringLiteral("remove"), QStringLiteral("tmr_Front1")}).exitCode,
        0);
    QCOMPARE(
        admin({QStringLiteral("reader"), QStringLiteral("remove"), QStringLiteral("tmr_Front1")}).exitCode,
        3);
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(actor || ':' || action, ',' ORDER BY id) FROM audit_log WHERE "
                           "entity = 'card_reader' AND entity_id = 'tmr_Front1'"))
            .toString(),
        QStringLiteral("cli:reader.added,cli:reader.assigned,cli:reader.removed"));
}

void TestPaymentCli::takingsAsTextJsonAndCsv()
{
    const qint64 id = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), 4500);
    // 10:00 in Berlin on 2026-07-01.
    PaymentsFixture::addPayment(m_cluster, id, QStringLiteral("terminal"), 4500,
                                QStringLiteral("'2026-07-01T08:00:00Z'::timestamptz"));
    const Run json = admin({QStringLiteral("takings"), QStringLiteral("--date"), QStringLiteral("2026-07-01"),
                            QStringLiteral("--json")});
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject card = json.json()[u"currencies"].toArray().first()[u"card"].toObject();
    QCOMPARE(card[u"payments"].toInt(), 1);
    QCOMPARE(card[u"taken_cents"].toInteger(), 4500);
    QCOMPARE(card[u"tax_cents"].toInteger(), 343);
    const Run csv = admin({QStringLiteral("takings"), QStringLiteral("--date"), QStringLiteral("2026-07-01"),
                           QStringLiteral("--csv")});
    QCOMPARE(csv.exitCode, 0);
    const QList<QByteArray> lines = csv.out.split('\n');
    QCOMPARE(lines.size(), 5); // header, cash, card, total, and the empty rest after the last CRLF
    QVERIFY2(lines[2].endsWith(",USD,card,1,45.00,3.43,0,0.00,45.00\r"), lines[2].constData());
    const Run text
        = admin({QStringLiteral("takings"), QStringLiteral("--date"), QStringLiteral("2026-07-01")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Europe/Berlin"), text.out.constData());
    QCOMPARE(
        admin({QStringLiteral("takings"), QStringLiteral("--date"), QStringLiteral("2026-7-1")}).exitCode, 2);
    QCOMPARE(admin({QStringLiteral("takings")}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestPaymentCli)
#include "tst_paymentcli.moc"
