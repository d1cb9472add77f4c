// Moving a booking to another time at the desk, end to end: the move and
// its audit, a slot taken meanwhile, a start overlapping the booking's own
// slot; and the rules behind it: a refused move leaves the booking as it
// was, concurrent moves into one slot let exactly one win, only held or
// confirmed bookings move. Real window on the offscreen platform, real
// PostgreSQL with the demo seed; waits are bounded (QTRY_*), never timed.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "tests/bookingdetailsfixture.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/rescheduledialog.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace DeskTest;

class TestBookingDetailsReschedule : public QObject, protected BookingDetailsFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    // The desk.
    void rescheduleMovesTheBookingWithAudit();
    void rescheduleToATakenSlotSaysSoAndListsAgain();
    void rescheduleOffersAndTakesAStartOverlappingItsOwnSlot();

    // The database rules behind them.
    void rescheduleIntoATakenSlotLeavesTheBookingAsItWas();
    void concurrentMovesIntoOneSlotLetExactlyOneWin();
    void rescheduleOnlyForHeldOrConfirmed();
};

void TestBookingDetailsReschedule::initTestCase()
{
    startSite(QStringLiteral("tst_bookingdetails_reschedule"));
}

void TestBookingDetailsReschedule::init()
{
    showDesk();
}

void TestBookingDetailsReschedule::cleanup()
{
    closeDesk();
}

// --- the desk ------------------------------------------------------------

void TestBookingDetailsReschedule::rescheduleMovesTheBookingWithAudit()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    const QDateTime before = dialog->details()->booking.start;
    RescheduleDialog *move = dialog->openReschedule();
    QVERIFY(move);
    QSignalSpy listed(move, &RescheduleDialog::slotsLoaded);
    move->setDate(before.date().addDays(1));
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1 && !move->isBusy(), kNoHangMs);
    const QList<PlannedSlot> free = move->freeStarts();
    QVERIFY(free.size() > 2);
    const PlannedSlot target = free.at(2);
    const qint64 bay = target.bays.first().id;
    QVERIFY(move->choose(target.start, bay));
    QSignalSpy moved(move, &RescheduleDialog::moved);
    QTest::mouseClick(move->findChild<QPushButton *>(QStringLiteral("rescheduleMove")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(moved.count(), 1, kNoHangMs);

    QCOMPARE(
        sql(QStringLiteral("SELECT starts_at = '%1'::timestamptz AND bay_id = %2 AND ends_at - starts_at = "
                           "(SELECT (s.duration_minutes + a.extra_minutes) * interval '1 minute' "
                           "FROM services s, addons a WHERE s.id = %3 AND a.id = %4) "
                           "FROM bookings WHERE id = %5")
                .arg(target.start.toUTC().toString(Qt::ISODate))
                .arg(bay)
                .arg(m_service)
                .arg(m_addon)
                .arg(id))
            .toBool(),
        true);
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = "
                     "'booking.reschedule' AND actor = '%2' AND (details->'from'->>'start')::timestamptz "
                     "= '%3'::timestamptz AND (details->'to'->>'start')::timestamptz = '%4'::timestamptz")
                     .arg(id)
                     .arg(m_window->signedIn()->actor(), before.toUTC().toString(Qt::ISODate),
                          target.start.toUTC().toString(Qt::ISODate)))
                 .toInt(),
             1);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->details()->booking.start, target.start, kNoHangMs);
    QVERIFY(dialog->messageText().contains(QStringLiteral("moved")));
}

void TestBookingDetailsReschedule::rescheduleToATakenSlotSaysSoAndListsAgain()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    const QDateTime before = dialog->details()->booking.start;
    RescheduleDialog *move = dialog->openReschedule();
    QSignalSpy listed(move, &RescheduleDialog::slotsLoaded);
    move->setDate(before.date().addDays(2));
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1 && !move->isBusy(), kNoHangMs);
    QVERIFY(move->freeStarts().size() > 3);
    const PlannedSlot target = move->freeStarts().at(3);
    const qint64 bay = target.bays.first().id;
    QVERIFY(move->choose(target.start, bay));
    // Someone else books that bay at that time meanwhile.
    QVERIFY(book({}, target.start, bay) > 0);
    listed.clear();
    QVERIFY(move->move());
    QTRY_VERIFY_WITH_TIMEOUT(move->messageText().contains(QStringLiteral("just taken")), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1 && !move->isBusy(), kNoHangMs);
    QCOMPARE(sql(QStringLiteral("SELECT starts_at = '%1'::timestamptz FROM bookings WHERE id = %2")
                     .arg(before.toUTC().toString(Qt::ISODate))
                     .arg(id))
                 .toBool(),
             true);
    // The list no longer offers that bay at that time.
    for (const PlannedSlot &slot : move->freeStarts()) {
        if (slot.start == target.start) {
            for (const BayRef &b : slot.bays)
                QVERIFY(b.id != bay);
        }
    }
}

void TestBookingDetailsReschedule::rescheduleOffersAndTakesAStartOverlappingItsOwnSlot()
{
    // A wash that outlasts a step of the grid (the demo's interior detail),
    // on one bay, on a day ahead with room after it.
    AvailabilityRequest request;
    request.serviceId
        = sql(QStringLiteral("SELECT s.id FROM services AS s WHERE s.duration_minutes >= 45 "
                             "AND EXISTS (SELECT 1 FROM bay_services WHERE service_id = s.id) "
                             "AND EXISTS (SELECT 1 FROM service_prices WHERE service_id = s.id "
                             "AND vehicle_class = 'car') ORDER BY s.duration_minutes, s.id LIMIT 1"))
              .toLongLong();
    QVERIFY(request.serviceId > 0);
    std::optional<PlannedSlot> chosen;
    for (int ahead = 6; ahead < 14 && !chosen; ++ahead) {
        const QDate day = QDate::currentDate().addDays(ahead);
        auto listed = await(m_pool->withConnection(QStringLiteral("slots"), [request, day](QSqlDatabase &db) {
            return AvailabilityRepo(db).forDate(request, day);
        }));
        QVERIFY2(listed.ok(), describe(listed).constData());
        if (listed->size() > 8)
            chosen = listed->at(2);
    }
    QVERIFY(chosen);
    const qint64 bay = chosen->bays.first().id;
    BookingRequest booking;
    booking.slot = request;
    booking.slot.bayId = bay;
    booking.start = chosen->start;
    booking.plate = QStringLiteral("OVL%1").arg(++m_plate);
    booking.name = QStringLiteral("Alex Kim");
    booking.actor = QStringLiteral("cli");
    auto made = await(m_pool->withConnection(
        QStringLiteral("book"), [booking](QSqlDatabase &db) { return BookingRepo(db).create(booking); }));
    QVERIFY2(made.ok() && made->isBooked(), describe(made).constData());
    const qint64 id = made->booking.id;

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    const Booking before = dialog->details()->booking;
    QCOMPARE(before.bay.id, bay);
    RescheduleDialog *move = dialog->openReschedule();
    QVERIFY(move);
    QSignalSpy listed(move, &RescheduleDialog::slotsLoaded);
    move->setDate(before.start.date());
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1 && !move->isBusy(), kNoHangMs);

    // The first start after its own that overlaps it, offered on its own bay.
    std::optional<PlannedSlot> overlapping;
    for (const PlannedSlot &slot : move->freeStarts()) {
        if (slot.start == before.start)
            QVERIFY2(!slot.bays.contains(before.bay), "its own start on its own bay is no move");
        const bool onItsBay = std::any_of(slot.bays.cbegin(), slot.bays.cend(),
                                          [bay](const BayRef &b) { return b.id == bay; });
        if (!overlapping && slot.start > before.start && slot.start < before.end && onItsBay)
            overlapping = slot;
    }
    QVERIFY2(overlapping, "no start overlapping the booking's own slot is offered on its bay");
    // Anyone else is told that bay is busy then.
    AvailabilityRequest onItsBay = request;
    onItsBay.bayId = bay;
    const QDate day = before.start.date();
    auto plain = await(m_pool->withConnection(QStringLiteral("slots"), [onItsBay, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(onItsBay, day);
    }));
    QVERIFY2(plain.ok(), describe(plain).constData());
    for (const PlannedSlot &slot : plain.value())
        QVERIFY(slot.start != overlapping->start);

    QVERIFY(move->choose(overlapping->start, bay));
    QSignalSpy moved(move, &RescheduleDialog::moved);
    QTest::mouseClick(move->findChild<QPushButton *>(QStringLiteral("rescheduleMove")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(moved.count(), 1, kNoHangMs);
    QCOMPARE(moved.first().first().value<Booking>().start, overlapping->start);
    QCOMPARE(sql(QStringLiteral("SELECT starts_at = '%1'::timestamptz AND bay_id = %2 AND "
                                "ends_at - starts_at = '%3 seconds'::interval FROM bookings WHERE id = %4")
                     .arg(overlapping->start.toUTC().toString(Qt::ISODate))
                     .arg(bay)
                     .arg(before.start.secsTo(before.end))
                     .arg(id))
                 .toBool(),
             true);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->details()->booking.start, overlapping->start, kNoHangMs);
}

// --- the database rules ---------------------------------------------------

void TestBookingDetailsReschedule::rescheduleIntoATakenSlotLeavesTheBookingAsItWas()
{
    const qint64 a = book({});
    const qint64 b = book({});
    QVERIFY(a > 0 && b > 0);
    const QString aStart
        = sql(QStringLiteral("SELECT starts_at::text FROM bookings WHERE id = %1").arg(a)).toString();
    const qint64 aBay = sql(QStringLiteral("SELECT bay_id FROM bookings WHERE id = %1").arg(a)).toLongLong();
    const QString bBefore
        = sql(QStringLiteral("SELECT starts_at::text || bay_id || ends_at::text FROM bookings WHERE id = %1")
                  .arg(b))
              .toString();
    const QDateTime target = QDateTime::fromString(
        sql(QStringLiteral("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                           "FROM bookings WHERE id = %1")
                .arg(a))
            .toString(),
        Qt::ISODate);
    auto moved = await(m_pool->withConnection(QStringLiteral("move"), [b, target, aBay](QSqlDatabase &db) {
        return BookingRepo(db).reschedule(QString::number(b), target, aBay, QStringLiteral("staff:2"));
    }));
    QVERIFY2(moved.ok(), describe(moved).constData());
    QCOMPARE(moved->result, BookingOutcome::Result::SlotTaken);
    QVERIFY(!moved->alternatives.isEmpty());
    QCOMPARE(
        sql(QStringLiteral("SELECT starts_at::text || bay_id || ends_at::text FROM bookings WHERE id = %1")
                .arg(b))
            .toString(),
        bBefore);
    QCOMPARE(
        sql(QStringLiteral(
                "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = 'booking.reschedule'")
                .arg(b))
            .toInt(),
        0);
    Q_UNUSED(aStart);
}

void TestBookingDetailsReschedule::concurrentMovesIntoOneSlotLetExactlyOneWin()
{
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i)
        ids << book({});
    QVERIFY(!ids.contains(0));
    const AvailabilityRequest request = slotRequest();
    const QDate day = QDate::currentDate().addDays(5);
    auto listed = await(m_pool->withConnection(QStringLiteral("slots"), [request, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(request, day);
    }));
    QVERIFY2(listed.ok() && !listed->isEmpty(), describe(listed).constData());
    const PlannedSlot target = listed->at(listed->size() / 2);
    const qint64 bay = target.bays.first().id;
    QList<QFuture<DbResult<BookingOutcome>>> futures;
    for (const qint64 id : std::as_const(ids)) {
        const QDateTime start = target.start;
        futures << m_pool->withRetry(
            QStringLiteral("move"), RetryPolicy::standard(), [id, start, bay](QSqlDatabase &db) {
                return BookingRepo(db).reschedule(QString::number(id), start, bay, QStringLiteral("staff:2"));
            });
    }
    int won = 0;
    int taken = 0;
    for (const auto &f : futures) {
        const DbResult<BookingOutcome> r = await(f);
        QVERIFY2(r.ok(), describe(r).constData());
        if (r->isBooked())
            ++won;
        else if (r->result == BookingOutcome::Result::SlotTaken)
            ++taken;
    }
    QCOMPARE(won, 1);
    QCOMPARE(taken, 3);
    // No two active bookings of one bay overlap.
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM bookings a JOIN bookings b ON a.id < b.id AND a.bay_id = b.bay_id "
                     "AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until) "
                     "WHERE a.status IN ('held','confirmed','checked_in','in_progress') "
                     "AND b.status IN ('held','confirmed','checked_in','in_progress')"))
                 .toInt(),
             0);
}

void TestBookingDetailsReschedule::rescheduleOnlyForHeldOrConfirmed()
{
    const qint64 id = book({});
    sql(QStringLiteral("UPDATE bookings SET status = 'checked_in' WHERE id = %1").arg(id));
    const QDateTime somewhen = QDateTime::currentDateTimeUtc().addDays(3);
    auto moved = await(m_pool->withConnection(QStringLiteral("move"), [id, somewhen](QSqlDatabase &db) {
        return BookingRepo(db).reschedule(QString::number(id), somewhen, 0, QStringLiteral("staff:2"));
    }));
    QVERIFY(!moved.ok());
    QCOMPARE(moved.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(moved.error().message().contains(QStringLiteral("Checked in")),
             qPrintable(moved.error().message()));
    QVERIFY2(!moved.error().message().contains(QStringLiteral("checked_in")),
             qPrintable(moved.error().message()));
}

QTEST_MAIN(TestBookingDetailsReschedule)
#include "tst_bookingdetails_reschedule.moc"
