// carwash-bench runs end to end in each of its modes but server (its own
// file, tst_benchsmoke_server.cpp) on tiny settings: it measures and prints
// the documented JSON, with the run's own account (clients, failures,
// pgbench's error, connections left, verdict). The figures' values are the
// machine's business; the test checks their shape and sanity only, never a
// target or a duration.

#include "tests/benchsmoke.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace BenchSmoke;

class TestBenchSmoke : public QObject, protected Fixture
{
    Q_OBJECT

private slots:
    void initTestCase() { startCluster(); }
    void poolPrintsTheDocumentedFigures();
    void poolRunWithFailuresSaysSoInItsVerdict();
    void availabilityPrintsTheDocumentedFigures();
    void diagnosticsPrintsTheDocumentedFigures();
    void webhooksApplyEveryEventOnceAndPrintTheDocumentedFigures();
    void kioskCompletesEveryFlowAndPrintsTheDocumentedFigures();
    void usageNamesEveryMode();
    void badBookingCountIsRefused();
};

void TestBenchSmoke::poolPrintsTheDocumentedFigures()
{
    const Run run = bench({QStringLiteral("pool"), QStringLiteral("--json"), QStringLiteral("--seconds"),
                           QStringLiteral("1"), QStringLiteral("--rounds"), QStringLiteral("3"),
                           QStringLiteral("--rss-jobs"), QStringLiteral("1000")},
                          environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(
        sorted(figures.keys()),
        sorted(kRunKeys
               + QStringList {QStringLiteral("booking_tx"), QStringLiteral("per_request"),
                              QStringLiteral("handoff_limit"), QStringLiteral("overhead_us"),
                              QStringLiteral("rss_growth_bytes"), QStringLiteral("max_server_connections"),
                              QStringLiteral("connection_limit"), QStringLiteral("rounds"),
                              QStringLiteral("seconds_per_round"), QStringLiteral("pgbench_error")}));
    verifyCleanRun(figures, run.err);
    QCOMPARE(figures[u"rounds"].toInt(), 3);
    QCOMPARE(figures[u"seconds_per_round"].toInt(), 1);

    // pgbench and the pool with the same number of clients.
    const int limit = figures[u"connection_limit"].toInt();
    QCOMPARE(limit, 5);
    const QJsonObject clients = figures[u"clients"].toObject();
    const QJsonObject tx = figures[u"booking_tx"].toObject();
    QCOMPARE(sorted(tx.keys()),
             sorted({QStringLiteral("pool_tps"), QStringLiteral("pgbench_tps"), QStringLiteral("ratio"),
                     QStringLiteral("clients"), QStringLiteral("spread")}));
    QCOMPARE(tx[u"clients"].toInt(), limit);
    QCOMPARE(clients[u"booking_pool_submitters"].toInt(), limit);
    QCOMPARE(clients[u"booking_pgbench_clients"].toInt(), limit);
    QVERIFY2(tx[u"pgbench_tps"].toDouble() > 0, run.err.right(2000).constData());
    QVERIFY(tx[u"pool_tps"].toDouble() > 0);
    verifySpread(tx, QStringLiteral("ratio"), QStringLiteral("pool_tps"), QStringLiteral("pgbench_tps"), 3);

    const QJsonObject perRequest = figures[u"per_request"].toObject();
    QCOMPARE(sorted(perRequest.keys()),
             sorted({QStringLiteral("pool_tps"), QStringLiteral("per_request_tps"), QStringLiteral("ratio"),
                     QStringLiteral("submitters"), QStringLiteral("spread")}));
    verifySpread(perRequest, QStringLiteral("ratio"), QStringLiteral("pool_tps"),
                 QStringLiteral("per_request_tps"), 3);

    // The ceiling: as many threads as the pool has connections, fed by the same submitters.
    const QJsonObject handoff = figures[u"handoff_limit"].toObject();
    QCOMPARE(sorted(handoff.keys()),
             sorted({QStringLiteral("tps"), QStringLiteral("pool_fraction"),
                     QStringLiteral("per_request_fraction"), QStringLiteral("threads"),
                     QStringLiteral("submitters"), QStringLiteral("spread")}));
    QCOMPARE(handoff[u"threads"].toInt(), limit);
    QCOMPARE(handoff[u"submitters"].toInt(), perRequest[u"submitters"].toInt());
    QCOMPARE(clients[u"handoff_threads"].toInt(), limit);
    QVERIFY(handoff[u"tps"].toDouble() > 0);
    QVERIFY(handoff[u"per_request_fraction"].toDouble() > 0);
    verifySpread(handoff, QStringLiteral("pool_fraction"), QStringLiteral("pool_tps"),
                 QStringLiteral("handoff_tps"), 3);
    // Both fractions are of the same pool rounds against the same limit rounds.
    QCOMPARE(handoff[u"spread"][u"pool_tps"], perRequest[u"spread"][u"pool_tps"]);

    QVERIFY(figures[u"overhead_us"].isDouble());
    QVERIFY(figures[u"rss_growth_bytes"].isDouble());
    const int maxConnections = figures[u"max_server_connections"].toInt();
    QVERIFY2(maxConnections >= 1 && maxConnections <= limit, QByteArray::number(maxConnections).constData());

    // Against a database of someone else's, it takes its rows with it.
    QString error;
    const QVariant left = m_cluster.queryBlocking(
        QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = 'carwash-bench'"),
        QStringLiteral("carwash"), &error);
    QVERIFY2(left.isValid(), qPrintable(error));
    QCOMPARE(left.toInt(), 0);
}

void TestBenchSmoke::poolRunWithFailuresSaysSoInItsVerdict()
{
    // A role allowed 12 connections: the watcher (1), the pool (5) and the
    // handoff threads (5) leave one free, so pgbench's 5 clients cannot all
    // connect and the 32 per-request submitters fight over one slot. The
    // run itself goes on to the end; its report must not pass for clean.
    QString error;
    for (const QString &sql : {QStringLiteral("DROP DATABASE IF EXISTS bench_limited"),
                               QStringLiteral("DROP ROLE IF EXISTS bench_limited"),
                               QStringLiteral("CREATE ROLE bench_limited LOGIN CONNECTION LIMIT 12"),
                               QStringLiteral("CREATE DATABASE bench_limited OWNER bench_limited")}) {
        m_cluster.queryBlocking(sql, QStringLiteral("postgres"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(sql + QStringLiteral(": ") + error));
    }
    m_cluster.queryBlocking(QStringLiteral("CREATE EXTENSION IF NOT EXISTS btree_gist"),
                            QStringLiteral("bench_limited"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const QString url
        = QStringLiteral("postgresql://bench_limited@127.0.0.1:%1/bench_limited").arg(m_cluster.port());
    const Run run = bench({QStringLiteral("pool"), QStringLiteral("--json"), QStringLiteral("--seconds"),
                           QStringLiteral("1"), QStringLiteral("--rounds"), QStringLiteral("3"),
                           QStringLiteral("--rss-jobs"), QStringLiteral("1000")},
                          environment(url));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());

    const QJsonObject failures = run.json[u"failures"].toObject();
    QVERIFY2(failures[u"per_request"].toInteger() > 0, run.out.constData());
    QVERIFY(failures[u"total"].toInteger() >= failures[u"per_request"].toInteger());
    QVERIFY2(!failures[u"first_error"].toString().isEmpty(), run.out.constData());
    QVERIFY2(!run.json[u"pgbench_error"].toString().isEmpty(), run.out.constData());
    // No ratio against a pgbench that did not run.
    QVERIFY(run.json[u"booking_tx"][u"ratio"].isNull());
    const QJsonObject verdict = run.json[u"verdict"].toObject();
    QCOMPARE(verdict[u"clean"].toBool(true), false);
    QCOMPARE(verdict[u"targets_met"].toBool(true), false);
    const QString text = verdict[u"text"].toString();
    QVERIFY2(text.startsWith(u"RUN HAD FAILURES"), qPrintable(text));
    QVERIFY2(text.contains(u"per_request") && text.contains(u"pgbench failed"), qPrintable(text));
    QCOMPARE(run.json[u"connections_after_shutdown"].toInt(-1), 0);
}

void TestBenchSmoke::availabilityPrintsTheDocumentedFigures()
{
    const Run run = bench({QStringLiteral("availability"), QStringLiteral("--json"),
                           QStringLiteral("--bookings"), QStringLiteral("20000"), QStringLiteral("--seconds"),
                           QStringLiteral("1"), QStringLiteral("--rounds"), QStringLiteral("3")},
                          environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(sorted(figures.keys()),
             sorted(kRunKeys
                    + QStringList {QStringLiteral("bays"), QStringLiteral("booking_tx"),
                                   QStringLiteral("bookings"), QStringLiteral("end_to_end_ms"),
                                   QStringLiteral("server_ms"), QStringLiteral("max_server_connections"),
                                   QStringLiteral("connection_limit"), QStringLiteral("rounds"),
                                   QStringLiteral("seconds_per_round"), QStringLiteral("pgbench_error")}));
    // pgbench_error set would mean the script no longer matches create(): it says which statement.
    verifyCleanRun(figures, run.err);
    QCOMPARE(figures[u"bookings"].toInteger(), 20000);
    QCOMPARE(figures[u"bays"].toInt(), 20);
    for (const char *name : {"server_ms", "end_to_end_ms"}) {
        const QJsonObject ms = figures[QLatin1String(name)].toObject();
        QCOMPARE(ms.keys(), (QStringList {QStringLiteral("p50"), QStringLiteral("p95")}));
        QVERIFY2(ms[u"p50"].toDouble() > 0, name);
        QVERIFY2(ms[u"p50"].toDouble() <= ms[u"p95"].toDouble(), name);
    }
    const QJsonObject tx = figures[u"booking_tx"].toObject();
    QCOMPARE(sorted(tx.keys()),
             sorted({QStringLiteral("pool_tps"), QStringLiteral("pgbench_tps"), QStringLiteral("ratio"),
                     QStringLiteral("clients"), QStringLiteral("spread")}));
    const int limit = figures[u"connection_limit"].toInt();
    QCOMPARE(tx[u"clients"].toInt(), limit);
    QCOMPARE(figures[u"clients"][u"booking_pool_submitters"].toInt(), limit);
    QCOMPARE(figures[u"clients"][u"booking_pgbench_clients"].toInt(), limit);
    QVERIFY(tx[u"pool_tps"].toDouble() > 0);
    QVERIFY(tx[u"pgbench_tps"].toDouble() > 0);
    verifySpread(tx, QStringLiteral("ratio"), QStringLiteral("pool_tps"), QStringLiteral("pgbench_tps"), 3);
    const int maxConnections = figures[u"max_server_connections"].toInt();
    QVERIFY2(maxConnections >= 1 && maxConnections <= limit, QByteArray::number(maxConnections).constData());

    QString error;
    const QVariant left = m_cluster.queryBlocking(
        QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'carwash_bench_availability'"),
        QStringLiteral("carwash"), &error);
    QVERIFY2(left.isValid(), qPrintable(error));
    QCOMPARE(left.toInt(), 0);
}

void TestBenchSmoke::diagnosticsPrintsTheDocumentedFigures()
{
    const Run run
        = bench({QStringLiteral("diagnostics"), QStringLiteral("--json"), QStringLiteral("--seconds"),
                 QStringLiteral("1"), QStringLiteral("--jobs-per-second"), QStringLiteral("20")},
                environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(sorted(figures.keys()),
             sorted(kRunKeys
                    + QStringList {QStringLiteral("seconds_per_side"), QStringLiteral("jobs_per_second"),
                                   QStringLiteral("monitoring_off"), QStringLiteral("diagnostics_on"),
                                   QStringLiteral("cost_core_pct"), QStringLiteral("target_core_pct"),
                                   QStringLiteral("within_target"), QStringLiteral("max_server_connections"),
                                   QStringLiteral("connection_limit")}));
    verifyCleanRun(figures, run.err);
    QCOMPARE(figures[u"seconds_per_side"].toInt(), 1);
    QCOMPARE(figures[u"jobs_per_second"].toInt(), 20);
    QCOMPARE(sorted(keysOf(figures[u"monitoring_off"])),
             (QStringList {QStringLiteral("core_pct"), QStringLiteral("jobs")}));
    QCOMPARE(sorted(keysOf(figures[u"diagnostics_on"])),
             (QStringList {QStringLiteral("chart_refreshes"), QStringLiteral("core_pct"),
                           QStringLiteral("jobs")}));
    for (const char *side : {"monitoring_off", "diagnostics_on"}) {
        QVERIFY2(figures[QLatin1String(side)][u"jobs"].toInt() > 0, side);
        QVERIFY2(figures[QLatin1String(side)][u"core_pct"].toDouble() >= 0, side);
    }
    QVERIFY(figures[u"cost_core_pct"].isDouble());
    QCOMPARE(figures[u"within_target"].toBool(), figures[u"verdict"][u"targets_met"].toBool());
    QCOMPARE(figures[u"clients"][u"pool_connections"].toInt(), figures[u"connection_limit"].toInt());
}

void TestBenchSmoke::webhooksApplyEveryEventOnceAndPrintTheDocumentedFigures()
{
    const Run run = bench({QStringLiteral("webhooks"), QStringLiteral("--json"), QStringLiteral("--seconds"),
                           QStringLiteral("1"), QStringLiteral("--rounds"), QStringLiteral("3"),
                           QStringLiteral("--events"), QStringLiteral("500")},
                          environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(sorted(figures.keys()),
             sorted(kRunKeys
                    + QStringList {QStringLiteral("events"), QStringLiteral("latency_ms"),
                                   QStringLiteral("deliveries"), QStringLiteral("burst"),
                                   QStringLiteral("server"), QStringLiteral("transaction"),
                                   QStringLiteral("seeded_payments"), QStringLiteral("rounds"),
                                   QStringLiteral("seconds_per_round"), QStringLiteral("pgbench_error")}));
    // pgbench_error set would mean the script no longer matches receive(): it says which statement.
    verifyCleanRun(figures, run.err);
    QCOMPARE(sorted(keysOf(figures[u"failures"])),
             sorted({QStringLiteral("total"), QStringLiteral("first_error"), QStringLiteral("server"),
                     QStringLiteral("pgbench"), QStringLiteral("burst"), QStringLiteral("double_applied"),
                     QStringLiteral("burst_counts")}));

    // The same concurrency on both sides, said in the report.
    const QJsonObject events = figures[u"events"].toObject();
    QCOMPARE(sorted(events.keys()),
             sorted({QStringLiteral("server_applied_per_s"), QStringLiteral("pgbench_tps"),
                     QStringLiteral("ratio"), QStringLiteral("target_ratio"), QStringLiteral("connections"),
                     QStringLiteral("spread")}));
    QCOMPARE(events[u"connections"].toInt(), 8);
    QCOMPARE(figures[u"clients"][u"http_connections"].toInt(), 8);
    QCOMPARE(figures[u"clients"][u"pgbench_clients"].toInt(), 8);
    QCOMPARE(figures[u"clients"][u"server_pool_connections"].toInt(),
             figures[u"server"][u"pool_connections"].toInt());
    verifySpread(events, QStringLiteral("ratio"), QStringLiteral("server_applied_per_s"),
                 QStringLiteral("pgbench_tps"), 3);

    // Every delivery of the rounds answered 200 and applied a fresh payment.
    const QJsonObject deliveries = figures[u"deliveries"].toObject();
    const qint64 sent = deliveries[u"sent"].toInteger();
    QVERIFY(sent > 0);
    QCOMPARE(keysOf(deliveries[u"by_status"]), QStringList {QStringLiteral("200")});
    QCOMPARE(deliveries[u"by_status"][u"200"].toInteger(), sent);
    QCOMPARE(keysOf(deliveries[u"by_result"]), QStringList {QStringLiteral("applied")});
    const QJsonObject latency = figures[u"latency_ms"].toObject();
    QCOMPARE(latency[u"samples"].toInteger(), sent);
    QVERIFY(latency[u"p50"].toDouble() > 0);
    QVERIFY(latency[u"p50"].toDouble() <= latency[u"p95"].toDouble());
    QVERIFY(latency[u"p95"].toDouble() <= latency[u"p99"].toDouble());

    // The burst: 500 deliveries, 100 of them redeliveries, 400 distinct
    // events for 200 payments (two each), each payment applied exactly once.
    const QJsonObject burst = figures[u"burst"].toObject();
    QCOMPARE(burst[u"deliveries"].toInt(), 500);
    QCOMPARE(burst[u"sent"].toInt(), 500);
    QCOMPARE(burst[u"duplicates"].toInt(), 100);
    QCOMPARE(burst[u"concurrent_duplicates"].toInt(), 50);
    QCOMPARE(burst[u"distinct_events"].toInt(), 400);
    QCOMPARE(burst[u"payments"].toInt(), 200);
    QCOMPARE(burst[u"by_status"].toObject(), (QJsonObject {{QStringLiteral("200"), 500}}));
    QCOMPARE(burst[u"by_result"].toObject(),
             (QJsonObject {{QStringLiteral("applied"), 200},
                           {QStringLiteral("duplicate"), 100},
                           {QStringLiteral("unchanged"), 200}}));
    QCOMPARE(burst[u"events_stored"].toInt(), 400);
    QCOMPARE(burst[u"payments_applied"].toInt(), 200);
    QCOMPARE(burst[u"bookings_confirmed"].toInt(), 200);
    QCOMPARE(burst[u"audit_per_payment"].toObject(),
             (QJsonObject {{QStringLiteral("min"), 1}, {QStringLiteral("max"), 1}}));
    QCOMPARE(burst[u"double_applied"].toInt(-1), 0);
    QCOMPARE(burst[u"left_open"].toObject(),
             (QJsonObject {{QStringLiteral("payments"), 0},
                           {QStringLiteral("events_unprocessed"), 0},
                           {QStringLiteral("events_with_error"), 0}}));

    const QJsonObject server = figures[u"server"].toObject();
    QCOMPARE(server[u"exit_code"].toInt(-1), 0);
    QVERIFY(server[u"rss_before_bytes"].toInteger() > 0);
    QVERIFY(server[u"rss_after_bytes"].toInteger() > 0);
    QVERIFY(server[u"max_db_connections"].toInt() >= 1);
    QVERIFY(server[u"max_db_connections"].toInt() <= server[u"pool_connections"].toInt());

    // Its database is gone with it.
    QString error;
    const QVariant left = m_cluster.queryBlocking(
        QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'carwash_bench_webhooks'"),
        QStringLiteral("carwash"), &error);
    QVERIFY2(left.isValid(), qPrintable(error));
    QCOMPARE(left.toInt(), 0);
}

void TestBenchSmoke::kioskCompletesEveryFlowAndPrintsTheDocumentedFigures()
{
    const Run run = bench({QStringLiteral("kiosk"), QStringLiteral("--json"), QStringLiteral("--flows"),
                           QStringLiteral("5")},
                          environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(sorted(figures.keys()),
             sorted(kRunKeys
                    + QStringList {QStringLiteral("flows"), QStringLiteral("flow_failures"),
                                   QStringLiteral("flow_failures_not_listed"), QStringLiteral("stopped_early"),
                                   QStringLiteral("gui_stall_ms"), QStringLiteral("rss_bytes"),
                                   QStringLiteral("kiosk_connections"), QStringLiteral("database"),
                                   QStringLiteral("server"), QStringLiteral("machine")}));
    verifyCleanRun(figures, run.err);
    QCOMPARE(figures[u"clients"][u"kiosks"].toInt(), 1);

    // Every flow completed, one warmed up; nothing failed or stopped the run.
    const QJsonObject flows = figures[u"flows"].toObject();
    QCOMPARE(flows[u"asked"].toInt(), 5);
    QCOMPARE(flows[u"completed"].toInt(), 5);
    QCOMPARE(flows[u"failed"].toInt(-1), 0);
    QCOMPARE(flows[u"warm_up"].toInt(), 1);
    QCOMPARE(flows[u"measured"].toInt(), 4);
    QVERIFY(flows[u"measured_seconds"].toDouble() > 0);
    QVERIFY(flows[u"per_minute"].toDouble() > 0);
    // Start, wash, Continue, the time, 7 plate keys, Continue, Finish: the reader needs no touch.
    QCOMPARE(flows[u"touches_min"].toInt(), 13);
    QCOMPARE(flows[u"touches_max"].toInt(), 13);
    QCOMPARE(figures[u"flow_failures"].toArray().size(), 0);
    QCOMPARE(figures[u"flow_failures_not_listed"].toInt(-1), 0);
    QVERIFY(figures[u"stopped_early"].isNull());

    // Each flow is one confirmed booking paid once; nothing held or open.
    const QJsonObject database = figures[u"database"].toObject();
    QCOMPARE(database[u"bookings_confirmed"].toInt(), 5);
    QCOMPARE(database[u"payments_succeeded"].toInt(), 5);
    QCOMPARE(database[u"bookings_held"].toInt(-1), 0);
    QCOMPARE(database[u"payments_open"].toInt(-1), 0);
    QVERIFY(database[u"reader"].toString().startsWith(u"tmr_"));
    QCOMPARE(figures[u"server"][u"exit_code"].toInt(-1), 0);
    // What the machine was doing beside the run, read from /proc/loadavg.
    const QJsonObject machine = figures[u"machine"].toObject();
    QVERIFY(machine[u"cpus"].toInt() >= 1);
    QVERIFY(machine[u"load_average_after_warm_up"].toDouble(-1) >= 0);
    QVERIFY(machine[u"load_average_end"].toDouble(-1) >= 0);

    // The stall meter ticked and its figures agree with each other.
    const QJsonObject stall = figures[u"gui_stall_ms"].toObject();
    QVERIFY(stall[u"ticks"].toInteger() > 0);
    QVERIFY(stall[u"max"].toDouble() >= 0);
    QVERIFY(stall[u"p99"].toDouble() <= stall[u"max"].toDouble());
    QCOMPARE(stall[u"target_max"].toDouble(), 50.0);
    QCOMPARE(stall[u"over_target"].toInteger() > 0, stall[u"max"].toDouble() >= 50.0);
    // Each stall over the target is counted under the screen it came on.
    qint64 attributed = 0;
    const QJsonObject byScreen = stall[u"over_target_by_screen"].toObject();
    for (auto it = byScreen.begin(); it != byScreen.end(); ++it) {
        attributed += it.value()[u"count"].toInteger();
        QVERIFY(it.value()[u"max_ms"].toDouble() >= 50.0);
        QVERIFY(it.value()[u"max_ms"].toDouble() <= stall[u"max"].toDouble());
    }
    QCOMPARE(attributed, stall[u"over_target"].toInteger());

    const QJsonObject rss = figures[u"rss_bytes"].toObject();
    QVERIFY(rss[u"after_warm_up"].toInteger() > 0);
    QVERIFY(rss[u"end"].toInteger() > 0);
    QCOMPARE(rss[u"growth"].toInteger(), rss[u"end"].toInteger() - rss[u"after_warm_up"].toInteger());

    // The kiosk was connected (its pool and its listener) while it ran, within its pool's limit.
    const QJsonObject connections = figures[u"kiosk_connections"].toObject();
    QCOMPARE(connections[u"application_name"].toString(), QStringLiteral("carwash-bench-kiosk"));
    QCOMPARE(connections[u"listener_after_warm_up"].toInt(), 1);
    QCOMPARE(connections[u"listener_end"].toInt(), 1);
    QVERIFY(connections[u"pool_after_warm_up"].toInt() >= 1);
    QVERIFY(connections[u"pool_max"].toInt() <= connections[u"pool_limit"].toInt());
    QCOMPARE(connections[u"growth"].toInt(),
             connections[u"end"].toInt() - connections[u"after_warm_up"].toInt());
}

void TestBenchSmoke::usageNamesEveryMode()
{
    const Run run = bench({}, QProcessEnvironment::systemEnvironment());
    QCOMPARE(run.exitCode, 2);
    for (const char *mode : {"carwash-bench pool", "carwash-bench availability", "carwash-bench diagnostics",
                             "carwash-bench webhooks", "carwash-bench server", "carwash-bench kiosk"})
        QVERIFY2(run.err.contains(mode), run.err.constData());
}

void TestBenchSmoke::badBookingCountIsRefused()
{
    const Run run
        = bench({QStringLiteral("availability"), QStringLiteral("--bookings"), QStringLiteral("ten")},
                QProcessEnvironment::systemEnvironment());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--bookings"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestBenchSmoke)
#include "tst_benchsmoke.moc"
