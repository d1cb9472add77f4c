// The diagnostics models fed known samples: the chart series, health levels
// at each threshold boundary, alerts that do not flap, merged errors and
// the sortable slow-query table.
#include "models/manager/healthalerts.h"
#include "models/manager/healthhistory.h"
#include "models/manager/mergederrorsmodel.h"
#include "models/manager/slowquerymodel.h"

#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using Level = HealthReport::Level;
using Signal = HealthAlerts::Signal;
Q_DECLARE_METATYPE(HealthReport::Level)
Q_DECLARE_METATYPE(HealthAlerts::Signal)

namespace {

const QDateTime kT0 = QDateTime(QDate(2025, 6, 1), QTime(12, 0), Qt::UTC);

// A quiet, healthy second; tests change what they look at.
HealthPoint point(int second)
{
    HealthPoint p;
    p.at = kT0.addSecs(second);
    p.max = 10;
    p.total = 2;
    p.active = 1;
    p.idle = 1;
    p.avgMs = 20;
    p.p95Ms = 40;
    p.windowCount = 100;
    p.rssBytes = 64 * 1024 * 1024;
    p.systemUsedPct = 40;
    return p;
}

ErrorRecord error(int second, const QString &label, const QString &state,
                  const QString &detail = QStringLiteral("x"))
{
    return {kT0.addSecs(second), label, QStringLiteral("Unavailable"), state, detail};
}

} // namespace

class TestDiagnosticsModels : public QObject
{
    Q_OBJECT
private slots:
    void historyKeepsAnHourAndPlotsTheWindow();
    void historyRefusesPointsNotNewerThanTheLatest();
    void seriesCarryEveryChartsValues();

    void levelAtEachThresholdBoundary_data();
    void levelAtEachThresholdBoundary();
    void alertIsRaisedAboveTheAlertLevelAndLogged();
    void alertClearsOnlyAfterStayingHealthyForTheQuietPeriod();
    void oscillatingAroundTheAlertLevelDoesNotFlap();
    void warningBandKeepsTheAlertUntilHealthy();
    void unreachableDatabaseAlertsAndRecovers();
    void overallStatusFollowsTheWorstSignal();

    void repeatedErrorsAreMergedWithCountAndLastSeen();
    void feedingTheSameErrorsAgainCountsNothingTwice();
    void errorsAtTheSameMillisecondAreEachCounted();

    void slowQueriesSortByDurationAndTime();
};

void TestDiagnosticsModels::historyKeepsAnHourAndPlotsTheWindow()
{
    HealthHistory h; // 3600 by default
    QCOMPARE(h.capacity(), 3600);
    for (int s = 0; s < 4000; ++s) {
        HealthPoint p = point(s);
        p.active = s % 10;
        QVERIFY(h.append(p));
    }
    QCOMPARE(h.size(), 3600);
    QCOMPARE(h.at(0).at, kT0.addSecs(400)); // the oldest 400 went
    QCOMPARE(h.latest()->at, kT0.addSecs(3999));
    // Five minutes: the 300 seconds after latest - 300 s.
    const QList<HealthPoint> five = h.window(300);
    QCOMPARE(five.size(), 300);
    QCOMPARE(five.first().at, kT0.addSecs(3700));
    QCOMPARE(h.window(3600).size(), 3600);
    QCOMPARE(h.window(100000).size(), 3600);
    h.clear();
    QCOMPARE(h.size(), 0);
    QVERIFY(!h.latest());
    QVERIFY(h.window(300).isEmpty());
}

void TestDiagnosticsModels::historyRefusesPointsNotNewerThanTheLatest()
{
    HealthHistory h(10);
    QVERIFY(h.append(point(5)));
    QVERIFY(!h.append(point(5)));
    QVERIFY(!h.append(point(4)));
    QVERIFY(!h.append(HealthPoint()));
    QVERIFY(h.append(point(6)));
    QCOMPARE(h.size(), 2);
}

void TestDiagnosticsModels::seriesCarryEveryChartsValues()
{
    HealthHistory h;
    HealthPoint a = point(0);
    a.active = 3;
    a.idle = 2;
    a.waiting = 0;
    a.avgMs = 120;
    a.p95Ms = 480;
    a.errorRatePct = 0.5;
    a.rssBytes = 100 * 1024 * 1024;
    a.systemUsedPct = 55;
    HealthPoint b = point(1);
    b.active = 10;
    b.idle = 0;
    b.waiting = 4;
    b.errorRatePct = 7;
    h.append(a);
    h.append(b);
    using M = HealthHistory::Metric;
    const QList<QPointF> active = h.series(M::Active, 300);
    QCOMPARE(active.size(), 2);
    QCOMPARE(active.at(0), QPointF(double(kT0.toMSecsSinceEpoch()), 3));
    QCOMPARE(active.at(1), QPointF(double(kT0.addSecs(1).toMSecsSinceEpoch()), 10));
    QCOMPARE(h.series(M::Idle, 300).at(0).y(), 2.0);
    QCOMPARE(h.series(M::Waiting, 300).at(1).y(), 4.0);
    QCOMPARE(h.series(M::Max, 300).at(1).y(), 10.0);
    QCOMPARE(h.series(M::UsagePct, 300).at(1).y(), 100.0);
    QCOMPARE(h.series(M::AvgMs, 300).at(0).y(), 120.0);
    QCOMPARE(h.series(M::P95Ms, 300).at(0).y(), 480.0);
    QCOMPARE(h.series(M::ErrorRatePct, 300).at(1).y(), 7.0);
    QCOMPARE(h.series(M::RssMiB, 300).at(0).y(), 100.0);
    QCOMPARE(h.series(M::SystemUsedPct, 300).at(0).y(), 55.0);
    // A window of one second keeps only the newest.
    QCOMPARE(h.series(M::Active, 1).size(), 1);
}

void TestDiagnosticsModels::levelAtEachThresholdBoundary_data()
{
    QTest::addColumn<Signal>("signal");
    QTest::addColumn<double>("value");
    QTest::addColumn<Level>("level");
    // Healthy below, alert above, warning in between (both ends included).
    QTest::newRow("pool 69.9 %") << Signal::PoolUsage << 69.9 << Level::Healthy;
    QTest::newRow("pool 70 %") << Signal::PoolUsage << 70.0 << Level::Warning;
    QTest::newRow("pool 90 %") << Signal::PoolUsage << 90.0 << Level::Warning;
    QTest::newRow("pool 100 %") << Signal::PoolUsage << 100.0 << Level::Alert;
    QTest::newRow("latency 499 ms") << Signal::AverageLatency << 499.0 << Level::Healthy;
    QTest::newRow("latency 500 ms") << Signal::AverageLatency << 500.0 << Level::Warning;
    QTest::newRow("latency 1000 ms") << Signal::AverageLatency << 1000.0 << Level::Warning;
    QTest::newRow("latency 1000.5 ms") << Signal::AverageLatency << 1000.5 << Level::Alert;
    QTest::newRow("errors 0.99 %") << Signal::ErrorRate << 0.99 << Level::Healthy;
    QTest::newRow("errors 1 %") << Signal::ErrorRate << 1.0 << Level::Warning;
    QTest::newRow("errors 5 %") << Signal::ErrorRate << 5.0 << Level::Warning;
    QTest::newRow("errors 5.01 %") << Signal::ErrorRate << 5.01 << Level::Alert;
    QTest::newRow("memory 90 %") << Signal::MemoryUsed << 90.0 << Level::Healthy;
    QTest::newRow("memory 90.1 %") << Signal::MemoryUsed << 90.1 << Level::Alert;
    QTest::newRow("reachable") << Signal::DatabaseReachable << 1.0 << Level::Healthy;
    QTest::newRow("unreachable") << Signal::DatabaseReachable << 0.0 << Level::Alert;
}

void TestDiagnosticsModels::levelAtEachThresholdBoundary()
{
    QFETCH(Signal, signal);
    QFETCH(double, value);
    QFETCH(Level, level);
    HealthPoint p = point(0);
    switch (signal) {
    case Signal::PoolUsage:
        p.max = 1000;
        p.active = int(value * 10);
        break;
    case Signal::AverageLatency:
        p.avgMs = value;
        break;
    case Signal::ErrorRate:
        p.errorRatePct = value;
        break;
    case Signal::MemoryUsed:
        p.systemUsedPct = value;
        break;
    case Signal::DatabaseReachable:
        p.reachable = value > 0;
        break;
    }
    HealthAlerts alerts;
    alerts.update(p);
    QCOMPARE(alerts.state(signal).level, level);
    QCOMPARE(alerts.state(signal).alerting, level == Level::Alert);
    QVERIFY(!HealthAlerts::valueText(alerts.state(signal)).isEmpty());
}

void TestDiagnosticsModels::alertIsRaisedAboveTheAlertLevelAndLogged()
{
    HealthAlerts alerts(30);
    QSignalSpy raised(&alerts, &HealthAlerts::alertRaised);
    alerts.update(point(0));
    QCOMPARE(raised.size(), 0);
    HealthPoint busy = point(1);
    busy.active = 10; // 100 %
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert: pool_usage_pct")));
    alerts.update(busy);
    QCOMPARE(raised.size(), 1);
    QCOMPARE(raised.first().at(0).value<Signal>(), Signal::PoolUsage);
    QVERIFY(raised.first().at(1).toString().contains(QStringLiteral("Pool usage")));
    QCOMPARE(alerts.activeAlerts().size(), 1);
    // Staying in alert raises nothing more.
    HealthPoint still = busy;
    still.at = kT0.addSecs(2);
    alerts.update(still);
    QCOMPARE(raised.size(), 1);
}

void TestDiagnosticsModels::alertClearsOnlyAfterStayingHealthyForTheQuietPeriod()
{
    HealthAlerts alerts(30);
    QSignalSpy cleared(&alerts, &HealthAlerts::alertCleared);
    HealthPoint slow = point(0);
    slow.avgMs = 1500;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert: avg_query_ms")));
    alerts.update(slow);
    QVERIFY(alerts.state(Signal::AverageLatency).alerting);
    // Healthy from second 1; still alerting at second 30 (29 s healthy).
    for (int s = 1; s <= 30; ++s)
        alerts.update(point(s));
    QVERIFY(alerts.state(Signal::AverageLatency).alerting);
    QCOMPARE(alerts.state(Signal::AverageLatency).level, Level::Healthy);
    QCOMPARE(alerts.overall(), HealthReport::Status::Unhealthy);
    QCOMPARE(cleared.size(), 0);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("health alert cleared: avg_query_ms")));
    alerts.update(point(31)); // 30 s healthy
    QVERIFY(!alerts.state(Signal::AverageLatency).alerting);
    QCOMPARE(cleared.size(), 1);
    QCOMPARE(alerts.overall(), HealthReport::Status::Healthy);
    QVERIFY(alerts.activeAlerts().isEmpty());
}

void TestDiagnosticsModels::oscillatingAroundTheAlertLevelDoesNotFlap()
{
    HealthAlerts alerts(10);
    QSignalSpy raised(&alerts, &HealthAlerts::alertRaised);
    QSignalSpy cleared(&alerts, &HealthAlerts::alertCleared);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert: error_rate_pct")));
    // 6 %, 0.5 %, 6 %, 0.5 % ... for a minute: one alert, never cleared.
    for (int s = 0; s < 60; ++s) {
        HealthPoint p = point(s);
        p.errorRatePct = s % 2 == 0 ? 6 : 0.5;
        alerts.update(p);
    }
    QCOMPARE(raised.size(), 1);
    QCOMPARE(cleared.size(), 0);
    QVERIFY(alerts.state(Signal::ErrorRate).alerting);
}

void TestDiagnosticsModels::warningBandKeepsTheAlertUntilHealthy()
{
    HealthAlerts alerts(5);
    QSignalSpy cleared(&alerts, &HealthAlerts::alertCleared);
    HealthPoint full = point(0);
    full.active = 10;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert: pool_usage_pct")));
    alerts.update(full);
    // 80 %: below the alert level but not healthy; the alert stays however long.
    for (int s = 1; s < 30; ++s) {
        HealthPoint p = point(s);
        p.active = 8;
        alerts.update(p);
    }
    QVERIFY(alerts.state(Signal::PoolUsage).alerting);
    QCOMPARE(alerts.state(Signal::PoolUsage).level, Level::Warning);
    QCOMPARE(cleared.size(), 0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert cleared")));
    for (int s = 30; s <= 35; ++s)
        alerts.update(point(s)); // 10 %
    QCOMPARE(cleared.size(), 1);
}

void TestDiagnosticsModels::unreachableDatabaseAlertsAndRecovers()
{
    HealthAlerts alerts(3);
    HealthPoint down = point(0);
    down.reachable = false;
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("health alert: database_reachable")));
    alerts.update(down);
    QVERIFY(alerts.state(Signal::DatabaseReachable).alerting);
    QCOMPARE(alerts.activeAlerts(), QStringList {QStringLiteral("The database cannot be reached.")});
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("health alert cleared: database_reachable")));
    for (int s = 1; s <= 4; ++s)
        alerts.update(point(s));
    QVERIFY(!alerts.state(Signal::DatabaseReachable).alerting);
}

void TestDiagnosticsModels::overallStatusFollowsTheWorstSignal()
{
    HealthAlerts alerts;
    alerts.update(point(0));
    QCOMPARE(alerts.overall(), HealthReport::Status::Healthy);
    HealthPoint warm = point(1);
    warm.avgMs = 700;
    alerts.update(warm);
    QCOMPARE(alerts.overall(), HealthReport::Status::Degraded);
    HealthPoint hot = point(2);
    hot.avgMs = 700;
    hot.systemUsedPct = 95;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("health alert: memory_used_pct")));
    alerts.update(hot);
    QCOMPARE(alerts.overall(), HealthReport::Status::Unhealthy);
    QSignalSpy changed(&alerts, &HealthAlerts::changed);
    alerts.reset();
    QCOMPARE(alerts.overall(), HealthReport::Status::Healthy);
    QVERIFY(!alerts.state(Signal::MemoryUsed).measured);
    QCOMPARE(changed.size(), 1);
}

void TestDiagnosticsModels::repeatedErrorsAreMergedWithCountAndLastSeen()
{
    MergedErrorsModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.addErrors(
        {error(0, QStringLiteral("booking.create"), QStringLiteral("08006")),
         error(1, QStringLiteral("booking.create"), QStringLiteral("08006")),
         error(2, QStringLiteral("services.list"), QStringLiteral("08006")),
         error(3, QStringLiteral("booking.create"), QStringLiteral("57P01")),
         error(4, QStringLiteral("booking.create"), QStringLiteral("08006")),
         error(5, QStringLiteral("booking.create"), QStringLiteral("08006"), QStringLiteral("other"))});
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(inserted.size(), 4);
    QCOMPARE(changed.size(), 2);
    const MergedErrorsModel::Row &first = model.rows().at(0);
    QCOMPARE(first.count, 3);
    QCOMPARE(first.firstSeen, kT0);
    QCOMPARE(first.lastSeen, kT0.addSecs(4));
    QCOMPARE(model.data(model.index(0, MergedErrorsModel::CountColumn)).toString(), QStringLiteral("3"));
    QCOMPARE(model.data(model.index(0, MergedErrorsModel::SqlStateColumn)).toString(),
             QStringLiteral("08006"));
    QCOMPARE(model.data(model.index(0, MergedErrorsModel::LastSeenColumn), MergedErrorsModel::SortRole)
                 .toDateTime(),
             kT0.addSecs(4));
    QCOMPARE(model.totalCount(), 6);
    QCOMPARE(model.toJson().size(), 4);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestDiagnosticsModels::feedingTheSameErrorsAgainCountsNothingTwice()
{
    MergedErrorsModel model;
    QList<ErrorRecord> recent = {error(0, QStringLiteral("a"), QStringLiteral("08006")),
                                 error(1, QStringLiteral("a"), QStringLiteral("08006"))};
    model.addErrors(recent);
    model.addErrors(recent);
    QCOMPARE(model.rows().at(0).count, 2);
    // The monitor's list moved on: the oldest fell off, one new one came.
    recent.removeFirst();
    recent << error(7, QStringLiteral("a"), QStringLiteral("08006"));
    model.addErrors(recent);
    QCOMPARE(model.rows().at(0).count, 3);
    QCOMPARE(model.rows().at(0).lastSeen, kT0.addSecs(7));
}

void TestDiagnosticsModels::errorsAtTheSameMillisecondAreEachCounted()
{
    MergedErrorsModel model;
    model.addErrors({error(0, QStringLiteral("a"), QStringLiteral("08006")),
                     error(0, QStringLiteral("a"), QStringLiteral("08006"))});
    QCOMPARE(model.totalCount(), 2);
    // Fed again with a third at that same instant: only the third is new.
    model.addErrors({error(0, QStringLiteral("a"), QStringLiteral("08006")),
                     error(0, QStringLiteral("a"), QStringLiteral("08006")),
                     error(0, QStringLiteral("a"), QStringLiteral("08006"))});
    QCOMPARE(model.totalCount(), 3);
}

void TestDiagnosticsModels::slowQueriesSortByDurationAndTime()
{
    SlowQueryModel model;
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const QList<SlowQuery> queries = {
        {QStringLiteral("booking.create"), QStringLiteral("SELECT pg_sleep(?)"), 900, kT0.addSecs(1)},
        {QStringLiteral("services.list"), QStringLiteral("SELECT * FROM services"), 12000, kT0.addSecs(2)},
        {QStringLiteral("day.board"), QStringLiteral("SELECT ..."), 600, kT0.addSecs(3)},
    };
    model.setQueries(queries);
    model.setQueries(queries); // unchanged: no reset
    QCOMPARE(reset.size(), 1);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(SlowQueryModel::SortRole);
    proxy.sort(SlowQueryModel::DurationColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, SlowQueryModel::LabelColumn).data().toString(), QStringLiteral("services.list"));
    QCOMPARE(proxy.index(2, SlowQueryModel::LabelColumn).data().toString(), QStringLiteral("day.board"));
    // 12000 after 900 by number, not by text ("12 000 ms" < "900 ms").
    proxy.sort(SlowQueryModel::DurationColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(2, SlowQueryModel::LabelColumn).data().toString(), QStringLiteral("services.list"));
    proxy.sort(SlowQueryModel::WhenColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, SlowQueryModel::LabelColumn).data().toString(), QStringLiteral("day.board"));
    proxy.sort(SlowQueryModel::LabelColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, SlowQueryModel::LabelColumn).data().toString(), QStringLiteral("booking.create"));
    QCOMPARE(model.index(0, SlowQueryModel::SqlColumn).data().toString(),
             QStringLiteral("SELECT pg_sleep(?)"));
    QCOMPARE(model.toJson().size(), 3);
}

QTEST_GUILESS_MAIN(TestDiagnosticsModels)
#include "tst_diagnosticsmodels.moc"
