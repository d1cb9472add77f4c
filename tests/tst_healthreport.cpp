// The runbook's thresholds at their boundaries, and what the monitor keeps.
#include "db/health/healthreport.h"
#include "db/health/poolmonitor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestHealthReport : public QObject
{
    Q_OBJECT
private slots:
    void levelsAtTheBoundaries_data();
    void levelsAtTheBoundaries();
    void statusFollowsTheWorstSignal_data();
    void statusFollowsTheWorstSignal();
    void monitorKeepsBoundedSlowQueryHistoryWithValuesElided();
    void monitorErrorRateAndAverageOverTheWindow();
    void monitorOffRecordsNoTimings();
    void reportJsonHasTheDocumentedShape();
};

void TestHealthReport::levelsAtTheBoundaries_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("healthyBelow");
    QTest::addColumn<double>("alertAbove");
    QTest::addColumn<int>("level");
    using L = HealthReport::Level;
    QTest::newRow("pool 69.9% healthy") << 69.9 << 70.0 << 90.0 << int(L::Healthy);
    QTest::newRow("pool 70% warning") << 70.0 << 70.0 << 90.0 << int(L::Warning);
    QTest::newRow("pool 90% warning") << 90.0 << 70.0 << 90.0 << int(L::Warning);
    QTest::newRow("pool 90.1% alert") << 90.1 << 70.0 << 90.0 << int(L::Alert);
    QTest::newRow("latency 499 ms healthy") << 499.0 << 500.0 << 1000.0 << int(L::Healthy);
    QTest::newRow("latency 500 ms warning") << 500.0 << 500.0 << 1000.0 << int(L::Warning);
    QTest::newRow("latency 1001 ms alert") << 1001.0 << 500.0 << 1000.0 << int(L::Alert);
    QTest::newRow("errors 0.99% healthy") << 0.99 << 1.0 << 5.0 << int(L::Healthy);
    QTest::newRow("errors 5% warning") << 5.0 << 1.0 << 5.0 << int(L::Warning);
    QTest::newRow("errors 5.01% alert") << 5.01 << 1.0 << 5.0 << int(L::Alert);
}

void TestHealthReport::levelsAtTheBoundaries()
{
    QFETCH(double, value);
    QFETCH(double, healthyBelow);
    QFETCH(double, alertAbove);
    QFETCH(int, level);
    QCOMPARE(int(HealthReport::levelFor(value, healthyBelow, alertAbove)), level);
}

void TestHealthReport::statusFollowsTheWorstSignal_data()
{
    QTest::addColumn<int>("active");
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<double>("memoryPct");
    QTest::addColumn<int>("errors");
    QTest::addColumn<int>("status");
    using S = HealthReport::Status;
    QTest::newRow("all quiet") << 1 << true << 40.0 << 0 << int(S::Healthy);
    QTest::newRow("pool 80% is degraded") << 8 << true << 40.0 << 0 << int(S::Degraded);
    QTest::newRow("pool 100% is unhealthy") << 10 << true << 40.0 << 0 << int(S::Unhealthy);
    QTest::newRow("database unreachable") << 0 << false << 40.0 << 0 << int(S::Unhealthy);
    QTest::newRow("memory 95% alerts") << 1 << true << 95.0 << 0 << int(S::Unhealthy);
    QTest::newRow("3% errors degraded") << 1 << true << 40.0 << 3 << int(S::Degraded);
    QTest::newRow("10% errors unhealthy") << 1 << true << 40.0 << 10 << int(S::Unhealthy);
}

void TestHealthReport::statusFollowsTheWorstSignal()
{
    QFETCH(int, active);
    QFETCH(bool, reachable);
    QFETCH(double, memoryPct);
    QFETCH(int, errors);
    QFETCH(int, status);
    DatabaseConfig config;
    config.maxConnections = 10;
    PoolStats pool;
    pool.max = 10;
    pool.active = active;
    pool.total = active;
    PoolMonitor monitor(true, 500, 10);
    for (int i = 0; i < 100; ++i)
        monitor.recordJob(QStringLiteral("job"), 2.0, i >= errors);
    HealthReport::Probe probe;
    probe.reachable = reachable;
    probe.error = reachable ? QString() : QStringLiteral("connection refused");
    const HealthReport r = HealthReport::evaluate(config, pool, monitor.snapshot(), probe, 1 << 20, memoryPct);
    QCOMPARE(int(r.status()), status);
    QCOMPARE(r.alerts().isEmpty(), status != int(HealthReport::Status::Unhealthy));
}

void TestHealthReport::monitorKeepsBoundedSlowQueryHistoryWithValuesElided()
{
    PoolMonitor monitor(true, 100, 3);
    monitor.recordStatement(QStringLiteral("fast"), QStringLiteral("SELECT 1"), 5);
    for (int i = 0; i < 5; ++i)
        monitor.recordStatement(QStringLiteral("slow.%1").arg(i),
                                QStringLiteral("SELECT * FROM customers WHERE plate = 'SECRET%1'").arg(i), 150 + i);
    const MonitorSnapshot s = monitor.snapshot();
    QCOMPARE(s.slowQueries.size(), 3);
    QCOMPARE(s.slowQueries.first().label, QStringLiteral("slow.2")); // oldest kept
    QCOMPARE(s.slowQueries.last().label, QStringLiteral("slow.4"));
    for (const SlowQuery &q : s.slowQueries) {
        QVERIFY(!q.sql.contains(QStringLiteral("SECRET")));
        QCOMPARE(q.sql, QStringLiteral("SELECT * FROM customers WHERE plate = ?"));
    }
}

void TestHealthReport::monitorErrorRateAndAverageOverTheWindow()
{
    PoolMonitor monitor(true, 500, 10);
    for (int i = 0; i < 50; ++i)
        monitor.recordJob(QStringLiteral("a"), 10, true);
    for (int i = 0; i < 50; ++i)
        monitor.recordJob(QStringLiteral("b"), 30, i % 10 != 0);
    const MonitorSnapshot s = monitor.snapshot();
    QCOMPARE(s.totalCount, 100);
    QCOMPARE(s.totalErrors, 5);
    QCOMPARE(s.errorRatePct, 5.0);
    QCOMPARE(s.avgMs, 20.0);
    QCOMPARE(s.p95Ms, 30.0);
    QCOMPARE(s.labels.size(), 2);
    QCOMPARE(s.labels.at(1).label, QStringLiteral("b"));
    QCOMPARE(s.labels.at(1).errors, 5);
    QCOMPARE(s.labels.at(0).avgMs, 10.0);
}

void TestHealthReport::monitorOffRecordsNoTimings()
{
    PoolMonitor monitor(false, 1, 10);
    monitor.recordJob(QStringLiteral("a"), 10, true);
    monitor.recordStatement(QStringLiteral("a"), QStringLiteral("SELECT pg_sleep(1)"), 1000);
    const MonitorSnapshot s = monitor.snapshot();
    QVERIFY(!s.enabled);
    QVERIFY(s.labels.isEmpty());
    QVERIFY(s.slowQueries.isEmpty());
    QCOMPARE(s.totalCount, 1); // health still counts work and errors
}

void TestHealthReport::reportJsonHasTheDocumentedShape()
{
    DatabaseConfig config;
    config.host = QStringLiteral("db");
    config.database = QStringLiteral("carwash");
    config.user = QStringLiteral("wash");
    config.password = QStringLiteral("hunter2");
    PoolStats pool;
    pool.max = 5;
    HealthReport::Probe probe{true, 1.5, QStringLiteral("15.8"), {}};
    PoolMonitor monitor(true, 500, 10);
    const QJsonObject j = HealthReport::evaluate(config, pool, monitor.snapshot(), probe, 1000, 10).toJson();
    QCOMPARE(j[u"status"].toString(), QStringLiteral("healthy"));
    for (const char *key : {"database", "pool", "queries", "slow_queries", "recent_errors", "memory", "config", "alerts"})
        QVERIFY2(j.contains(QLatin1String(key)), key);
    QCOMPARE(j[u"database"][u"server_version"].toString(), QStringLiteral("15.8"));
    QVERIFY(!QJsonDocument(j).toJson().contains("hunter2"));
}

QTEST_GUILESS_MAIN(TestHealthReport)
#include "tst_healthreport.moc"
