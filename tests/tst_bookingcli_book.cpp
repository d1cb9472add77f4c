// carwash-admin's booking commands as an operator or a script uses them:
// real processes against a real PostgreSQL. Exit codes, JSON shapes, every
// refused input named, names in any script stored and returned exactly,
// idempotent retries, status changes, holds, a customer's history, and 32
// processes racing for a slot.
#include "tests/bookingclifixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using AdminProcess::Run;

class TestBookingCliBook : public QObject, protected BookingCliFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startCluster(); }
    void init() { resetSite(); }

    void bookPrintsTheBookingAndStoresNamesExactly_data();
    void bookPrintsTheBookingAndStoresNamesExactly();
    void badInputExitsTwoNamingTheField_data();
    void badInputExitsTwoNamingTheField();
    void slotTakenExitsThreeWithAlternatives();
    void idempotencyKeyThroughTheCommandLine();
    void statusChangesAndLookups();
    void holdThroughTheCommandLine();
    void customerFindWithHistory();
    void thirtyTwoProcessesRaceForOneSlot();

private:
    // carwash-admin started, not waited for; a child of this test.
    QProcess *start(const QStringList &args) { return AdminProcess::start(args, m_env, this); }
};

void TestBookingCliBook::bookPrintsTheBookingAndStoresNamesExactly_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("plate");
    QTest::addColumn<QString>("storedPlate");
    QTest::newRow("German") << QStringLiteral("Jürgen Müller") << QStringLiteral("m-üx 42")
                            << QStringLiteral("MÜX42");
    QTest::newRow("Russian") << QStringLiteral("Дмитрий") << QStringLiteral("а 123 вс")
                             << QStringLiteral("А123ВС");
    QTest::newRow("Japanese") << QStringLiteral("山田太郎") << QStringLiteral("品川 500")
                              << QStringLiteral("品川500");
    QTest::newRow("Bobby Tables") << QStringLiteral("Robert'); DROP TABLE bookings;--")
                                  << QStringLiteral("xkcd-327") << QStringLiteral("XKCD327");
    QTest::newRow("quotes and backslashes")
        << QStringLiteral("O'Brien \"Bob\" \\ %_") << QStringLiteral("ob 1") << QStringLiteral("OB1");
    QTest::newRow("emoji") << QStringLiteral("Zoë 🚗 Ng") << QStringLiteral("zo 3") << QStringLiteral("ZO3");
}

void TestBookingCliBook::bookPrintsTheBookingAndStoresNamesExactly()
{
    QFETCH(QString, name);
    QFETCH(QString, plate);
    QFETCH(QString, storedPlate);
    QStringList args = bookArgs(QStringLiteral("09:30"), plate, name);
    args << QStringLiteral("--addon") << QStringLiteral("1") << QStringLiteral("--vehicle")
         << QStringLiteral("suv") << QStringLiteral("--phone") << QStringLiteral("+49 (30) 123-4567")
         << QStringLiteral("--email") << QStringLiteral("driver@example.org");
    const Run r = admin(args);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject b = r.json().object();
    for (const char *key : {"id", "code", "status", "bay", "start", "end", "service", "vehicle", "addons",
                            "price_cents", "currency", "plate", "customer"})
        QVERIFY2(b.contains(QLatin1String(key)), key);
    QCOMPARE(b[u"customer"][u"name"].toString(), name);
    QCOMPARE(b[u"customer"][u"phone"].toString(), QStringLiteral("+49 (30) 123-4567"));
    QCOMPARE(b[u"customer"][u"email"].toString(), QStringLiteral("driver@example.org"));
    QCOMPARE(b[u"plate"].toString(), storedPlate);
    QCOMPARE(b[u"status"].toString(), QStringLiteral("confirmed"));
    QCOMPARE(b[u"bay"][u"name"].toString(), QStringLiteral("Lane 1"));
    QCOMPARE(b[u"service"][u"name"].toString(), QStringLiteral("Wash"));
    QCOMPARE(b[u"vehicle"].toString(), QStringLiteral("suv"));
    QCOMPARE(b[u"price_cents"].toInt(), 1500 + 500);
    QCOMPARE(b[u"currency"].toString(), QStringLiteral("EUR"));
    QCOMPARE(b[u"addons"][0][u"name"].toString(), QStringLiteral("Wax"));
    QVERIFY(b[u"start"].toString().startsWith(at(QStringLiteral("09:30:00"))));
    QVERIFY(
        QRegularExpression(QStringLiteral("^[2-9A-HJKMNP-Z]{6}$")).match(b[u"code"].toString()).hasMatch());
    // The JSON's end: 20 + 10 minutes later.
    QCOMPARE(QDateTime::fromString(b[u"end"].toString(), Qt::ISODate),
             QDateTime::fromString(b[u"start"].toString(), Qt::ISODate).addSecs(30 * 60));

    // Returned exactly by every reader, and stored exactly.
    const Run byCode
        = admin({QStringLiteral("booking"), b[u"code"].toString().toLower(), QStringLiteral("--json")});
    QCOMPARE(byCode.exitCode, 0);
    QCOMPARE(byCode.json().object(), b);
    const Run byId
        = admin({QStringLiteral("booking"), QString::number(b[u"id"].toInt()), QStringLiteral("--json")});
    QCOMPARE(byId.json().object(), b);
    const Run day = admin({QStringLiteral("bookings"), QStringLiteral("--date"), m_day.toString(Qt::ISODate),
                           QStringLiteral("--json")});
    QCOMPARE(day.json().array().size(), 1);
    QCOMPARE(day.json().array().first().toObject(), b);
    const Run text
        = admin({QStringLiteral("bookings"), QStringLiteral("--date"), m_day.toString(Qt::ISODate)});
    QVERIFY(QString::fromUtf8(text.out).contains(name));
    QCOMPARE(sql(QStringLiteral("SELECT name FROM customers")).toString(), name);
    QCOMPARE(sql(QStringLiteral("SELECT plate FROM bookings")).toString(), storedPlate);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
    const Run found
        = admin({QStringLiteral("customer"), QStringLiteral("find"), name, QStringLiteral("--json")});
    QCOMPARE(found.exitCode, 0);
    QCOMPARE(found.json().array().size(), 1);
    QCOMPARE(found.json()[0][u"name"].toString(), name);
}

void TestBookingCliBook::badInputExitsTwoNamingTheField_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QStringList>("change"); // option, value ("" removes the option)

    QTest::newRow("plate of one letter") << "plate" << words({"--plate", "A"});
    QTest::newRow("plate of eleven") << "plate" << words({"--plate", "ABCDEFGHIJK"});
    QTest::newRow("plate with a dot") << "plate" << words({"--plate", "AB.123"});
    QTest::newRow("plate as SQL") << "plate" << words({"--plate", "'; DROP TABLE bookings;--"});
    QTest::newRow("plate missing") << "plate" << words({"--plate", ""});
    QTest::newRow("name empty") << "name" << words({"--name", "   "});
    QTest::newRow("name too long") << "name" << QStringList {QStringLiteral("--name"), QString(101, u'x')};
    QTest::newRow("name with a line break") << "name" << words({"--name", "Ann\nLee"});
    QTest::newRow("phone with letters") << "phone" << words({"--phone", "call me"});
    QTest::newRow("phone too short") << "phone" << words({"--phone", "12"});
    QTest::newRow("email without at") << "email" << words({"--email", "ann.example.com"});
    QTest::newRow("email with a space") << "email" << words({"--email", "ann lee@example.com"});
    QTest::newRow("email without a domain dot") << "email" << words({"--email", "ann@localhost"});
    QTest::newRow("vehicle class unknown") << "vehicle" << words({"--vehicle", "bus"});
    QTest::newRow("vehicle not offered") << "vehicle" << words({"--vehicle", "truck"});
    QTest::newRow("service not a number") << "service" << words({"--service", "wash"});
    QTest::newRow("service unknown") << "service" << words({"--service", "99"});
    QTest::newRow("add-on unknown") << "addon" << words({"--addon", "99"});
    QTest::newRow("add-on of another service") << "addon" << words({"--addon", "2"});
    QTest::newRow("bay of another service") << "bay" << words({"--bay", "3"});
    QTest::newRow("bay unknown") << "bay" << words({"--bay", "77"});
    QTest::newRow("start not a date") << "start" << words({"--start", "next tuesday"});
    QTest::newRow("start missing") << "start" << words({"--start", ""});
    QTest::newRow("start off the grid") << "start" << words({"--start", "@09:07"});
    QTest::newRow("start before opening") << "start" << words({"--start", "@06:00"});
    QTest::newRow("start in the past") << "start" << words({"--start", "2020-01-01T09:00:00+01:00"});
    QTest::newRow("start beyond the horizon") << "start" << words({"--start", "2099-01-01T09:00:00+01:00"});
    QTest::newRow("idempotency key too long")
        << "idempotency_key" << QStringList {QStringLiteral("--idempotency-key"), QString(256, u'k')};
}

void TestBookingCliBook::badInputExitsTwoNamingTheField()
{
    QFETCH(QString, field);
    QFETCH(QStringList, change);
    QStringList args = bookArgs(QStringLiteral("10:00"), QStringLiteral("GOOD1"));
    const QString option = change[0];
    QString value = change[1];
    if (value.startsWith(u'@'))
        value = at(value.mid(1));
    const qsizetype at = args.indexOf(option);
    if (at >= 0 && value.isEmpty())
        args.remove(at, 2);
    else if (at >= 0)
        args[at + 1] = value;
    else
        args << option << value;

    const Run r = admin(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errText().contains(field + QStringLiteral(": ")), r.err.constData());
    const QJsonArray errors = r.json()[u"errors"].toArray();
    QVERIFY2(std::any_of(errors.begin(), errors.end(),
                         [&field](const QJsonValue &e) { return e[u"field"] == field; }),
             r.out.constData());
    for (const QJsonValue &e : errors)
        QVERIFY(!e[u"message"].toString().isEmpty());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT to_regclass('bookings') IS NOT NULL")).toBool(), true);
}

void TestBookingCliBook::slotTakenExitsThreeWithAlternatives()
{
    QCOMPARE(admin(bookArgs(QStringLiteral("11:00"), QStringLiteral("ST1"))).exitCode, 0);
    QCOMPARE(admin(bookArgs(QStringLiteral("11:00"), QStringLiteral("ST2"))).exitCode, 0);
    const Run r = admin(bookArgs(QStringLiteral("11:00"), QStringLiteral("ST3")));
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.json()[u"error"][u"kind"].toString(), QStringLiteral("slot_taken"));
    const QJsonArray alternatives = r.json()[u"alternatives"].toArray();
    QCOMPARE(alternatives.size(), 3);
    QVERIFY(alternatives.first()[u"start"].toString().startsWith(at(QStringLiteral("11:30"))));
    QVERIFY(!alternatives.first()[u"bays"].toArray().isEmpty());
    QVERIFY2(r.errText().contains(u"taken"), r.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 2);
}

void TestBookingCliBook::idempotencyKeyThroughTheCommandLine()
{
    QStringList args = bookArgs(QStringLiteral("12:00"), QStringLiteral("IK1"));
    args << QStringLiteral("--idempotency-key") << QStringLiteral("desk-1-0042");
    const Run first = admin(args);
    QCOMPARE(first.exitCode, 0);
    const Run second = admin(args);
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out, first.out);
    // The same instant spelt in UTC is the same request.
    QStringList utc = args;
    utc[utc.indexOf(QStringLiteral("--start")) + 1]
        = QDateTime::fromString(first.json()[u"start"].toString(), Qt::ISODate).toUTC().toString(Qt::ISODate);
    QCOMPARE(admin(utc).out, first.out);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);

    QStringList other = args;
    other[other.indexOf(QStringLiteral("--plate")) + 1] = QStringLiteral("IK2");
    const Run refused = admin(other);
    QCOMPARE(refused.exitCode, 2);
    QCOMPARE(refused.json()[u"errors"][0][u"field"].toString(), QStringLiteral("idempotency_key"));
    QVERIFY2(refused.errText().contains(u"idempotency_key: "), refused.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
}

void TestBookingCliBook::statusChangesAndLookups()
{
    const Run made = admin(bookArgs(QStringLiteral("13:00"), QStringLiteral("SC1")));
    const QString code = made.json()[u"code"].toString();
    Run r = admin({QStringLiteral("booking"), QStringLiteral("status"), code, QStringLiteral("completed")});
    QCOMPARE(r.exitCode, 2);
    // A sentence for people: the statuses in words, as the desk shows them.
    QVERIFY2(r.errText().contains(u"Checked in, Cancelled, No-show"), r.err.constData());
    r = admin({QStringLiteral("booking"), QStringLiteral("status"), code, QStringLiteral("checked_in"),
               QStringLiteral("--reason"), QStringLiteral("arrived early"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[u"status"].toString(), QStringLiteral("checked_in"));
    r = admin({QStringLiteral("booking"), QStringLiteral("status"), code, QStringLiteral("finished")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.errText().contains(u"in_progress"));
    r = admin({QStringLiteral("booking"), QStringLiteral("status"), QStringLiteral("ZZZZZ9"),
               QStringLiteral("cancelled")});
    QCOMPARE(r.exitCode, 3);
    r = admin({QStringLiteral("booking"), QStringLiteral("424242")});
    QCOMPARE(r.exitCode, 3);
    r = admin({QStringLiteral("booking"), QStringLiteral("1; DROP TABLE bookings")});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(sql(QStringLiteral("SELECT actor || '|' || (details->>'reason') FROM audit_log "
                                "WHERE action = 'booking.status'"))
                 .toString(),
             QStringLiteral("cli|arrived early"));
    r = admin({QStringLiteral("bookings"), QStringLiteral("--date"), QStringLiteral("someday")});
    QCOMPARE(r.exitCode, 2);
}

void TestBookingCliBook::holdThroughTheCommandLine()
{
    QCOMPARE(admin({QStringLiteral("settings"), QStringLiteral("set"), QStringLiteral("booking.hold_minutes"),
                    QStringLiteral("1")})
                 .exitCode,
             0);
    QStringList args = bookArgs(QStringLiteral("14:00"), QStringLiteral("KIOSK1"));
    args << QStringLiteral("--hold") << QStringLiteral("--bay") << QStringLiteral("2");
    const Run held = admin(args);
    QCOMPARE(held.exitCode, 0);
    QCOMPARE(held.json()[u"status"].toString(), QStringLiteral("held"));
    const QDateTime expires = QDateTime::fromString(held.json()[u"hold_expires_at"].toString(), Qt::ISODate);
    QVERIFY(expires.isValid());

    auto lanesAtTwo = [this] {
        const Run r
            = admin({QStringLiteral("availability"), QStringLiteral("--date"), m_day.toString(Qt::ISODate),
                     QStringLiteral("--service"), QStringLiteral("1"), QStringLiteral("--json")});
        for (const QJsonValue &s : r.json().array()) {
            if (s[u"start"].toString().startsWith(at(QStringLiteral("14:00"))))
                return int(s[u"bays"].toArray().size());
        }
        return 0;
    };
    QCOMPARE(lanesAtTwo(), 1);
    QStringList onLane2 = bookArgs(QStringLiteral("14:00"), QStringLiteral("WALK2"));
    onLane2 << QStringLiteral("--bay") << QStringLiteral("2");
    QCOMPARE(admin(onLane2).exitCode, 3);
    // The hold lapses unpaid.
    sql(QStringLiteral("UPDATE bookings SET hold_expires_at = now() - interval '1 second'"));
    QCOMPARE(lanesAtTwo(), 2);
    const Run walkIn = admin(onLane2);
    QCOMPARE(walkIn.exitCode, 0);
    const Run old
        = admin({QStringLiteral("booking"), held.json()[u"code"].toString(), QStringLiteral("--json")});
    QCOMPARE(old.json()[u"status"].toString(), QStringLiteral("expired"));
}

void TestBookingCliBook::customerFindWithHistory()
{
    QStringList first = bookArgs(QStringLiteral("08:00"), QStringLiteral("HB 77"), QStringLiteral("Дмитрий"));
    first << QStringLiteral("--phone") << QStringLiteral("+7 495 123-45-67");
    QCOMPARE(admin(first).exitCode, 0);
    QStringList second
        = bookArgs(QStringLiteral("15:00"), QStringLiteral("hb-77"), QStringLiteral("Дмитрий"));
    QCOMPARE(admin(second).exitCode, 0);
    for (const QString &text :
         {QStringLiteral("HB77"), QStringLiteral("123-45"), QStringLiteral("Дмитрий")}) {
        const Run r
            = admin({QStringLiteral("customer"), QStringLiteral("find"), text, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json().array().size(), 1);
        const QJsonObject c = r.json()[0].toObject();
        QCOMPARE(c[u"name"].toString(), QStringLiteral("Дмитрий"));
        QCOMPARE(c[u"phone"].toString(), QStringLiteral("+7 495 123-45-67"));
        QCOMPARE(c[u"vehicles"].toArray().size(), 1);
        QCOMPARE(c[u"visits"].toArray().size(), 2);
        QVERIFY(c[u"visits"][0][u"start"].toString() > c[u"visits"][1][u"start"].toString());
    }
    const Run none = admin({QStringLiteral("customer"), QStringLiteral("find"), QStringLiteral("nobody")});
    QCOMPARE(none.exitCode, 0);
    QCOMPARE(admin({QStringLiteral("customer"), QStringLiteral("find")}).exitCode, 2);
}

void TestBookingCliBook::thirtyTwoProcessesRaceForOneSlot()
{
    // Separate processes, each with its own pool, as separate desks and
    // kiosks would be, all started at once. (Two cores cope; should a
    // smaller machine not, a smaller Batch keeps every batch racing for the
    // same slot.)
    constexpr int Processes = 32;
    constexpr int Batch = 32;
    int booked = 0;
    int taken = 0;
    for (int first = 0; first < Processes; first += Batch) {
        QList<QProcess *> running;
        for (int i = first; i < first + Batch; ++i)
            running << start(bookArgs(QStringLiteral("16:15"), QStringLiteral("PR%1").arg(i)));
        for (QProcess *p : running) {
            const Run r = AdminProcess::finish(p);
            delete p;
            QVERIFY2(r.exitCode == 0 || r.exitCode == 3, (r.out + r.err).constData());
            booked += r.exitCode == 0;
            taken += r.exitCode == 3;
        }
    }
    QCOMPARE(booked, 2); // two lanes offer the wash
    QCOMPARE(taken, Processes - 2);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 2);
    QCOMPARE(sql(QStringLiteral("SELECT count(DISTINCT bay_id) FROM bookings")).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestBookingCliBook)
#include "tst_bookingcli_book.moc"
