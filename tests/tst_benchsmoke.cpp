// carwash-bench availability runs end to end: it generates its data set,
// measures and prints the documented JSON. The figures' values are the
// machine's business; the test checks their shape and sanity only, never a
// target or a duration.

#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

QString benchProgram()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-bench"));
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run bench(const QStringList &arguments, const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(benchProgram(), arguments);
    Run run;
    if (!process.waitForStarted(10000) || !process.waitForFinished(240000)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = "did not start or finish: " + process.errorString().toUtf8();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestBenchSmoke : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void availabilityPrintsTheDocumentedFigures();
    void badBookingCountIsRefused();

private:
    PgTestCluster m_cluster;
};

void TestBenchSmoke::initTestCase()
{
    QVERIFY2(QFileInfo(benchProgram()).isExecutable(), qPrintable(benchProgram()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
}

void TestBenchSmoke::availabilityPrintsTheDocumentedFigures()
{
    // Through DATABASE_URL, so the benchmark works in a database of its own
    // and must leave none behind.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), m_cluster.url());
    const Run run
        = bench({QStringLiteral("availability"), QStringLiteral("--json"), QStringLiteral("--bookings"),
                 QStringLiteral("20000"), QStringLiteral("--seconds"), QStringLiteral("2")},
                env);
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());

    QJsonParseError parseError;
    const QJsonObject figures = QJsonDocument::fromJson(run.out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, run.out.constData());
    QCOMPARE(figures.keys(),
             (QStringList {QStringLiteral("bays"), QStringLiteral("booking_tx"), QStringLiteral("bookings"),
                           QStringLiteral("end_to_end_ms"), QStringLiteral("server_ms")}));
    QCOMPARE(figures[u"bookings"].toInteger(), 20000);
    QCOMPARE(figures[u"bays"].toInt(), 20);
    for (const char *name : {"server_ms", "end_to_end_ms"}) {
        const QJsonObject ms = figures[QLatin1String(name)].toObject();
        QCOMPARE(ms.keys(), (QStringList {QStringLiteral("p50"), QStringLiteral("p95")}));
        QVERIFY2(ms[u"p50"].toDouble() > 0, name);
        QVERIFY2(ms[u"p50"].toDouble() <= ms[u"p95"].toDouble(), name);
    }
    const QJsonObject tx = figures[u"booking_tx"].toObject();
    QCOMPARE(
        tx.keys(),
        (QStringList {QStringLiteral("pgbench_tps"), QStringLiteral("pool_tps"), QStringLiteral("ratio")}));
    // pgbench_tps null would mean the script no longer matches create(): stderr says which statement.
    QVERIFY2(tx[u"pgbench_tps"].isDouble(), run.err.right(2000).constData());
    QVERIFY(tx[u"pool_tps"].toDouble() > 0);
    QVERIFY(tx[u"pgbench_tps"].toDouble() > 0);
    QVERIFY(tx[u"ratio"].toDouble() > 0);

    QString error;
    const QVariant left = m_cluster.queryBlocking(
        QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'carwash_bench_availability'"),
        QStringLiteral("carwash"), &error);
    QVERIFY2(left.isValid(), qPrintable(error));
    QCOMPARE(left.toInt(), 0);
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
