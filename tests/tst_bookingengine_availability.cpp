// The booking engine's calendar and availability against a real PostgreSQL,
// through the real pool: settings validated against their range, hours and
// closures with their audit, availability from the database (one statement
// per request, whatever the day), the next free start, and a day on which
// the clocks change.
#include "db/availability/availabilityrepo.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/closure.h"
#include "db/calendar/openinghours.h"
#include "db/calendar/settingsrepo.h"
#include "db/health/poolmonitor.h"
#include "db/text/isotime.h"
#include "tests/bookingenginefixture.h"

#include <QTest>

class TestBookingEngineAvailability : public QObject, protected BookingEngineFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void settingsAreValidatedAgainstTheirRange_data();
    void settingsAreValidatedAgainstTheirRange();
    void hoursAndClosuresRoundTripWithAudit();
    void availabilityFollowsHoursBookingsAndHolds();
    void availabilityRefusesWhatTheCatalogueDoesNotOffer_data();
    void availabilityRefusesWhatTheCatalogueDoesNotOffer();
    void availabilityIsOneStatementWhateverTheDay();
    void nextFindsTheEarliestFreeStart();
    void availabilityOnTheNextDstChangeHasTheRightOffsets();
};

void TestBookingEngineAvailability::initTestCase()
{
    startEngine(QStringLiteral("tst_bookingengine_availability"));
}

void TestBookingEngineAvailability::init()
{
    resetCatalogue();
}

void TestBookingEngineAvailability::cleanupTestCase()
{
    stopEngine();
}

void TestBookingEngineAvailability::settingsAreValidatedAgainstTheirRange_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("slot 15") << "booking.slot_minutes"
                             << "15" << true << "";
    QTest::newRow("slot 4") << "booking.slot_minutes"
                            << "4" << false << "5 to 240";
    QTest::newRow("slot 241") << "booking.slot_minutes"
                              << "241" << false << "5 to 240";
    QTest::newRow("slot text") << "booking.slot_minutes"
                               << "ten" << false << "booking.slot_minutes";
    QTest::newRow("buffer 0") << "booking.buffer_minutes"
                              << "0" << true << "";
    QTest::newRow("buffer -1") << "booking.buffer_minutes"
                               << "-1" << false << "0 to 240";
    QTest::newRow("notice a week") << "booking.min_notice_minutes"
                                   << "10080" << true << "";
    QTest::newRow("notice over a week") << "booking.min_notice_minutes"
                                        << "10081" << false << "0 to 10080";
    QTest::newRow("horizon 0") << "booking.horizon_days"
                               << "0" << false << "1 to 365";
    QTest::newRow("horizon 365") << "booking.horizon_days"
                                 << "365" << true << "";
    QTest::newRow("hold 121") << "booking.hold_minutes"
                              << "121" << false << "1 to 120";
    QTest::newRow("zone Berlin") << "site.timezone"
                                 << "Europe/Berlin" << true << "";
    QTest::newRow("zone nonsense") << "site.timezone"
                                   << "Mars/Olympus_Mons" << false << "IANA";
    QTest::newRow("zone SQL") << "site.timezone"
                              << "UTC'; DROP TABLE bookings;--" << false << "IANA";
    QTest::newRow("unknown key") << "booking.colour"
                                 << "blue" << false << "booking.slot_minutes";
}

void TestBookingEngineAvailability::settingsAreValidatedAgainstTheirRange()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    QFETCH(QString, mentions);
    auto set = run(QStringLiteral("settings.set"), [key, value](QSqlDatabase &db) {
        return SettingsRepo(db).set(key, value, QStringLiteral("test"));
    });
    QCOMPARE(set.ok(), accepted);
    auto got
        = run(QStringLiteral("settings.get"), [key](QSqlDatabase &db) { return SettingsRepo(db).get(key); });
    if (accepted) {
        QCOMPARE(got->value, value);
        QCOMPARE(this->value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'setting.set' AND "
                                            "entity_id = '%1' AND actor = 'test'")
                                 .arg(key))
                     .toInt(),
                 1);
    } else {
        QCOMPARE(set.error().kind(), DbError::Kind::Invalid);
        QVERIFY2(set.error().message().contains(mentions), qPrintable(set.error().message()));
        QVERIFY2(set.error().message().contains(key), qPrintable(set.error().message()));
        QCOMPARE(this->value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(this->value(QStringLiteral("SELECT to_regclass('bookings') IS NOT NULL")).toBool(), true);
    }
}

void TestBookingEngineAvailability::hoursAndClosuresRoundTripWithAudit()
{
    QString error;
    const auto wednesday = OpeningHours::parse(3, QStringLiteral("12:30-19:00,08:00-12:00"), &error);
    QVERIFY2(wednesday, qPrintable(error));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("08:00-12:00,11:00-13:00"), &error));
    QVERIFY(error.contains(u"overlap"));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("12:00-08:00"), &error));
    QVERIFY(!OpeningHours::parse(3, QStringLiteral("8-12"), &error));
    QVERIFY(error.contains(u"HH:MM-HH:MM"));
    const QList<OpeningPeriod> periods = *wednesday;

    auto hours = run(QStringLiteral("hours"), [periods](QSqlDatabase &db) {
        CalendarRepo calendar(db);
        calendar.setHours(3, periods, QStringLiteral("test"));
        calendar.setHours(7, {}, QStringLiteral("test"));
        return calendar.hours();
    });
    QVERIFY2(hours.ok(), describe(hours).constData());
    QList<OpeningPeriod> wed;
    for (const OpeningPeriod &p : hours.value()) {
        QVERIFY(p.weekday != 7);
        if (p.weekday == 3)
            wed.append(p);
    }
    QCOMPARE(OpeningHours::format(wed), QStringLiteral("08:00-12:00,12:30-19:00"));

    const QDate from = m_day;
    auto closures = run(QStringLiteral("closures"), [from](QSqlDatabase &db) {
        CalendarRepo calendar(db);
        const DbResult<Closure> added
            = calendar.addClosure(from, from.addDays(1), QStringLiteral("Robert'); DROP TABLE closures;--"),
                                  QStringLiteral("test"));
        const DbResult<Closure> backwards
            = calendar.addClosure(from, from.addDays(-1), QString(), QStringLiteral("test"));
        const DbResult<Closure> missing = calendar.removeClosure(999, QStringLiteral("test"));
        return QList<QVariant> {added.ok(), added->reason, backwards.error().kind() == DbError::Kind::Invalid,
                                missing.error().kind() == DbError::Kind::NotFound,
                                calendar.closures().size()};
    });
    QVERIFY2(closures.ok(), describe(closures).constData());
    QCOMPARE(closures->at(0).toBool(), true);
    QCOMPARE(closures->at(1).toString(), QStringLiteral("Robert'); DROP TABLE closures;--"));
    QCOMPARE(closures->at(2).toBool(), true);
    QCOMPARE(closures->at(3).toBool(), true);
    QCOMPARE(closures->at(4).toInt(), 1);
    QCOMPARE(value(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log")).toString(),
             QStringLiteral("hours.set,hours.set,closure.add"));
}

void TestBookingEngineAvailability::availabilityFollowsHoursBookingsAndHolds()
{
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    const QDate day = m_day;
    auto slotsNow = [&] {
        auto r = run(QStringLiteral("availability"),
                     [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
        QHash<QString, int> bays;
        for (const PlannedSlot &s : r.value())
            bays.insert(hhmm(s.start), int(s.bays.size()));
        return bays;
    };
    QHash<QString, int> free = slotsNow();
    QCOMPARE(free.size(), 39); // 08:00 … 17:30 every 15 minutes (20 minutes must end by 18:00)
    QCOMPARE(free.value(QStringLiteral("08:00")), 2); // the inactive lane never counts

    // A confirmed booking 10:00-10:20 (+5 buffer) on lane 1 takes lane 1
    // from 09:45 (would run into it) to 10:15 (its buffer).
    QVERIFY(book(request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("AA11"))).isBooked());
    free = slotsNow();
    QCOMPARE(free.value(QStringLiteral("09:30")), 2);
    QCOMPARE(free.value(QStringLiteral("09:45")), 1);
    QCOMPARE(free.value(QStringLiteral("10:00")), 1);
    QCOMPARE(free.value(QStringLiteral("10:15")), 1);
    QCOMPARE(free.value(QStringLiteral("10:30")), 2);

    // A live hold on lane 2 at 10:00 closes the 10:00 start entirely.
    BookingRequest hold = request(m_f.wash, QStringLiteral("10:00"), QStringLiteral("BB22"));
    hold.hold = true;
    QCOMPARE(book(hold).booking.status, QStringLiteral("held"));
    free = slotsNow();
    QVERIFY(!free.contains(QStringLiteral("10:00")));
    // Expired: free again, without anyone touching its status.
    sql(QStringLiteral(
        "UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE status = 'held'"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'held'")).toInt(), 1);
    free = slotsNow();
    QCOMPARE(free.value(QStringLiteral("10:00")), 1);
    // Cancelled: free.
    sql(QStringLiteral("UPDATE bookings SET status = 'cancelled' WHERE plate = 'AA11'"));
    QCOMPARE(slotsNow().value(QStringLiteral("10:00")), 2);

    // A closure removes the day; a closed weekday too.
    sql(QStringLiteral("INSERT INTO closures (starts_on, ends_on) VALUES ('%1', '%1')")
            .arg(m_day.toString(Qt::ISODate)));
    QVERIFY(slotsNow().isEmpty());
    sql(QStringLiteral("DELETE FROM closures"));
    sql(QStringLiteral("DELETE FROM opening_hours WHERE weekday = %1").arg(m_day.dayOfWeek()));
    QVERIFY(slotsNow().isEmpty());
    sql(QStringLiteral("INSERT INTO opening_hours VALUES (%1, '08:00', '09:00'), (%1, '12:00', '13:00')")
            .arg(m_day.dayOfWeek()));
    QCOMPARE(slotsNow().size(), 6); // 08:00 08:15 08:30 12:00 12:15 12:30

    // Add-ons lengthen the wash: 30 minutes end by 09:00 from 08:30 at the latest.
    wash.addonIds = {m_f.wax};
    auto withWax = run(QStringLiteral("availability"),
                       [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
    QStringList starts;
    for (const PlannedSlot &s : withWax.value()) {
        starts << hhmm(s.start);
        QCOMPARE(s.start.secsTo(s.end), 30 * 60);
    }
    QCOMPARE(starts.join(QLatin1Char(' ')), QStringLiteral("08:00 08:15 08:30 12:00 12:15 12:30"));
    sql(QStringLiteral("UPDATE site_settings SET value = '30' WHERE key = 'booking.slot_minutes'"));
    starts.clear();
    const auto halfHourly = run(QStringLiteral("availability"), [wash, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(wash, day);
    });
    for (const PlannedSlot &s : halfHourly.value())
        starts << hhmm(s.start);
    QCOMPARE(starts.join(QLatin1Char(' ')), QStringLiteral("08:00 08:30 12:00 12:30"));
}

void TestBookingEngineAvailability::availabilityRefusesWhatTheCatalogueDoesNotOffer_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("field");
    QTest::newRow("no such service") << "service"
                                     << "service";
    QTest::newRow("a truck for a wash that takes cars and SUVs") << "truck"
                                                                 << "vehicle";
    QTest::newRow("an add-on of another service") << "odour"
                                                  << "addon";
    QTest::newRow("no such add-on") << "addon"
                                    << "addon";
    QTest::newRow("a bay that does not offer it") << "bay"
                                                  << "bay";
    QTest::newRow("an inactive bay") << "closed"
                                     << "bay";
    QTest::newRow("an inactive service") << "inactive"
                                         << "service";
}

void TestBookingEngineAvailability::availabilityRefusesWhatTheCatalogueDoesNotOffer()
{
    QFETCH(QString, what);
    QFETCH(QString, field);
    AvailabilityRequest r;
    r.serviceId = m_f.wash;
    if (what == u"service")
        r.serviceId = 9999;
    if (what == u"truck")
        r.vehicleClass = QStringLiteral("truck");
    if (what == u"odour")
        r.addonIds = {m_f.odour};
    if (what == u"addon")
        r.addonIds = {9999};
    if (what == u"bay")
        r.bayId = m_f.detailBay;
    if (what == u"closed")
        r.bayId = m_f.closedLane;
    if (what == u"inactive")
        sql(QStringLiteral("UPDATE services SET active = false"));
    const QDate day = m_day;
    auto result = run(QStringLiteral("availability"),
                      [r, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(r, day); });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(result.error().message().startsWith(field + QLatin1Char(':')),
             qPrintable(result.error().message()));

    // The same request as a booking names the same field.
    BookingRequest b = request(m_f.wash, QStringLiteral("09:00"), QStringLiteral("CAT1"));
    b.slot = r;
    const BookingOutcome outcome = book(b);
    QCOMPARE(outcome.result, BookingOutcome::Result::Invalid);
    QVERIFY(std::any_of(outcome.errors.cbegin(), outcome.errors.cend(),
                        [&field](const FieldError &e) { return e.field == field; }));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0);
}

void TestBookingEngineAvailability::availabilityIsOneStatementWhateverTheDay()
{
    // A pool that records every statement under its label.
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_bookingengine-count"));
    config.slowQueryThresholdMs = 0;
    config.maxQueryHistory = 1000;
    ConnectionPool counting(config);
    for (int i = 0; i < 30; ++i)
        QVERIFY(book(request(m_f.wash, OpeningHours::clockText(8 * 60 + 30 * (i / 2)),
                             QStringLiteral("CNT%1").arg(i)))
                    .isBooked());
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    wash.addonIds = {m_f.wax};
    const QDate day = m_day;
    auto starts = counting
                      .withConnection(
                          QStringLiteral("availability.day"),
                          [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); })
                      .result();
    QVERIFY(starts.ok());
    QVERIFY(!starts->isEmpty());
    // For a move, looking past the booking being moved costs no more.
    AvailabilityRequest moving = wash;
    moving.ignoreBookingId = 1; // the first of the bookings above
    auto forTheMove = counting
                          .withConnection(QStringLiteral("availability.move"),
                                          [moving, day](QSqlDatabase &db) {
                                              return AvailabilityRepo(db).forDate(moving, day);
                                          })
                          .result();
    QVERIFY(forTheMove.ok());
    QVERIFY(forTheMove->size() >= starts->size());
    int statements = 0;
    int moveStatements = 0;
    for (const SlowQuery &q : counting.monitor().snapshot().slowQueries) {
        statements += q.label == u"availability.day";
        moveStatements += q.label == u"availability.move";
    }
    QCOMPARE(statements, 1);
    QCOMPARE(moveStatements, 1);
}

void TestBookingEngineAvailability::nextFindsTheEarliestFreeStart()
{
    // Today might be nearly over; close today and tomorrow so the answer is
    // the day after tomorrow's opening, then fill its first starts.
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date();
    sql(QStringLiteral("INSERT INTO closures (starts_on, ends_on) VALUES ('%1', '%2')")
            .arg(today.toString(Qt::ISODate), today.addDays(1).toString(Qt::ISODate)));
    const QDate target = today.addDays(2);
    AvailabilityRequest detail;
    detail.serviceId = m_f.detail;
    auto next = [&] {
        auto r = run(QStringLiteral("availability.next"),
                     [detail](QSqlDatabase &db) { return AvailabilityRepo(db).next(detail); });
        return r.value();
    };
    std::optional<PlannedSlot> found = next();
    QVERIFY(found);
    QCOMPARE(found->start, at(QStringLiteral("08:00"), target));
    QCOMPARE(found->bays.first().id, m_f.detailBay);
    // 60 minutes + 5 buffer from 08:00: the next start is 09:15.
    QVERIFY(book(request(m_f.detail, QStringLiteral("08:00"), QStringLiteral("NX1"), target)).isBooked());
    found = next();
    QCOMPARE(found->start, at(QStringLiteral("09:15"), target));
    // The whole horizon closed: nothing.
    sql(QStringLiteral("UPDATE closures SET ends_on = ends_on + 400"));
    QVERIFY(!next());
}

void TestBookingEngineAvailability::availabilityOnTheNextDstChangeHasTheRightOffsets()
{
    // Whatever today is, the zone's next clock change is within a year.
    const QTimeZone::OffsetData change = m_zone.nextTransition(QDateTime::currentDateTimeUtc().addDays(2));
    QVERIFY(change.atUtc.isValid());
    const QDate day = change.atUtc.toTimeZone(m_zone).date();
    sql(QStringLiteral("UPDATE site_settings SET value = '365' WHERE key = 'booking.horizon_days'"));
    sql(QStringLiteral("UPDATE site_settings SET value = '30' WHERE key = 'booking.slot_minutes'"));
    sql(QStringLiteral("DELETE FROM opening_hours WHERE weekday = %1").arg(day.dayOfWeek()));
    sql(QStringLiteral("INSERT INTO opening_hours VALUES (%1, '00:00', '24:00')").arg(day.dayOfWeek()));
    AvailabilityRequest wash;
    wash.serviceId = m_f.wash;
    auto r = run(QStringLiteral("availability"),
                 [wash, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(wash, day); });
    QVERIFY2(r.ok(), describe(r).constData());
    const bool springForward = change.offsetFromUtc > m_zone.offsetFromUtc(change.atUtc.addSecs(-1));
    QCOMPARE(r->size(), springForward ? 46 : 48);
    QSet<QString> wallTimes;
    for (qsizetype i = 0; i < r->size(); ++i) {
        const PlannedSlot &s = r->at(i);
        const QString text = IsoTime::format(s.start);
        QCOMPARE(s.start.offsetFromUtc(), m_zone.offsetFromUtc(s.start));
        QVERIFY2(text.startsWith(day.toString(Qt::ISODate)), qPrintable(text));
        QVERIFY2(s.start.time().minute() % 30 == 0, qPrintable(text));
        QVERIFY(!wallTimes.contains(hhmm(s.start)));
        wallTimes.insert(hhmm(s.start));
        if (i > 0)
            QVERIFY(r->at(i - 1).start < s.start);
    }
    // The booking path agrees: the first start of the changed hour books.
    QVERIFY(book(request(m_f.wash, QStringLiteral("03:00"), QStringLiteral("DST1"), day)).isBooked());
}

QTEST_GUILESS_MAIN(TestBookingEngineAvailability)
#include "tst_bookingengine_availability.moc"
