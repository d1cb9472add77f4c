// A booking's life in the booking engine against a real PostgreSQL, through
// the real pool: only the allowed status transitions, each audited and
// notified (LISTEN/NOTIFY); refusals that name statuses and vehicle classes
// in words; moving a booking to another time or bay, with the service and
// add-ons it was booked with.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/catalogue/catalogrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/text/bookingwords.h"
#include "tests/bookingenginefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QTest>

class TestBookingEngineLifecycle : public QObject, protected BookingEngineFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void lifecycleAllowsOnlyItsTransitions_data();
    void lifecycleAllowsOnlyItsTransitions();
    void changesAreAuditedAndNotified();
    void rescheduleMayOverlapItsOwnSlotButNotAnothers();
    void rescheduleKeepsTheAddOnMinutesItWasBookedWith();
    void rescheduleAtItsOwnStartTakesAnotherBayOrSaysItIsThere();
    void rescheduleKeepsAServiceAndAddOnTakenOffTheMenu();
    void refusalsNameStatusesAndVehicleClassesInWords();
};

void TestBookingEngineLifecycle::initTestCase()
{
    startEngine(QStringLiteral("tst_bookingengine_lifecycle"));
}

void TestBookingEngineLifecycle::init()
{
    resetCatalogue();
}

void TestBookingEngineLifecycle::cleanupTestCase()
{
    stopEngine();
}

void TestBookingEngineLifecycle::lifecycleAllowsOnlyItsTransitions_data()
{
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<bool>("allowed"); // of the last step
    auto path = [](std::initializer_list<const char *> steps) {
        QStringList list;
        for (const char *s : steps)
            list << QString::fromLatin1(s);
        return list;
    };
    QTest::newRow("the happy path") << path({"checked_in", "in_progress", "completed"}) << true;
    QTest::newRow("cancel when confirmed") << path({"cancelled"}) << true;
    QTest::newRow("no-show") << path({"no_show"}) << true;
    QTest::newRow("cancel after check-in") << path({"checked_in", "cancelled"}) << true;
    QTest::newRow("complete without starting") << path({"completed"}) << false;
    QTest::newRow("back to confirmed") << path({"checked_in", "confirmed"}) << false;
    QTest::newRow("cancel a wash in progress") << path({"checked_in", "in_progress", "cancelled"}) << false;
    QTest::newRow("anything after completed")
        << path({"checked_in", "in_progress", "completed", "cancelled"}) << false;
    QTest::newRow("revive a cancelled booking") << path({"cancelled", "confirmed"}) << false;
    QTest::newRow("expire a confirmed booking") << path({"expired"}) << false;
    QTest::newRow("hold to confirmed") << path({"hold", "confirmed"}) << true;
    QTest::newRow("hold to cancelled") << path({"hold", "cancelled"}) << true;
    QTest::newRow("hold straight to checked in") << path({"hold", "checked_in"}) << false;
}

void TestBookingEngineLifecycle::lifecycleAllowsOnlyItsTransitions()
{
    QFETCH(QStringList, path);
    QFETCH(bool, allowed);
    BookingRequest r = request(m_f.wash, QStringLiteral("09:30"), QStringLiteral("LIFE1"));
    r.hold = path.first() == u"hold";
    if (r.hold)
        path.removeFirst();
    const QString code = book(r).booking.code;
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QString to = path[i];
        auto changed = run(QStringLiteral("booking.status"), [code, to](QSqlDatabase &db) {
            return BookingRepo(db).changeStatus(code, to, QStringLiteral("staff:2"),
                                                QStringLiteral("because"));
        });
        if (i + 1 < path.size() || allowed) {
            QVERIFY2(changed.ok(), describe(changed).constData());
            QCOMPARE(changed->status, to);
        } else {
            QVERIFY(!changed.ok());
            QCOMPARE(changed.error().kind(), DbError::Kind::Invalid);
            const QString from
                = i == 0 ? (r.hold ? QStringLiteral("held") : QStringLiteral("confirmed")) : path[i - 1];
            for (const QString &next : BookingStatus::allowedFrom(from))
                QVERIFY2(changed.error().message().contains(BookingWords::status(next)),
                         qPrintable(changed.error().message()));
        }
    }
    const int changes = int(path.size()) - (allowed ? 0 : 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.status' "
                                  "AND actor = 'staff:2' AND details->>'reason' = 'because'"))
                 .toInt(),
             changes);
}

// A translated sentence reads "its status is No-show", never the stored
// "no_show" (which a translator cannot translate).
void TestBookingEngineLifecycle::refusalsNameStatusesAndVehicleClassesInWords()
{
    const Booking b = book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("WORDS1"))).booking;
    auto noShow = run(QStringLiteral("booking.status"), [code = b.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("no_show"), QStringLiteral("staff:2"), {});
    });
    QVERIFY2(noShow.ok(), describe(noShow).constData());
    auto expectWords = [](const DbError &error, const QString &words, const QString &code) {
        QVERIFY2(error.message().contains(words), qPrintable(error.message()));
        QVERIFY2(!error.message().contains(code), qPrintable(error.message()));
    };

    auto paid = run(QStringLiteral("payment.cash"), [id = b.id](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, 100000, QStringLiteral("staff:2"));
    });
    QVERIFY(!paid.ok());
    QCOMPARE(paid.error().kind(), DbError::Kind::Invalid);
    expectWords(paid.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    auto moved
        = run(QStringLiteral("booking.reschedule"), [code = b.code, start = b.start](QSqlDatabase &db) {
              return BookingRepo(db).reschedule(code, start.addSecs(3600), 0, QStringLiteral("staff:2"));
          });
    QVERIFY(!moved.ok());
    expectWords(moved.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    auto reopened = run(QStringLiteral("booking.status"), [code = b.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("checked_in"), QStringLiteral("staff:2"),
                                            {});
    });
    QVERIFY(!reopened.ok());
    expectWords(reopened.error(), QStringLiteral("Checked in"), QStringLiteral("checked_in"));
    expectWords(reopened.error(), QStringLiteral("No-show"), QStringLiteral("no_show"));

    CatalogueService pricey;
    pricey.name = QStringLiteral("Gold");
    pricey.durationMinutes = 30;
    pricey.active = true;
    pricey.prices.insert(QStringLiteral("suv"), CatalogRepo::MaxPriceCents + 1);
    const QList<FieldError> errors = CatalogRepo::validate(pricey);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().field, QStringLiteral("price.suv"));
    QVERIFY2(errors.first().message.contains(QStringLiteral("SUV")), qPrintable(errors.first().message));
    QVERIFY2(!errors.first().message.contains(QStringLiteral("suv")), qPrintable(errors.first().message));

    AvailabilityRequest truck;
    truck.serviceId = m_f.wash;
    truck.vehicleClass = QStringLiteral("truck");
    const QDate day = m_day;
    auto refused = run(QStringLiteral("availability"),
                       [truck, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(truck, day); });
    QVERIFY(!refused.ok());
    expectWords(refused.error(), QStringLiteral("Truck"), QStringLiteral("truck"));
    QVERIFY2(refused.error().message().contains(QStringLiteral("Car, SUV")),
             qPrintable(refused.error().message()));
}

void TestBookingEngineLifecycle::changesAreAuditedAndNotified()
{
    // A desk's LISTEN, on the test thread's own connection.
    const DatabaseConfig c = m_cluster.config();
    QSqlDatabase listener = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("listener"));
    listener.setHostName(c.host);
    listener.setPort(c.port);
    listener.setDatabaseName(c.database);
    listener.setUserName(c.user);
    QVERIFY(listener.open());
    QVERIFY(listener.driver()->subscribeToNotification(QStringLiteral("bookings_changed")));
    QStringList payloads;
    connect(listener.driver(), &QSqlDriver::notification, this,
            [&payloads](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                payloads << payload.toString();
            });

    const BookingOutcome made = book(request(m_f.wash, QStringLiteral("16:00"), QStringLiteral("NOTE1")));
    QTRY_COMPARE(payloads.size(), 1);
    const QJsonObject first = QJsonDocument::fromJson(payloads.first().toUtf8()).object();
    QCOMPARE(first[u"id"].toInteger(), made.booking.id);
    QCOMPARE(first[u"day"].toString(), m_day.toString(Qt::ISODate));
    QCOMPARE(first[u"status"].toString(), QStringLiteral("confirmed"));
    auto cancelled = run(QStringLiteral("booking.status"), [id = made.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("cancelled"),
                                            QStringLiteral("staff:1"), QStringLiteral("customer called"));
    });
    QVERIFY(cancelled.ok());
    QTRY_COMPARE(payloads.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(payloads.last().toUtf8())[u"status"].toString(),
             QStringLiteral("cancelled"));
    // Refused input and a lost race notify nobody and change nothing.
    book(request(m_f.wash, QStringLiteral("16:07"), QStringLiteral("NOTE2")));
    QTest::qWait(200);
    QCOMPARE(payloads.size(), 2);
    QCOMPARE(
        value(QStringLiteral("SELECT string_agg(actor || ':' || action, ',' ORDER BY id) FROM audit_log"))
            .toString(),
        QStringLiteral("cli:booking.create,staff:1:booking.status"));
    listener.close();
    listener = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("listener"));
}

void TestBookingEngineLifecycle::rescheduleMayOverlapItsOwnSlotButNotAnothers()
{
    // The one detail bay: 60 minutes + 5 buffer from 10:00 blocks it 10:00-11:05.
    const BookingOutcome made = book(request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("MOVE1")));
    QVERIFY(made.isBooked());
    const qint64 id = made.booking.id;
    const QString bay = QString::number(m_f.detailBay);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;

    // For anyone else nothing starts from 09:00 (it would run into it) to
    // 11:00; for the booking itself those starts are free.
    const QStringList plain = startsOn(detail);
    const QStringList overlapping {QStringLiteral("09:00"), QStringLiteral("09:45"), QStringLiteral("10:00"),
                                   QStringLiteral("10:15"), QStringLiteral("11:00")};
    for (const QString &t : overlapping)
        QVERIFY2(!plain.contains(t), qPrintable(plain.join(u' ')));
    QVERIFY(plain.contains(QStringLiteral("08:45")));
    QVERIFY(plain.contains(QStringLiteral("11:15")));
    AvailabilityRequest moving = detail;
    moving.ignoreBookingId = id;
    const QStringList forTheMove = startsOn(moving);
    for (const QString &t : overlapping)
        QVERIFY2(forTheMove.contains(t), qPrintable(forTheMove.join(u' ')));
    QCOMPARE(forTheMove.size(), plain.size() + 9); // 09:00 … 11:00 every 15 minutes

    // 15 minutes later on the same bay, overlapping where it is: moved.
    auto later = reschedule(id, QStringLiteral("10:15"));
    QVERIFY2(later.ok(), describe(later).constData());
    QCOMPARE(later->result, BookingOutcome::Result::Booked);
    QCOMPARE(later->booking.start, at(QStringLiteral("10:15")));
    QCOMPARE(placeOf(id), QStringLiteral("10:15-11:15-11:20@") + bay);
    // Earlier, again overlapping itself (09:45-10:50 against 10:15-11:20): moved.
    auto earlier = reschedule(id, QStringLiteral("09:45"), m_f.detailBay);
    QVERIFY2(earlier.ok(), describe(earlier).constData());
    QCOMPARE(earlier->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(id), QStringLiteral("09:45-10:45-10:50@") + bay);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.reschedule' "
                                  "AND entity_id = '%1'")
                       .arg(id))
                 .toInt(),
             2);

    // Into another booking's time it is still refused, and stays put.
    const BookingOutcome other = book(request(m_f.detail, QStringLiteral("12:00"), QStringLiteral("MOVE2")));
    QVERIFY(other.isBooked());
    for (const QString &t : {QStringLiteral("11:00"), QStringLiteral("12:30")})
        QVERIFY2(!startsOn(moving).contains(t), qPrintable(t));
    auto intoOther = reschedule(id, QStringLiteral("11:00"), m_f.detailBay); // 11:00-12:05 meets 12:00
    QVERIFY2(intoOther.ok(), describe(intoOther).constData());
    QCOMPARE(intoOther->result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(intoOther->error().kind(), DbError::Kind::SlotTaken);
    // The alternatives are those of the move: 12:00 + 65 minutes, on the grid.
    QVERIFY(!intoOther->alternatives.isEmpty());
    QCOMPARE(intoOther->alternatives.first().start, at(QStringLiteral("13:15")));
    QCOMPARE(placeOf(id), QStringLiteral("09:45-10:45-10:50@") + bay);
    QCOMPARE(placeOf(other.booking.id), QStringLiteral("12:00-13:00-13:05@") + bay);
}

void TestBookingEngineLifecycle::rescheduleKeepsTheAddOnMinutesItWasBookedWith()
{
    // Detail with odour: 60 + 15 minutes, so the last start is 16:45.
    BookingRequest r = request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("ADD1"));
    r.slot.addonIds = {m_f.odour};
    const BookingOutcome made = book(r);
    QVERIFY(made.isBooked());
    // The odour treatment takes 45 minutes from now on; this booking keeps its 15.
    sql(QStringLiteral("UPDATE addons SET extra_minutes = 45 WHERE id = %1").arg(m_f.odour));
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    detail.addonIds = {m_f.odour};
    QCOMPARE(startsOn(detail).last(), QStringLiteral("16:15")); // a new booking: 105 minutes
    detail.ignoreBookingId = made.booking.id;
    const QStringList forTheMove = startsOn(detail);
    QCOMPARE(forTheMove.last(), QStringLiteral("16:45"));
    QVERIFY(forTheMove.contains(QStringLiteral("10:30"))); // overlaps itself
    // What the list offers, the move accepts, with the minutes as booked.
    auto last = reschedule(made.booking.id, QStringLiteral("16:45"));
    QVERIFY2(last.ok(), describe(last).constData());
    QCOMPARE(last->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(made.booking.id), QStringLiteral("16:45-18:00-18:05@%1").arg(m_f.detailBay));
}

void TestBookingEngineLifecycle::rescheduleKeepsAServiceAndAddOnTakenOffTheMenu()
{
    BookingRequest r = request(m_f.detail, QStringLiteral("10:00"), QStringLiteral("MENU1"));
    r.slot.addonIds = {m_f.odour};
    const BookingOutcome made = book(r);
    QVERIFY(made.isBooked());
    // The manager takes the detail and the odour treatment off the menu.
    sql(QStringLiteral("UPDATE services SET active = false WHERE id = %1").arg(m_f.detail));
    sql(QStringLiteral("UPDATE addons SET active = false WHERE id = %1").arg(m_f.odour));
    sql(QStringLiteral("DELETE FROM service_addons WHERE service_id = %1 AND addon_id = %2")
            .arg(m_f.detail)
            .arg(m_f.odour));

    // Nobody can book them any more…
    BookingRequest again = request(m_f.detail, QStringLiteral("14:00"), QStringLiteral("MENU2"));
    again.slot.addonIds = {m_f.odour};
    const BookingOutcome refused = book(again);
    QCOMPARE(refused.result, BookingOutcome::Result::Invalid);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    detail.addonIds = {m_f.odour};
    QVERIFY(startsOn(detail).isEmpty());

    // …but the customer who booked them keeps them when the booking moves.
    detail.ignoreBookingId = made.booking.id;
    QVERIFY(startsOn(detail).contains(QStringLiteral("14:00")));
    auto moved = reschedule(made.booking.id, QStringLiteral("14:00"));
    QVERIFY2(moved.ok(), describe(moved).constData());
    QCOMPARE(moved->result, BookingOutcome::Result::Booked);
    QCOMPARE(placeOf(made.booking.id), QStringLiteral("14:00-15:15-15:20@%1").arg(m_f.detailBay));

    // Another booking cannot borrow them by asking as a move of this one.
    BookingRequest borrowed = request(m_f.detail, QStringLiteral("16:00"), QStringLiteral("MENU3"));
    borrowed.slot.addonIds = {m_f.odour};
    borrowed.slot.ignoreBookingId = made.booking.id; // cleared by normalised()
    QCOMPARE(book(borrowed).result, BookingOutcome::Result::Invalid);
}

void TestBookingEngineLifecycle::rescheduleAtItsOwnStartTakesAnotherBayOrSaysItIsThere()
{
    const BookingOutcome made = book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("SAME1")));
    QCOMPARE(made.booking.bay.id, m_f.lane1);
    const qint64 id = made.booking.id;
    // Its own start on its own bay is no move.
    auto stay = reschedule(id, QStringLiteral("10:00"), m_f.lane1);
    QVERIFY(!stay.ok());
    QCOMPARE(stay.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(stay.error().message().contains(QStringLiteral("already")), qPrintable(stay.error().message()));
    // Its own start on the first free bay: the other lane.
    auto other = reschedule(id, QStringLiteral("10:00"));
    QVERIFY2(other.ok(), describe(other).constData());
    QCOMPARE(other->result, BookingOutcome::Result::Booked);
    QCOMPARE(other->booking.bay.id, m_f.lane2);
    // Lane 1 taken meanwhile: no other bay at that time, and it says where it is.
    QVERIFY(book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("SAME2"))).isBooked());
    auto none = reschedule(id, QStringLiteral("10:00"));
    QVERIFY(!none.ok());
    QCOMPARE(none.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(none.error().message().contains(QStringLiteral("Lane 2")), qPrintable(none.error().message()));
    QCOMPARE(placeOf(id), QStringLiteral("10:00-10:20-10:25@%1").arg(m_f.lane2));
}

QTEST_GUILESS_MAIN(TestBookingEngineLifecycle)
#include "tst_bookingengine_lifecycle.moc"
