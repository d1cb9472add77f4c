// "Call attendant" as the front desks meet it: two real desk windows on the
// offscreen platform, each with its own pool and listener, a real
// PostgreSQL with the demo seed, real PINs. A kiosk's call (made through
// KioskRepo, as the kiosk makes it) shows on every signed-in desk without a
// click; "I'm going" on one desk answers it in that person's name and it
// goes from the other desk too, by the notification alone.
#include "db/kiosk/kioskrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/attendantcallbanner.h"
#include "ui/desk/deskwindow.h"

#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QTest>

#include <memory>

using namespace DeskTest;

class TestAttendantCalls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void aCallShowsOnEverySignedInDeskAndImGoingClearsItEverywhere();
    void aDeskSigningInLaterSeesTheCallsStillOpen();
    void answeringOneCallLeavesTheOthers();
    void aDeskThatCannotListenFindsTheCallsByPolling();

private:
    DbResult<AttendantCall> call(const QString &kiosk, const QString &screen);
    QLabel *callText(DeskWindow &window, qint64 id);
    QPushButton *going(DeskWindow &window, qint64 id);
    static QString expectedText(const AttendantCall &call);

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_kioskPool;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    std::unique_ptr<ConnectionPool> m_otherPool;
    std::unique_ptr<DeskWindow> m_other;
};

void TestAttendantCalls::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_attendantcalls"), &error), qPrintable(error));
    m_kioskPool = std::make_unique<ConnectionPool>(m_site.config(QStringLiteral("kiosk")));
}

void TestAttendantCalls::init()
{
    QSettings().clear();
    m_site.value(QStringLiteral("DELETE FROM attendant_calls; DELETE FROM kiosks"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
    QVERIFY(m_site.openDesk(m_otherPool, m_other, QStringLiteral("other")));
    // Both hear the news before the kiosk calls.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bookingListener()->isListening(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_other->bookingListener()->isListening(), kNoHangMs);
}

void TestAttendantCalls::cleanup()
{
    DeskTestSite::closeDesk(m_otherPool, m_other);
    DeskTestSite::closeDesk(m_pool, m_window);
}

DbResult<AttendantCall> TestAttendantCalls::call(const QString &kiosk, const QString &screen)
{
    return await(m_kioskPool->withRetry(
        QStringLiteral("kiosk.call"), RetryPolicy::standard(),
        [kiosk, screen](QSqlDatabase &db) { return KioskRepo(db).callAttendant(kiosk, screen); }));
}

QLabel *TestAttendantCalls::callText(DeskWindow &window, qint64 id)
{
    return window.attendantCalls()->findChild<QLabel *>(QStringLiteral("attendantCallText_%1").arg(id));
}

QPushButton *TestAttendantCalls::going(DeskWindow &window, qint64 id)
{
    return window.attendantCalls()->findChild<QPushButton *>(QStringLiteral("attendantCallGoing_%1").arg(id));
}

QString TestAttendantCalls::expectedText(const AttendantCall &call)
{
    return QStringLiteral("Kiosk %1 needs an attendant — %2, %3")
        .arg(call.kiosk, call.screen,
             QLocale().toString(call.createdAt.toLocalTime().time(), QLocale::ShortFormat));
}

void TestAttendantCalls::aCallShowsOnEverySignedInDeskAndImGoingClearsItEverywhere()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QVERIFY(m_site.signIn(*m_other, QStringLiteral("Priya Patel")));
    QVERIFY(!m_window->attendantCalls()->isVisible());
    QVERIFY(!m_other->attendantCalls()->isVisible());

    const auto made = call(QStringLiteral("Entrance"), QStringLiteral("Pay: waiting for the card reader"));
    QVERIFY2(made.ok(), describe(made).constData());
    const qint64 id = made->id;
    // No click anywhere: the notification brings it to both desks.
    for (DeskWindow *desk : {m_window.get(), m_other.get()}) {
        QTRY_VERIFY_WITH_TIMEOUT(desk->attendantCalls()->isVisible(), kNoHangMs);
        QVERIFY(callText(*desk, id));
        QCOMPARE(callText(*desk, id)->text(), expectedText(*made));
        QVERIFY(callText(*desk, id)->isVisible());
        QVERIFY(going(*desk, id)->isVisible());
        QCOMPARE(going(*desk, id)->text(), QStringLiteral("I'm going"));
    }
    QVERIFY2(callText(*m_window, id)
                 ->text()
                 .startsWith(QStringLiteral(
                     "Kiosk Entrance needs an attendant — Pay: waiting for the card reader, ")),
             qPrintable(callText(*m_window, id)->text()));

    QTest::mouseClick(going(*m_window, id), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->attendantCalls()->isVisible(), kNoHangMs);
    // The other desk heard it answered.
    QTRY_VERIFY_WITH_TIMEOUT(!m_other->attendantCalls()->isVisible(), kNoHangMs);
    QVERIFY(m_other->attendantCalls()->calls().isEmpty());
    const qint64 sam
        = m_site.value(QStringLiteral("SELECT id FROM staff WHERE name = 'Sam Rivera'")).toLongLong();
    QCOMPARE(m_site.value(QStringLiteral("SELECT acknowledged_by FROM attendant_calls WHERE id = %1").arg(id))
                 .toString(),
             StaffMember::actorFor(sam));
    QCOMPARE(m_site
                 .value(QStringLiteral("SELECT string_agg(actor, ',') FROM audit_log WHERE action = "
                                       "'kiosk.attendant_acknowledged' AND entity_id = '%1'")
                            .arg(id))
                 .toString(),
             StaffMember::actorFor(sam));
}

void TestAttendantCalls::aDeskSigningInLaterSeesTheCallsStillOpen()
{
    QVERIFY(m_site.signIn(*m_other, QStringLiteral("Priya Patel")));
    // Called while the first desk is at its sign-in page: nothing shows there.
    const auto made = call(QStringLiteral("Car park"), QStringLiteral("Plate"));
    QVERIFY2(made.ok(), describe(made).constData());
    QTRY_VERIFY_WITH_TIMEOUT(m_other->attendantCalls()->isVisible(), kNoHangMs);
    QVERIFY(!m_window->attendantCalls()->isVisible());
    QVERIFY(m_window->attendantCalls()->calls().isEmpty());
    // One answered before anyone signs in here stays answered.
    const auto answered = call(QStringLiteral("Exit"), QStringLiteral("Time"));
    QTRY_VERIFY_WITH_TIMEOUT(going(*m_other, answered->id), kNoHangMs);
    QTest::mouseClick(going(*m_other, answered->id), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!going(*m_other, answered->id), kNoHangMs);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->attendantCalls()->isVisible(), kNoHangMs);
    QCOMPARE(m_window->attendantCalls()->calls().size(), 1);
    QCOMPARE(callText(*m_window, made->id)->text(), expectedText(*made));
    QVERIFY(!callText(*m_window, answered->id));

    // Signed out: gone from this desk, still open for the others.
    m_window->signOut();
    QVERIFY(!m_window->attendantCalls()->isVisible());
    QVERIFY(m_other->attendantCalls()->isVisible());
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT count(*) FROM attendant_calls WHERE acknowledged_at IS NULL"))
            .toInt(),
        1);
}

void TestAttendantCalls::answeringOneCallLeavesTheOthers()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QVERIFY(m_site.signIn(*m_other, QStringLiteral("Priya Patel")));
    const auto first = call(QStringLiteral("Entrance"), QStringLiteral("Wash"));
    const auto second = call(QStringLiteral("Exit"), QStringLiteral("Pay: card declined"));
    QVERIFY(first.ok() && second.ok());
    QTRY_COMPARE_WITH_TIMEOUT(m_other->attendantCalls()->calls().size(), 2, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->attendantCalls()->calls().size(), 2, kNoHangMs);
    // Oldest first.
    QCOMPARE(m_window->attendantCalls()->calls().first().id, first->id);

    QTest::mouseClick(going(*m_other, second->id), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->attendantCalls()->calls().size(), 1, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_other->attendantCalls()->calls().size(), 1, kNoHangMs);
    QVERIFY(m_window->attendantCalls()->isVisible());
    QVERIFY(callText(*m_window, first->id));
    QTRY_VERIFY_WITH_TIMEOUT(!callText(*m_window, second->id), kNoHangMs);
    const qint64 priya
        = m_site.value(QStringLiteral("SELECT id FROM staff WHERE name = 'Priya Patel'")).toLongLong();
    QCOMPARE(
        m_site
            .value(
                QStringLiteral("SELECT acknowledged_by FROM attendant_calls WHERE id = %1").arg(second->id))
            .toString(),
        StaffMember::actorFor(priya));
    QVERIFY(m_site
                .value(QStringLiteral("SELECT acknowledged_at IS NULL FROM attendant_calls WHERE id = %1")
                           .arg(first->id))
                .toBool());
}

void TestAttendantCalls::aDeskThatCannotListenFindsTheCallsByPolling()
{
    // As behind PgBouncer, where no LISTEN is possible: this desk polls.
    m_window->bookingListener()->stop();
    QVERIFY(!m_window->bookingListener()->isListening());
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QVERIFY(!m_window->attendantCalls()->isVisible());
    const auto made = call(QStringLiteral("Entrance"), QStringLiteral("Plate"));
    QVERIFY2(made.ok(), describe(made).constData());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->attendantCalls()->isVisible(), kNoHangMs);
    QCOMPARE(callText(*m_window, made->id)->text(), expectedText(*made));
    // Answered elsewhere: gone at the next poll.
    const qint64 id = made->id;
    QVERIFY(await(m_kioskPool->withRetry(QStringLiteral("desk.acknowledge"), RetryPolicy::standard(),
                                         [id](QSqlDatabase &db) {
                                             return KioskRepo(db).acknowledge(id, QStringLiteral("staff:99"));
                                         }))
                .ok());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->attendantCalls()->isVisible(), kNoHangMs);
}

QTEST_MAIN(TestAttendantCalls)
#include "tst_attendantcalls.moc"
