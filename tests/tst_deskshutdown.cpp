// Leaving the desk program never blocks its window on the database: with a
// statement stuck in the pool, closing the window hides it at once, the
// event loop keeps turning while the statement is still stuck, and once it
// is released the desk closes every connection it had and says it is done.
#include "app/desk/deskapplication.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/todaypage.h"

#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace DeskTest;

class TestDeskShutdown : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void closingWithAStatementStuckKeepsTheLoopTurningAndLeavesNoBackends();

private:
    int backendsOf(const QString &applicationName);
    int waitingOnALock(const QString &applicationName, const QString &queryPart);

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
};

void TestDeskShutdown::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_deskshutdown"), &error), qPrintable(error));
}

int TestDeskShutdown::backendsOf(const QString &applicationName)
{
    // The pool's connections and the listener's ("…-listen").
    return m_cluster
        .queryBlocking(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = %1 "
                                      "OR application_name = %2")
                           .arg(quoted(applicationName), quoted(applicationName + QStringLiteral("-listen"))))
        .toInt();
}

int TestDeskShutdown::waitingOnALock(const QString &applicationName, const QString &queryPart)
{
    return m_cluster
        .queryBlocking(
            QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = %1 "
                           "AND wait_event_type = 'Lock' AND state = 'active' AND strpos(query, %2) > 0")
                .arg(quoted(applicationName), quoted(queryPart)))
        .toInt();
}

void TestDeskShutdown::closingWithAStatementStuckKeepsTheLoopTurningAndLeavesNoBackends()
{
    const QString applicationName = QStringLiteral("tst_deskshutdown-app");
    qputenv("DATABASE_URL",
            QStringLiteral("%1?application_name=%2&connect_timeout=3&statement_timeout=0")
                .arg(m_cluster.url(), applicationName)
                .toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    auto desk = std::make_unique<DeskApplication>();
    QSignalSpy ready(desk.get(), &DeskApplication::ready);
    QSignalSpy finished(desk.get(), &DeskApplication::shutDownFinished);
    desk->start();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kNoHangMs);
    DeskWindow &window = desk->window();
    QVERIFY(m_site.signIn(window, QStringLiteral("Sam Rivera")));
    QTRY_VERIFY_WITH_TIMEOUT(window.bookingListener() && window.bookingListener()->isListening(), kNoHangMs);

    TodayPage *today = window.todayPage();
    QTRY_VERIFY_WITH_TIMEOUT(!today->isLoading(), kNoHangMs);
    // Another desk holds the catalogue locked until this test ends it.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0; // held until released, however long the test takes
    ConnectionPool other(lockerConfig);
    bool granted = false;
    auto locker = m_site.holdTableLocked(other, QStringLiteral("services"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] {
        m_cluster.queryBlocking(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                               "WHERE application_name = 'tst_deskshutdown-locker'"));
    });

    // Work started through the window gets stuck: Today's menu waits on the
    // lock (no statement timeout ends it), as the server shows.
    // (ServiceRepo's statement; the day board waits on the lock too.)
    const QString menuQuery = QStringLiteral("p.service_id = s.id\n WHERE");
    QTest::mouseClick(today->findChild<QPushButton *>(QStringLiteral("todayRefresh")), Qt::LeftButton);
    QVERIFY(today->isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(waitingOnALock(applicationName, menuQuery), 1, kNoHangMs);

    // Leaving, the normal way: the window goes at once.
    window.close();
    QVERIFY(!window.isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(desk->isShuttingDown(), kNoHangMs);
    // The loop turns a second's worth of ticks while the statement is still
    // stuck and the pool still waits for it.
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QCOMPARE(waitingOnALock(applicationName, menuQuery), 1);
    QVERIFY(finished.isEmpty());
    QVERIFY(!desk->isShutDown());

    // Released, the stuck unit of work ends; then the desk is done and none
    // of its connections (pool or listener) is left on the server.
    release.dismiss();
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                                               "FROM pg_stat_activity WHERE application_name = "
                                               "'tst_deskshutdown-locker'"))
                 .toInt(),
             1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kNoHangMs);
    QVERIFY(desk->isShutDown());
    // (A backend leaves pg_stat_activity a moment after its client hung up.)
    QTRY_COMPARE_WITH_TIMEOUT(backendsOf(applicationName), 0, kNoHangMs);
    // The person was signed out on the way (the audit log says who was at
    // the desk until when).
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'staff.sign_out' "
                                          "AND details->>'reason' = 'closing'"))
            .toInt(),
        1);
    QVERIFY(finishes(locker));
    // Nothing is left to wait for when the application object goes.
    desk.reset();
    QCOMPARE(backendsOf(applicationName), 0);
}

int main(int argc, char *argv[])
{
    return runWithoutKeychain<TestDeskShutdown>(argc, argv);
}

#include "tst_deskshutdown.moc"
