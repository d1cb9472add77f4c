// The live day board as the front desk sees it: the real board, page and
// window on the offscreen platform against a real PostgreSQL, bookings made
// by other processes (carwash-admin) arriving through LISTEN/NOTIFY, the
// polling fallback, a server restart, and the database going away while
// the board is on screen. Waits are bounded (QTRY_*), never timed asserts.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/connectionpool.h"
#include "db/text/isotime.h"
#include "db/text/money.h"
#include "models/desk/dayboardmodel.h"
#include "tests/harness/deskfixture.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/dayboardview.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/todaypage.h"

#include <QAccessible>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

#include <memory>

namespace {

// A change by another process must show within two seconds; the tests
// allow far more so a loaded machine does not fail them.
constexpr int kChangeShowsMs = 10000;
constexpr int kNeverMs = 3600 * 1000;

QString adminPath()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
}

} // namespace

using namespace DeskTest;

class TestDayBoard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theBoardShowsTheDaysBookingsInTheirBaysWithTotalsFromTheDatabase();
    void aBookingByAnotherProcessAppearsThroughNotify();
    void aMalformedNotificationStillReloads();
    void withoutTheListenerPollingShowsChanges();
    void aBoardLeftOpenOverMidnightMovesToTheNewDay();
    void theListenerReconnectsAfterARestartAndTheBoardCatchesUp();
    void clickingABlockOrFreeTimeActivatesIt();
    void theKeyboardMovesBetweenBookingsAndEnterOpensOne();
    void pgbouncerModeDoesNotListenAndPolls();
    void theListenerLeavesNoBackendAfterShutdown();
    void theWindowShowsTheBoardFirstAndTheMenuInASecondTab();
    void databaseStoppedDuringUseKeepsTheBoardReadOnlyAndRecovers();

private:
    template<typename Fn> auto run(const QString &label, Fn fn)
    {
        return await(m_setup->withRetry(label, RetryPolicy::critical(), std::move(fn)));
    }
    // The n-th day from three days ahead on which the first service can be
    // booked (each test its own day, so their bookings do not mix).
    QDate bookableDay(int n);
    QList<PlannedSlot> freeSlots(const Service &service, const QDate &day);
    Booking book(const Service &service, const QDate &day, int slotIndex, const QString &plate);
    // carwash-admin as another process would run it; its JSON output.
    QJsonObject admin(const QStringList &args);
    QStringList bookArgs(const Service &service, const QDateTime &start, const QString &plate);
    std::unique_ptr<DayBoardPage> makePage();
    bool waitLoaded(DayBoardPage &page);
    QString sqlDayCondition(const QDate &day) const;

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_setup; // the tests' own writes
    std::unique_ptr<ConnectionPool> m_pool; // the board's
    std::unique_ptr<ErrorBanner> m_banner;
    std::unique_ptr<DeskWindow> m_window;
    QList<Service> m_services;
    int m_plateCounter = 0;
};

void TestDayBoard::initTestCase()
{
    QVERIFY2(QFileInfo::exists(adminPath()), qPrintable(adminPath()));
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_dayboard"), &error), qPrintable(error));
    m_setup = std::make_unique<ConnectionPool>(m_site.config(QStringLiteral("setup")));
    auto services
        = run(QStringLiteral("services"), [](QSqlDatabase &db) { return ServiceRepo(db).all(true); });
    QVERIFY2(services.ok(), describe(services).constData());
    m_services = services.value();
    QVERIFY(m_services.size() >= 4);
}

void TestDayBoard::init()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    if (!m_cluster.isRunning())
        QVERIFY(m_cluster.start());
    m_pool = std::make_unique<ConnectionPool>(m_site.config());
    m_banner = std::make_unique<ErrorBanner>();
}

void TestDayBoard::cleanup()
{
    m_window.reset();
    m_banner.reset();
    m_pool.reset();
}

QDate TestDayBoard::bookableDay(int n)
{
    int found = 0;
    for (int ahead = 3; ahead < 50; ++ahead) {
        const QDate day = QDate::currentDate().addDays(ahead);
        if (freeSlots(m_services.first(), day).size() >= 20 && found++ == n)
            return day;
    }
    return {};
}

QList<PlannedSlot> TestDayBoard::freeSlots(const Service &service, const QDate &day)
{
    AvailabilityRequest request;
    request.serviceId = service.id;
    auto starts = run(QStringLiteral("starts"), [request, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(request, day);
    });
    return starts.ok() ? starts.value() : QList<PlannedSlot>();
}

Booking TestDayBoard::book(const Service &service, const QDate &day, int slotIndex, const QString &plate)
{
    const QList<PlannedSlot> starts = freeSlots(service, day);
    if (slotIndex >= starts.size())
        return {};
    BookingRequest request;
    request.slot.serviceId = service.id;
    request.start = starts.at(slotIndex).start;
    request.plate = plate;
    request.name = QStringLiteral("Board Test");
    request.actor = QStringLiteral("test");
    auto outcome = run(QStringLiteral("book"),
                       [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
    if (!outcome.ok() || !outcome.value().isBooked())
        return {};
    return outcome.value().booking;
}

QJsonObject TestDayBoard::admin(const QStringList &args)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("%1?connect_timeout=5&pool_timeout=20").arg(m_cluster.url()));
    process.setProcessEnvironment(env);
    process.start(adminPath(), args);
    // Waited for with the event loop turning, so the board keeps updating.
    QElapsedTimer timer;
    timer.start();
    while (process.state() != QProcess::NotRunning && timer.elapsed() < kNoHangMs)
        QTest::qWait(10);
    const QByteArray out = process.readAllStandardOutput();
    if (process.exitCode() != 0)
        qWarning("carwash-admin %s: %s %s", qPrintable(args.join(u' ')), out.constData(),
                 process.readAllStandardError().constData());
    return QJsonDocument::fromJson(out).object();
}

QStringList TestDayBoard::bookArgs(const Service &service, const QDateTime &start, const QString &plate)
{
    return {QStringLiteral("book"),
            QStringLiteral("--service"),
            QString::number(service.id),
            QStringLiteral("--start"),
            IsoTime::format(start),
            QStringLiteral("--plate"),
            plate,
            QStringLiteral("--name"),
            QStringLiteral("Walk In"),
            QStringLiteral("--json")};
}

std::unique_ptr<DayBoardPage> TestDayBoard::makePage()
{
    auto page = std::make_unique<DayBoardPage>(*m_pool, *m_banner);
    page->resize(1200, 600);
    page->show();
    return page;
}

bool TestDayBoard::waitLoaded(DayBoardPage &page)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kNoHangMs) {
        if (!page.model().isLoading() && page.model().loadedAt().isValid()
            && page.model().day().date == page.date())
            return true;
        QTest::qWait(10);
    }
    return false;
}

QString TestDayBoard::sqlDayCondition(const QDate &day) const
{
    return QStringLiteral("(starts_at AT TIME ZONE (SELECT value FROM site_settings WHERE key = "
                          "'site.timezone'))::date = '%1'")
        .arg(day.toString(Qt::ISODate));
}

// -- what the board shows ----------------------------------------------------

void TestDayBoard::theBoardShowsTheDaysBookingsInTheirBaysWithTotalsFromTheDatabase()
{
    const QDate day = bookableDay(0);
    QVERIFY(day.isValid());
    const Service &express = m_services.first();
    const Service &detail = m_services.last();
    QList<Booking> booked;
    booked << book(express, day, 4, QStringLiteral("TOTAL1"))
           << book(express, day, 4, QStringLiteral("TOTAL2"))
           << book(detail, day, 2, QStringLiteral("TOTAL3"))
           << book(express, day, 12, QStringLiteral("TOTAL4"));
    for (const Booking &b : std::as_const(booked))
        QVERIFY(b.id != 0);
    // A cancelled booking stays on the board but counts for nothing.
    auto cancelled = run(QStringLiteral("cancel"), [code = booked.last().code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("cancelled"), QStringLiteral("test"), {});
    });
    QVERIFY2(cancelled.ok(), describe(cancelled).constData());

    auto page = makePage();
    page->setDate(day);
    QVERIFY(page->model().isLoading()); // asked, not waited for
    QVERIFY(waitLoaded(*page));

    const int onDay
        = m_cluster
              .queryBlocking(
                  QStringLiteral("SELECT count(*) FROM bookings WHERE %1").arg(sqlDayCondition(day)))
              .toInt();
    QCOMPARE(onDay, 4);
    QCOMPARE(page->view().blockCount(), onDay);
    for (const Booking &b : std::as_const(booked)) {
        bool found = false;
        for (int row = 0; row < page->model().rowCount(); ++row) {
            for (const DayBoardModel::Block &block : page->model().lane(row).blocks) {
                if (block.id != b.id)
                    continue;
                found = true;
                QCOMPARE(page->model().lane(row).bay, b.bay);
                QCOMPARE(block.start, b.start);
                QCOMPARE(block.plate, b.plate);
                QCOMPARE(block.priceCents, b.priceCents);
            }
        }
        QVERIFY2(found, qPrintable(b.code));
    }
    // Express goes to the tunnel lanes, the detail job to a detail bay; two
    // express at the same start take both lanes.
    QVERIFY(booked[0].bay != booked[1].bay);
    QVERIFY(booked[2].bay.name.contains(QStringLiteral("Detail")));

    const QString counted
        = QStringLiteral("FROM bookings WHERE %1 AND status NOT IN ('cancelled', 'no_show', "
                         "'expired')")
              .arg(sqlDayCondition(day));
    const int cars = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) ") + counted).toInt();
    const qint64 revenue
        = m_cluster.queryBlocking(QStringLiteral("SELECT sum(price_cents) ") + counted).toLongLong();
    QCOMPARE(cars, 3);
    const DayBoardModel::Totals totals = page->model().totals();
    QCOMPARE(totals.cars, cars);
    QCOMPARE(totals.revenueCents, revenue);
    QCOMPARE(totals.currency, QStringLiteral("USD"));
    QVERIFY2(page->totalsText().contains(QStringLiteral("Cars: 3")), qPrintable(page->totalsText()));
    QVERIFY2(page->totalsText().contains(Money::format(revenue, QStringLiteral("USD"))),
             qPrintable(page->totalsText()));
    QVERIFY(page->statusText().startsWith(QStringLiteral("Updated ")));

    // The day's hours from the demo calendar, and its slot grid.
    QVERIFY(!page->model().day().openPeriods.isEmpty());
    QCOMPARE(page->model().day().slotMinutes, 15);

    // Moving between days: the next day has none of these.
    QTest::keyClick(page.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(page->date(), day.addDays(1));
    QVERIFY(waitLoaded(*page));
    QCOMPARE(
        page->view().blockCount(),
        m_cluster
            .queryBlocking(
                QStringLiteral("SELECT count(*) FROM bookings WHERE %1").arg(sqlDayCondition(day.addDays(1))))
            .toInt());
    page->findChild<QPushButton *>(QStringLiteral("boardPrevious"))->click();
    QCOMPARE(page->date(), day);
    QVERIFY(waitLoaded(*page));
    QCOMPARE(page->view().blockCount(), 4);
    page->findChild<QPushButton *>(QStringLiteral("boardToday"))->click();
    QVERIFY(waitLoaded(*page));
    QCOMPARE(page->date(), QDateTime::currentDateTimeUtc().toTimeZone(page->model().day().timeZone).date());
}

// -- live ----------------------------------------------------------------

void TestDayBoard::aBookingByAnotherProcessAppearsThroughNotify()
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

void TestDayBoard::aMalformedNotificationStillReloads()
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

void TestDayBoard::withoutTheListenerPollingShowsChanges()
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

void TestDayBoard::aBoardLeftOpenOverMidnightMovesToTheNewDay()
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

void TestDayBoard::theListenerReconnectsAfterARestartAndTheBoardCatchesUp()
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

// -- mouse and keyboard ---------------------------------------------------

void TestDayBoard::clickingABlockOrFreeTimeActivatesIt()
{
    const QDate day = bookableDay(5);
    QVERIFY(day.isValid());
    const Booking first = book(m_services.first(), day, 2, QStringLiteral("CLICK1"));
    QVERIFY(first.id != 0);
    auto page = makePage();
    page->setDate(day);
    QVERIFY(waitLoaded(*page));
    DayBoardView &view = page->view();
    QSignalSpy activated(page.get(), &DayBoardPage::bookingActivated);
    QSignalSpy free(page.get(), &DayBoardPage::freeTimeActivated);

    QVERIFY(view.setFocusedBooking(first.id)); // scrolled into sight
    const QRect block = view.blockRect(first.id);
    QVERIFY(!block.isEmpty());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, block.center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), first.id);
    QCOMPARE(free.size(), 0);

    // Free time in the same lane, 37 minutes after the booking's bay is
    // free again: the start offered is on the 15-minute grid from opening.
    int lane = -1;
    for (int row = 0; row < page->model().rowCount(); ++row) {
        if (page->model().lane(row).bay == first.bay)
            lane = row;
    }
    QVERIFY(lane >= 0);
    const DayBoardModel::Lane row = page->model().lane(lane);
    const auto after
        = std::find_if(row.free.cbegin(), row.free.cend(),
                       [&](const DayBoardModel::Interval &i) { return i.start >= first.blockedUntil; });
    QVERIFY(after != row.free.cend());
    const QDateTime target = after->start.addSecs(37 * 60);
    QVERIFY(target < after->end);
    const QPoint point(view.xFor(target) + 1, view.laneRect(lane).center().y());
    QVERIFY(view.viewport()->rect().contains(point));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, point);
    QCOMPARE(free.size(), 1);
    QCOMPARE(activated.size(), 1);
    const BayRef bay = free.at(0).at(0).value<BayRef>();
    const QDateTime start = free.at(0).at(1).toDateTime();
    QCOMPARE(bay, first.bay);
    const QDateTime opens = page->model().day().openPeriods.first().start;
    QCOMPARE(opens.secsTo(start) % (15 * 60), 0);
    QVERIFY(start >= after->start);
    QVERIFY(start <= target);
    QVERIFY(start.secsTo(target) < 15 * 60 + 60);
    // The start really is bookable there.
    bool offered = false;
    for (const PlannedSlot &slot : freeSlots(m_services.first(), day))
        offered = offered || (slot.start == start && slot.bays.contains(bay));
    QVERIFY2(offered, qPrintable(start.toString(Qt::ISODate)));

    // Time that has passed offers nothing: yesterday's board.
    page->setDate(QDate::currentDate().addDays(-1));
    QVERIFY(waitLoaded(*page));
    if (page->model().rowCount() > 0 && !page->model().lane(0).free.isEmpty()) {
        const DayBoardModel::Interval past = page->model().lane(0).free.first();
        const QPoint old(page->view().xFor(past.start.addSecs(10 * 60)) + 1,
                         page->view().laneRect(0).center().y());
        QVERIFY(!page->view().freeStartAt(old).has_value());
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, old);
        QCOMPARE(free.size(), 1);
    }
}

void TestDayBoard::theKeyboardMovesBetweenBookingsAndEnterOpensOne()
{
    const QDate day = bookableDay(6);
    QVERIFY(day.isValid());
    // Lane 1 gets two bookings (early and later), lane 2 one.
    const Booking a = book(m_services.first(), day, 1, QStringLiteral("KEYA"));
    const Booking b = book(m_services.first(), day, 1, QStringLiteral("KEYB"));
    const Booking c = book(m_services.first(), day, 10, QStringLiteral("KEYC"));
    QVERIFY(a.id && b.id && c.id);
    QVERIFY(a.bay != b.bay);
    auto page = makePage();
    page->setDate(day);
    QVERIFY(waitLoaded(*page));
    page->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(page.get()));
    DayBoardView &view = page->view();
    QSignalSpy activated(page.get(), &DayBoardPage::bookingActivated);

    // Tab from the toolbar into the board lands on the first booking.
    page->findChild<QPushButton *>(QStringLiteral("boardRefresh"))->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(&view));
    const qint64 firstId = page->model().lane(0).blocks.first().id;
    QCOMPARE(view.focusedBookingId(), firstId);
    // The screen reader hears which booking has the focus.
    QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(&view);
    QVERIFY(accessible->text(QAccessible::Name).contains(QStringLiteral("Day board")));
    const QString plateFirst = page->model().lane(0).blocks.first().plate;
    QVERIFY2(accessible->text(QAccessible::Description).contains(plateFirst),
             qPrintable(accessible->text(QAccessible::Description)));

    // Right: the next booking in the same lane, by time.
    const QList<DayBoardModel::Block> lane0 = page->model().lane(0).blocks;
    QVERIFY(lane0.size() >= 2);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.focusedBookingId(), lane0.at(1).id);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.focusedBookingId(), lane0.at(0).id);
    // Down: the nearest booking in the next lane with any.
    QTest::keyClick(&view, Qt::Key_Down);
    const QList<DayBoardModel::Block> lane1 = page->model().lane(1).blocks;
    QVERIFY(!lane1.isEmpty());
    QCOMPARE(view.focusedBookingId(), lane1.first().id);
    QTest::keyClick(&view, Qt::Key_Up);
    QCOMPARE(view.focusedBookingId(), lane0.at(0).id);

    QTest::keyClick(&view, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), lane0.at(0).id);
    QTest::keyClick(&view, Qt::Key_Space);
    QCOMPARE(activated.size(), 2);
    // N: a new booking at the next free start in that bay, after the
    // focused booking's cleanup, on the grid.
    QSignalSpy free(page.get(), &DayBoardPage::freeTimeActivated);
    QTest::keyClick(&view, Qt::Key_N);
    QCOMPARE(free.size(), 1);
    QCOMPARE(free.at(0).at(0).value<BayRef>(), page->model().lane(0).bay);
    const QDateTime next = free.at(0).at(1).toDateTime();
    QVERIFY(next >= lane0.at(0).blockedUntil);
    QCOMPARE(page->model().day().openPeriods.first().start.secsTo(next) % (15 * 60), 0);
    QVERIFY(next < lane0.at(1).start || next >= lane0.at(1).blockedUntil);

    // Tab walks every booking, then leaves the board.
    const int blocks = view.blockCount();
    QList<qint64> walked {view.focusedBookingId()};
    for (int i = 1; i < blocks; ++i) {
        QTest::keyClick(&view, Qt::Key_Tab);
        walked << view.focusedBookingId();
    }
    QCOMPARE(QSet<qint64>(walked.cbegin(), walked.cend()).size(), blocks);
    QTest::keyClick(&view, Qt::Key_Tab);
    QVERIFY(QApplication::focusWidget() != &view);

    // The focus stays on its booking across a reload.
    view.setFocus();
    QVERIFY(view.setFocusedBooking(c.id));
    page->reload();
    QVERIFY(waitLoaded(*page));
    QCOMPARE(view.focusedBookingId(), c.id);
}

// -- the listener itself -------------------------------------------------

void TestDayBoard::pgbouncerModeDoesNotListenAndPolls()
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
    QCOMPARE(m_cluster.countConnections(QStringLiteral("tst_dayboard-bouncer-listen")), 0);
}

void TestDayBoard::theListenerLeavesNoBackendAfterShutdown()
{
    const QString name = QStringLiteral("tst_dayboard-shutdown-listen");
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

// -- in the window --------------------------------------------------------

void TestDayBoard::theWindowShowsTheBoardFirstAndTheMenuInASecondTab()
{
    m_window = std::make_unique<DeskWindow>();
    QVERIFY(m_site.showDesk(*m_window, *m_pool, QStringLiteral("window")));
    QVERIFY(m_window->dayBoardPage());
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QTabWidget *tabs = m_window->workspaceTabs();
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget *>(m_window->dayBoardPage()));
    DayBoardPage *board = m_window->dayBoardPage();
    QVERIFY(waitLoaded(*board));
    QCOMPARE(board->date(), QDateTime::currentDateTimeUtc().toTimeZone(board->model().day().timeZone).date());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bookingListener()->isListening(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(board->statusText().contains(QStringLiteral("live")), kNoHangMs);
    QCOMPARE(board->pollInterval(), DayBoardPage::DefaultLivePollMs);

    QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget *>(m_window->todayPage()));
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget *>(m_window->dayBoardPage()));

    // Signed out: the board stops polling; closing the window ends the
    // listener's connection.
    m_window->signOut();
    QVERIFY(!board->isPolling());
    m_window.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_cluster.countConnections(QStringLiteral("tst_dayboard-window-listen")), 0,
                              10000);
}

void TestDayBoard::databaseStoppedDuringUseKeepsTheBoardReadOnlyAndRecovers()
{
    m_window = std::make_unique<DeskWindow>();
    QVERIFY(m_site.showDesk(*m_window, *m_pool, QStringLiteral("down")));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    DayBoardPage *board = m_window->dayBoardPage();
    const QDate day = bookableDay(7);
    QVERIFY(day.isValid());
    QVERIFY(book(m_services.first(), day, 3, QStringLiteral("DOWN1")).id != 0);
    QVERIFY(book(m_services.last(), day, 1, QStringLiteral("DOWN2")).id != 0);
    board->setDate(day);
    QVERIFY(waitLoaded(*board));
    QCOMPARE(board->view().blockCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bookingListener()->isListening(), kNoHangMs);

    // A refresh stuck behind another connection's lock until this test lets
    // go: the board waits, the window does not. From the moment the server
    // shows the board's statement waiting, every tick of the loop came while
    // it was stuck.
    DatabaseConfig lockerConfig = m_site.config(QStringLiteral("locker"));
    lockerConfig.statementTimeoutMs = 0;
    ConnectionPool locker(lockerConfig);
    bool granted = false;
    auto lock = m_site.holdTableLocked(locker, QStringLiteral("bookings"), 3600, &granted);
    QVERIFY(granted);
    auto release = qScopeGuard([this] { m_site.endSessions(QStringLiteral("locker")); });
    QTest::mouseClick(board->findChild<QPushButton *>(QStringLiteral("boardRefresh")), Qt::LeftButton);
    QVERIFY(board->model().isLoading());
    // The snapshot's opening words: the server keeps only the first 1 kB of
    // a statement's text, and the statement is longer.
    const QString boardQuery = QStringLiteral("FROM site_settings)::text");
    QTRY_VERIFY_WITH_TIMEOUT(m_site.waitingOnALock({}, boardQuery) >= 1, kNoHangMs);
    LoopTicks ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 20, kNoHangMs);
    QVERIFY(m_site.waitingOnALock({}, boardQuery) >= 1);
    QVERIFY(board->model().isLoading());
    QCOMPARE(board->view().blockCount(), 2);
    release.dismiss();
    QVERIFY(m_site.endSessions(QStringLiteral("locker")));
    QTRY_VERIFY_WITH_TIMEOUT(lock.isFinished(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!board->model().isLoading(), kNoHangMs);
    QCOMPARE(board->view().blockCount(), 2);

    // The database goes away.
    m_window->healthWatcher()->setInterval(200);
    QSignalSpy activated(board, &DayBoardPage::bookingActivated);
    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Fast));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QTRY_COMPARE_WITH_TIMEOUT(m_window->banner().message(), QStringLiteral("Database unavailable — retrying"),
                              kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->bookingListener()->isListening(), kNoHangMs);
    QVERIFY(board->isReadOnly());
    QVERIFY(board->view().isReadOnly());
    QVERIFY2(board->statusText().contains(QStringLiteral("read-only")), qPrintable(board->statusText()));
    QVERIFY(!board->isPolling());
    // The last board stays, and nothing on it can be acted on.
    QCOMPARE(board->view().blockCount(), 2);
    const qint64 id = board->model().lane(0).blocks.isEmpty() ? board->model().lane(2).blocks.first().id
                                                              : board->model().lane(0).blocks.first().id;
    QVERIFY(board->view().setFocusedBooking(id));
    QTest::mouseClick(board->view().viewport(), Qt::LeftButton, {}, board->view().blockRect(id).center());
    QTest::keyClick(&board->view(), Qt::Key_Return);
    QCOMPARE(activated.size(), 0);
    // A refresh by hand returns at once (its answer comes later, through
    // the event loop) and fails quietly under the banner.
    board->reload();
    QVERIFY(board->model().isLoading());
    QTRY_VERIFY_WITH_TIMEOUT(!board->model().isLoading(), kNoHangMs);
    QVERIFY(!board->model().error().isEmpty());
    QCOMPARE(board->view().blockCount(), 2);
    QCOMPARE(m_window->banner().message(), QStringLiteral("Database unavailable — retrying"));

    QVERIFY(m_cluster.start());
    restart.dismiss();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->banner().isVisible(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!board->isReadOnly(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bookingListener()->isListening(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!board->model().isLoading() && board->model().error().isEmpty(), kNoHangMs);
    // Live again: another desk's booking shows.
    const QList<PlannedSlot> starts = freeSlots(m_services.first(), day);
    QVERIFY(starts.size() > 8);
    QVERIFY(admin(bookArgs(m_services.first(), starts.at(8).start, QStringLiteral("DOWN3")))
                .value(u"id")
                .toInteger()
            > 0);
    QTRY_COMPARE_WITH_TIMEOUT(board->view().blockCount(), 3, kChangeShowsMs);
    QTest::mouseClick(board->view().viewport(), Qt::LeftButton, {}, board->view().blockRect(id).center());
    QTRY_COMPARE(activated.size(), 1);
}

int main(int argc, char *argv[])
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/carwash-test-bus");
    QApplication app(argc, argv);
    TestDayBoard test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_dayboard.moc"
