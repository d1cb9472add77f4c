// The manager's diagnostics screen on the offscreen platform against a real
// PostgreSQL under real load: a pool held exhausted, the server stopped and
// started again, a burst of slow pg_sleep queries. The lights go to alert
// with a banner and come back once the signals have been healthy for the
// quiet period; "Save diagnostics" writes JSON without the password and a
// PNG of the charts.
#include "db/health/healthpublisher.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "ui/common/errorbanner.h"
#include "ui/manager/diagnosticscharts.h"
#include "ui/manager/diagnosticswindow.h"
#include "ui/manager/healthlight.h"

#include <QComboBox>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QSemaphore>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>

using Signal = HealthAlerts::Signal;

namespace {

using TestWaits::kNoHangMs;
// The latency signal looks at the monitor's last minute: after the slow
// burst it needs that minute to pass, then the quiet period.
constexpr int kLatencyRecoveryMs = 150000;

template<typename T> QByteArray describe(const DbResult<T> &r)
{
    return r.ok() ? QByteArrayLiteral("ok") : r.error().toLogString().toUtf8();
}

} // namespace

class TestDiagnostics : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void startsHealthyWithChartsAndConfiguration();
    void exhaustedPoolRaisesThePoolAlertUntilItRecovers();
    void stoppedServerRaisesTheReachableAlertUntilItIsBack();
    void slowBurstFillsTheSlowTableAndRaisesTheLatencyAlert();
    void anotherProcessCanBePickedAndShowsItsPoints();
    void saveWritesJsonWithoutThePasswordAndAPng();

private:
    QString levelOf(Signal signal) const { return m_window->light(signal)->levelText(); }
    // The rows of the slow burst ("report.slow") in the table, top to bottom.
    static QList<int> burstRows(QTableView *table)
    {
        QList<int> rows;
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, SlowQueryModel::LabelColumn).data().toString() == u"report.slow")
                rows << row;
        }
        return rows;
    }

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DiagnosticsWindow> m_window;
};

void TestDiagnostics::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_diagnostics"));
    config.password = QStringLiteral("s3cr3t-pw"); // trust authentication: sent, never needed
    config.maxConnections = 3;
    config.poolTimeoutMs = 30000; // the slow burst queues for a while
    config.connectTimeoutS = 2;
    config.slowQueryThresholdMs = 200;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = m_pool
                        ->withRetry(QStringLiteral("migrate"), RetryPolicy::critical(),
                                    [](QSqlDatabase &db) { return Migrator::migrate(db); })
                        .result();
    QVERIFY2(migrated.ok(), describe(migrated).constData());

    ProcessIdentity self;
    self.program = QStringLiteral("tst_diagnostics");
    self.host = QStringLiteral("test-host");
    self.pid = 1;
    self.startedAt = QDateTime::currentDateTimeUtc();
    // What the programs set at start-up from project(VERSION) (see tst_version).
    QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
    m_window = std::make_unique<DiagnosticsWindow>(*m_pool, self);
    // Few probes, so the slow burst dominates the latency average; a short
    // quiet period so recovery does not take minutes.
    m_window->model().setProbeEvery(3);
    m_window->model().setPollEvery(5);
    m_window->model().alerts().setClearAfterSeconds(3);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestDiagnostics::cleanupTestCase()
{
    m_window.reset();
    if (m_pool)
        m_pool->shutdown();
}

void TestDiagnostics::startsHealthyWithChartsAndConfiguration()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_window->overallLight()->levelText(), QStringLiteral("Healthy"), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(levelOf(Signal::DatabaseReachable), QStringLiteral("Healthy"), kNoHangMs);
    QCOMPARE(m_window->light(Signal::DatabaseReachable)->valueText(), QStringLiteral("yes"));
    QVERIFY(!m_window->alertBanner()->isVisible());
    // Live charts: a point a second.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->charts()->plottedPoints() >= 3, kNoHangMs);
    // Configuration: the redacted URL and each limit with where it came from.
    auto *url = m_window->findChild<QLabel *>(QStringLiteral("configUrl"));
    QVERIFY(url->text().contains(QString::number(m_cluster.port())));
    QVERIFY(!url->text().contains(QStringLiteral("s3cr3t")));
    auto *config = m_window->findChild<QTableWidget *>(QStringLiteral("configTable"));
    QVERIFY(config->rowCount() >= 10);
    QCOMPARE(config->item(0, 0)->text(), QStringLiteral("connection_limit"));
    QCOMPARE(config->item(0, 1)->text(), QStringLiteral("3"));
    QVERIFY(!config->item(0, 2)->text().isEmpty());
    // Which version this is, for a support call.
    QCOMPARE(m_window->findChild<QLabel *>(QStringLiteral("productVersion"))->text(),
             QStringLiteral("CarWash Desk 9.8.7"));
    // Sizing beside the current setting, and the server's budget.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QLabel *>(QStringLiteral("sizingBudget"))
                                 ->text()
                                 .contains(QStringLiteral("max_connections")),
                             kNoHangMs);
}

void TestDiagnostics::exhaustedPoolRaisesThePoolAlertUntilItRecovers()
{
    // Every connection held, and more work waiting behind it.
    auto release = std::make_shared<QSemaphore>(0);
    QList<QFuture<DbResult<Done>>> held;
    for (int i = 0; i < 5; ++i)
        held << m_pool->withConnection(QStringLiteral("hold"), [release](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT 1"));
            release->acquire();
        });
    QTRY_COMPARE_WITH_TIMEOUT(levelOf(Signal::PoolUsage), QStringLiteral("Alert"), kNoHangMs);
    QCOMPARE(m_window->overallLight()->levelText(), QStringLiteral("Unhealthy"));
    QCOMPARE(m_window->light(Signal::PoolUsage)->valueText(), QStringLiteral("100 %"));
    QVERIFY(m_window->alertBanner()->isVisible());
    QVERIFY2(m_window->alertBanner()->message().contains(QStringLiteral("Pool usage")),
             qPrintable(m_window->alertBanner()->message()));

    release->release(5);
    for (const auto &f : held)
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), kNoHangMs);
    // Back below 70 %: recovering first (no flapping), healthy after the quiet period.
    QTRY_COMPARE_WITH_TIMEOUT(levelOf(Signal::PoolUsage), QStringLiteral("Healthy"), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->model().alerts().state(Signal::PoolUsage).alerting, kNoHangMs);
}

void TestDiagnostics::stoppedServerRaisesTheReachableAlertUntilItIsBack()
{
    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Immediate));
    QTRY_COMPARE_WITH_TIMEOUT(levelOf(Signal::DatabaseReachable), QStringLiteral("Alert"), kNoHangMs);
    QCOMPARE(m_window->light(Signal::DatabaseReachable)->valueText(), QStringLiteral("no"));
    QVERIFY(m_window->alertBanner()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->alertBanner()->message().contains(QStringLiteral("cannot be reached")),
                             kNoHangMs);
    // The failed probes are in the error list, repeats merged.
    auto *errors = m_window->findChild<QTableView *>(QStringLiteral("errorTable"));
    QTRY_VERIFY_WITH_TIMEOUT(errors->model()->rowCount() >= 1, kNoHangMs);

    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->model().alerts().state(Signal::DatabaseReachable).alerting,
                             kNoHangMs);
    QCOMPARE(levelOf(Signal::DatabaseReachable), QStringLiteral("Healthy"));
}

void TestDiagnostics::slowBurstFillsTheSlowTableAndRaisesTheLatencyAlert()
{
    QList<QFuture<DbResult<Done>>> burst;
    for (int i = 0; i < 12; ++i)
        burst << m_pool->withConnection(QStringLiteral("report.slow"), [](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(2.5)"));
        });
    auto *slow = m_window->findChild<QTableView *>(QStringLiteral("slowQueryTable"));
    QTRY_VERIFY_WITH_TIMEOUT(slow->model()->rowCount() >= 3, kNoHangMs);
    const QModelIndex sql = slow->model()->index(0, SlowQueryModel::SqlColumn);
    QVERIFY2(sql.data().toString().contains(QStringLiteral("pg_sleep(?)")),
             qPrintable(sql.data().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(levelOf(Signal::AverageLatency), QStringLiteral("Alert"), kNoHangMs);
    QVERIFY(m_window->alertBanner()->message().contains(QStringLiteral("Average query time")));
    // The whole screen in alert under this load, for the README's pictures.
    const QString screenshot = qEnvironmentVariable("CARWASH_DIAGNOSTICS_SCREENSHOT");
    if (!screenshot.isEmpty())
        QVERIFY(m_window->grab().save(screenshot, "PNG"));
    for (const auto &f : burst)
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), kNoHangMs);
    // Every statement of the burst is listed. (On a loaded machine some
    // other statement may pass the 200 ms threshold too: only the burst's
    // rows are counted, so the check does not rest on the machine's speed.)
    QTRY_COMPARE_WITH_TIMEOUT(burstRows(slow).size(), 12, kNoHangMs);

    // Sortable by duration, by number.
    slow->sortByColumn(SlowQueryModel::DurationColumn, Qt::DescendingOrder);
    QList<double> durations;
    for (int row : burstRows(slow))
        durations << slow->model()
                         ->index(row, SlowQueryModel::DurationColumn)
                         .data(SlowQueryModel::SortRole)
                         .toDouble();
    QVERIFY(std::is_sorted(durations.cbegin(), durations.cend(), std::greater<>()));
    QVERIFY(durations.last() >= 2400);

    // Once the burst has left the monitor's minute and the quiet period
    // has passed, every light is healthy again and the banner is gone.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->overallLight()->levelText(), QStringLiteral("Healthy"),
                              kLatencyRecoveryMs);
    QVERIFY(m_window->model().alerts().activeAlerts().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->alertBanner()->isVisible(), kNoHangMs);
}

void TestDiagnostics::anotherProcessCanBePickedAndShowsItsPoints()
{
    // A kiosk publishes under its own program with its name, as KioskRepo
    // says: ProcessIdentity::current(KioskRepo::program(), name).
    ProcessIdentity kiosk;
    kiosk.program = QStringLiteral("carwash-kiosk");
    kiosk.label = QStringLiteral("Entrance");
    kiosk.host = QStringLiteral("kiosk-1");
    kiosk.pid = 4242;
    kiosk.startedAt = QDateTime::currentDateTimeUtc();
    HealthPublisher publisher(*m_pool, kiosk);
    publisher.setInterval(500);
    publisher.start();
    auto *picker = m_window->findChild<QComboBox *>(QStringLiteral("diagnosticsSource"));
    QTRY_VERIFY_WITH_TIMEOUT(picker->findData(kiosk.key()) >= 0, kNoHangMs);
    // This process's points as they were before another source is shown.
    QCOMPARE(m_window->model().source(), DiagnosticsModel::Source::ThisProcess);
    const QList<HealthPoint> ownBefore = m_window->model().history().window(3600);
    QVERIFY(!ownBefore.isEmpty());
    QCOMPARE(picker->itemText(picker->findData(kiosk.key())),
             QStringLiteral("carwash-kiosk \"Entrance\" on kiosk-1 (pid 4242)"));
    // The list of processes names the kiosk too.
    auto *processes = m_window->findChild<QTableWidget *>(QStringLiteral("processTable"));
    QTRY_VERIFY_WITH_TIMEOUT(
        !processes
             ->findItems(QStringLiteral("carwash-kiosk \"Entrance\" on kiosk-1 (pid 4242)"), Qt::MatchExactly)
             .isEmpty(),
        kNoHangMs);
    picker->setCurrentIndex(picker->findData(kiosk.key()));
    Q_EMIT picker->activated(picker->currentIndex());
    QCOMPARE(m_window->model().source(), DiagnosticsModel::Source::OtherProcess);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model().history().size() >= 2, kNoHangMs);
    const QJsonObject kioskConfig = m_window->model().configStatus();
    QVERIFY2(kioskConfig[u"settings"].toArray().size() >= 10,
             QJsonDocument(kioskConfig).toJson().constData());
    QCOMPARE(kioskConfig[u"settings"].toArray().first().toObject()[u"value"].toString(), QStringLiteral("3"));
    // All processes at once: combined points.
    picker->setCurrentIndex(picker->findData(QStringLiteral("*")));
    Q_EMIT picker->activated(picker->currentIndex());
    QCOMPARE(m_window->model().source(), DiagnosticsModel::Source::AllProcesses);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model().history().size() >= 1, kNoHangMs);
    QVERIFY(m_window->model().history().latest()->max >= 3);

    auto removed = publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(removed.isFinished(), kNoHangMs);
    picker->setCurrentIndex(0);
    Q_EMIT picker->activated(0);
    QCOMPARE(m_window->model().source(), DiagnosticsModel::Source::ThisProcess);
    // Back to this process: every point it had before is still there, in
    // order, however long the earlier tests took.
    const QList<HealthPoint> ownAfter = m_window->model().history().window(3600);
    QVERIFY2(ownAfter.size() >= ownBefore.size(),
             qPrintable(QStringLiteral("%1 < %2").arg(ownAfter.size()).arg(ownBefore.size())));
    for (qsizetype i = 0; i < ownBefore.size(); ++i)
        QCOMPARE(ownAfter[i].at, ownBefore[i].at);
}

void TestDiagnostics::saveWritesJsonWithoutThePasswordAndAPng()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("diag.json"));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model().history().size() >= 3, kNoHangMs);
    QString error;
    QVERIFY2(m_window->saveTo(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(!text.contains("s3cr3t"));
    QJsonParseError parse;
    const QJsonObject bundle = QJsonDocument::fromJson(text, &parse).object();
    QCOMPARE(parse.error, QJsonParseError::NoError);
    QVERIFY(bundle[u"history"].toArray().size() >= 3);
    int burstInBundle = 0;
    for (const QJsonValue &q : bundle[u"slow_queries"].toArray())
        burstInBundle += q[u"label"].toString() == u"report.slow" ? 1 : 0;
    QCOMPARE(burstInBundle, 12);
    QVERIFY(!bundle[u"errors"].toArray().isEmpty());
    QVERIFY(bundle[u"config"][u"database_url"].toString().contains(QStringLiteral("***"))
            || !bundle[u"config"][u"database_url"].toString().contains(QStringLiteral("s3cr3t")));
    QCOMPARE(bundle[u"health"][u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(bundle[u"charts_png"].toString(), QStringLiteral("diag.png"));
    const QImage png(dir.filePath(QStringLiteral("diag.png")));
    QVERIFY(!png.isNull());
    QVERIFY(png.width() > 200 && png.height() > 200);

    // An unwritable place is refused with a message, not a crash.
    QVERIFY(!m_window->saveTo(QStringLiteral("/proc/no-such-dir/diag.json"), &error));
    QVERIFY(error.contains(QStringLiteral("/proc/no-such-dir/diag.json")));
}

QTEST_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
