// Every process's health in the database, retention maintenance and the
// operators' `carwash-admin maintenance`, against a real PostgreSQL.
#include "db/health/healthpoint.h"
#include "db/health/healthpublisher.h"
#include "db/health/processhealthrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/maintenance.h"
#include "db/schema/migrator.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

using TestWaits::kNoHangMs;

template<typename T> QByteArray describe(const DbResult<T> &r)
{
    return r.ok() ? QByteArrayLiteral("ok") : r.error().toLogString().toUtf8();
}

ProcessIdentity identity(const QString &program, qint64 pid, qint64 startedMs)
{
    ProcessIdentity p;
    p.program = program;
    p.host = QStringLiteral("desk-7");
    p.pid = pid;
    p.startedAt = QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC);
    return p;
}

} // namespace

class TestProcessHealth : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void publishInsertsThenReplacesOneRowPerProcess();
    void aReusedPidAfterARestartIsANewProcess();
    void aProcessThatStoppedPublishingIsStaleThenDropped();
    void publisherPublishesSnapshotsWithPointsAndRemovesItsRowOnStop();
    void publisherSkipsTicksWhileAPublishIsOut();
    void maintenanceRemovesExactlyTheOldRowsInBatches();
    void maintenanceHonoursRetentionSettings();
    void dailyMaintenanceRunsOnceADayWhoeverAsks();
    void serverBudgetReadsMaxConnections();
    void adminMaintenanceCommandReportsWhatItRemoved();
    void adminHealthReportsTheFleetAndTheWorstDecides();

private:
    int admin(const QStringList &args, QByteArray *out);
    // What process publishes when its pool has busy of its connections in use.
    void snapshotWithBusyConnections(const ProcessIdentity &process, int busy, QJsonObject *snapshot);
    template<typename Fn> auto run(Fn fn)
    {
        return m_pool->withRetry(QStringLiteral("test"), RetryPolicy::critical(), std::move(fn)).result();
    }
    QVariant sql(const QString &text) { return m_cluster.queryBlocking(text); }
    DbResult<MaintenanceResult> runMaintenance(bool onlyIfDue, int batchSize,
                                               const QString &ranBy = QStringLiteral("tst"));

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
};

void TestProcessHealth::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_processhealth"));
    config.maxConnections = 3;
    config.poolTimeoutMs = 5000;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = run([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(migrated.ok(), describe(migrated).constData());
}

void TestProcessHealth::init()
{
    sql(QStringLiteral("DELETE FROM process_health"));
    sql(QStringLiteral("DELETE FROM maintenance_runs"));
    sql(QStringLiteral("DELETE FROM audit_log"));
    sql(QStringLiteral("DELETE FROM stripe_events"));
    sql(QStringLiteral("DELETE FROM attendant_calls"));
    sql(QStringLiteral("DELETE FROM kiosks"));
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'retention.%'"));
}

void TestProcessHealth::publishInsertsThenReplacesOneRowPerProcess()
{
    const ProcessIdentity desk = identity(QStringLiteral("carwash"), 4242, 1750000000123);
    auto first = run([desk](QSqlDatabase &db) {
        ProcessHealthRepo(db).publish(desk,
                                      QJsonObject {{QStringLiteral("status"), QStringLiteral("healthy")}});
    });
    QVERIFY2(first.ok(), describe(first).constData());
    auto second = run([desk](QSqlDatabase &db) {
        ProcessHealthRepo(db).publish(desk,
                                      QJsonObject {{QStringLiteral("status"), QStringLiteral("degraded")}});
        return ProcessHealthRepo(db).list(15, 3600);
    });
    QVERIFY2(second.ok(), describe(second).constData());
    QCOMPARE(second->size(), 1);
    const ProcessHealthEntry &e = second->first();
    QCOMPARE(e.process.program, QStringLiteral("carwash"));
    QCOMPARE(e.process.host, QStringLiteral("desk-7"));
    QCOMPARE(e.process.pid, 4242);
    QCOMPARE(e.process.startedAt, desk.startedAt); // milliseconds survive the round trip
    QVERIFY(e.process == desk);
    QCOMPARE(e.snapshot[u"status"].toString(), QStringLiteral("degraded"));
    QVERIFY(!e.stale);
    QVERIFY(e.ageSeconds < 15);
}

void TestProcessHealth::aReusedPidAfterARestartIsANewProcess()
{
    const ProcessIdentity before = identity(QStringLiteral("carwash"), 100, 1750000000000);
    const ProcessIdentity after = identity(QStringLiteral("carwash"), 100, 1750000900000);
    auto listed = run([before, after](QSqlDatabase &db) {
        ProcessHealthRepo(db).publish(before, {});
        ProcessHealthRepo(db).publish(after, {});
        return ProcessHealthRepo(db).list(15, 3600);
    });
    QVERIFY2(listed.ok(), describe(listed).constData());
    QCOMPARE(listed->size(), 2);
    auto removed = run([before](QSqlDatabase &db) { return ProcessHealthRepo(db).remove(before); });
    QVERIFY(removed.ok() && removed.value());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM process_health")).toInt(), 1);
    auto again = run([before](QSqlDatabase &db) { return ProcessHealthRepo(db).remove(before); });
    QVERIFY(again.ok() && !again.value());
}

void TestProcessHealth::aProcessThatStoppedPublishingIsStaleThenDropped()
{
    const ProcessIdentity fresh = identity(QStringLiteral("carwash"), 1, 1750000000000);
    const ProcessIdentity quiet = identity(QStringLiteral("carwash-webhookd"), 2, 1750000000000);
    const ProcessIdentity gone = identity(QStringLiteral("carwash"), 3, 1750000000000);
    auto published = run([=](QSqlDatabase &db) {
        ProcessHealthRepo repo(db);
        repo.publish(fresh, {});
        repo.publish(quiet, {});
        repo.publish(gone, {});
    });
    QVERIFY(published.ok());
    sql(QStringLiteral("UPDATE process_health SET updated_at = now() - interval '60 seconds' WHERE pid = 2"));
    sql(QStringLiteral("UPDATE process_health SET updated_at = now() - interval '2 hours' WHERE pid = 3"));
    auto listed = run([](QSqlDatabase &db) { return ProcessHealthRepo(db).list(15, 3600); });
    QVERIFY2(listed.ok(), describe(listed).constData());
    QCOMPARE(listed->size(), 2); // pid 3 is past the one-hour drop limit
    QHash<qint64, ProcessHealthEntry> byPid;
    for (const ProcessHealthEntry &e : listed.value())
        byPid.insert(e.process.pid, e);
    QVERIFY(!byPid.value(1).stale);
    QVERIFY(byPid.value(2).stale);
    QVERIFY(byPid.value(2).ageSeconds >= 60);
    QVERIFY(!byPid.contains(3));
}

void TestProcessHealth::publisherPublishesSnapshotsWithPointsAndRemovesItsRowOnStop()
{
    // Some work, so the snapshot has something to say.
    for (int i = 0; i < 5; ++i)
        QVERIFY(run([](QSqlDatabase &db) { Sql::exec(db, QStringLiteral("SELECT 1")); }).ok());
    HealthPublisher publisher(*m_pool, identity(QStringLiteral("carwash-kiosk"), 77, 1750000000000));
    publisher.setInterval(300);
    QSignalSpy published(&publisher, &HealthPublisher::published);
    publisher.start();
    // Enough publishes that the pool's once-a-second samples show up.
    QTRY_VERIFY_WITH_TIMEOUT(published.size() >= 5, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        sql(QStringLiteral("SELECT jsonb_array_length(snapshot->'points') FROM process_health "
                           "WHERE pid = 77"))
                    .toInt()
                > 0
            || published.size() > 20,
        kNoHangMs);
    auto listed = run([](QSqlDatabase &db) { return ProcessHealthRepo(db).list(15, 3600); });
    QVERIFY2(listed.ok(), describe(listed).constData());
    QCOMPARE(listed->size(), 1);
    const QJsonObject snapshot = listed->first().snapshot;
    QCOMPARE(snapshot[u"process"][u"program"].toString(), QStringLiteral("carwash-kiosk"));
    QVERIFY(snapshot.contains(u"signals"));
    QCOMPARE(snapshot[u"config_status"][u"settings"].toArray().first()[u"value"].toString(), QStringLiteral("3"));
    QCOMPARE(snapshot[u"database"][u"reachable"].toBool(), true);
    QVERIFY(snapshot[u"queries"][u"count"].toInteger() >= 5);
    QVERIFY(!QJsonDocument(snapshot).toJson().contains("s3cr3t"));
    // The points since the previous publish, each a whole HealthPoint.
    bool sawPoints = false;
    for (int i = 0; i < 30 && !sawPoints; ++i) {
        auto again = run([](QSqlDatabase &db) { return ProcessHealthRepo(db).list(15, 3600); });
        QVERIFY(again.ok() && again->size() == 1);
        const QList<HealthPoint> points
            = HealthPoint::listFromJson(again->first().snapshot[u"points"].toArray());
        if (!points.isEmpty()) {
            sawPoints = true;
            QCOMPARE(points.last().max, 3);
            QVERIFY(points.last().rssBytes > 0);
        } else {
            QTest::qWait(300);
        }
    }
    QVERIFY(sawPoints);

    auto removed = publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(removed.isFinished(), kNoHangMs);
    QVERIFY(removed.result().ok() && removed.result().value());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM process_health")).toInt(), 0);
    // Stopped means stopped: no late publish brings the row back.
    const int count = published.size();
    QTest::qWait(1000);
    QCOMPARE(published.size(), count);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM process_health")).toInt(), 0);
}

void TestProcessHealth::publisherSkipsTicksWhileAPublishIsOut()
{
    // Every connection held: the publish waits for the pool and the ticks in
    // between do not queue more publishes behind it.
    auto release = std::make_shared<QSemaphore>(0);
    QList<QFuture<DbResult<Done>>> holders;
    for (int i = 0; i < 3; ++i)
        holders << m_pool->withConnection(QStringLiteral("hold"), [release](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT 1"));
            release->acquire();
        });
    QTRY_COMPARE_WITH_TIMEOUT(m_pool->stats().active, 3, kNoHangMs);
    HealthPublisher publisher(*m_pool, identity(QStringLiteral("carwash"), 88, 1750000000000));
    publisher.setInterval(100);
    QSignalSpy published(&publisher, &HealthPublisher::published);
    publisher.start();
    QTRY_VERIFY_WITH_TIMEOUT(m_pool->stats().waiting >= 1, kNoHangMs);
    QTest::qWait(600); // several ticks while the first publish waits
    QCOMPARE(m_pool->stats().waiting, 1);
    release->release(3);
    for (const auto &f : holders)
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(published.size() >= 1, kNoHangMs);
    auto removed = publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(removed.isFinished(), kNoHangMs);
}

DbResult<MaintenanceResult> TestProcessHealth::runMaintenance(bool onlyIfDue, int batchSize,
                                                              const QString &ranBy)
{
    MaintenanceRunner runner(*m_pool, ranBy);
    runner.setBatchSize(batchSize);
    QSignalSpy finished(&runner, &MaintenanceRunner::finished);
    runner.start(onlyIfDue);
    if (!finished.wait(kNoHangMs) && finished.isEmpty())
        return DbError(DbError::Kind::Fatal, QStringLiteral("maintenance did not finish"));
    return finished.first().first().value<DbResult<MaintenanceResult>>();
}

void TestProcessHealth::maintenanceRemovesExactlyTheOldRowsInBatches()
{
    // 12 old and 4 recent audit rows, 5 old and 2 recent snapshots, old
    // processed, old unprocessed and recent processed Stripe events, and
    // attendant calls: long answered, never answered, lately answered.
    sql(QStringLiteral(
        "INSERT INTO audit_log (at, actor, action, entity) SELECT now() - interval '800 days', "
        "'cli', 'old', 'test' FROM generate_series(1, 12)"));
    sql(QStringLiteral("INSERT INTO audit_log (at, actor, action, entity) SELECT now() - interval '10 days', "
                       "'cli', 'new', 'test' FROM generate_series(1, 4)"));
    sql(QStringLiteral(
        "INSERT INTO process_health (host, pid, started_at, program, snapshot, updated_at) "
        "SELECT 'h', g, now(), 'carwash', '{}', now() - interval '8 days' FROM generate_series(1, 5) g"));
    sql(QStringLiteral("INSERT INTO process_health (host, pid, started_at, program, snapshot, updated_at) "
                       "SELECT 'h', g, now(), 'carwash', '{}', now() FROM generate_series(100, 101) g"));
    sql(QStringLiteral("INSERT INTO stripe_events (id, type, payload, received_at, processed_at) VALUES "
                       "('evt_old', 't', '{}', now() - interval '100 days', now() - interval '100 days'), "
                       "('evt_pending', 't', '{}', now() - interval '100 days', NULL), "
                       "('evt_new', 't', '{}', now() - interval '1 day', now() - interval '1 day')"));
    sql(QStringLiteral("INSERT INTO kiosks (name, updated_by) VALUES ('Entrance', 'kiosk:Entrance')"));
    sql(QStringLiteral(
        "INSERT INTO attendant_calls (kiosk, screen, created_at, acknowledged_at, acknowledged_by) VALUES "
        "('Entrance', 'answered long ago', now() - interval '100 days', now() - interval '100 days', "
        "'staff:1'), "
        "('Entrance', 'never answered', now() - interval '100 days', NULL, NULL), "
        "('Entrance', 'answered lately', now() - interval '100 days', now() - interval '1 day', 'staff:1')"));

    const DbResult<MaintenanceResult> result = runMaintenance(false, 5);
    QVERIFY2(result.ok(), describe(result).constData());
    QVERIFY(!result->skipped);
    QHash<QString, MaintenanceResult::Table> byTable;
    for (const auto &t : result->tables)
        byTable.insert(t.table, t);
    QCOMPARE(byTable.value(QStringLiteral("audit_log")).removed, 12);
    QCOMPARE(byTable.value(QStringLiteral("audit_log")).batches, 3); // 5 + 5 + 2
    QCOMPARE(byTable.value(QStringLiteral("audit_log")).retentionDays, 730);
    QCOMPARE(byTable.value(QStringLiteral("process_health")).removed, 5);
    QCOMPARE(byTable.value(QStringLiteral("process_health")).batches, 2); // 5, then 0 to be sure
    QCOMPARE(byTable.value(QStringLiteral("stripe_events")).removed, 1);
    QCOMPARE(byTable.value(QStringLiteral("attendant_calls")).removed, 1);
    QCOMPARE(byTable.value(QStringLiteral("attendant_calls")).retentionDays, 90);
    QCOMPARE(result->totalRemoved(), 19);

    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'new'")).toInt(), 4);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'old'")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM process_health")).toInt(), 2);
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(id, ',' ORDER BY id) FROM stripe_events")).toString(),
             QStringLiteral("evt_new,evt_pending"));
    const QString calls = sql(QStringLiteral("SELECT string_agg(screen, ',' ORDER BY screen) "
                                             "FROM attendant_calls"))
                              .toString();
    QCOMPARE(calls, QStringLiteral("answered lately,never answered"));
    // The run is recorded with what it did.
    QCOMPARE(sql(QStringLiteral("SELECT (result->>'removed_total')::int FROM maintenance_runs")).toInt(), 19);
}

void TestProcessHealth::maintenanceHonoursRetentionSettings()
{
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('retention.audit_log_days', '30')"));
    sql(QStringLiteral("INSERT INTO audit_log (at, actor, action, entity) VALUES "
                       "(now() - interval '31 days', 'cli', 'old', 'test'), "
                       "(now() - interval '29 days', 'cli', 'new', 'test')"));
    const DbResult<MaintenanceResult> result = runMaintenance(false, 5000);
    QVERIFY2(result.ok(), describe(result).constData());
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(action, ',') FROM audit_log")).toString(),
             QStringLiteral("new"));

    // A hand-edited value out of range falls back to the default (730 days).
    sql(QStringLiteral("UPDATE site_settings SET value = '2' WHERE key = 'retention.audit_log_days'"));
    const DbResult<MaintenanceResult> again = runMaintenance(false, 5000);
    QVERIFY2(again.ok(), describe(again).constData());
    QCOMPARE(again->tables.at(1).retentionDays, 730);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 1);

    // Answered attendant calls go with processed payment events' setting.
    sql(QStringLiteral(
        "INSERT INTO site_settings (key, value) VALUES ('retention.stripe_events_days', '10')"));
    sql(QStringLiteral("INSERT INTO kiosks (name, updated_by) VALUES ('Entrance', 'kiosk:Entrance')"));
    sql(QStringLiteral(
        "INSERT INTO attendant_calls (kiosk, screen, created_at, acknowledged_at, acknowledged_by) VALUES "
        "('Entrance', 'old', now() - interval '11 days', now() - interval '11 days', 'staff:1'), "
        "('Entrance', 'new', now() - interval '11 days', now() - interval '9 days', 'staff:1')"));
    const DbResult<MaintenanceResult> calls = runMaintenance(false, 5000);
    QVERIFY2(calls.ok(), describe(calls).constData());
    QCOMPARE(calls->tables.at(3).table, QStringLiteral("attendant_calls"));
    QCOMPARE(calls->tables.at(3).retentionDays, 10);
    QCOMPARE(calls->tables.at(3).removed, 1);
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(screen, ',') FROM attendant_calls")).toString(),
             QStringLiteral("new"));
}

void TestProcessHealth::dailyMaintenanceRunsOnceADayWhoeverAsks()
{
    const DbResult<MaintenanceResult> first = runMaintenance(true, 5000, QStringLiteral("desk-a"));
    QVERIFY2(first.ok(), describe(first).constData());
    QVERIFY(!first->skipped);
    const DbResult<MaintenanceResult> second = runMaintenance(true, 5000, QStringLiteral("desk-b"));
    QVERIFY2(second.ok(), describe(second).constData());
    QVERIFY(second->skipped);
    QCOMPARE(second->lastRanBy, QStringLiteral("desk-a"));
    // A day later it is due again.
    sql(QStringLiteral("UPDATE maintenance_runs SET last_run_at = now() - interval '25 hours'"));
    const DbResult<MaintenanceResult> third = runMaintenance(true, 5000, QStringLiteral("desk-b"));
    QVERIFY2(third.ok(), describe(third).constData());
    QVERIFY(!third->skipped);
    QCOMPARE(sql(QStringLiteral("SELECT ran_by FROM maintenance_runs")).toString(), QStringLiteral("desk-b"));
    // Two desks asking at the same moment: exactly one runs.
    sql(QStringLiteral("UPDATE maintenance_runs SET last_run_at = now() - interval '25 hours'"));
    MaintenanceRunner a(*m_pool, QStringLiteral("desk-a"));
    MaintenanceRunner b(*m_pool, QStringLiteral("desk-b"));
    QSignalSpy aDone(&a, &MaintenanceRunner::finished);
    QSignalSpy bDone(&b, &MaintenanceRunner::finished);
    a.start(true);
    b.start(true);
    QTRY_VERIFY_WITH_TIMEOUT(aDone.size() == 1 && bDone.size() == 1, kNoHangMs);
    const auto ra = aDone.first().first().value<DbResult<MaintenanceResult>>();
    const auto rb = bDone.first().first().value<DbResult<MaintenanceResult>>();
    QVERIFY(ra.ok() && rb.ok());
    QCOMPARE(int(ra->skipped) + int(rb->skipped), 1);
}

void TestProcessHealth::serverBudgetReadsMaxConnections()
{
    auto budget = run([](QSqlDatabase &db) { return ProcessHealthRepo(db).connectionBudget(); });
    QVERIFY2(budget.ok(), describe(budget).constData());
    QCOMPARE(budget->maxConnections, m_cluster.queryBlocking(QStringLiteral("SHOW max_connections")).toInt());
    QCOMPARE(budget->available(),
             budget->maxConnections
                 - m_cluster.queryBlocking(QStringLiteral("SHOW superuser_reserved_connections")).toInt());
    QVERIFY(budget->inUse >= 1);
}

void TestProcessHealth::adminMaintenanceCommandReportsWhatItRemoved()
{
    sql(QStringLiteral(
        "INSERT INTO audit_log (at, actor, action, entity) SELECT now() - interval '800 days', "
        "'cli', 'old', 'test' FROM generate_series(1, 7)"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(
        QStringLiteral("DATABASE_URL"),
        QStringLiteral("postgresql://carwash:s3cr3t-pw@127.0.0.1:%1/carwash?connect_timeout=3&pool_timeout=5")
            .arg(m_cluster.port()));
    const QString admin
        = QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
    auto runAdmin = [&](const QStringList &args, QByteArray *out) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(admin, args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        *out = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    };
    QByteArray out;
    QCOMPARE(runAdmin({QStringLiteral("maintenance"), QStringLiteral("--json"),
                       QStringLiteral("--batch-size"), QStringLiteral("3")},
                      &out),
             0);
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json[u"skipped"].toBool(), false);
    QCOMPARE(json[u"removed_total"].toInt(), 7);
    bool sawAudit = false;
    for (const QJsonValue &t : json[u"tables"].toArray()) {
        if (t[u"table"].toString() == u"audit_log") {
            sawAudit = true;
            QCOMPARE(t[u"removed"].toInt(), 7);
            QCOMPARE(t[u"batches"].toInt(), 3);
        }
    }
    QVERIFY(sawAudit);
    QVERIFY(!out.contains("s3cr3t"));

    // --if-due right after: skipped, in words.
    QCOMPARE(runAdmin({QStringLiteral("maintenance"), QStringLiteral("--if-due")}, &out), 0);
    QVERIFY2(out.contains("already ran"), out.constData());

    // A bad batch size is refused naming the option.
    QCOMPARE(
        runAdmin({QStringLiteral("maintenance"), QStringLiteral("--batch-size"), QStringLiteral("0")}, &out),
        2);
}

int TestProcessHealth::admin(const QStringList &args, QByteArray *out)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(
        QStringLiteral("DATABASE_URL"),
        QStringLiteral("postgresql://carwash:s3cr3t-pw@127.0.0.1:%1/carwash?connect_timeout=3&pool_timeout=5")
            .arg(m_cluster.port()));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin")), args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    *out = p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void TestProcessHealth::snapshotWithBusyConnections(const ProcessIdentity &process, int busy,
                                                    QJsonObject *snapshot)
{
    auto release = std::make_shared<QSemaphore>(0);
    QList<QFuture<DbResult<Done>>> holders;
    for (int i = 0; i < busy; ++i)
        holders << m_pool->withConnection(QStringLiteral("hold"), [release](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT 1"));
            release->acquire();
        });
    QTRY_COMPARE_WITH_TIMEOUT(m_pool->stats().active, busy, kNoHangMs);
    *snapshot = HealthPublisher::buildSnapshot(*m_pool, process, 1.5);
    release->release(busy);
    for (const auto &f : holders)
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), kNoHangMs);
}

void TestProcessHealth::adminHealthReportsTheFleetAndTheWorstDecides()
{
    const ProcessIdentity desk = identity(QStringLiteral("carwash"), 501, 1750000000000);
    const ProcessIdentity crashed = identity(QStringLiteral("carwash-kiosk"), 502, 1750000000000);
    const ProcessIdentity busy = identity(QStringLiteral("carwash-server"), 503, 1750000000000);
    // The snapshots exactly as those processes publish them.
    QJsonObject idle;
    QJsonObject full;
    snapshotWithBusyConnections(desk, 0, &idle);
    snapshotWithBusyConnections(busy, 3, &full); // 3 of 3: above the 90 % alert level
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(idle[u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(full[u"status"].toString(), QStringLiteral("unhealthy"));
    QCOMPARE(full[u"pool"][u"usage_pct"].toDouble(), 100.0);
    auto publish = [this](const ProcessIdentity &process, const QJsonObject &snapshot) {
        return run([process, snapshot](QSqlDatabase &db) { ProcessHealthRepo(db).publish(process, snapshot); }).ok();
    };

    // One healthy desk: healthy, and the desk is listed with its figures.
    QVERIFY(publish(desk, idle));
    QByteArray out;
    QCOMPARE(admin({QStringLiteral("health"), QStringLiteral("--json")}, &out), 0);
    QJsonObject json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json[u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(json[u"database"][u"reachable"].toBool(), true); // the own probe
    QVERIFY(json[u"database"].toObject().contains(u"latency_ms"));
    for (const char *key : {"pool", "queries", "signals", "alerts", "config", "memory"})
        QVERIFY2(json.contains(QLatin1String(key)), key); // the documented fields stay
    QCOMPARE(json[u"processes"].toArray().size(), 1);
    const QJsonObject listed = json[u"processes"].toArray().first().toObject();
    QCOMPARE(listed[u"program"].toString(), QStringLiteral("carwash"));
    QCOMPARE(listed[u"host"].toString(), QStringLiteral("desk-7"));
    QCOMPARE(listed[u"pid"].toInteger(), 501);
    QCOMPARE(QDateTime::fromString(listed[u"started_at"].toString(), Qt::ISODateWithMs), desk.startedAt);
    QVERIFY(QDateTime::fromString(listed[u"last_seen"].toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(listed[u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(listed[u"pool"][u"max"].toInt(), 3);
    for (const char *key : {"usage_pct", "active", "waiting", "timeouts"})
        QVERIFY2(listed[u"pool"].toObject().contains(QLatin1String(key)), key);
    for (const char *key : {"avg_ms", "p95_ms", "error_rate_pct"})
        QVERIFY2(listed.contains(QLatin1String(key)), key);

    // A kiosk that fell silent without removing its row: lost, an alert, degraded.
    QVERIFY(publish(crashed, idle));
    sql(QStringLiteral("UPDATE process_health SET updated_at = now() - interval '60 seconds' WHERE pid = 502"));
    QCOMPARE(admin({QStringLiteral("health"), QStringLiteral("--json")}, &out), 1);
    json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json[u"status"].toString(), QStringLiteral("degraded"));
    QHash<qint64, QJsonObject> byPid;
    for (const QJsonValue &p : json[u"processes"].toArray())
        byPid.insert(p[u"pid"].toInteger(), p.toObject());
    QCOMPARE(byPid.size(), 2);
    QCOMPARE(byPid[501][u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(byPid[502][u"status"].toString(), QStringLiteral("lost"));
    QCOMPARE(byPid[502][u"lost"].toBool(), true);
    QVERIFY(byPid[502][u"age_s"].toDouble() >= 60);
    const QStringList alerts = json[u"alerts"].toVariant().toStringList();
    QCOMPARE(alerts.size(), 1);
    QVERIFY2(alerts.first().contains(u"carwash-kiosk") && alerts.first().contains(u"lost"),
             qPrintable(alerts.first()));

    // A server whose pool is exhausted: the worst decides, unhealthy.
    QVERIFY(publish(busy, full));
    QCOMPARE(admin({QStringLiteral("health"), QStringLiteral("--json")}, &out), 2);
    json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json[u"status"].toString(), QStringLiteral("unhealthy"));
    byPid.clear();
    for (const QJsonValue &p : json[u"processes"].toArray())
        byPid.insert(p[u"pid"].toInteger(), p.toObject());
    QCOMPARE(byPid[503][u"status"].toString(), QStringLiteral("unhealthy"));
    QCOMPARE(byPid[503][u"pool"][u"usage_pct"].toDouble(), 100.0);
    QVERIFY(json[u"alerts"].toVariant().toStringList().join(u'\n').contains(u"carwash-server on desk-7"));

    // The human output shows the fleet too.
    QCOMPARE(admin({QStringLiteral("health")}, &out), 2);
    QVERIFY2(out.contains("Status: unhealthy"), out.constData());
    QVERIFY2(out.contains("Processes: 2 live, 1 lost"), out.constData());
    QVERIFY2(out.contains("carwash-kiosk on desk-7, pid 502") && out.contains("LOST"), out.constData());
    QVERIFY2(out.contains("carwash-server on desk-7, pid 503") && out.contains("pool 3 of 3 in use"),
             out.constData());
    QVERIFY(!out.contains("s3cr3t"));

    // A process that signs off is gone, not lost: back to the worst of the others.
    sql(QStringLiteral("DELETE FROM process_health WHERE pid IN (502, 503)"));
    QCOMPARE(admin({QStringLiteral("health")}, &out), 0);
    QVERIFY2(out.contains("Processes: 1 live, 0 lost"), out.constData());
}

QTEST_GUILESS_MAIN(TestProcessHealth)
#include "tst_processhealth.moc"
