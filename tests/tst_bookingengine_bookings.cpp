// Booking through the booking engine against a real PostgreSQL, through the
// real pool: prices and times from the catalogue, starts the rules refuse,
// the last free bay and the alternatives offered when a slot is taken,
// idempotent retries (also concurrent ones with one key), holds that expire,
// and customers found by plate, phone and name.
#include "db/bookings/bookingrepo.h"
#include "db/calendar/openinghours.h"
#include "db/customers/customerrepo.h"
#include "db/text/isotime.h"
#include "tests/bookingenginefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestBookingEngineBookings : public QObject, protected BookingEngineFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void bookingTakesPricesAndTimesFromTheCatalogue();
    void bookingRefusesStartsTheRulesDoNotAllow_data();
    void bookingRefusesStartsTheRulesDoNotAllow();
    void bookingTheLastFreeBayThenSlotTakenWithAlternatives();
    void idempotentRetryReturnsTheSameBooking();
    void concurrentRetriesWithOneKeyMakeOneBooking();
    void holdBlocksUntilItExpiresThenFreesTheSlot();
    void customersAreFoundByPlatePhoneAndName();
};

void TestBookingEngineBookings::initTestCase()
{
    startEngine(QStringLiteral("tst_bookingengine_bookings"));
}

void TestBookingEngineBookings::init()
{
    resetCatalogue();
}

void TestBookingEngineBookings::cleanupTestCase()
{
    stopEngine();
}

void TestBookingEngineBookings::bookingTakesPricesAndTimesFromTheCatalogue()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("09:00"), QStringLiteral(" ab-12 cd "));
    r.slot.vehicleClass = QStringLiteral("suv");
    r.slot.addonIds = {m_f.wax};
    r.name = QStringLiteral("  Jürgen Müller ");
    r.phone = QStringLiteral("+1 (555) 010-0199");
    r.email = QStringLiteral("jm@example.com");
    const BookingOutcome outcome = book(r);
    QCOMPARE(outcome.result, BookingOutcome::Result::Booked);
    const Booking &b = outcome.booking;
    QCOMPARE(b.priceCents, 1500 + 500);
    QCOMPARE(b.currency, QStringLiteral("USD"));
    QCOMPARE(b.start, at(QStringLiteral("09:00")));
    QCOMPARE(b.start.secsTo(b.end), 30 * 60);
    QCOMPARE(b.end.secsTo(b.blockedUntil), 5 * 60);
    QCOMPARE(b.plate, QStringLiteral("AB12CD"));
    QCOMPARE(b.customerName, QStringLiteral("Jürgen Müller"));
    QCOMPARE(b.status, QStringLiteral("confirmed"));
    QCOMPARE(b.bay.id, m_f.lane1);
    QCOMPARE(b.addons.size(), 1);
    QCOMPARE(b.addons.first().priceCents, 500);
    QVERIFY(QRegularExpression(QStringLiteral("^[2-9A-HJKMNP-Z]{6}$")).match(b.code).hasMatch());
    const QJsonObject j = b.toJson();
    for (const char *key : {"id", "code", "status", "bay", "start", "end", "service", "vehicle", "addons",
                            "price_cents", "currency", "plate", "customer"})
        QVERIFY2(j.contains(QLatin1String(key)), key);
    QCOMPARE(j[u"start"].toString(), IsoTime::format(at(QStringLiteral("09:00")), m_zone));
    QCOMPARE(j[u"customer"][u"phone"].toString(), r.phone);
    // Stored as computed in SQL, and the audit trail has it.
    QCOMPARE(value(QStringLiteral("SELECT price_cents FROM bookings")).toLongLong(), 2000);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.create'")).toInt(),
             1);
    // A later price change leaves the booking's price alone.
    sql(QStringLiteral("UPDATE service_prices SET price_cents = 9999"));
    auto again = run(QStringLiteral("booking.get"),
                     [id = b.id](QSqlDatabase &db) { return BookingRepo(db).byId(id); });
    QCOMPARE(again.value()->priceCents, 2000);
}

void TestBookingEngineBookings::bookingRefusesStartsTheRulesDoNotAllow_data()
{
    QTest::addColumn<QString>("local");
    QTest::addColumn<int>("dayOffset");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("before opening") << "07:45" << 0 << "outside the opening hours";
    QTest::newRow("would end after closing") << "17:45" << 0 << "outside the opening hours";
    QTest::newRow("off the grid") << "09:05" << 0 << "every 15 minute";
    QTest::newRow("in the past") << "09:00" << -10 << "in the past";
    QTest::newRow("beyond the horizon") << "09:00" << 70 << "too far ahead";
}

void TestBookingEngineBookings::bookingRefusesStartsTheRulesDoNotAllow()
{
    QFETCH(QString, local);
    QFETCH(int, dayOffset);
    QFETCH(QString, mentions);
    const BookingOutcome outcome
        = book(request(m_f.wash, local, QStringLiteral("RULE1"), m_day.addDays(dayOffset)));
    QCOMPARE(outcome.result, BookingOutcome::Result::Invalid);
    QCOMPARE(outcome.errors.size(), 1);
    QCOMPARE(outcome.errors.first().field, QStringLiteral("start"));
    QVERIFY2(outcome.errors.first().message.contains(mentions), qPrintable(outcome.errors.first().message));
}

void TestBookingEngineBookings::bookingTheLastFreeBayThenSlotTakenWithAlternatives()
{
    const BookingOutcome first = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB1")));
    const BookingOutcome second = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB2")));
    QCOMPARE(first.booking.bay.id, m_f.lane1);
    QCOMPARE(second.booking.bay.id, m_f.lane2);
    QVERIFY(first.booking.code != second.booking.code);
    const BookingOutcome third = book(request(m_f.wash, QStringLiteral("11:00"), QStringLiteral("LB3")));
    QCOMPARE(third.result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(third.error().kind(), DbError::Kind::SlotTaken);
    QCOMPARE(third.alternatives.size(), BookingRepo::AlternativeCount);
    // 11:00 + 20 + 5 buffer: 11:30 is the first start free again.
    QCOMPARE(third.alternatives.first().start, at(QStringLiteral("11:30")));
    // Asking for a busy bay is slot taken too, even with another bay free.
    BookingRequest onLane1 = request(m_f.wash, QStringLiteral("12:00"), QStringLiteral("LB4"));
    QVERIFY(book(onLane1).isBooked());
    onLane1.plate = QStringLiteral("LB5");
    onLane1.slot.bayId = m_f.lane1;
    const BookingOutcome busy = book(onLane1);
    QCOMPARE(busy.result, BookingOutcome::Result::SlotTaken);
    QCOMPARE(busy.alternatives.first().start, at(QStringLiteral("12:00"))); // lane 2 is free then
    QCOMPARE(busy.alternatives.first().bays.first().id, m_f.lane2);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 3);
}

void TestBookingEngineBookings::idempotentRetryReturnsTheSameBooking()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("13:00"), QStringLiteral("IDEM1"));
    r.idempotencyKey = QStringLiteral("kiosk-7f3a");
    const BookingOutcome first = book(r);
    QCOMPARE(first.result, BookingOutcome::Result::Booked);
    // The same request, the start spelt in UTC.
    BookingRequest retry = r;
    retry.start = r.start.toUTC();
    const BookingOutcome second = book(retry);
    QCOMPARE(second.result, BookingOutcome::Result::Replayed);
    QCOMPARE(QJsonDocument(second.booking.toJson()).toJson(), QJsonDocument(first.booking.toJson()).toJson());
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);

    BookingRequest other = r;
    other.start = at(QStringLiteral("13:15"));
    const BookingOutcome refused = book(other);
    QCOMPARE(refused.result, BookingOutcome::Result::Invalid);
    QCOMPARE(refused.errors.first().field, QStringLiteral("idempotency_key"));
    QVERIFY(refused.errors.first().message.contains(QString::number(first.booking.id)));
    other = r;
    other.name = QStringLiteral("Someone Else");
    QCOMPARE(book(other).errors.value(0).field, QStringLiteral("idempotency_key"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
}

void TestBookingEngineBookings::concurrentRetriesWithOneKeyMakeOneBooking()
{
    BookingRequest r = request(m_f.wash, QStringLiteral("14:00"), QStringLiteral("IDEM2"));
    r.idempotencyKey = QStringLiteral("double-tap");
    QList<QFuture<DbResult<BookingOutcome>>> futures;
    for (int i = 0; i < 8; ++i)
        futures << m_pool->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                     [r](QSqlDatabase &db) { return BookingRepo(db).create(r); });
    QSet<qint64> ids;
    int booked = 0;
    for (auto &f : futures) {
        const DbResult<BookingOutcome> outcome = f.result();
        QVERIFY2(outcome.ok(), describe(outcome).constData());
        QVERIFY(outcome->isBooked());
        booked += outcome->result == BookingOutcome::Result::Booked;
        ids.insert(outcome->booking.id);
    }
    QCOMPARE(booked, 1);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
}

void TestBookingEngineBookings::holdBlocksUntilItExpiresThenFreesTheSlot()
{
    sql(QStringLiteral("UPDATE site_settings SET value = '1' WHERE key = 'booking.hold_minutes'"));
    BookingRequest kiosk = request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("HOLD1"));
    kiosk.hold = true;
    const BookingOutcome held = book(kiosk);
    QCOMPARE(held.booking.status, QStringLiteral("held"));
    QVERIFY(held.booking.holdExpiresAt);
    const qint64 holdSeconds
        = value(QStringLiteral("SELECT extract(epoch FROM hold_expires_at - created_at)::int "
                               "FROM bookings"))
              .toLongLong();
    QCOMPARE(holdSeconds, 60);

    // Unpaid but unexpired: the one detail bay is taken.
    const BookingOutcome walkIn = book(request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("WALK1")));
    QCOMPARE(walkIn.result, BookingOutcome::Result::SlotTaken);

    // Its time passes (made to pass, rather than waited for).
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second'"));
    const BookingOutcome later = book(request(m_f.detail, QStringLiteral("15:00"), QStringLiteral("WALK1")));
    QCOMPARE(later.result, BookingOutcome::Result::Booked);
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE plate = 'HOLD1'")).toString(),
             QStringLiteral("expired"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE actor = 'system' AND "
                                  "details->>'to' = 'expired'"))
                 .toInt(),
             1);
    // The lapsed hold cannot be paid for any more.
    auto confirm = run(QStringLiteral("booking.status"), [code = held.booking.code](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(code, QStringLiteral("confirmed"), QStringLiteral("payments"),
                                            QStringLiteral("paid"));
    });
    QVERIFY(!confirm.ok());
    QCOMPARE(confirm.error().kind(), DbError::Kind::Invalid);

    // A hold paid in time becomes confirmed and keeps its slot.
    BookingRequest second = request(m_f.detail, QStringLiteral("16:30"), QStringLiteral("HOLD2"));
    second.hold = true;
    const BookingOutcome paid = book(second);
    auto confirmed = run(QStringLiteral("booking.status"), [id = paid.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("confirmed"),
                                            QStringLiteral("payments"), QStringLiteral("paid"));
    });
    QVERIFY2(confirmed.ok(), describe(confirmed).constData());
    QCOMPARE(confirmed->status, QStringLiteral("confirmed"));
}

void TestBookingEngineBookings::customersAreFoundByPlatePhoneAndName()
{
    struct Person
    {
        const char *name;
        const char *plate;
        const char *phone;
    };
    const QList<Person> people = {
        {"Jürgen Müller", "B-JM 1234", "+49 30 1234567"},
        {"Дмитрий Иванов", "А123ВС77", "+7 495 765-43-21"},
        {"山田太郎", "品川500", ""},
        {"Robert'); DROP TABLE customers;--", "XKCD327", "555 0100"},
    };
    int minute = 8 * 60;
    for (const Person &p : people) {
        BookingRequest r = request(m_f.wash, OpeningHours::clockText(minute), QString::fromUtf8(p.plate));
        minute += 30;
        r.name = QString::fromUtf8(p.name);
        r.phone = QString::fromUtf8(p.phone);
        const BookingOutcome o = book(r);
        QVERIFY2(o.isBooked(), o.errors.isEmpty() ? "" : qPrintable(o.errors.first().message));
        QCOMPARE(o.booking.customerName, r.name);
    }
    auto find = [this](const QString &text) {
        auto r = run(QStringLiteral("customers.find"),
                     [text](QSqlDatabase &db) { return CustomerRepo(db).find(text); });
        QStringList names;
        for (const Customer &c : r.value())
            names << c.name;
        return names;
    };
    QCOMPARE(find(QStringLiteral("bjm")), QStringList {QStringLiteral("Jürgen Müller")});
    QCOMPARE(find(QStringLiteral("b-jm 12")), QStringList {QStringLiteral("Jürgen Müller")});
    QCOMPARE(find(QStringLiteral("765 43")), QStringList {QStringLiteral("Дмитрий Иванов")});
    QCOMPARE(find(QStringLiteral("Дмитрий")), QStringList {QStringLiteral("Дмитрий Иванов")});
    QCOMPARE(find(QStringLiteral("山田")), QStringList {QStringLiteral("山田太郎")});
    QCOMPARE(find(QStringLiteral("品川500")), QStringList {QStringLiteral("山田太郎")});
    QCOMPARE(find(QStringLiteral("DROP TABLE")),
             QStringList {QStringLiteral("Robert'); DROP TABLE customers;--")});
    QCOMPARE(find(QStringLiteral("%")), QStringList());
    auto full = run(QStringLiteral("customers.find"),
                    [](QSqlDatabase &db) { return CustomerRepo(db).find(QStringLiteral("xkcd")); });
    QCOMPARE(full->size(), 1);
    QCOMPARE(full->first().visits.size(), 1);
    QCOMPARE(full->first().visits.first().serviceName, QStringLiteral("Wash"));
    QCOMPARE(full->first().vehicles.first().first, QStringLiteral("XKCD327"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM customers")).toInt(), 4);
}

QTEST_GUILESS_MAIN(TestBookingEngineBookings)
#include "tst_bookingengine_bookings.moc"
