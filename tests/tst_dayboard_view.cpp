// The day board as the front desk sees and works it: the real board, page
// and window on the offscreen platform against a real PostgreSQL; the day's
// bookings in their bays with totals from the database, a block or free
// time clicked or reached by keyboard, the board first in the window and
// the menu in a second tab, and the database going away while the board is
// on screen. Waits are bounded (QTRY_*), never timed asserts.
#include "db/bookings/bookingrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/text/money.h"
#include "models/desk/dayboardmodel.h"
#include "tests/dayboardfixture.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/desk/dayboardview.h"
#include "ui/desk/todaypage.h"

#include <QAccessible>
#include <QApplication>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace DeskTest;

class TestDayBoardView : public QObject, protected DayBoardFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_dayboard_view")); }
    void init() { openBoardPool(); }
    void cleanup() { closeBoard(); }

    void theBoardShowsTheDaysBookingsInTheirBaysWithTotalsFromTheDatabase();
    void clickingABlockOrFreeTimeActivatesIt();
    void theKeyboardMovesBetweenBookingsAndEnterOpensOne();
    void theWindowShowsTheBoardFirstAndTheMenuInASecondTab();
    void databaseStoppedDuringUseKeepsTheBoardReadOnlyAndRecovers();
};

// -- what the board shows ----------------------------------------------------

void TestDayBoardView::theBoardShowsTheDaysBookingsInTheirBaysWithTotalsFromTheDatabase()
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

// -- mouse and keyboard ---------------------------------------------------

void TestDayBoardView::clickingABlockOrFreeTimeActivatesIt()
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

void TestDayBoardView::theKeyboardMovesBetweenBookingsAndEnterOpensOne()
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

// -- in the window --------------------------------------------------------

void TestDayBoardView::theWindowShowsTheBoardFirstAndTheMenuInASecondTab()
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
    QTRY_COMPARE_WITH_TIMEOUT(
        m_cluster.countConnections(m_site.config(QStringLiteral("window")).applicationName
                                   + BookingChangeListener::applicationNameSuffix()),
        0, 10000);
}

void TestDayBoardView::databaseStoppedDuringUseKeepsTheBoardReadOnlyAndRecovers()
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
    return runWithoutKeychain<TestDayBoardView>(argc, argv);
}

#include "tst_dayboard_view.moc"
