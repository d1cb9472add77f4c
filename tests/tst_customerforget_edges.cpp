// carwash-admin customer forget at its edges, the real binary against a real
// PostgreSQL: nobody matching (exit 3) and bad input (exit 2) write
// nothing; after forgetting, the old plate books again and the placeholder
// cannot be typed; a late idempotent retry is refused, not booked twice; a
// desk booking for the customer in flight makes the forget wait, and is
// anonymised with the rest.
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingrequest.h"
#include "db/customers/customereraser.h"
#include "db/pool/sql.h"
#include "tests/customerforgetfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSemaphore>
#include <QTest>
#include <QTimeZone>

using AdminProcess::Run;

namespace {

QStringList words(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

} // namespace

class TestCustomerForgetEdges : public QObject, protected CustomerForgetFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startSite(QStringLiteral("tst_customerforget_edges"), &error), qPrintable(error));
    }
    void init() { resetSite(); }
    void cleanupTestCase() { m_pool.reset(); }

    void nobodyMatchingExitsThreeAndWritesNothing_data();
    void nobodyMatchingExitsThreeAndWritesNothing();
    void badInputExitsTwoNamingWhatIsWrong_data();
    void badInputExitsTwoNamingWhatIsWrong();
    void theOldPlateBooksAgainAndThePlaceholderCannotBeTyped();
    void aLateRetryOfAForgottenBookingIsRefusedNotBookedTwice();
    void aBookingInFlightForTheCustomerWaitsAndIsAnonymisedToo();
};

void TestCustomerForgetEdges::nobodyMatchingExitsThreeAndWritesNothing_data()
{
    QTest::addColumn<QString>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("id") << "999"
                        << "There is no customer with ID 999.";
    QTest::newRow("phone") << "+44 20 7946 0000"
                           << "No customer has the phone number 442079460000";
    QTest::newRow("email") << "nobody@example.com"
                           << "No customer has the e-mail address nobody@example.com.";
}

void TestCustomerForgetEdges::nobodyMatchingExitsThreeAndWritesNothing()
{
    QFETCH(QString, which);
    QFETCH(QString, message);
    book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const Run r = admin({QStringLiteral("customer"), QStringLiteral("forget"), which});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.errText().contains(message), r.err.constData());
    const Run json
        = admin({QStringLiteral("customer"), QStringLiteral("forget"), which, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 3);
    QCOMPARE(json.json()[u"error"][u"kind"].toString(), QStringLiteral("not_found"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'customer.forget'")).toInt(),
             0);
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s', name, phone, email) FROM customers")).toString(),
             QStringLiteral("%1|%2|%3").arg(AnnName, AnnPhone, AnnEmail));
}

void TestCustomerForgetEdges::badInputExitsTwoNamingWhatIsWrong_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no argument") << words({"customer", "forget"}) << "customer forget ID|PHONE|EMAIL";
    QTest::newRow("two arguments") << words({"customer", "forget", "1", "2"})
                                   << "customer forget ID|PHONE|EMAIL";
    QTest::newRow("empty") << words({"customer", "forget", " "})
                           << "their ID, phone number or e-mail address";
    QTest::newRow("id not a number") << words({"customer", "forget", "12a"})
                                     << "\"12a\" is neither a customer ID (a number)";
    QTest::newRow("id zero") << words({"customer", "forget", "0"}) << "\"0\" is not a customer ID.";
    QTest::newRow("id too big") << words({"customer", "forget", "99999999999999999999"})
                                << "is not a customer ID.";
    QTest::newRow("phone without digits")
        << words({"customer", "forget", "+"}) << "\"+\" is not a phone number";
    QTest::newRow("phone, punctuation only")
        << words({"customer", "forget", "(--)"}) << "\"(--)\" is not a phone number";
    QTest::newRow("phone too short") << words({"customer", "forget", "+1 2"}) << "at least 3 digits";
    QTest::newRow("phone with letters")
        << words({"customer", "forget", "+1 555 CALL"}) << "\"+1 555 CALL\" is not a phone number";
    QTest::newRow("e-mail without domain")
        << words({"customer", "forget", "ann@"}) << "\"ann@\" is not an e-mail address";
    QTest::newRow("dry run with find")
        << words({"customer", "find", "Ann", "--dry-run"}) << "--dry-run goes with customer forget";
    QTest::newRow("unknown subcommand")
        << words({"customer", "erase", "1"}) << "customer forget ID|PHONE|EMAIL";
}

void TestCustomerForgetEdges::badInputExitsTwoNamingWhatIsWrong()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const Run r = admin(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errText().contains(message), r.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s', name, phone, email) FROM customers")).toString(),
             QStringLiteral("%1|%2|%3").arg(AnnName, AnnPhone, AnnEmail));
}

void TestCustomerForgetEdges::theOldPlateBooksAgainAndThePlaceholderCannotBeTyped()
{
    const qint64 ann
        = customerOf(book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone)[u"id"].toInteger());
    QCOMPARE(admin({QStringLiteral("customer"), QStringLiteral("forget"), QString::number(ann)}).exitCode, 0);
    const QString placeholder = CustomerEraser::placeholderPlate(
        sql(QStringLiteral("SELECT id FROM vehicles WHERE customer_id = %1").arg(ann)).toLongLong());

    // The same car comes back: a new customer with the plate, no clash.
    const QJsonObject again = book(QStringLiteral("09:00"), AnnPlate, QStringLiteral("A. Lee"));
    QCOMPARE(again[u"plate"].toString(), QStringLiteral("AB123"));
    const qint64 newcomer = customerOf(again[u"id"].toInteger());
    QVERIFY(newcomer != ann);

    // Someone typing the placeholder books a plate of their own: NFC turns
    // the ohm sign into omega, so the forgotten record gains nothing.
    const QJsonObject typed = book(QStringLiteral("10:00"), placeholder, QStringLiteral("Mallory"));
    QCOMPARE(typed[u"plate"].toString(), QString(QChar(0x03A9)) + placeholder.mid(1));
    QVERIFY(customerOf(typed[u"id"].toInteger()) != ann);
    QCOMPARE(
        sql(QStringLiteral("SELECT format('%s|%s', (SELECT count(*) FROM bookings WHERE customer_id = %1), "
                           "(SELECT string_agg(plate, ',') FROM vehicles WHERE customer_id = %1))")
                .arg(ann))
            .toString(),
        QStringLiteral("1|") + placeholder);
}

void TestCustomerForgetEdges::aLateRetryOfAForgottenBookingIsRefusedNotBookedTwice()
{
    // The digest of the request (her name, phone, plate) goes with her
    // data; a retry of that request with its key meets "already used", not
    // a second booking and not her old booking under the placeholders.
    const QStringList args {QStringLiteral("book"),
                            QStringLiteral("--service"),
                            QStringLiteral("1"),
                            QStringLiteral("--start"),
                            at(QStringLiteral("08:00")),
                            QStringLiteral("--plate"),
                            AnnPlate,
                            QStringLiteral("--name"),
                            AnnName,
                            QStringLiteral("--phone"),
                            AnnPhone,
                            QStringLiteral("--idempotency-key"),
                            QStringLiteral("kiosk-retry-1")};
    QCOMPARE(admin(args).exitCode, 0);
    QCOMPARE(admin(args).exitCode, 0); // a replay before she is forgotten
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
    const qint64 ann = sql(QStringLiteral("SELECT customer_id FROM bookings")).toLongLong();
    QCOMPARE(admin({QStringLiteral("customer"), QStringLiteral("forget"), QString::number(ann)}).exitCode, 0);
    QCOMPARE(sql(QStringLiteral("SELECT request_hash FROM bookings")).toString(), QStringLiteral("erased"));

    const Run retry = admin(args);
    QCOMPARE(retry.exitCode, 2);
    QVERIFY2(retry.errText().contains(QStringLiteral("idempotency_key")), retry.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
    QCOMPARE(rowsMentioning({AnnName, QStringLiteral("1234567"), QStringLiteral("AB123")}), 0);
}

void TestCustomerForgetEdges::aBookingInFlightForTheCustomerWaitsAndIsAnonymisedToo()
{
    const qint64 ann
        = customerOf(book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone)[u"id"].toInteger());

    // A desk books Ann's car again: its transaction holds her vehicle's row
    // (as BookingRepo::create's first step does) until the test lets it go
    // on, then books through the real engine and commits.
    QSemaphore holding;
    QSemaphore goOn;
    BookingRequest request;
    request.slot.serviceId = 1;
    request.start = QDateTime(m_day, QTime(11, 0), QTimeZone(Zone.toLatin1()));
    request.plate = AnnPlate;
    request.name = AnnName;
    request.phone = AnnPhone;
    request.actor = QStringLiteral("staff:1");
    QFuture<DbResult<BookingOutcome>> desk = m_pool->withConnection(
        QStringLiteral("test.desk_booking"), [&holding, &goOn, request](QSqlDatabase &db) {
            Transaction tx(db);
            Sql::exec(db, QStringLiteral("SELECT id FROM vehicles WHERE plate = 'AB123' FOR UPDATE"));
            holding.release();
            if (!goOn.tryAcquire(1, 120000))
                return BookingOutcome();
            BookingOutcome outcome = BookingRepo(db).create(request);
            tx.commit();
            return outcome;
        });
    QTRY_COMPARE_WITH_TIMEOUT(holding.available(), 1, 60000);

    QProcess *forget = AdminProcess::start({QStringLiteral("customer"), QStringLiteral("forget"),
                                            QString::number(ann), QStringLiteral("--json")},
                                           m_env, this);
    // The forget waits for the desk's row lock instead of slipping in.
    QTRY_COMPARE_WITH_TIMEOUT(sql(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                 "WHERE datname = 'carwash' AND wait_event_type = 'Lock'"))
                                  .toInt(),
                              1, 60000);
    // Started and still running: the waiter is the forget (QProcess only
    // learns it started when its event is handled, which QTRY may skip).
    QVERIFY(forget->waitForStarted(60000));
    QCOMPARE(forget->state(), QProcess::Running);
    goOn.release();
    QTRY_VERIFY_WITH_TIMEOUT(desk.isFinished(), 60000);
    QVERIFY2(desk.result().ok(), qPrintable(desk.result().error().toLogString()));
    const BookingOutcome booked = desk.result().value();
    QVERIFY(booked.isBooked());
    QCOMPARE(customerOf(booked.booking.id), ann);

    const Run r = AdminProcess::finish(forget);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()[u"customers"][0][u"bookings"].toInt(), 2);
    // The booking made meanwhile is hers, anonymised with the rest.
    QCOMPARE(
        sql(QStringLiteral("SELECT plate FROM bookings WHERE id = %1").arg(booked.booking.id)).toString(),
        CustomerEraser::placeholderPlate(
            sql(QStringLiteral("SELECT id FROM vehicles WHERE customer_id = %1").arg(ann)).toLongLong()));
    QCOMPARE(rowsMentioning({AnnName, QStringLiteral("1234567"), QStringLiteral("AB123")}), 0);
}

QTEST_GUILESS_MAIN(TestCustomerForgetEdges)
#include "tst_customerforget_edges.moc"
