// Kill the server, lose nothing: the booking workload from several real
// clients at once — carwash-admin processes (one per booking, retried with
// the same --idempotency-key as a script does), a carwash-server process
// taking POST /api/bookings with an Idempotency-Key from a driver that
// retries on no answer or 503 with the same key, and a desk's pool in this
// process — while PostgreSQL is SIGKILLed and restarted, a PgBouncer in
// between is restarted, or the network is cut by the fault proxy. Then:
// every acknowledged booking is stored exactly once (by code and by key),
// no two active bookings overlap on a bay, no client was told "taken" for a
// booking that is stored, every client recovered without a restart, and no
// program held more server connections than its pool's limit.
#include "db/bookings/bookingrepo.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/faultproxy.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgbouncerprocess.h"
#include "tests/serverpaymentfixture.h"

#include "db/text/isotime.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

#include <csignal>
#include <functional>

using TestWaits::kNoHangMs;

namespace {

enum class Client { Admin, Server, Desk };
constexpr int kClients = 3;
// In flight at once per client kind.
constexpr int kAdminProcesses = 3;
constexpr int kServerRequests = 2;
constexpr int kDeskJobs = 2;
// Each program's pool: carwash-server's and carwash-admin's default, the
// desk's as set below.
constexpr int kProgramPoolLimit = 5;
constexpr int kDeskPoolLimit = 4;
const QString DeskName = QStringLiteral("tst_chaos-desk");

const char *clientName(Client c)
{
    switch (c) {
    case Client::Admin:
        return "carwash-admin";
    case Client::Server:
        return "carwash-server";
    case Client::Desk:
        return "desk pool";
    }
    return "?";
}

// One booking a client wants; retried with the same key until the client is
// told it is booked (acknowledged) or the slot is taken.
struct Attempt
{
    Client client = Client::Admin;
    QString key;
    QString plate;
    QDateTime start;
    bool afterLastFault = false;
    int tries = 0;
    QProcess *process = nullptr;
    QNetworkReply *reply = nullptr;
    QFuture<DbResult<BookingOutcome>> job;
    QElapsedTimer running;
};

} // namespace

class TestChaos : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void postgresKilledFourTimes();
    void pgBouncerRestartedTwice();
    void networkCutByTheProxy();

private:
    // Runs the workload through a database on port (the server, a PgBouncer
    // or the proxy), calls fault(round) between stretches of work, then lets
    // every client book again and waits for all answers; checks everything.
    void runChaos(const QString &name, int port, bool pgbouncer, int faults,
                  const std::function<bool(int)> &fault);

    // The workload's state.
    void issue(Attempt &a);
    // True once a is answered: acknowledged or taken; reissues it otherwise.
    bool settle(Attempt &a);
    void pump(int ms);
    void sampleConnections();
    QDateTime randomStart();

    QString m_name;
    QString m_url;
    QProcessEnvironment m_adminEnv;
    ServerProcess m_server;
    std::unique_ptr<ConnectionPool> m_desk;
    QNetworkAccessManager m_http;
    QList<Attempt> m_inFlight;
    int m_next = 0;
    bool m_faultsOver = false;

    int m_attempted = 0;
    int m_retries = 0;
    int m_taken = 0;
    int m_unexpected = 0;
    QStringList m_unexpectedWhat;
    QHash<QString, QString> m_acked; // key -> code the client was told
    QSet<QString> m_takenKeys;
    int m_ackedAfterFaults[kClients] = {};
    int m_maxServer = 0, m_maxDesk = 0, m_maxAdmin = 0;
    QElapsedTimer m_sampled;
};

void TestChaos::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    // With synchronous_commit off (the harness's default, for speed) a
    // killed server loses commits it acknowledged: this test showed it.
    m_cluster.setCrashSafeCommits(true);
    startEngine(QStringLiteral("tst_chaos"));
    startStripe();
}

void TestChaos::init()
{
    resetCatalogue();
    // One client address sends every online booking here: no rate limit.
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('api.write_burst', '100000') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    m_inFlight.clear();
    m_next = 0;
    m_faultsOver = false;
    m_attempted = m_retries = m_taken = m_unexpected = 0;
    m_unexpectedWhat.clear();
    m_acked.clear();
    m_takenKeys.clear();
    std::fill(std::begin(m_ackedAfterFaults), std::end(m_ackedAfterFaults), 0);
    m_maxServer = m_maxDesk = m_maxAdmin = 0;
}

void TestChaos::cleanup()
{
    // After a failure: nothing of this test's left running for the next.
    for (Attempt &a : m_inFlight) {
        if (a.process)
            AdminProcess::finish(a.process, 0);
        delete a.process;
        if (a.reply)
            a.reply->abort();
        delete a.reply;
        if (a.job.isValid())
            a.job.waitForFinished();
    }
    m_inFlight.clear();
    m_desk.reset();
    if (m_server.pid() > 0)
        m_server.terminate();
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

void TestChaos::cleanupTestCase()
{
    m_stripe.stop();
    stopEngine();
}

QDateTime TestChaos::randomStart()
{
    // Ten days of 08:00-17:30 every 15 minutes on two lanes: most attempts
    // find a free lane, some race for one that is taken.
    QRandomGenerator *r = QRandomGenerator::global();
    const QDate day = m_day.addDays(r->bounded(10));
    const int quarter = r->bounded(39);
    return at(QTime(8, 0).addSecs(quarter * 15 * 60).toString(QStringLiteral("HH:mm")), day);
}

void TestChaos::issue(Attempt &a)
{
    ++a.tries;
    if (a.tries > 1)
        ++m_retries;
    a.running.start();
    switch (a.client) {
    case Client::Admin:
        a.process = AdminProcess::start(
            {QStringLiteral("book"), QStringLiteral("--service"), QString::number(m_f.wash), QStringLiteral("--start"),
             a.start.toTimeZone(m_zone).toString(QStringLiteral("yyyy-MM-ddTHH:mm")), QStringLiteral("--plate"), a.plate,
             QStringLiteral("--name"), QStringLiteral("Chaos Admin"), QStringLiteral("--idempotency-key"), a.key,
             QStringLiteral("--json")},
            m_adminEnv, this);
        break;
    case Client::Server: {
        QNetworkRequest request(QUrl(m_server.baseUrl() + QStringLiteral("/api/bookings")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Idempotency-Key", a.key.toUtf8());
        request.setTransferTimeout(kNoHangMs);
        const QJsonObject body {{QStringLiteral("service"), m_f.wash},
                                {QStringLiteral("start"), IsoTime::format(a.start)},
                                {QStringLiteral("vehicle"), QStringLiteral("car")},
                                {QStringLiteral("plate"), a.plate},
                                {QStringLiteral("name"), QStringLiteral("Chaos Online")},
                                {QStringLiteral("email"), QStringLiteral("chaos@example.com")}};
        a.reply = m_http.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        break;
    }
    case Client::Desk: {
        BookingRequest request;
        request.slot.serviceId = m_f.wash;
        request.start = a.start;
        request.plate = a.plate;
        request.name = QStringLiteral("Chaos Desk");
        request.actor = QStringLiteral("staff:1");
        request.idempotencyKey = a.key;
        a.job = m_desk->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                  [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
        break;
    }
    }
}

bool TestChaos::settle(Attempt &a)
{
    QString code;
    bool taken = false;
    QString unexpected;
    switch (a.client) {
    case Client::Admin: {
        if (a.process->state() != QProcess::NotRunning && a.running.elapsed() < kNoHangMs)
            return false;
        const AdminProcess::Run run = AdminProcess::finish(a.process, 1000);
        delete a.process;
        a.process = nullptr;
        if (run.exitCode == 0)
            code = run.json()[u"code"].toString();
        else if (run.exitCode == 3)
            taken = true;
        else if (run.exitCode != 4 && run.exitCode != 1)
            unexpected = QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.errText());
        break;
    }
    case Client::Server: {
        if (!a.reply->isFinished())
            return false;
        const int status = a.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = a.reply->readAll();
        a.reply->deleteLater();
        a.reply = nullptr;
        if (status == 200 || status == 201)
            code = QJsonDocument::fromJson(body)[u"code"].toString();
        else if (status == 409)
            taken = true;
        else if (status != 0 && status != 503)
            unexpected = QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(body));
        break;
    }
    case Client::Desk: {
        if (!a.job.isFinished())
            return false;
        const DbResult<BookingOutcome> outcome = a.job.result();
        if (outcome.ok() && outcome->isBooked())
            code = outcome->booking.code;
        else if (outcome.ok() && outcome->result == BookingOutcome::Result::SlotTaken)
            taken = true;
        else if (outcome.ok())
            unexpected = QStringLiteral("refused: %1").arg(outcome->error().message());
        break;
    }
    }
    if (!unexpected.isEmpty()) {
        // A wrong answer is kept to fail the test; the booking is not retried.
        ++m_unexpected;
        m_unexpectedWhat << QStringLiteral("%1 %2 %3").arg(QLatin1String(clientName(a.client)), a.key, unexpected);
        return true;
    }
    if (!code.isEmpty()) {
        m_acked.insert(a.key, code);
        if (a.afterLastFault)
            ++m_ackedAfterFaults[int(a.client)];
        return true;
    }
    if (taken) {
        ++m_taken;
        m_takenKeys.insert(a.key);
        return true;
    }
    issue(a); // no answer, or "unavailable": the same key again
    return false;
}

void TestChaos::sampleConnections()
{
    if (m_sampled.isValid() && m_sampled.elapsed() < 500)
        return;
    m_sampled.start();
    m_maxServer = std::max(m_maxServer, m_cluster.countConnections(QStringLiteral("carwash-server")));
    m_maxDesk = std::max(m_maxDesk, m_cluster.countConnections(DeskName));
    m_maxAdmin = std::max(m_maxAdmin, m_cluster.countConnections(QStringLiteral("carwash-admin")));
}

void TestChaos::pump(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QTest::qWait(20);
        for (qsizetype i = 0; i < m_inFlight.size(); ++i) {
            Attempt &a = m_inFlight[i];
            if (!settle(a))
                continue;
            if (m_faultsOver && a.afterLastFault && m_ackedAfterFaults[int(a.client)] >= 3) {
                m_inFlight.removeAt(i--);
                continue;
            }
            // The client's next booking in the same place in the workload.
            const Client client = a.client;
            a = Attempt {};
            a.client = client;
            a.key = QStringLiteral("chaos-%1-%2").arg(m_name).arg(++m_next);
            a.plate = QStringLiteral("CH%1").arg(m_next);
            a.start = randomStart();
            a.afterLastFault = m_faultsOver;
            ++m_attempted;
            issue(a);
        }
        if (m_cluster.isRunning())
            sampleConnections();
    }
}

void TestChaos::runChaos(const QString &name, int port, bool pgbouncer, int faults,
                         const std::function<bool(int)> &fault)
{
    m_name = name;
    const QString url = QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=3%2")
                            .arg(port)
                            .arg(pgbouncer ? QStringLiteral("&pgbouncer=true") : QString());
    m_adminEnv = AdminProcess::environmentFor(port);
    m_adminEnv.insert(QStringLiteral("DATABASE_URL"), url + QStringLiteral("&pool_timeout=20"));
    QProcessEnvironment serverEnv = serverEnvironment();
    serverEnv.insert(QStringLiteral("DATABASE_URL"), url + QStringLiteral("&pool_timeout=5"));
    QString error;
    QVERIFY2(m_server.start(serverEnv, {}, &error) && m_server.waitUntilHealthy(&error),
             qPrintable(error + m_server.log()));
    const qint64 serverPid = m_server.pid();
    DatabaseConfig deskConfig = m_cluster.config(DeskName);
    deskConfig.port = port;
    deskConfig.pgbouncer = pgbouncer;
    deskConfig.maxConnections = kDeskPoolLimit;
    deskConfig.connectTimeoutS = 3;
    m_desk = std::make_unique<ConnectionPool>(deskConfig);

    const std::pair<Client, int> kinds[] = {
        {Client::Admin, kAdminProcesses}, {Client::Server, kServerRequests}, {Client::Desk, kDeskJobs}};
    for (const auto &[client, count] : kinds) {
        for (int i = 0; i < count; ++i) {
            Attempt a;
            a.client = client;
            a.key = QStringLiteral("chaos-%1-%2").arg(m_name).arg(++m_next);
            a.plate = QStringLiteral("CH%1").arg(m_next);
            a.start = randomStart();
            ++m_attempted;
            m_inFlight << a;
            issue(m_inFlight.last());
        }
    }

    pump(2000);
    for (int round = 0; round < faults; ++round) {
        QVERIFY2(fault(round), qPrintable(QStringLiteral("fault %1 failed: %2").arg(round).arg(m_cluster.logTail())));
        pump(1500);
    }
    m_faultsOver = true;
    for (Attempt &a : m_inFlight)
        a.afterLastFault = false;
    // Every client books again after the last fault (three times each), and
    // every answer comes in.
    QElapsedTimer drained;
    drained.start();
    while (!m_inFlight.isEmpty() && drained.elapsed() < 3 * kNoHangMs)
        pump(100);
    m_desk.reset();

    qInfo("%s: attempted %d, acknowledged %lld, taken %d, retries %d, unexpected %d", qPrintable(name),
          m_attempted, qlonglong(m_acked.size()), m_taken, m_retries, m_unexpected);
    QVERIFY2(m_inFlight.isEmpty(), "a client never got an answer after the faults");
    QVERIFY2(m_unexpected == 0, qPrintable(m_unexpectedWhat.join(u'\n')));
    for (int c = 0; c < kClients; ++c)
        QVERIFY2(m_ackedAfterFaults[c] >= 3, clientName(Client(c)));

    // The server is the same process, reaches the database again and its
    // pool is within its limit. (/health itself answers 503 for a while:
    // the outage's error rate is over the alert level, as it should be.)
    QCOMPARE(m_server.pid(), serverPid);
    QCOMPARE(::kill(pid_t(serverPid), 0), 0);
    const QJsonObject health = m_server.get(QStringLiteral("/health")).json().object();
    QVERIFY2(health[u"database"][u"reachable"].toBool(), QJsonDocument(health).toJson().constData());
    QCOMPARE(health[u"pool"][u"max"].toInt(), kProgramPoolLimit);
    QVERIFY(health[u"pool"][u"total"].toInt() <= kProgramPoolLimit);
    // What the database holds, read over a connection of the harness's own.
    auto rows = run(QStringLiteral("chaos.read"), [](QSqlDatabase &db) {
        QList<std::tuple<QString, QString, bool>> list;
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT coalesce(idempotency_key, ''), code, "
                              "status IN ('held', 'confirmed', 'checked_in', 'in_progress') FROM bookings"));
        while (q.next())
            list.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toBool()});
        return list;
    });
    QVERIFY(rows.ok());
    QHash<QString, QStringList> codesByKey;
    QHash<QString, int> activeByCode;
    int stray = 0;
    for (const auto &[key, code, active] : *rows) {
        codesByKey[key] << code;
        if (active)
            ++activeByCode[code];
        if (!m_acked.contains(key))
            ++stray; // stored, yet its client was told "taken" or never asked
    }
    int found = 0;
    int duplicates = 0;
    for (auto it = m_acked.cbegin(); it != m_acked.cend(); ++it) {
        const QStringList codes = codesByKey.value(it.key());
        if (codes == QStringList {it.value()} && activeByCode.value(it.value()) == 1)
            ++found;
    }
    for (const QStringList &codes : std::as_const(codesByKey))
        duplicates += int(codes.size()) - 1;
    for (const int n : std::as_const(activeByCode))
        duplicates += n - 1;
    const int overlaps = value(QStringLiteral(
        "SELECT count(*) FROM bookings a JOIN bookings b ON a.bay_id = b.bay_id AND a.id < b.id "
        "AND tstzrange(a.starts_at, a.blocked_until, '[)') && tstzrange(b.starts_at, b.blocked_until, '[)') "
        "WHERE a.status IN ('held', 'confirmed', 'checked_in', 'in_progress') "
        "AND b.status IN ('held', 'confirmed', 'checked_in', 'in_progress')")).toInt();
    qInfo("%s: found %d, duplicates %d, overlaps %d, stored but not acknowledged %d; most connections: "
          "carwash-server %d, desk pool %d, carwash-admin (up to %d processes) %d",
          qPrintable(name), found, duplicates, overlaps, stray, m_maxServer, m_maxDesk, kAdminProcesses,
          m_maxAdmin);
    QVERIFY(m_acked.size() >= 9);
    QCOMPARE(duplicates, 0);
    QCOMPARE(overlaps, 0);
    QCOMPARE(found, int(m_acked.size()));
    QCOMPARE(stray, 0);
    // The constraint that makes overlaps impossible survived the crashes.
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid "
                                  "WHERE c.conname = 'bookings_no_overlap' AND i.indisvalid"))
                 .toInt(),
             1);
    QVERIFY(m_maxServer <= kProgramPoolLimit);
    QVERIFY(m_maxDesk <= kDeskPoolLimit);
    QVERIFY(m_maxAdmin <= kProgramPoolLimit * kAdminProcesses);
    QCOMPARE(m_server.terminate(), 0);
}

void TestChaos::postgresKilledFourTimes()
{
    runChaos(QStringLiteral("kill"), m_cluster.port(), false, 4, [this](int) {
        if (!m_cluster.kill())
            return false;
        pump(1500); // the clients meet a dead server meanwhile
        QString error;
        if (m_cluster.start(&error))
            return true;
        qWarning("restart after the kill: %s", qPrintable(error));
        return false;
    });
}

void TestChaos::pgBouncerRestartedTwice()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    runChaos(QStringLiteral("pgbouncer"), bouncer.port(), true, 2, [this, &bouncer](int) {
        bouncer.stop();
        pump(1500);
        QString failure;
        if (bouncer.start(&failure))
            return true;
        qWarning("restarting PgBouncer: %s", qPrintable(failure + bouncer.output()));
        return false;
    });
}

void TestChaos::networkCutByTheProxy()
{
    FaultProxy proxy(m_cluster);
    QString error;
    QVERIFY2(proxy.start(&error), qPrintable(error));
    // Silently dead twice (no RST ever comes: the pools' watchdogs and
    // keepalives must find out), then reset.
    runChaos(QStringLiteral("network"), proxy.port(), false, 3, [this, &proxy](int round) {
        if (round < 2)
            proxy.blackhole();
        else
            proxy.reset();
        pump(4000);
        proxy.pass();
        return true;
    });
}

QTEST_MAIN(TestChaos)
#include "tst_chaos.moc"
