// Kill the server, lose nothing: the booking workload from several real
// clients at once — carwash-admin processes (one per booking, retried with
// the same --idempotency-key as a script does), a carwash-server process
// taking POST /api/bookings with an Idempotency-Key from a driver that
// retries on no answer or 503 with the same key, online customers who book
// there and pay by Stripe Checkout at the fake Stripe (whose webhooks reach
// the server late, some twice, retried on failure as Stripe's), a desk's
// pool in this process, and a kiosk window (offscreen, its own pool) whose
// customers pay on the fake reader — while PostgreSQL is SIGKILLed and
// restarted, a PgBouncer in between is restarted, or the network is cut by
// the fault proxy. Then: every acknowledged booking is stored exactly once
// (by code and by key), no two active bookings overlap on a bay, no client
// was told "taken" for a booking that is stored, every payment Stripe took
// is recorded once and its booking confirmed, every Stripe event is stored
// and applied once, every code the kiosk showed is one confirmed booking
// paid once, every client recovered without a restart, and no
// program held more server connections than its pool's limit.
// (ChaosFixture: the workload and the checks.)
#include "tests/chaosfixture.h"
#include "tests/harness/faultproxy.h"
#include "tests/harness/pgbouncerprocess.h"

#include <QTest>

class TestChaos : public QObject, protected ChaosFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startChaos(QStringLiteral("tst_chaos")); }
    void init() { resetChaos(); }
    void cleanup() { cleanupChaos(); }
    void cleanupTestCase() { stopKioskSite(); }

    void postgresKilledFourTimes();
    void pgBouncerRestartedTwice();
    void networkCutByTheProxy();
};

void TestChaos::postgresKilledFourTimes()
{
    runChaos(QStringLiteral("kill"), m_cluster.port(), false, 4, [this](int) {
        if (!m_cluster.kill())
            return false;
        pump(1500); // the clients meet a dead server meanwhile
        QString error;
        if (m_cluster.start(&error))
            return true;
        qWarning("restart after the kill: %s", qPrintable(error));
        return false;
    });
}

void TestChaos::pgBouncerRestartedTwice()
{
    PgBouncerProcess bouncer(m_cluster);
    QString error;
    QVERIFY2(bouncer.start(&error), qPrintable(error));
    runChaos(QStringLiteral("pgbouncer"), bouncer.port(), true, 2, [this, &bouncer](int) {
        bouncer.stop();
        pump(1500);
        QString failure;
        if (bouncer.start(&failure))
            return true;
        qWarning("restarting PgBouncer: %s", qPrintable(failure + bouncer.output()));
        return false;
    });
}

void TestChaos::networkCutByTheProxy()
{
    FaultProxy proxy(m_cluster);
    QString error;
    QVERIFY2(proxy.start(&error), qPrintable(error));
    // Silently dead twice (no RST ever comes: the pools' watchdogs and
    // keepalives must find out), then reset.
    runChaos(QStringLiteral("network"), proxy.port(), false, 3, [this, &proxy](int round) {
        if (round < 2)
            proxy.blackhole();
        else
            proxy.reset();
        pump(4000);
        proxy.pass();
        return true;
    });
}

QTEST_MAIN(TestChaos)
#include "tst_chaos.moc"
