// carwash-admin's site commands as an operator or a script uses them: real
// processes against a real PostgreSQL. Settings, opening hours and closures,
// availability and the next start as JSON, and the demo day that fills the
// board once with statuses that follow the clock. Exit codes, JSON shapes,
// every refused input named.
#include "tests/bookingclifixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using AdminProcess::Run;

class TestBookingCliSite : public QObject, protected BookingCliFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startCluster(); }
    void init() { resetSite(); }

    void settingsCommands_data();
    void settingsCommands();
    void hoursAndClosureCommands_data();
    void hoursAndClosureCommands();
    void availabilityAndNextPrintJson();
    void demoDayFillsTheBoardOnceWithStatusesThatFollowTheClock();
};

void TestBookingCliSite::settingsCommands_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("mentions"); // in stdout or stderr

    QTest::newRow("list") << words({"settings"}) << 0 << "booking.hold_minutes";
    QTest::newRow("get") << words({"settings", "get", "booking.slot_minutes"}) << 0 << "15";
    QTest::newRow("set in range") << words({"settings", "set", "booking.buffer_minutes", "10"}) << 0 << "10";
    QTest::newRow("set a zone") << words({"settings", "set", "site.timezone", "America/New_York"}) << 0
                                << "America/New_York";
    QTest::newRow("slot too small") << words({"settings", "set", "booking.slot_minutes", "4"}) << 2
                                    << "5 to 240";
    QTest::newRow("buffer too big") << words({"settings", "set", "booking.buffer_minutes", "241"}) << 2
                                    << "0 to 240";
    QTest::newRow("notice negative") << words({"settings", "set", "booking.min_notice_minutes", "-5"}) << 2
                                     << "0 to 10080";
    QTest::newRow("horizon zero") << words({"settings", "set", "booking.horizon_days", "0"}) << 2
                                  << "1 to 365";
    QTest::newRow("hold too long") << words({"settings", "set", "booking.hold_minutes", "500"}) << 2
                                   << "1 to 120";
    QTest::newRow("hold not a number")
        << words({"settings", "set", "booking.hold_minutes", "1e2"}) << 2 << "booking.hold_minutes";
    QTest::newRow("bad zone") << words({"settings", "set", "site.timezone", "Europe/Atlantis"}) << 2
                              << "IANA";
    QTest::newRow("unknown key") << words({"settings", "get", "booking.colour"}) << 2
                                 << "booking.slot_minutes";
    QTest::newRow("set without value") << words({"settings", "set", "booking.slot_minutes"}) << 2 << "Usage";
    QTest::newRow("business name, any script")
        << words({"settings", "set", "site.name", "Автомойка Ёлка"}) << 0 << "Автомойка Ёлка";
    QTest::newRow("empty business name") << words({"settings", "set", "site.name", " "}) << 2 << "1 to 100";
    QTest::newRow("tax rate") << words({"settings", "set", "billing.tax_rate_percent", "8.25"}) << 0
                              << "8.25";
    QTest::newRow("tax rate three decimals")
        << words({"settings", "set", "billing.tax_rate_percent", "8.125"}) << 2 << "two decimals";
    QTest::newRow("tax rate over 100")
        << words({"settings", "set", "billing.tax_rate_percent", "101"}) << 2 << "billing.tax_rate_percent";
    QTest::newRow("negative tax rate")
        << words({"settings", "set", "billing.tax_rate_percent", "-1"}) << 2 << "billing.tax_rate_percent";
    QTest::newRow("currency") << words({"settings", "set", "billing.currency", "EUR"}) << 0 << "EUR";
    QTest::newRow("bad currency") << words({"settings", "set", "billing.currency", "EURO"}) << 2
                                  << "currency code";
    QTest::newRow("prices include tax")
        << words({"settings", "set", "billing.prices_include_tax", "false"}) << 0 << "false";
    QTest::newRow("not a boolean") << words({"settings", "set", "billing.prices_include_tax", "yes"}) << 2
                                   << "true or false";
}

void TestBookingCliSite::settingsCommands()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, mentions);
    const Run r = admin(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.out + r.err).contains(mentions), (r.out + r.err).constData());
    if (exitCode == 0 && args.value(1) == u"set") {
        const Run got
            = admin({QStringLiteral("settings"), QStringLiteral("get"), args[2], QStringLiteral("--json")});
        QCOMPARE(got.json()[u"value"].toString(), args[3]);
    }
    if (exitCode != 0)
        QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 0);
}

void TestBookingCliSite::hoursAndClosureCommands_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("hours") << words({"hours"}) << 0 << "mon  08:00-18:00";
    QTest::newRow("hours with a break")
        << words({"hours", "set", "wed", "08:00-12:00,12:30-19:00"}) << 0 << "wed  08:00-12:00,12:30-19:00";
    QTest::newRow("open until midnight")
        << words({"hours", "set", "FRIDAY", "16:00-24:00"}) << 0 << "16:00-24:00";
    QTest::newRow("closed sunday") << words({"hours", "set", "sun", "closed"}) << 0 << "sun  closed";
    QTest::newRow("unknown day") << words({"hours", "set", "someday", "08:00-12:00"}) << 2 << "mon, tue";
    QTest::newRow("backwards range") << words({"hours", "set", "mon", "18:00-08:00"}) << 2 << "HH:MM-HH:MM";
    QTest::newRow("overlapping ranges")
        << words({"hours", "set", "mon", "08:00-12:00,11:00-14:00"}) << 2 << "overlap";
    QTest::newRow("not a time") << words({"hours", "set", "mon", "8am-5pm"}) << 2 << "HH:MM-HH:MM";
    QTest::newRow("25 o'clock") << words({"hours", "set", "mon", "08:00-25:00"}) << 2 << "HH:MM-HH:MM";
    QTest::newRow("SQL as hours") << words({"hours", "set", "mon", "08:00-12:00'; DROP TABLE bookings;--"})
                                  << 2 << "HH:MM-HH:MM";
    QTest::newRow("closure of a day")
        << words({"closure", "add", "2030-12-25", "--reason", "Christmas"}) << 0 << "2030-12-25";
    QTest::newRow("closure of a week")
        << words({"closure", "add", "2030-07-01", "--to", "2030-07-07"}) << 0 << "2030-07-07";
    QTest::newRow("closure backwards")
        << words({"closure", "add", "2030-07-07", "--to", "2030-07-01"}) << 2 << "before";
    QTest::newRow("closure bad date") << words({"closure", "add", "2030-02-30"}) << 2 << "YYYY-MM-DD";
    QTest::newRow("closure US date") << words({"closure", "add", "12/25/2030"}) << 2 << "YYYY-MM-DD";
    QTest::newRow("closure list") << words({"closure", "list"}) << 0 << "No closures";
    QTest::newRow("closure remove unknown") << words({"closure", "remove", "42"}) << 3 << "42";
    QTest::newRow("closure remove text") << words({"closure", "remove", "all"}) << 2 << "numeric";
    QTest::newRow("closure without action") << words({"closure"}) << 2 << "closure add";
}

void TestBookingCliSite::hoursAndClosureCommands()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, mentions);
    const Run r = admin(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.out + r.err).contains(mentions), (r.out + r.err).constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM opening_hours")).toInt() > 0, true);
}

void TestBookingCliSite::availabilityAndNextPrintJson()
{
    const QStringList base {
        QStringLiteral("availability"), QStringLiteral("--date"), m_day.toString(Qt::ISODate),
        QStringLiteral("--service"),    QStringLiteral("1"),      QStringLiteral("--json")};
    Run r = admin(base);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonArray starts = r.json().array();
    QCOMPARE(starts.size(), 39);
    const QTimeZone zone(Zone.toLatin1());
    QString previous;
    for (const QJsonValue &s : starts) {
        const QString start = s[u"start"].toString();
        QVERIFY(start > previous);
        previous = start;
        const QDateTime instant = QDateTime::fromString(start, Qt::ISODate);
        QVERIFY(instant.isValid());
        const int offset = zone.offsetFromUtc(instant);
        QVERIFY2(start.endsWith(offset == 3600 ? u"+01:00" : u"+02:00"), qPrintable(start));
        QCOMPARE(QDateTime::fromString(s[u"end"].toString(), Qt::ISODate), instant.addSecs(20 * 60));
        QCOMPARE(s[u"bays"].toArray().size(), 2);
        QCOMPARE(s[u"bays"][0][u"name"].toString(), QStringLiteral("Lane 1"));
    }
    QVERIFY(starts.first()[u"start"].toString().startsWith(at(QStringLiteral("08:00:00"))));

    // With an add-on, for an SUV.
    r = admin(base
              + QStringList {QStringLiteral("--addon"), QStringLiteral("1"), QStringLiteral("--vehicle"),
                             QStringLiteral("suv")});
    QCOMPARE(r.exitCode, 0);
    starts = r.json().array();
    QCOMPARE(starts.last()[u"start"].toString().mid(11, 5), QStringLiteral("17:30"));
    // Not offered: exit 2 naming the field.
    r = admin(base + QStringList {QStringLiteral("--addon"), QStringLiteral("2")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errText().contains(u"addon"), r.err.constData());
    r = admin({QStringLiteral("availability"), QStringLiteral("--date"), m_day.toString(Qt::ISODate),
               QStringLiteral("--service"), QStringLiteral("1"), QStringLiteral("--vehicle"),
               QStringLiteral("truck")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errText().contains(u"vehicle"), r.err.constData());
    r = admin({QStringLiteral("availability"), QStringLiteral("--date"), QStringLiteral("tomorrow"),
               QStringLiteral("--service"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.json()[u"errors"][0][u"field"].toString(), QStringLiteral("date"));

    // next: the earliest free start from now, with one bay.
    r = admin(
        {QStringLiteral("next"), QStringLiteral("--service"), QStringLiteral("2"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject next = r.json().object();
    QCOMPARE(next[u"bay"][u"id"].toInt(), 3);
    QCOMPARE(next[u"bay"][u"name"].toString(), QStringLiteral("Detail Bay"));
    const QDateTime nextStart = QDateTime::fromString(next[u"start"].toString(), Qt::ISODate);
    QVERIFY(nextStart >= QDateTime::currentDateTimeUtc().addSecs(-60));
    QVERIFY(nextStart <= QDateTime::currentDateTimeUtc().addDays(2));
    QCOMPARE(QDateTime::fromString(next[u"end"].toString(), Qt::ISODate), nextStart.addSecs(60 * 60));
}

void TestBookingCliSite::demoDayFillsTheBoardOnceWithStatusesThatFollowTheClock()
{
    // A site where it is early afternoon now, so the day has a past, a
    // present and a future whenever the test runs.
    const QDateTime nowUtc = QDateTime::currentDateTimeUtc();
    QByteArray afternoon;
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds()) {
        const QTime local = nowUtc.toTimeZone(QTimeZone(id)).time();
        if (local.hour() >= 12 && local.hour() <= 14) {
            afternoon = id;
            break;
        }
    }
    QVERIFY(!afternoon.isEmpty());
    sql(QStringLiteral("UPDATE site_settings SET value = '%1' WHERE key = 'site.timezone'")
            .arg(QString::fromLatin1(afternoon)));
    const QDate today = nowUtc.toTimeZone(QTimeZone(afternoon)).date();
    // Tax on top of the prices, so a payment of the bare price would show.
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('billing.tax_rate_percent', '8.25'), "
                       "('billing.prices_include_tax', 'false') ON CONFLICT (key) DO UPDATE "
                       "SET value = EXCLUDED.value"));
    const Run first = admin({QStringLiteral("seed"), QStringLiteral("--demo-day"), QStringLiteral("--json")});
    QCOMPARE(first.exitCode, 0);
    const QJsonObject day = first.json()[u"demo_day"].toObject();
    QCOMPARE(day[u"date"].toString(), today.toString(Qt::ISODate));
    const int created = day[u"created"].toInt();
    QVERIFY2(created > 20, first.out.constData()); // 08:00-18:00 on three bays
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = 'demo'")).toInt(), created);

    // Only services a bay offers, the catalogue's price for the class, and
    // statuses that fit the clock.
    QCOMPARE(
        sql(QStringLiteral("SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM bay_services s "
                           "WHERE s.bay_id = b.bay_id AND s.service_id = b.service_id)"))
            .toInt(),
        0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings b JOIN service_prices p ON p.service_id = "
                                "b.service_id AND p.vehicle_class = b.vehicle_class WHERE p.price_cents <> "
                                "b.price_cents"))
                 .toInt(),
             0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE status IN ('completed', 'no_show') "
                                "AND ends_at > now()"))
                 .toInt(),
             0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE status IN ('confirmed', 'held') "
                                "AND starts_at <= now()"))
                 .toInt(),
             0);
    // Completed ones are paid in full: the price with the tax in force on
    // top, recorded with the payment.
    QCOMPARE(
        sql(QStringLiteral("SELECT count(*) FROM bookings b WHERE status = 'completed' AND NOT EXISTS "
                           "(SELECT 1 FROM payments p WHERE p.booking_id = b.id AND p.status = 'succeeded' "
                           "AND p.amount_cents = p.gross_cents AND p.tax_rate_basis_points = 825 "
                           "AND NOT p.prices_include_tax AND p.net_cents = b.price_cents "
                           "AND p.tax_cents = (2 * b.price_cents * 825 + 10000) / 20000)"))
            .toInt(),
        0);

    QVERIFY(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'completed'")).toInt() > 0);
    QVERIFY(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'confirmed'")).toInt() > 0);

    // Twice is once; a closed day gets nothing.
    const Run again = admin({QStringLiteral("seed"), QStringLiteral("--demo-day"), QStringLiteral("--json")});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json()[u"demo_day"].toObject()[u"already_filled"].toBool(), true);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), created);
    const QDate closed = today.addDays(5);
    QCOMPARE(admin({QStringLiteral("closure"), QStringLiteral("add"), closed.toString(Qt::ISODate)}).exitCode,
             0);
    const Run onClosure
        = admin({QStringLiteral("seed"), QStringLiteral("--demo-day"), QStringLiteral("--date"),
                 closed.toString(Qt::ISODate), QStringLiteral("--json")});
    QCOMPARE(onClosure.exitCode, 0);
    QCOMPARE(onClosure.json()[u"demo_day"].toObject()[u"closed"].toBool(), true);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), created);

    const Run badDate = admin({QStringLiteral("seed"), QStringLiteral("--demo-day"), QStringLiteral("--date"),
                               QStringLiteral("tomorrow")});
    QCOMPARE(badDate.exitCode, 2);
    QVERIFY(badDate.err.contains("YYYY-MM-DD"));
}

QTEST_GUILESS_MAIN(TestBookingCliSite)
#include "tst_bookingcli_site.moc"
