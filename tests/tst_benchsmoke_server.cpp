// carwash-bench server runs end to end on tiny settings (a data set of 5,000
// bookings, rounds of 3 s, 3,000 GETs around the RSS readings): /health
// against the 404 path, the online API against pgbench, cold starts, RSS and
// the server's connections, in the documented JSON with the run's own
// account. Shape and sanity only, never a target or a duration. Rounds of
// 3 s, not 1: pgbench's clock runs while its 50 clients connect, and on a
// busy machine a 1 s round ended before any transaction (CI saw 0).

#include "tests/benchsmoke.h"

using namespace BenchSmoke;

class TestBenchSmokeServer : public QObject, protected Fixture
{
    Q_OBJECT

private slots:
    void initTestCase() { startCluster(); }
    void serverPrintsTheDocumentedFigures();
};

void TestBenchSmokeServer::serverPrintsTheDocumentedFigures()
{
    const Run run = bench({QStringLiteral("server"), QStringLiteral("--json"), QStringLiteral("--seconds"),
                           QStringLiteral("3"), QStringLiteral("--rounds"), QStringLiteral("3"),
                           QStringLiteral("--bookings"), QStringLiteral("5000"), QStringLiteral("--requests"),
                           QStringLiteral("3000")},
                          environment(m_cluster.url()));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QVERIFY2(run.parsed, run.out.constData());
    const QJsonObject &figures = run.json;
    QCOMPARE(sorted(figures.keys()),
             sorted(kRunKeys
                    + QStringList {QStringLiteral("health"), QStringLiteral("baseline"),
                                   QStringLiteral("server"), QStringLiteral("api"),
                                   QStringLiteral("wrk_error"), QStringLiteral("pgbench_error"),
                                   QStringLiteral("rounds"), QStringLiteral("seconds_per_round")}));
    verifyCleanRun(figures, run.err);
    QVERIFY(figures[u"wrk_error"].isNull());
    QCOMPARE(figures[u"clients"][u"wrk_connections"].toInt(), 50);

    const QJsonObject health = figures[u"health"].toObject();
    QCOMPARE(health[u"connections"].toInt(), 50);
    QCOMPARE(health[u"socket_errors"].toInt(-1), 0);
    verifySpread(health, QStringLiteral("ratio"), QStringLiteral("requests_per_s"),
                 QStringLiteral("baseline_requests_per_s"), 3);
    // The server answered /health 200 or, judging itself unhealthy, 503,
    // as many times as wrk counted at least; the other path 404 only.
    const QJsonObject byStatus = health[u"by_status"].toObject();
    QVERIFY2(byStatus.keys().size() >= 1, run.out.constData());
    qint64 answered = 0;
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it) {
        QVERIFY2(it.key() == u"200" || it.key() == u"503", qPrintable(it.key()));
        answered += it.value().toInteger();
    }
    QVERIFY(answered >= health[u"requests"].toInteger());
    // wrk's non-2xx are among the 503s the server logged (which counts the answers after wrk's clock too).
    QVERIFY(health[u"non_2xx"].toInteger() <= byStatus[u"503"].toInteger(0));
    const QJsonObject baseline = figures[u"baseline"].toObject();
    QCOMPARE(keysOf(baseline[u"by_status"]), QStringList {QStringLiteral("404")});
    QCOMPARE(baseline[u"non_2xx"].toInteger(), baseline[u"requests"].toInteger());
    QCOMPARE(baseline[u"socket_errors"].toInt(-1), 0);

    const QJsonObject server = figures[u"server"].toObject();
    QCOMPARE(server[u"exit_code"].toInt(-1), 0);
    QVERIFY(server[u"rss_before_bytes"].toInteger() > 0);
    QVERIFY(server[u"rss_after_bytes"].toInteger() > 0);
    QCOMPARE(server[u"rss_growth_bytes"].toInteger(),
             server[u"rss_after_bytes"].toInteger() - server[u"rss_before_bytes"].toInteger());
    QVERIFY(server[u"peak_rss_bytes"].toInteger() >= server[u"rss_after_bytes"].toInteger());

    const QJsonObject api = figures[u"api"].toObject();
    QCOMPARE(sorted(api.keys()),
             sorted({QStringLiteral("data_set"), QStringLiteral("availability"), QStringLiteral("bookings"),
                     QStringLiteral("cold_start_ms"), QStringLiteral("rss"),
                     QStringLiteral("server_connections")}));
    QCOMPARE(api[u"data_set"][u"bookings"].toInteger(), 5000);
    QCOMPARE(figures[u"clients"][u"pgbench_clients"].toInt(), 50);

    // Availability: every answer 200, both sides 50 clients, a ratio per round.
    const QJsonObject availability = api[u"availability"].toObject();
    QCOMPARE(availability[u"connections"].toInt(), 50);
    QCOMPARE(availability[u"pgbench_clients"].toInt(), 50);
    QVERIFY(availability[u"questions"].toInt() >= 4);
    verifySpread(availability, QStringLiteral("ratio"), QStringLiteral("requests_per_s"),
                 QStringLiteral("pgbench_tps"), 3);
    QCOMPARE(availability[u"target_ratio"].toDouble(), 0.7);
    QCOMPARE(availability[u"target_met"].toBool(), availability[u"ratio"].toDouble() >= 0.7);
    QCOMPARE(availability[u"non_2xx"].toInteger(-1), 0);
    QCOMPARE(availability[u"socket_errors"].toInteger(-1), 0);
    QCOMPARE(keysOf(availability[u"by_status"]), QStringList {QStringLiteral("200")});
    QVERIFY(availability[u"by_status"][u"200"].toInteger() >= availability[u"requests"].toInteger());
    QVERIFY(availability[u"requests"].toInteger() > 0);
    QVERIFY(availability[u"pgbench_transactions"].toInteger() > 0);
    QCOMPARE(availability[u"latency_ms"][u"p99"].toArray().size(), 3);

    // Bookings: each POST a free start, so every answer 201 and each one a row; the write limit off.
    const QJsonObject bookings = api[u"bookings"].toObject();
    QCOMPARE(bookings[u"connections"].toInt(), 50);
    QCOMPARE(bookings[u"pgbench_clients"].toInt(), 50);
    verifySpread(bookings, QStringLiteral("ratio"), QStringLiteral("bookings_per_s"),
                 QStringLiteral("pgbench_bookings_per_s"), 3);
    QCOMPARE(bookings[u"target_met"].toBool(), bookings[u"ratio"].toDouble() >= 0.6);
    QCOMPARE(bookings[u"write_rate_per_minute"].toInt(-1), 0);
    QCOMPARE(keysOf(bookings[u"by_status"]), QStringList {QStringLiteral("201")});
    for (const char *key :
         {"slot_taken_409", "rate_limited_429", "server_errors_5xx", "non_2xx", "socket_errors"})
        QVERIFY2(bookings[QLatin1String(key)].toInteger(-1) == 0, key);
    qint64 made = 0;
    for (const QJsonValue round : bookings[u"made"].toArray())
        made += round.toInteger();
    QCOMPARE(bookings[u"made"].toArray().size(), 3);
    QCOMPARE(bookings[u"pgbench_made"].toArray().size(), 3);
    QCOMPARE(made, bookings[u"created_201"].toInteger());
    QVERIFY(made >= bookings[u"requests"].toInteger());
    QVERIFY(bookings[u"free_starts_per_round"].toInteger() > 0);
    QCOMPARE(bookings[u"left_open"][u"online_bookings"].toInteger(-1), 0);
    QCOMPARE(bookings[u"left_open"][u"pgbench_bookings"].toInteger(-1), 0);

    // Cold starts: five, their median and max among them.
    const QJsonObject cold = api[u"cold_start_ms"].toObject();
    QList<double> runs;
    for (const QJsonValue ms : cold[u"runs"].toArray())
        runs.append(ms.toDouble());
    QCOMPARE(runs.size(), 5);
    std::sort(runs.begin(), runs.end());
    QVERIFY(runs.first() > 0);
    QCOMPARE(cold[u"median"].toDouble(), runs[2]);
    QCOMPARE(cold[u"max"].toDouble(), runs.last());
    QCOMPARE(cold[u"target_met"].toBool(), runs[2] <= 300);

    // RSS around the GETs: at least as many as asked, every one 200, both readings.
    const QJsonObject rss = api[u"rss"].toObject();
    QCOMPARE(rss[u"requests_asked"].toInteger(), 3000);
    QVERIFY(rss[u"requests"].toInteger() >= 3000);
    QVERIFY(rss[u"answers_logged"].toInteger() >= rss[u"requests"].toInteger());
    QCOMPARE(rss[u"non_2xx"].toInteger(-1), 0);
    const QJsonObject byPath = rss[u"by_path"].toObject();
    QCOMPARE(byPath.keys().size(), 4);
    for (const QJsonValue path : byPath)
        QCOMPARE(keysOf(path), QStringList {QStringLiteral("200")});
    QVERIFY(rss[u"before_bytes"].toInteger() > 0);
    QVERIFY(rss[u"after_bytes"].toInteger() > 0);
    QCOMPARE(rss[u"growth_bytes"].toInteger(),
             rss[u"after_bytes"].toInteger() - rss[u"before_bytes"].toInteger());
    // One reading per wrk run, the GETs counted up to the total; the second
    // half's growth measured from the first reading past half of them.
    const QJsonArray along = rss[u"along"].toArray();
    QCOMPARE(along.size(), rss[u"wrk_runs"].toInt());
    QCOMPARE(along.last()[0].toInteger(), rss[u"requests"].toInteger());
    qint64 half = -1;
    for (const QJsonValue reading : along) {
        QVERIFY(reading[1].toInteger() > 0);
        if (half < 0 && reading[0].toInteger() * 2 >= rss[u"requests"].toInteger())
            half = reading[1].toInteger();
    }
    QCOMPARE(rss[u"growth_second_half_bytes"].toInteger(), rss[u"after_bytes"].toInteger() - half);
    QVERIFY(rss[u"slowest_in_server_ms"].toInteger(-1) >= 0);
    QVERIFY(api[u"server_connections"][u"at_end"].toInt(-1) >= 1);
    QCOMPARE(api[u"server_connections"][u"after_sigterm"].toInt(-1), 0);

    // The verdict's targets: every /health answer 200 and the API's three.
    QCOMPARE(figures[u"verdict"][u"targets_met"].toBool(),
             !byStatus.contains(u"503") && availability[u"target_met"].toBool()
                 && bookings[u"target_met"].toBool() && cold[u"target_met"].toBool());
}

QTEST_GUILESS_MAIN(TestBenchSmokeServer)
#include "tst_benchsmoke_server.moc"
