// The chaos tests' run and checks (ChaosFixture): what the database holds
// against what every client was told, bookings and payments.
#include "tests/chaosfixture.h"

#include "tests/harness/adminprocess.h"
#include "tests/harness/nohang.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

#include <csignal>

using TestWaits::kNoHangMs;

namespace {

// In flight at once per client kind.
constexpr int kAdminProcesses = 3;
constexpr int kServerRequests = 2;
constexpr int kCheckouts = 2;
constexpr int kDeskJobs = 2;
// Each program's pool: carwash-server's and carwash-admin's default, the
// desk's as set below.
constexpr int kProgramPoolLimit = 5;
constexpr int kDeskPoolLimit = 4;
constexpr int kKioskPoolLimit = 3;
// A payment still pending this long is looked up at Stripe by the server's
// reconciler: what finds those whose webhook never came.
constexpr int kReconcileAfterSeconds = 5;
const QString Active = QStringLiteral("('held', 'confirmed', 'checked_in', 'in_progress')");

} // namespace

void ChaosFixture::startChaos(const QString &testName)
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    // With synchronous_commit off (the harness's default, for speed) a
    // killed server loses commits it acknowledged: this test showed it.
    m_cluster.setCrashSafeCommits(true);
    startKioskSite(testName);
}

void ChaosFixture::resetChaos()
{
    // A fresh fake Stripe too: its events are this test's alone.
    resetKioskSite();
    // One client address sends every online booking here: no rate limit.
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('api.write_burst', '100000') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    m_inFlight.clear();
    m_next = 0;
    m_faultsOver = false;
    m_attempted = m_retries = m_taken = m_unexpected = 0;
    m_unexpectedWhat.clear();
    m_acked.clear();
    std::fill(std::begin(m_ackedAfterFaults), std::end(m_ackedAfterFaults), 0);
    m_maxServer = m_maxDesk = m_maxAdmin = 0;
    m_payAttempted = m_payRefused = 0;
    m_paidSessions.clear();
    m_kioskDoneBeforeLastFault = 0;
    m_maxKiosk = m_maxKioskOpen = 0;
}

void ChaosFixture::cleanupChaos()
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
    m_customers.reset();
    m_kiosk.reset(); // before its pool
    m_kioskPool.reset();
    m_desk.reset();
    if (m_server.pid() > 0)
        m_server.terminate();
    m_stripe.stop();
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

void ChaosFixture::runChaos(const QString &name, int port, bool pgbouncer, int faults,
                            const std::function<bool(int)> &fault)
{
    m_name = name;
    const QString url = QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=3%2")
                            .arg(port)
                            .arg(pgbouncer ? QStringLiteral("&pgbouncer=true") : QString());
    m_adminEnv = AdminProcess::environmentFor(port);
    m_adminEnv.insert(QStringLiteral("DATABASE_URL"), url + QStringLiteral("&pool_timeout=20"));
    QProcessEnvironment serverEnv = serverEnvironment(kReconcileAfterSeconds);
    serverEnv.insert(QStringLiteral("DATABASE_URL"), url + QStringLiteral("&pool_timeout=5"));
    QString error;
    QVERIFY2(m_server.start(serverEnv, {}, &error) && m_server.waitUntilHealthy(&error),
             qPrintable(error + m_server.log()));
    const qint64 serverPid = m_server.pid();
    // Stripe's webhooks: some twice, each after its own delay.
    QVERIFY2(deliverTo(m_server, 0.3, 1500), qPrintable(m_stripe.lastError()));
    // A program's pool on the faulted port, within its limit.
    const auto faulted = [&](const QString &program, int limit) {
        DatabaseConfig config = m_cluster.config(program);
        config.port = port;
        config.pgbouncer = pgbouncer;
        config.maxConnections = limit;
        config.connectTimeoutS = 3;
        return config;
    };
    m_desk = std::make_unique<ConnectionPool>(faulted(DeskName, kDeskPoolLimit));
    // The kiosk as `carwash --kiosk` runs it: its own pool and listener.
    setKiosk(KioskName, {QStringLiteral("reader")});
    const QString reader = giveReader(KioskName);
    DatabaseConfig kioskConfig = faulted(KioskPoolName, kKioskPoolLimit);
    m_kioskPool = std::make_unique<ConnectionPool>(kioskConfig);
    m_kiosk = openKiosk(KioskName, m_kioskPool.get(), &kioskConfig);
    QVERIFY(m_kiosk);
    m_customers = std::make_unique<ChaosKiosk>(*m_kiosk, m_stripe, reader);

    const std::pair<Client, int> kinds[] = {{Client::Admin, kAdminProcesses},
                                            {Client::Server, kServerRequests},
                                            {Client::Checkout, kCheckouts},
                                            {Client::Desk, kDeskJobs}};
    for (const auto &[client, count] : kinds) {
        for (int i = 0; i < count; ++i) {
            m_inFlight << next(client);
            issue(m_inFlight.last());
        }
    }

    pump(2000);
    // The first fault meets a kiosk customer at the reader whose card is
    // declined meanwhile: the kiosk, back, says so, and the customer goes
    // on through Start over (the error path the faults alone reach only by
    // chance: on most outages the kiosk goes out of service by itself).
    m_customers->waitAtReader();
    QElapsedTimer atReader;
    atReader.start();
    while (!m_customers->atReader() && !m_customers->stuck() && atReader.elapsed() < kNoHangMs)
        pump(100);
    QVERIFY2(m_customers->atReader(), qPrintable(m_customers->stuckWhat()));
    m_customers->declineThisCard();
    for (int round = 0; round < faults; ++round) {
        QVERIFY2(fault(round), qPrintable(QStringLiteral("fault %1 failed: %2").arg(round).arg(m_cluster.logTail())));
        pump(1500);
    }
    m_faultsOver = true;
    m_kioskDoneBeforeLastFault = m_customers->codes().size();
    for (Attempt &a : m_inFlight)
        a.afterLastFault = false;
    // Every client books again after the last fault (three times each), and
    // every answer comes in.
    QElapsedTimer drained;
    drained.start();
    // The kiosk serves two more customers, and the one at it then finishes.
    const auto kioskDone = [this] {
        if (m_customers->codes().size() >= m_kioskDoneBeforeLastFault + 2)
            m_customers->closeAfterThisCustomer();
        return m_customers->stuck() || (m_customers->codes().size() >= m_kioskDoneBeforeLastFault + 2
                                        && m_customers->idle());
    };
    bool told = false;
    while (drained.elapsed() < 3 * kNoHangMs) {
        const bool kioskOver = kioskDone(); // first: it closes the kiosk once it has served enough
        if (kioskOver && m_inFlight.isEmpty())
            break;
        pump(100);
        if (!told && drained.elapsed() > 20000) {
            told = true; // what keeps the drain going, for the report
            for (const Attempt &a : std::as_const(m_inFlight))
                qInfo("%s: still after 20 s: %s %s, try %d, %s", qPrintable(name), clientName(a.client),
                      qPrintable(a.key), a.tries,
                      a.stage == Attempt::Stage::Checkout ? "paying"
                          : a.afterLastFault              ? "booking"
                                                          : "before");
        }
    }
    qInfo("%s: the drain after the faults: %lld ms", qPrintable(name), qlonglong(drained.elapsed()));
    m_desk.reset();

    qInfo("%s: attempted %d, acknowledged %lld, taken %d, retries %d, unexpected %d", qPrintable(name),
          m_attempted, qlonglong(m_acked.size()), m_taken, m_retries, m_unexpected);
    QVERIFY2(m_inFlight.isEmpty(), "a client never got an answer after the faults");
    QVERIFY2(m_unexpected == 0, qPrintable(m_unexpectedWhat.join(u'\n')));
    for (int c = 0; c < kClients; ++c)
        QVERIFY2(m_ackedAfterFaults[c] >= 3, clientName(Client(c)));

    checkKiosk();
    if (QTest::currentTestFailed())
        return;
    checkPayments();
    if (QTest::currentTestFailed())
        return;
    checkBookings();
    if (QTest::currentTestFailed())
        return;

    // The server is the same process, reaches the database again and its
    // pool is within its limit. (/health itself answers 503 for a while:
    // the outage's error rate is over the alert level, as it should be.)
    QCOMPARE(m_server.pid(), serverPid);
    QCOMPARE(::kill(pid_t(serverPid), 0), 0);
    const QJsonObject health = m_server.get(QStringLiteral("/health")).json().object();
    QVERIFY2(health[u"database"][u"reachable"].toBool(), QJsonDocument(health).toJson().constData());
    QCOMPARE(health[u"pool"][u"max"].toInt(), kProgramPoolLimit);
    QVERIFY(health[u"pool"][u"total"].toInt() <= kProgramPoolLimit);
    qInfo("%s: most connections: carwash-server %d, desk pool %d, kiosk pool %d (by its own count %d), "
          "carwash-admin (up to %d processes) %d",
          qPrintable(name), m_maxServer, m_maxDesk, m_maxKiosk, m_maxKioskOpen, kAdminProcesses, m_maxAdmin);
    QVERIFY(m_maxServer <= kProgramPoolLimit);
    QVERIFY(m_maxDesk <= kDeskPoolLimit);
    QVERIFY(m_maxKiosk <= kKioskPoolLimit);
    QVERIFY(m_maxKioskOpen >= 1 && m_maxKioskOpen <= kKioskPoolLimit);
    QVERIFY(m_maxAdmin <= kProgramPoolLimit * kAdminProcesses);
    QCOMPARE(m_server.terminate(), 0);
}

void ChaosFixture::checkBookings()
{
    // What the database holds, read over a connection of the harness's own.
    auto rows = run(QStringLiteral("chaos.read"), [](QSqlDatabase &db) {
        QList<std::tuple<QString, QString, bool>> list;
        QSqlQuery q(db);
        // The kiosk's own: checkKiosk().
        q.exec(QStringLiteral("SELECT coalesce(idempotency_key, ''), code, status IN %1 FROM bookings "
                              "WHERE created_by <> 'kiosk:%2'")
                   .arg(Active, KioskName));
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
        "WHERE a.status IN %1 AND b.status IN %1").arg(Active)).toInt();
    qInfo("%s: found %d, duplicates %d, overlaps %d, stored but not acknowledged %d", qPrintable(m_name), found,
          duplicates, overlaps, stray);
    QVERIFY(m_acked.size() >= 12);
    QCOMPARE(duplicates, 0);
    QCOMPARE(overlaps, 0);
    QCOMPARE(found, int(m_acked.size()));
    QCOMPARE(stray, 0);
    // The constraint that makes overlaps impossible survived the crashes.
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid "
                                  "WHERE c.conname = 'bookings_no_overlap' AND i.indisvalid"))
                 .toInt(),
             1);
}

void ChaosFixture::checkPayments()
{
    QStringList sessions;
    for (auto it = m_paidSessions.cbegin(); it != m_paidSessions.cend(); ++it)
        sessions << QStringLiteral("'%1'").arg(it.key());
    const QString paidAtStripe = sessions.isEmpty() ? QStringLiteral("(NULL)") : u'(' + sessions.join(u',') + u')';
    // Every payment Stripe took ends with its booking confirmed, by webhook
    // or by the reconciler; every event Stripe made is stored and applied,
    // once by its id (stripe_events' key).
    const QString confirmed = QStringLiteral(
        "SELECT count(*) FROM payments p JOIN bookings b ON b.id = p.booking_id "
        "WHERE p.stripe_checkout_session_id IN %1 AND p.status = 'succeeded' AND b.status = 'confirmed'")
                                  .arg(paidAtStripe);
    QTRY_COMPARE_WITH_TIMEOUT(value(confirmed).toInt(), int(m_paidSessions.size()), kNoHangMs);
    QStringList eventIds;
    for (const QJsonValue &e : m_stripe.events())
        eventIds << QStringLiteral("'%1'").arg(e[u"id"].toString());
    QVERIFY(!eventIds.isEmpty());
    const QString applied = QStringLiteral("SELECT count(*) FROM stripe_events WHERE id IN (%1) "
                                           "AND processed_at IS NOT NULL AND processing_error IS NULL")
                                .arg(eventIds.join(u','));
    QTRY_COMPARE_WITH_TIMEOUT(value(applied).toInt(), int(eventIds.size()), kNoHangMs);
    // Stripe's deliveries, the failed attempts and the second copies too.
    int attempts = 0, answered = 0, copies = 0;
    for (const QJsonValue &d : m_stripe.deliveries()) {
        ++attempts;
        if (d[u"status"].toInt() >= 200 && d[u"status"].toInt() < 300) {
            ++answered;
            if (d[u"copy"].toInt() > 1)
                ++copies;
        }
    }
    // No payment recorded twice: one succeeded payment per booking and per
    // session, and what a booking was paid is its price, not twice it.
    const int recorded = value(QStringLiteral("SELECT count(*) FROM payments WHERE stripe_checkout_session_id IN %1 "
                                              "AND status = 'succeeded'")
                                   .arg(paidAtStripe))
                             .toInt();
    const int paidTwice = value(QStringLiteral("SELECT count(*) FROM (SELECT booking_id FROM payments "
                                               "WHERE status = 'succeeded' GROUP BY booking_id "
                                               "HAVING count(*) > 1) t"))
                              .toInt();
    const int wrongAmount = value(QStringLiteral(
                                      "SELECT count(*) FROM bookings b JOIN (SELECT booking_id, sum(amount_cents) AS paid "
                                      "FROM payments WHERE status = 'succeeded' GROUP BY booking_id) p "
                                      "ON p.booking_id = b.id WHERE p.paid <> b.price_cents"))
                                .toInt();
    // Each success applied once: one payment.succeeded in the audit trail
    // per payment Stripe took, however many events and looks told of it.
    const int appliedTwice = value(QStringLiteral("SELECT count(*) FROM (SELECT details->>'payment_id' FROM audit_log "
                                                  "WHERE action = 'payment.succeeded' GROUP BY 1 "
                                                  "HAVING count(*) > 1) t"))
                                 .toInt();
    const int successes = value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'payment.succeeded'")).toInt();
    const int succeeded = value(QStringLiteral("SELECT count(*) FROM payments WHERE status = 'succeeded'")).toInt();
    const int eventRows = value(QStringLiteral("SELECT count(*) FROM stripe_events")).toInt();
    qInfo("%s: payments attempted %d, refused %d, paid at Stripe %lld, recorded %d, paid twice %d, wrong amount %d, "
          "applied twice %d; events %lld, delivery attempts %d, delivered %d (second copies %d), stored and applied %d",
          qPrintable(m_name), m_payAttempted, m_payRefused, qlonglong(m_paidSessions.size()), recorded, paidTwice,
          wrongAmount, appliedTwice, qlonglong(eventIds.size()), attempts, answered, copies, eventRows);
    QVERIFY(m_paidSessions.size() >= 3);
    QCOMPARE(recorded, int(m_paidSessions.size()));
    QCOMPARE(paidTwice, 0);
    QCOMPARE(wrongAmount, 0);
    QCOMPARE(appliedTwice, 0);
    QCOMPARE(successes, succeeded);
    QCOMPARE(eventRows, int(eventIds.size()));
    QVERIFY(copies > 0);
}

void ChaosFixture::checkKiosk()
{
    // The kiosk came back by itself from every fault and served customers
    // after the last; each code it showed on Done is one booking, confirmed,
    // paid once at its price; nothing it took money for went unshown.
    const QStringList &codes = m_customers->codes();
    const QString kioskBookings
        = QStringLiteral("SELECT %1 FROM bookings WHERE created_by = 'kiosk:%2' AND status = 'confirmed'");
    QStringList shown;
    for (const QString &code : codes)
        shown << QStringLiteral("'%1'").arg(code);
    const int confirmedShown
        = value(QStringLiteral("SELECT count(*) FROM bookings b WHERE b.code IN (%1) AND b.status = 'confirmed' "
                               "AND (SELECT count(*) = 1 AND sum(p.amount_cents) = b.price_cents FROM payments p "
                               "WHERE p.booking_id = b.id AND p.status = 'succeeded')")
                    .arg(shown.isEmpty() ? QStringLiteral("NULL") : shown.join(u',')))
              .toInt();
    const int confirmed = value(kioskBookings.arg(QStringLiteral("count(*)"), KioskName)).toInt();
    const int distinct = int(QSet<QString>(codes.cbegin(), codes.cend()).size());
    QStringList causes;
    for (auto it = m_customers->startedOverBy().cbegin(); it != m_customers->startedOverBy().cend(); ++it)
        causes << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    qInfo("%s: kiosk flows started %d, done %lld (%lld after the faults), started over %d (%s), dropped out of "
          "service %d; confirmed and paid once %d, confirmed at the kiosk %d",
          qPrintable(m_name), m_customers->started(), qlonglong(codes.size()),
          qlonglong(codes.size() - m_kioskDoneBeforeLastFault), m_customers->startedOver(),
          qPrintable(causes.join(QStringLiteral(", "))), m_customers->outOfService(), confirmedShown, confirmed);
    for (const QString &flow : m_customers->unfinished())
        qInfo("%s: a kiosk flow that reached Pay ended without Done: %s", qPrintable(m_name), qPrintable(flow));
    if (confirmed != codes.size()) {
        // What the kiosk took money for and never showed, with its history.
        const QString unshown = kioskBookings.arg(QStringLiteral("string_agg(code, ',')"), KioskName)
            + QStringLiteral(" AND code NOT IN (%1)").arg(shown.isEmpty() ? QStringLiteral("''") : shown.join(u','));
        qInfo("confirmed, never shown: %s", qPrintable(text(unshown)));
        qInfo("%s", qPrintable(text(QStringLiteral(
            "SELECT string_agg(to_char(a.at, 'HH24:MI:SS.MS') || ' ' || a.actor || ' ' || a.action || ' ' || a.details::text, "
            "E'\\n' ORDER BY a.id) FROM audit_log a JOIN bookings b ON a.entity = 'booking' "
            "AND a.entity_id = b.id::text WHERE b.created_by = 'kiosk:%1' AND b.status = 'confirmed'")
                                       .arg(KioskName))));
    }
    QVERIFY2(!m_customers->stuck(), qPrintable(m_customers->stuckWhat()));
    QVERIFY2(m_customers->unexplained().isEmpty(), qPrintable(m_customers->unexplained().join(u'\n')));
    QVERIFY(m_customers->startedOverBy().value(QStringLiteral("card declined")) >= 1);
    QVERIFY(codes.size() >= m_kioskDoneBeforeLastFault + 2);
    QCOMPARE(distinct, int(codes.size()));
    QCOMPARE(confirmedShown, int(codes.size()));
    QCOMPARE(confirmed, int(codes.size()));
}
