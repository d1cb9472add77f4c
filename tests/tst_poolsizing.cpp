// Pool sizing advice by Little's law: a table of measured loads and the
// connection_limit a manager is told to set.
#include "db/health/poolsizing.h"

#include <QTest>

using Verdict = PoolSizingAdvice::Verdict;
Q_DECLARE_METATYPE(Verdict)

class TestPoolSizing : public QObject
{
    Q_OBJECT
private slots:
    void advice_data();
    void advice();
    void budgetAddsUpEveryProcessAgainstTheServer();
};

void TestPoolSizing::advice_data()
{
    QTest::addColumn<double>("lambda");
    QTest::addColumn<double>("meanMs");
    QTest::addColumn<double>("p95Ms");
    QTest::addColumn<double>("waitMs");
    QTest::addColumn<int>("waiting");
    QTest::addColumn<int>("current");
    QTest::addColumn<double>("busy");
    QTest::addColumn<int>("suggested");
    QTest::addColumn<Verdict>("verdict");

    // L = λW; suggested = max(⌈L / 0.7⌉, ⌈λ · p95⌉).
    QTest::newRow("idle desk: one connection is plenty")
        << 0.0 << 0.0 << 0.0 << 0.0 << 0 << 5 << 0.0 << 1 << Verdict::Oversized;
    QTest::newRow("light desk: 2 jobs/s of 50 ms")
        << 2.0 << 50.0 << 120.0 << 0.0 << 0 << 5 << 0.1 << 1 << Verdict::Oversized;
    QTest::newRow("busy kiosk: 20/s of 100 ms, L = 2 -> 3")
        << 20.0 << 100.0 << 100.0 << 0.0 << 0 << 5 << 2.0 << 3 << Verdict::Enough;
    QTest::newRow("exactly at the target: L = 3.5 -> 5")
        << 35.0 << 100.0 << 100.0 << 0.0 << 0 << 5 << 3.5 << 5 << Verdict::Enough;
    QTest::newRow("just above the target: L = 3.57 -> 6")
        << 35.7 << 100.0 << 100.0 << 0.0 << 0 << 5 << 3.57 << 6 << Verdict::TooSmall;
    QTest::newRow("long tail: p95 decides")
        << 10.0 << 50.0 << 800.0 << 0.0 << 0 << 5 << 0.5 << 8 << Verdict::TooSmall;
    QTest::newRow("saturated pool with waits: one more than now")
        << 40.0 << 100.0 << 110.0 << 250.0 << 3 << 5 << 4.0 << 6 << Verdict::TooSmall;
    QTest::newRow("waits but little load: no growth for a blip")
        << 1.0 << 10.0 << 10.0 << 5.0 << 0 << 5 << 0.01 << 1 << Verdict::Oversized;
    QTest::newRow("huge load clamped to 100")
        << 1000.0 << 500.0 << 900.0 << 0.0 << 0 << 20 << 500.0 << 100 << Verdict::TooSmall;
}

void TestPoolSizing::advice()
{
    QFETCH(double, lambda);
    QFETCH(double, meanMs);
    QFETCH(double, p95Ms);
    QFETCH(double, waitMs);
    QFETCH(int, waiting);
    QFETCH(int, current);
    QFETCH(double, busy);
    QFETCH(int, suggested);
    QFETCH(Verdict, verdict);
    const PoolSizingAdvice a = PoolSizing::advise({lambda, meanMs, p95Ms, waitMs, waiting, current});
    QVERIFY2(qAbs(a.busyConnections - busy) < 0.01, qPrintable(QString::number(a.busyConnections)));
    QCOMPARE(a.suggested, suggested);
    QCOMPARE(a.current, current);
    QCOMPARE(a.verdict, verdict);
}

void TestPoolSizing::budgetAddsUpEveryProcessAgainstTheServer()
{
    QList<PoolSizingAdvice> processes;
    for (int current : {5, 5, 10}) {
        PoolSizingAdvice a;
        a.current = current;
        a.suggested = 4;
        processes << a;
    }
    const PoolBudgetAdvice fits = PoolSizing::budget(processes, 97);
    QCOMPARE(fits.currentTotal, 20);
    QCOMPARE(fits.suggestedTotal, 12);
    QVERIFY(fits.currentFits());
    QVERIFY(fits.suggestedFits());
    const PoolBudgetAdvice tight = PoolSizing::budget(processes, 17);
    QVERIFY(!tight.currentFits());
    QVERIFY(tight.suggestedFits());
}

QTEST_GUILESS_MAIN(TestPoolSizing)
#include "tst_poolsizing.moc"
