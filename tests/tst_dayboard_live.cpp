// The live day board: bookings made by other processes (carwash-admin)
// arriving through LISTEN/NOTIFY, a malformed notification, the polling
// fallback (without a listener, behind PgBouncer), a board left open over
// midnight, a server restart the listener rides out, and the listener
// leaving no backend behind. The real board page on the offscreen platform
// against a real PostgreSQL. Waits are bounded (QTRY_*), never timed
// asserts.
#include "db/notify/bookingchangelistener.h"
#include "models/desk/dayboardmodel.h"
#include "tests/dayboardfixture.h"
#include "ui/desk/dayboardview.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace DeskTest;

class TestDayBoardLive : public QObject, protected DayBoardFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_dayboard_live")); }
    void init() { openBoardPool(); }
    void cleanup() { closeBoard(); }

    void aBookingByAnotherProcessAppearsThroughNotify();
    void aMalformedNotificationStillReloads();
    void withoutTheListenerPollingShowsChanges();
    void aBoardLeftOpenOverMidnightMovesToTheNewDay();
    void theListenerReconnectsAfterARestartAndTheBoardCatchesUp();
    void pgbouncerModeDoesNotListenAndPolls();
    void theListenerLeavesNoBackendAfterShutdown();
};

// -- live ----------------------------------------------------------------

void TestDayBoardLive::aBookingByAnotherProcessAppearsThroughNotify()
{
    const QDate day = bookableDay(1);
    QVERIFY(day.isValid());
    BookingChangeListener listener;
    QSignalSpy changed(&listener, &BookingChangeListener::bookingChanged);
    auto page = makePage();
    page->attachListener(&listener);
    page->setPollIntervals(kNeverMs, kNeverMs); // only NOTIFY can bring it
    page->setDate(day);
    page->startUpdating();
    listener.start(m_site.config(QStringLiteral("notify")));
    QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
    QVERIFY(waitLoaded(*page));
    QTRY_VERIFY_WITH_TIMEOUT(!page->model().isLoading(), kNoHangMs); // the resync after subscribing
    QCOMPARE(page->statusText().contains(QStringLiteral("live")), true);
    const int before = page->view().blockCount();

    const QList<PlannedSlot> starts = freeSlots(m_services.first(), day);
    QVERIFY(starts.size() > 6);
    const QJsonObject made
        = admin(bookArgs(m_services.first(), starts.at(6).start, QStringLiteral("NOTIFY1")));
    const qint64 id = made.value(u"id").toInteger();
    QVERIFY2(id > 0, QJsonDocument(made).toJson().constData());
    QTRY_COMPARE_WITH_TIMEOUT(page->view().blockCount(), before + 1, kChangeShowsMs);
    QVERIFY(!page->view().blockRect(id).isNull() || page->view().setFocusedBooking(id));
    QVERIFY(changed.size() >= 1);
    QCOMPARE(changed.last().at(0).toLongLong(), id);
    QCOMPARE(changed.last().at(2).toString(), QStringLiteral("confirmed"));
    QCOMPARE(changed.last().at(3).toDate(), day);

    // A status change by another process too.
    const QString code = made.value(u"code").toString();
    admin({QStringLiteral("booking"), QStringLiteral("status"), code, QStringLiteral("checked_in")});
    auto statusOf = [&page, id]() -> QString {
        for (int row = 0; row < page->model().rowCount(); ++row) {
            for (const DayBoardModel::Block &block : page->model().lane(row).blocks) {
                if (block.id == id)
                    return block.status;
            }
        }
        return {};
    };
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(), QStringLiteral("checked_in"), kChangeShowsMs);

    // A change to another day leaves this board alone.
    QTRY_VERIFY_WITH_TIMEOUT(!page->model().isLoading(), kNoHangMs);
    QSignalSpy refreshed(&page->model(), &DayBoardModel::refreshed);
    const QDate other = bookableDay(2);
    QVERIFY(book(m_services.first(), other, 3, QStringLiteral("ELSEWHERE")).id != 0);
    QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 3, kChangeShowsMs);
    QCOMPARE(changed.last().at(3).toDate(), other);
    QCoreApplication::processEvents();
    QCOMPARE(refreshed.size(), 0);
}

void TestDayBoardLive::aMalformedNotificationStillReloads()
{
    BookingChangeListener listener;
    QSignalSpy changed(&listener, &BookingChangeListener::bookingChanged);
    listener.start(m_site.config(QStringLiteral("malformed")));
    QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
    m_cluster.queryBlocking(QStringLiteral("SELECT pg_notify('bookings_changed', 'not json')"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kChangeShowsMs);
    QCOMPARE(changed.at(0).at(0).toLongLong(), 0);
    QVERIFY(!changed.at(0).at(3).toDate().isValid()); // "some day": every board reloads
}

void TestDayBoardLive::withoutTheListenerPollingShowsChanges()
{
    const QDate day = bookableDay(3);
    QVERIFY(day.isValid());
    auto page = makePage(); // no listener at all
    page->setDate(day);
    page->startUpdating();
    QVERIFY(waitLoaded(*page));
    QCOMPARE(page->pollInterval(), DayBoardPage::DefaultFallbackPollMs);
    QVERIFY2(page->statusText().contains(QStringLiteral("polling every 2 s")),
             qPrintable(page->statusText()));
    const int before = page->view().blockCount();
    const Booking b = book(m_services.first(), day, 5, QStringLiteral("POLLED1"));
    QVERIFY(b.id != 0);
    QTRY_COMPARE_WITH_TIMEOUT(page->view().blockCount(), before + 1, kChangeShowsMs);

    page->stopUpdating(); // signed out: no more loads
    QVERIFY(!page->isPolling());
}

void TestDayBoardLive::aBoardLeftOpenOverMidnightMovesToTheNewDay()
{
    const QDate day = bookableDay(4);
    QVERIFY(day.isValid());
    // Declared before the page, so it outlives the page's clock.
    QDateTime now = QDateTime(day, QTime(12, 0), QTimeZone::utc());
    auto page = makePage();
    page->setClock([&now] { return now; });
    page->setPollIntervals(50, 50);
    page->startUpdating();
    QVERIFY(waitLoaded(*page));
    const QTimeZone zone = page->model().day().timeZone;
    QVERIFY(zone.isValid());
    // Today's board a few seconds before the site's midnight.
    now = QDateTime(day, QTime(23, 59, 55), zone);
    page->showToday();
    QTRY_COMPARE(page->date(), day);
    QVERIFY(waitLoaded(*page));
    {
        // Some polls see the old today (counted, not timed).
        QSignalSpy polls(page.get(), &DayBoardPage::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 3, kNoHangMs);
        QCOMPARE(page->date(), day);
    }

    now = QDateTime(day.addDays(1), QTime(0, 0, 5), zone);
    QTRY_COMPARE_WITH_TIMEOUT(page->date(), day.addDays(1), kChangeShowsMs);
    QVERIFY(waitLoaded(*page));
    QCOMPARE(page->model().day().date, day.addDays(1));

    // A board showing another day stays on it over the next midnight.
    page->setDate(day.addDays(-2));
    QVERIFY(waitLoaded(*page));
    now = QDateTime(day.addDays(2), QTime(0, 0, 5), zone);
    QSignalSpy polls(page.get(), &DayBoardPage::refreshed);
    QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 5, kNoHangMs); // several polls at the new today
    QCOMPARE(page->date(), day.addDays(-2));
    page->stopUpdating();
}

void TestDayBoardLive::theListenerReconnectsAfterARestartAndTheBoardCatchesUp()
{
    const QDate day = bookableDay(4);
    QVERIFY(day.isValid());
    BookingChangeListener listener;
    // A long first wait before reconnecting, so a change can be made while
    // it is away; then quick again.
    listener.setReconnectDelays(4000, 8000);
    listener.setHealthCheckInterval(100);
    QSignalSpy resyncs(&listener, &BookingChangeListener::resyncNeeded);
    auto page = makePage();
    page->attachListener(&listener);
    page->setPollIntervals(kNeverMs, kNeverMs);
    page->setDate(day);
    page->startUpdating();
    const QString application = QStringLiteral("tst_dayboard-restart");
    listener.start(m_cluster.config(application));
    QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(resyncs.size(), 1, kNoHangMs);
    QVERIFY(waitLoaded(*page));
    const QString listenerName = application + BookingChangeListener::applicationNameSuffix();
    QCOMPARE(m_cluster.countConnections(listenerName), 1);

    // Its connection is cut: it notices, and a booking made before it is
    // back sends a notification nobody hears.
    m_cluster.queryBlocking(
        QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%1'")
            .arg(listenerName));
    QTRY_VERIFY_WITH_TIMEOUT(!listener.isListening(), kNoHangMs);
    const int before = page->view().blockCount();
    const Booking missed = book(m_services.first(), day, 7, QStringLiteral("MISSED1"));
    QVERIFY(missed.id != 0);
    QCOMPARE(m_cluster.countConnections(listenerName), 0); // nobody was listening
    QVERIFY(!listener.isListening());
    // Back: it subscribes again and the board loads what it missed.
    QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(resyncs.size(), 2, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(page->view().blockCount(), before + 1, kChangeShowsMs);

    // The whole server restarts: the listener follows by itself and hears
    // the next change again.
    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QTRY_VERIFY_WITH_TIMEOUT(!listener.isListening(), kNoHangMs);
    QVERIFY(m_cluster.start());
    restart.dismiss();
    QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!page->model().isLoading() && page->model().error().isEmpty(), kNoHangMs);
    const int afterRestart = page->view().blockCount();
    const QList<PlannedSlot> starts = freeSlots(m_services.first(), day);
    QVERIFY(starts.size() > 9);
    const QJsonObject made
        = admin(bookArgs(m_services.first(), starts.at(9).start, QStringLiteral("AFTER1")));
    QVERIFY(made.value(u"id").toInteger() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(page->view().blockCount(), afterRestart + 1, kChangeShowsMs);
}

// -- the listener itself -------------------------------------------------

void TestDayBoardLive::pgbouncerModeDoesNotListenAndPolls()
{
    DatabaseConfig config = m_site.config(QStringLiteral("bouncer"));
    config.pgbouncer = true;
    BookingChangeListener listener;
    auto page = makePage();
    page->attachListener(&listener);
    listener.start(config);
    QVERIFY(!listener.isSupported());
    QVERIFY(!listener.isRunning());
    page->setDate(bookableDay(0));
    page->startUpdating();
    QVERIFY(waitLoaded(*page));
    QVERIFY(!listener.isListening());
    QCOMPARE(page->pollInterval(), DayBoardPage::DefaultFallbackPollMs);
    QVERIFY(page->isPolling());
    QVERIFY2(page->statusText().contains(QStringLiteral("polling")), qPrintable(page->statusText()));
    QCOMPARE(m_cluster.countConnections(m_site.config(QStringLiteral("bouncer")).applicationName
                                        + BookingChangeListener::applicationNameSuffix()),
             0);
}

void TestDayBoardLive::theListenerLeavesNoBackendAfterShutdown()
{
    const QString name = m_site.config(QStringLiteral("shutdown")).applicationName
        + BookingChangeListener::applicationNameSuffix();
    {
        BookingChangeListener listener;
        QSignalSpy listening(&listener, &BookingChangeListener::listeningChanged);
        listener.start(m_site.config(QStringLiteral("shutdown")));
        QTRY_VERIFY_WITH_TIMEOUT(listener.isListening(), kNoHangMs);
        QCOMPARE(m_cluster.countConnections(name), 1);
        QVERIFY(m_cluster
                    .queryBlocking(
                        QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                       "'%1' AND query ILIKE 'LISTEN%'")
                            .arg(name))
                    .toInt()
                == 1);
        listener.stop();
        QVERIFY(!listener.isRunning());
        QVERIFY(!listener.isListening());
        QCOMPARE(listening.last().at(0).toBool(), false);
        QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(name), 0, 10000);
        listener.stop(); // idempotent
    }
    {
        // The destructor stops it the same way.
        auto listener = std::make_unique<BookingChangeListener>();
        listener->start(m_site.config(QStringLiteral("shutdown")));
        QTRY_VERIFY_WITH_TIMEOUT(listener->isListening(), kNoHangMs);
        listener.reset();
        QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(name), 0, 10000);
    }
}

int main(int argc, char *argv[])
{
    return runWithoutKeychain<TestDayBoardLive>(argc, argv);
}

#include "tst_dayboard_live.moc"
