// The connection pool's statements and what it tells: work with values
// behind a real PgBouncer (in PgBouncer mode or not), values that go into a
// statement exactly and placeholders that must match them, the monitor's
// labels, slow queries and errors, and the health report while the server
// runs and when it stops. A real PostgreSQL on a free port, real threads.
#include "db/health/healthreport.h"
#include "db/health/poolmonitor.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/connectionpoolfixture.h"
#include "tests/harness/pgbouncerprocess.h"

#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace PoolTest;

class TestConnectionPoolStatements : public QObject, protected ConnectionPoolFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startCluster(); }
    void cleanup() { restartIfStopped(); }

    void workWithValuesSucceedsBehindPgBouncerInPgBouncerMode();
    void workWithValuesNeedsNoPgBouncerModeBehindPgBouncer();
    void valuesGoIntoTheStatementExactly_data();
    void valuesGoIntoTheStatementExactly();
    void placeholderCountMustMatchTheValues();
    void monitorShowsLabelsSlowQueriesAndErrors();
    void healthIsHealthyWhileTheServerRunsAndUnhealthyWhenItStops();

private:
    QList<DbResult<int>> runWorkWithValuesThroughPgBouncer(const PgBouncerProcess &bouncer,
                                                           bool pgbouncerMode);
};

QList<DbResult<int>>
TestConnectionPoolStatements::runWorkWithValuesThroughPgBouncer(const PgBouncerProcess &bouncer,
                                                                bool pgbouncerMode)
{
    DatabaseConfig c = bouncer.config(applicationNameForThisTest());
    c.connectTimeoutS = 5;
    c.maxConnections = 8;
    c.pgbouncer = pgbouncerMode;
    ConnectionPool pool(c);
    QList<QFuture<DbResult<int>>> jobs;
    for (int j = 0; j < 8; ++j) {
        jobs << pool.withConnection(QStringLiteral("tst.bouncer"), [j](QSqlDatabase &db) {
            // Statements with values, several per unit of work.
            int sum = 0;
            for (int i = 0; i < 6; ++i) {
                const int v = Sql::scalar(db, QStringLiteral("SELECT ?::int * 10 + ?::int"), {j, i}).toInt();
                if (v != j * 10 + i)
                    throw DbException(
                        DbError(DbError::Kind::Fatal, QStringLiteral("wrong answer %1").arg(v)));
                sum += v;
            }
            return sum;
        });
    }
    QList<DbResult<int>> results;
    for (const auto &job : jobs) {
        if (!waitFor(job))
            return {};
        results << job.result();
    }
    return results;
}

void TestConnectionPoolStatements::workWithValuesSucceedsBehindPgBouncerInPgBouncerMode()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    const QList<DbResult<int>> results = runWorkWithValuesThroughPgBouncer(bouncer, true);
    QCOMPARE(results.size(), 8);
    for (int j = 0; j < results.size(); ++j) {
        QVERIFY2(results[j].ok(), describe(results[j]));
        QCOMPARE(results[j].value(), j * 60 + 15);
    }
}

void TestConnectionPoolStatements::workWithValuesNeedsNoPgBouncerModeBehindPgBouncer()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    // Values travel inside the one statement, so no statement prepared on
    // one server connection is ever looked for on another (26000 / 42P05,
    // were they sent as PREPARE, EXECUTE, DEALLOCATE). A few rounds, as
    // interleaving is up to the scheduler.
    for (int round = 0; round < 3; ++round) {
        const QList<DbResult<int>> results = runWorkWithValuesThroughPgBouncer(bouncer, false);
        QCOMPARE(results.size(), 8);
        for (int j = 0; j < results.size(); ++j) {
            QVERIFY2(results[j].ok(), describe(results[j]));
            QCOMPARE(results[j].value(), j * 60 + 15);
        }
    }
}

void TestConnectionPoolStatements::valuesGoIntoTheStatementExactly_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("cast");
    QTest::newRow("quote") << QVariant(QStringLiteral("O'Brien")) << QStringLiteral("text");
    QTest::newRow("injection") << QVariant(QStringLiteral("x'); DROP TABLE bookings; --"))
                               << QStringLiteral("text");
    QTest::newRow("backslash") << QVariant(QStringLiteral("a\\'b\\")) << QStringLiteral("text");
    QTest::newRow("question mark") << QVariant(QStringLiteral("why? because?")) << QStringLiteral("text");
    QTest::newRow("dollar quote") << QVariant(QStringLiteral("$$ $tag$ $1")) << QStringLiteral("text");
    QTest::newRow("non-Latin") << QVariant(QStringLiteral("Ёлка 車 مرحبا 🚗")) << QStringLiteral("text");
    QTest::newRow("null text") << QVariant(QMetaType::fromType<QString>()) << QStringLiteral("text");
    QTest::newRow("untyped null") << QVariant() << QStringLiteral("text");
    QTest::newRow("big integer") << QVariant(qint64(9007199254740993)) << QStringLiteral("bigint");
    QTest::newRow("negative") << QVariant(-42) << QStringLiteral("int");
    QTest::newRow("true") << QVariant(true) << QStringLiteral("boolean");
    QTest::newRow("instant") << QVariant(
        QDateTime(QDate(2026, 3, 29), QTime(1, 59, 59, 999), QTimeZone("Europe/Berlin")))
                             << QStringLiteral("timestamptz");
    QTest::newRow("date") << QVariant(QDate(2026, 2, 28)) << QStringLiteral("date");
    QTest::newRow("bytes") << QVariant(QByteArray("\x00\x01'\\\xff", 5)) << QStringLiteral("bytea");
}

void TestConnectionPoolStatements::valuesGoIntoTheStatementExactly()
{
    QFETCH(QVariant, value);
    QFETCH(QString, cast);
    ConnectionPool pool(m_cluster.config(applicationNameForThisTest()));
    // A '?' inside literals, identifiers, comments and dollar quotes is text,
    // not a placeholder.
    const QString sql = QStringLiteral("SELECT ?::%1 AS \"v?\", '?' AS q, $$?$$ AS d -- a comment?\n"
                                       ", /* and this? */ ?::int AS n")
                            .arg(cast);
    auto job = pool.withConnection(QStringLiteral("tst.values"), [sql, value](QSqlDatabase &db) {
        QSqlQuery q = Sql::exec(db, sql, {value, 7});
        if (!q.next())
            throw DbException(DbError(DbError::Kind::Fatal, QStringLiteral("no row")));
        return QVariantList {q.value(0), q.value(1), q.value(2), q.value(3)};
    });
    QVERIFY(waitFor(job));
    QVERIFY2(job.result().ok(), describe(job.result()));
    const QVariantList row = job.result().value();
    if (value.isNull()) {
        QVERIFY(row[0].isNull());
    } else if (value.metaType() == QMetaType::fromType<QDateTime>()) {
        QCOMPARE(row[0].toDateTime().toUTC(), value.toDateTime().toUTC());
    } else if (value.metaType() == QMetaType::fromType<QByteArray>()) {
        QCOMPARE(row[0].toByteArray(), value.toByteArray());
    } else {
        QCOMPARE(row[0].toString(), value.toString());
    }
    QCOMPARE(row[1].toString(), QStringLiteral("?"));
    QCOMPARE(row[2].toString(), QStringLiteral("?"));
    QCOMPARE(row[3].toInt(), 7);
}

void TestConnectionPoolStatements::placeholderCountMustMatchTheValues()
{
    ConnectionPool pool(m_cluster.config(applicationNameForThisTest()));
    auto tooFew = pool.withConnection(QStringLiteral("tst.values"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT ?::int + ?::int"), {1}).toInt();
    });
    auto tooMany = pool.withConnection(QStringLiteral("tst.values"), [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT ?::int"), {1, 2}).toInt();
    });
    QVERIFY(waitFor(tooFew));
    QVERIFY(waitFor(tooMany));
    QVERIFY(!tooFew.result().ok());
    QVERIFY(!tooMany.result().ok());
    QCOMPARE(tooFew.result().error().kind(), DbError::Kind::Fatal);
    QCOMPARE(tooMany.result().error().kind(), DbError::Kind::Fatal);
}

void TestConnectionPoolStatements::monitorShowsLabelsSlowQueriesAndErrors()
{
    DatabaseConfig c = configForThisTest();
    c.slowQueryThresholdMs = 100;
    ConnectionPool pool(c);

    QList<QFuture<DbResult<int>>> jobs;
    for (int i = 0; i < 3; ++i) {
        jobs << pool.withConnection(QStringLiteral("tst.monitor.lookup"), [i](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT ?::int"), {i}).toInt();
        });
    }
    jobs << pool.withConnection(QStringLiteral("tst.monitor.report"), [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT pg_sleep(0.3), 'AB-123-CD' AS plate, 4242 AS amount"));
        return 1;
    });
    jobs << pool.withConnection(QStringLiteral("tst.monitor.broken"), [](QSqlDatabase &db) {
        Sql::exec(db, QStringLiteral("SELECT * FROM tst_no_such_table"));
        return 1;
    });
    for (const auto &job : jobs)
        QVERIFY(waitFor(job));
    QVERIFY(!jobs.last().result().ok());

    const MonitorSnapshot snapshot = pool.monitor().snapshot();
    const auto labelStats = [&](const QString &label) {
        for (const LabelStats &l : snapshot.labels) {
            if (l.label == label)
                return l;
        }
        return LabelStats {};
    };
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.lookup")).count, 3);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.lookup")).errors, 0);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.report")).count, 1);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.broken")).count, 1);
    QCOMPARE(labelStats(QStringLiteral("tst.monitor.broken")).errors, 1);

    const auto slow = std::find_if(snapshot.slowQueries.begin(), snapshot.slowQueries.end(),
                                   [](const SlowQuery &q) { return q.label == u"tst.monitor.report"; });
    QVERIFY(slow != snapshot.slowQueries.end());
    QVERIFY2(slow->sql.contains(QLatin1String("pg_sleep(?)")), qPrintable(slow->sql));
    QVERIFY2(!slow->sql.contains(QLatin1String("AB-123-CD")) && !slow->sql.contains(QLatin1String("4242")),
             qPrintable(slow->sql));
    QVERIFY(slow->durationMs >= c.slowQueryThresholdMs);

    const auto error = std::find_if(snapshot.recentErrors.begin(), snapshot.recentErrors.end(),
                                    [](const ErrorRecord &e) { return e.label == u"tst.monitor.broken"; });
    QVERIFY(error != snapshot.recentErrors.end());
    QCOMPARE(error->sqlState, QStringLiteral("42P01"));
}

void TestConnectionPoolStatements::healthIsHealthyWhileTheServerRunsAndUnhealthyWhenItStops()
{
    DatabaseConfig c = configForThisTest();
    c.maxConnections = 2;
    ConnectionPool pool(c);

    // A running program has done some work; the probe alone would make its
    // own connection set-up the whole average latency.
    QList<QFuture<DbResult<int>>> work;
    for (int i = 0; i < 5; ++i) {
        work << pool.withConnection(QStringLiteral("tst.health.work"), [](QSqlDatabase &db) {
            return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
        });
    }
    for (const auto &job : work) {
        QVERIFY(waitFor(job));
        QVERIFY2(job.result().ok(), describe(job.result()));
    }

    const auto up = HealthReport::check(pool);
    QVERIFY(waitFor(up));
    const HealthReport healthy = up.result();
    const QJsonObject healthyDatabase = healthy.toJson()[u"database"].toObject();
    QVERIFY2(healthy.status() == HealthReport::Status::Healthy, qPrintable(healthy.alerts().join(u'\n')));
    QCOMPARE(healthyDatabase[u"reachable"].toBool(), true);
    QVERIFY(!healthyDatabase[u"server_version"].toString().isEmpty());

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    const auto down = HealthReport::check(pool);
    QVERIFY(waitFor(down));
    const HealthReport unhealthy = down.result();
    QCOMPARE(unhealthy.status(), HealthReport::Status::Unhealthy);
    QCOMPARE(unhealthy.toJson()[u"database"][u"reachable"].toBool(), false);
    QVERIFY(!unhealthy.alerts().isEmpty());

    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestConnectionPoolStatements)
#include "tst_connectionpool_statements.moc"
