// carwash-admin customer forget as an operator uses it on a customer's
// request: the real binary against a real PostgreSQL. Every column that
// held the person's name, phone, e-mail or plates is read back afterwards
// (customers, vehicles, bookings, payments, refunds, Stripe events, the
// audit log); bookings, payments and their amounts are still there; one
// audit row per customer with counts only; a booking in flight for the
// same customer waits and is anonymised too; the old plate books again.
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingrequest.h"
#include "db/customers/customereraser.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSemaphore>
#include <QTest>
#include <QTimeZone>

#include <memory>

using AdminProcess::Run;

namespace {

const QString Zone = QStringLiteral("Europe/Berlin");

// Ann's details, and where they must not be found afterwards.
const QString AnnName = QStringLiteral("Ann Lee");
const QString AnnPhone = QStringLiteral("+49 30 1234567");
const QString AnnEmail = QStringLiteral("Ann.Lee@Example.com");
const QString AnnPlate = QStringLiteral("AB 123"); // stored AB123

QStringList words(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

} // namespace

class TestCustomerForget : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase() { m_pool.reset(); }

    void forgetByIdErasesEveryPersonalColumnAndKeepsTheBooks();
    void forgetByPhoneInAnotherFormatForgetsEveryCustomerWithThoseDigits();
    void forgetByEmailInAnotherCase();
    void forgettingTwiceIsHarmlessAndSaysSo();
    void aDryRunShowsWhoAndHowMuchAndChangesNothing();
    void nobodyMatchingExitsThreeAndWritesNothing_data();
    void nobodyMatchingExitsThreeAndWritesNothing();
    void badInputExitsTwoNamingWhatIsWrong_data();
    void badInputExitsTwoNamingWhatIsWrong();
    void theOldPlateBooksAgainAndThePlaceholderCannotBeTyped();
    void aLateRetryOfAForgottenBookingIsRefusedNotBookedTwice();
    void aBookingInFlightForTheCustomerWaitsAndIsAnonymisedToo();

private:
    Run admin(const QStringList &args) { return AdminProcess::run(args, m_env); }
    QVariant sql(const QString &statement);
    QString at(const QString &localTime) const { return m_day.toString(Qt::ISODate) + u'T' + localTime; }
    // Books service 1 through carwash-admin; the booking's JSON.
    QJsonObject book(const QString &localTime, const QString &plate, const QString &name,
                     const QString &phone = {}, const QString &email = {});
    qint64 customerOf(qint64 bookingId);
    // Rows of the tables that can hold a person's data whose text contains
    // any of the needles (any case).
    int rowsMentioning(const QStringList &needles);
    // A digest of every row a forget may touch, to see that nothing changed.
    QString everything();
    // Gives Ann a card payment with Stripe's event (the payer's details
    // Checkout collected), a partial refund and a cancellation whose typed
    // reasons name her. Returns the payment's id.
    qint64 giveAnnAHistory(qint64 paidBookingId, qint64 cancelledBookingId);

    PgTestCluster m_cluster;
    QProcessEnvironment m_env;
    QDate m_day;
    std::unique_ptr<ConnectionPool> m_pool;
};

void TestCustomerForget::initTestCase()
{
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_env = AdminProcess::environmentFor(m_cluster.port());
    const Run migrated = admin({QStringLiteral("migrate")});
    QVERIFY2(migrated.exitCode == 0, migrated.err.constData());
    m_day = QDateTime::currentDateTimeUtc().toTimeZone(QTimeZone(Zone.toLatin1())).date().addDays(3);
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_customerforget")));
}

void TestCustomerForget::init()
{
    // Service 1 "Wash" (20 min) on lanes 1 and 2, 08:00-18:00 daily.
    sql(QStringLiteral(
        "TRUNCATE stripe_events, refunds, payment_requests, payments, booking_addons, bookings, "
        "vehicles, customers, bay_services, service_addons, service_prices, addons, services, bays, "
        "opening_hours, closures, audit_log RESTART IDENTITY CASCADE"));
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'site.%' OR key LIKE 'booking.%'"));
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', '%1'), "
                       "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                       "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                       "('booking.hold_minutes', '10')")
            .arg(Zone));
    sql(QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES ('Wash', 20)"));
    sql(QStringLiteral("INSERT INTO service_prices VALUES (1, 'car', 1000, 'EUR'), (1, 'suv', 1500, 'EUR')"));
    sql(QStringLiteral("INSERT INTO bays (name, kind, sort_order) VALUES ('Lane 1', 'tunnel', 1), "
                       "('Lane 2', 'tunnel', 2)"));
    sql(QStringLiteral("INSERT INTO bay_services VALUES (1, 1), (2, 1)"));
    sql(QStringLiteral(
        "INSERT INTO opening_hours SELECT d, '08:00', '18:00' FROM generate_series(1, 7) AS d"));
}

QVariant TestCustomerForget::sql(const QString &statement)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(statement, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(statement), qPrintable(error));
    return v;
}

QJsonObject TestCustomerForget::book(const QString &localTime, const QString &plate, const QString &name,
                                     const QString &phone, const QString &email)
{
    QStringList args {QStringLiteral("book"),
                      QStringLiteral("--service"),
                      QStringLiteral("1"),
                      QStringLiteral("--start"),
                      at(localTime),
                      QStringLiteral("--plate"),
                      plate,
                      QStringLiteral("--name"),
                      name,
                      QStringLiteral("--json")};
    if (!phone.isEmpty())
        args << QStringLiteral("--phone") << phone;
    if (!email.isEmpty())
        args << QStringLiteral("--email") << email;
    const Run r = admin(args);
    if (r.exitCode != 0)
        qWarning("book failed: %s", r.err.constData());
    return r.json().object();
}

qint64 TestCustomerForget::customerOf(qint64 bookingId)
{
    return sql(QStringLiteral("SELECT customer_id FROM bookings WHERE id = %1").arg(bookingId)).toLongLong();
}

int TestCustomerForget::rowsMentioning(const QStringList &needles)
{
    QStringList conditions;
    for (const QString &n : needles)
        conditions << QStringLiteral("strpos(lower(j), lower('%1')) > 0").arg(n);
    return sql(QStringLiteral("SELECT count(*) FROM ("
                              "SELECT to_jsonb(t)::text AS j FROM customers AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM vehicles AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM bookings AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payments AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM refunds AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payment_requests AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM stripe_events AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM audit_log AS t) AS rows WHERE %1")
                   .arg(conditions.join(QStringLiteral(" OR "))))
        .toInt();
}

QString TestCustomerForget::everything()
{
    return sql(QStringLiteral("SELECT md5(string_agg(j, '|' ORDER BY j)) FROM ("
                              "SELECT to_jsonb(t)::text AS j FROM customers AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM vehicles AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM bookings AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payments AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM refunds AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM stripe_events AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM audit_log AS t) AS rows"))
        .toString();
}

qint64 TestCustomerForget::giveAnnAHistory(qint64 paidBookingId, qint64 cancelledBookingId)
{
    const qint64 paymentId = sql(QStringLiteral("INSERT INTO payments (booking_id, method, status, "
                                                "amount_cents, currency, created_by, paid_at, "
                                                "stripe_checkout_session_id, tax_rate_basis_points, "
                                                "prices_include_tax, net_cents, tax_cents, "
                                                "gross_cents) VALUES (%1, 'stripe_checkout', 'succeeded', "
                                                "1000, 'EUR', 'kiosk:Entrance', now(), "
                                                "'cs_test_ann', 1900, true, 840, 160, 1000) RETURNING id")
                                     .arg(paidBookingId))
                                 .toLongLong();
    // What Stripe sends once Checkout is paid: the payer's details as
    // typed on Stripe's page.
    const QJsonObject details {{QStringLiteral("email"), QStringLiteral("ann.lee@example.com")},
                               {QStringLiteral("name"), AnnName},
                               {QStringLiteral("phone"), QStringLiteral("+49301234567")}};
    const QJsonObject session {{QStringLiteral("id"), QStringLiteral("cs_test_ann")},
                               {QStringLiteral("object"), QStringLiteral("checkout.session")},
                               {QStringLiteral("amount_total"), 1000},
                               {QStringLiteral("customer_details"), details},
                               {QStringLiteral("customer_email"), QStringLiteral("ann.lee@example.com")}};
    const QJsonObject charge {{QStringLiteral("id"), QStringLiteral("ch_ann")},
                              {QStringLiteral("amount"), 1000},
                              {QStringLiteral("billing_details"), details}};
    auto insertEvent = [&](const QString &id, const QString &type, const QJsonObject &object) {
        const QJsonObject payload {
            {QStringLiteral("id"), id},
            {QStringLiteral("type"), type},
            {QStringLiteral("data"), QJsonObject {{QStringLiteral("object"), object}}}};
        sql(QStringLiteral("INSERT INTO stripe_events (id, type, payload, payment_id, processed_at) "
                           "VALUES ('%1', '%2', '%3'::jsonb, %4, now())")
                .arg(id, type, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)))
                .arg(paymentId));
    };
    insertEvent(QStringLiteral("evt_ann_session"), QStringLiteral("checkout.session.completed"), session);
    insertEvent(QStringLiteral("evt_ann_charge"), QStringLiteral("charge.succeeded"), charge);
    sql(QStringLiteral(
            "INSERT INTO refunds (payment_id, method, status, amount_cents, currency, reason, "
            "idempotency_key, created_by, succeeded_at) VALUES (%1, 'card', 'succeeded', 300, 'EUR', "
            "'ann lee: door of AB123 scratched', 'refund-ann-1', 'staff:1', now())")
            .arg(paymentId));
    const Run cancelled
        = admin({QStringLiteral("booking"), QStringLiteral("status"), QString::number(cancelledBookingId),
                 QStringLiteral("cancelled"), QStringLiteral("--reason"),
                 QStringLiteral("Ann Lee rang from %1 (%2), not coming").arg(AnnPhone, AnnEmail)});
    if (cancelled.exitCode != 0)
        qWarning("cancel failed: %s", cancelled.err.constData());
    return paymentId;
}

void TestCustomerForget::forgetByIdErasesEveryPersonalColumnAndKeepsTheBooks()
{
    const QJsonObject first = book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const QJsonObject second = book(QStringLiteral("09:00"), QStringLiteral("ab-123"), AnnName);
    const QJsonObject bob = book(QStringLiteral("10:00"), QStringLiteral("XY 9"), QStringLiteral("Bob Stone"),
                                 QStringLiteral("+49 30 7654321"), QStringLiteral("bob@example.com"));
    QVERIFY(!first.isEmpty() && !second.isEmpty() && !bob.isEmpty());
    const qint64 ann = customerOf(first[u"id"].toInteger());
    QCOMPARE(customerOf(second[u"id"].toInteger()), ann);
    const qint64 paymentId = giveAnnAHistory(first[u"id"].toInteger(), second[u"id"].toInteger());
    QCOMPARE(sql(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(second[u"id"].toInteger()))
                 .toString(),
             QStringLiteral("cancelled"));
    const QStringList annNeedles {AnnName, QStringLiteral("ann.lee@example"), QStringLiteral("1234567"),
                                  QStringLiteral("AB123")};
    QVERIFY(rowsMentioning(annNeedles) >= 6); // the test sees her where she is

    const Run r = admin({QStringLiteral("customer"), QStringLiteral("forget"), QString::number(ann),
                         QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = r.json().object();
    QCOMPARE(out[u"matched_by"].toString(), QStringLiteral("id"));
    QCOMPARE(out[u"customers"].toArray().size(), 1);
    const QJsonObject expected {
        {QStringLiteral("id"), ann},          {QStringLiteral("already_forgotten"), false},
        {QStringLiteral("vehicles"), 1},      {QStringLiteral("bookings"), 2},
        {QStringLiteral("payments"), 1},      {QStringLiteral("payment_events"), 2},
        {QStringLiteral("texts_redacted"), 2}};
    QCOMPARE(out[u"customers"][0].toObject(), expected);

    // Nothing of hers anywhere; Bob untouched.
    QCOMPARE(rowsMentioning(annNeedles), 0);
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s|%s', name, phone IS NULL, email IS NULL, "
                                "phone_digits IS NULL) FROM customers WHERE id = %1")
                     .arg(ann))
                 .toString(),
             QStringLiteral("%1|t|t|t").arg(CustomerEraser::ErasedName));
    const qint64 vehicleId
        = sql(QStringLiteral("SELECT id FROM vehicles WHERE customer_id = %1").arg(ann)).toLongLong();
    const QString placeholder = CustomerEraser::placeholderPlate(vehicleId);
    QCOMPARE(placeholder, QString(QChar(0x2126)) + QString::number(vehicleId));
    QCOMPARE(sql(QStringLiteral("SELECT plate FROM vehicles WHERE id = %1").arg(vehicleId)).toString(),
             placeholder);
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(DISTINCT plate, ',') FROM bookings WHERE customer_id = %1")
                     .arg(ann))
                 .toString(),
             placeholder);
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s|%s', name, phone, email, "
                                "(SELECT string_agg(plate, ',') FROM vehicles WHERE customer_id = c.id)) "
                                "FROM customers AS c WHERE id = %1")
                     .arg(customerOf(bob[u"id"].toInteger())))
                 .toString(),
             QStringLiteral("Bob Stone|+49 30 7654321|bob@example.com|XY9"));

    // The books: both bookings with status, price and code; the payment,
    // the refund and both Stripe events with their amounts and ids.
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(format('%s:%s:%s:%s', id, code, status, price_cents), ',' "
                                "ORDER BY id) FROM bookings WHERE customer_id = %1")
                     .arg(ann))
                 .toString(),
             QStringLiteral("%1:%2:confirmed:1000,%3:%4:cancelled:1000")
                 .arg(first[u"id"].toInteger())
                 .arg(first[u"code"].toString())
                 .arg(second[u"id"].toInteger())
                 .arg(second[u"code"].toString()));
    QCOMPARE(
        sql(QStringLiteral("SELECT format('%s|%s|%s|%s|%s', booking_id, status, amount_cents, gross_cents, "
                           "stripe_checkout_session_id) FROM payments WHERE id = %1")
                .arg(paymentId))
            .toString(),
        QStringLiteral("%1|succeeded|1000|1000|cs_test_ann").arg(first[u"id"].toInteger()));
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s', amount_cents, status, reason) FROM refunds"))
                 .toString(),
             QStringLiteral("300|succeeded|[erased]: door of [erased] scratched"));
    QCOMPARE(sql(QStringLiteral(
                     "SELECT string_agg(format('%s:%s:%s', id, payload #>> '{data,object,amount_total}', "
                     "payload #>> '{data,object,amount}'), ',' ORDER BY id) FROM stripe_events "
                     "WHERE payload #> '{data,object,customer_details}' = 'null' "
                     "OR payload #> '{data,object,billing_details}' = 'null'"))
                 .toString(),
             QStringLiteral("evt_ann_charge::1000,evt_ann_session:1000:"));
    QCOMPARE(sql(QStringLiteral("SELECT details->>'reason' FROM audit_log WHERE action = 'booking.status' "
                                "AND entity_id = '%1'")
                     .arg(second[u"id"].toInteger()))
                 .toString(),
             QStringLiteral("[erased] rang from [erased] ([erased]), not coming"));

    // One audit row, in the operator's name, with counts and nothing else.
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'customer.forget'")).toInt(),
             1);
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s', actor, entity, entity_id) FROM audit_log "
                                "WHERE action = 'customer.forget'"))
                 .toString(),
             QStringLiteral("cli|customer|%1").arg(ann));
    const QJsonObject audit
        = QJsonDocument::fromJson(sql(QStringLiteral("SELECT details::text FROM audit_log "
                                                     "WHERE action = 'customer.forget'"))
                                      .toString()
                                      .toUtf8())
              .object();
    QJsonObject expectedAudit = expected;
    expectedAudit.remove(QStringLiteral("id"));
    expectedAudit.remove(QStringLiteral("already_forgotten"));
    expectedAudit.insert(QStringLiteral("matched_by"), QStringLiteral("id"));
    QCOMPARE(audit, expectedAudit);

    // The desk's search finds her no more, by any of what she was.
    for (const QString &text : {AnnName, QStringLiteral("1234567"), QStringLiteral("AB123")}) {
        const Run found
            = admin({QStringLiteral("customer"), QStringLiteral("find"), text, QStringLiteral("--json")});
        QCOMPARE(found.exitCode, 0);
        QCOMPARE(found.json().array().size(), 0);
    }
}

void TestCustomerForget::forgetByPhoneInAnotherFormatForgetsEveryCustomerWithThoseDigits()
{
    // The same person booked two cars, writing the number two ways; a
    // third customer's number only contains those digits.
    const qint64 one = customerOf(book(QStringLiteral("08:00"), QStringLiteral("K 1"), QStringLiteral("Kim"),
                                       QStringLiteral("15550100"))[u"id"]
                                      .toInteger());
    const qint64 two = customerOf(book(QStringLiteral("08:30"), QStringLiteral("K 2"),
                                       QStringLiteral("Kim Park"), QStringLiteral("+1 555-0100"))[u"id"]
                                      .toInteger());
    const qint64 other = customerOf(book(QStringLiteral("09:00"), QStringLiteral("K 3"),
                                         QStringLiteral("Lou"), QStringLiteral("+1 555-01009"))[u"id"]
                                        .toInteger());
    QVERIFY(one > 0 && two > 0 && other > 0 && one != two);

    const Run r
        = admin({QStringLiteral("customer"), QStringLiteral("forget"), QStringLiteral("+1 (555) 0100")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.outText().contains(QStringLiteral("Customer %1 forgotten").arg(one)), r.out.constData());
    QVERIFY2(r.outText().contains(QStringLiteral("Customer %1 forgotten").arg(two)), r.out.constData());
    QVERIFY2(r.outText().contains(QStringLiteral("  vehicles anonymised: 1\n  bookings anonymised: 1\n")),
             r.out.constData());
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(format('%s:%s:%s', id, name, coalesce(phone, '-')), ',' "
                                "ORDER BY id) FROM customers"))
                 .toString(),
             QStringLiteral("%1:%4:-,%2:%4:-,%3:Lou:+1 555-01009")
                 .arg(one)
                 .arg(two)
                 .arg(other)
                 .arg(CustomerEraser::ErasedName));
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(plate, ',' ORDER BY id) FROM vehicles")).toString(),
             CustomerEraser::placeholderPlate(1) + u',' + CustomerEraser::placeholderPlate(2)
                 + QStringLiteral(",K3"));
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(format('%s:%s', entity_id, details->>'matched_by'), ',' "
                                "ORDER BY entity_id) FROM audit_log WHERE action = 'customer.forget'"))
                 .toString(),
             QStringLiteral("%1:phone,%2:phone").arg(one).arg(two));
}

void TestCustomerForget::forgetByEmailInAnotherCase()
{
    const qint64 ann
        = customerOf(book(QStringLiteral("08:00"), AnnPlate, AnnName, {}, AnnEmail)[u"id"].toInteger());
    const qint64 bob = customerOf(book(QStringLiteral("09:00"), QStringLiteral("XY 9"), QStringLiteral("Bob"),
                                       {}, QStringLiteral("bob@example.com"))[u"id"]
                                      .toInteger());
    const Run r = admin({QStringLiteral("customer"), QStringLiteral("forget"),
                         QStringLiteral("ANN.LEE@example.COM"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()[u"matched_by"].toString(), QStringLiteral("email"));
    QCOMPARE(r.json()[u"customers"].toArray().size(), 1);
    QCOMPARE(r.json()[u"customers"][0][u"id"].toInteger(), ann);
    QCOMPARE(rowsMentioning({AnnName, QStringLiteral("ann.lee@"), QStringLiteral("AB123")}), 0);
    QCOMPARE(sql(QStringLiteral("SELECT email FROM customers WHERE id = %1").arg(bob)).toString(),
             QStringLiteral("bob@example.com"));
}

void TestCustomerForget::forgettingTwiceIsHarmlessAndSaysSo()
{
    const QJsonObject b = book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone);
    const qint64 ann = customerOf(b[u"id"].toInteger());
    const QString forget = QString::number(ann);
    QCOMPARE(admin({QStringLiteral("customer"), QStringLiteral("forget"), forget}).exitCode, 0);
    const QString after
        = sql(QStringLiteral("SELECT format('%s|%s|%s', c.name, v.plate, b.plate) FROM customers c "
                             "JOIN vehicles v ON v.customer_id = c.id JOIN bookings b ON "
                             "b.customer_id = c.id WHERE c.id = %1")
                  .arg(ann))
              .toString();

    const Run again = admin({QStringLiteral("customer"), QStringLiteral("forget"), forget});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(
        again.outText().contains(
            QStringLiteral("Customer %1 was forgotten before; nothing personal was left to erase.").arg(ann)),
        again.out.constData());
    const Run json
        = admin({QStringLiteral("customer"), QStringLiteral("forget"), forget, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json()[u"customers"][0][u"already_forgotten"].toBool(), true);
    QCOMPARE(json.json()[u"customers"][0][u"bookings"].toInt(), 1);
    QCOMPARE(sql(QStringLiteral("SELECT format('%s|%s|%s', c.name, v.plate, b.plate) FROM customers c "
                                "JOIN vehicles v ON v.customer_id = c.id JOIN bookings b ON "
                                "b.customer_id = c.id WHERE c.id = %1")
                     .arg(ann))
                 .toString(),
             after);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'customer.forget'")).toInt(),
             1);

    // Her phone is gone, so asking by it again finds nobody.
    const Run byPhone = admin({QStringLiteral("customer"), QStringLiteral("forget"), AnnPhone});
    QCOMPARE(byPhone.exitCode, 3);
}

void TestCustomerForget::aDryRunShowsWhoAndHowMuchAndChangesNothing()
{
    const QJsonObject first = book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const QJsonObject second = book(QStringLiteral("09:00"), QStringLiteral("CD 4"), AnnName, AnnPhone);
    giveAnnAHistory(first[u"id"].toInteger(), second[u"id"].toInteger());
    const QString before = everything();
    QVERIFY(!before.isEmpty());

    const Run text = admin(
        {QStringLiteral("customer"), QStringLiteral("forget"), AnnPhone, QStringLiteral("--dry-run")});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    const qint64 one = customerOf(first[u"id"].toInteger());
    const qint64 two = customerOf(second[u"id"].toInteger());
    QVERIFY(one != two);
    for (const qint64 id : {one, two})
        QVERIFY2(text.outText().contains(QStringLiteral("Customer %1 would be forgotten").arg(id)),
                 text.out.constData());
    QVERIFY2(text.outText().contains(QStringLiteral("Dry run: nothing was changed.")), text.out.constData());
    const Run dry = admin({QStringLiteral("customer"), QStringLiteral("forget"), AnnPhone,
                           QStringLiteral("--dry-run"), QStringLiteral("--json")});
    QCOMPARE(dry.exitCode, 0);
    QCOMPARE(dry.json()[u"dry_run"].toBool(), true);
    QCOMPARE(everything(), before);

    // The real thing does what the dry run said.
    const Run real
        = admin({QStringLiteral("customer"), QStringLiteral("forget"), AnnPhone, QStringLiteral("--json")});
    QCOMPARE(real.exitCode, 0);
    QCOMPARE(real.json()[u"dry_run"].toBool(), false);
    QCOMPARE(real.json()[u"customers"], dry.json()[u"customers"]);
    QCOMPARE(real.json()[u"customers"].toArray().size(), 2);
    QVERIFY(everything() != before);
    QCOMPARE(rowsMentioning({AnnName, QStringLiteral("ann.lee@example"), QStringLiteral("1234567"),
                             QStringLiteral("AB123"), QStringLiteral("CD4")}),
             0);
}

void TestCustomerForget::nobodyMatchingExitsThreeAndWritesNothing_data()
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

void TestCustomerForget::nobodyMatchingExitsThreeAndWritesNothing()
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

void TestCustomerForget::badInputExitsTwoNamingWhatIsWrong_data()
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

void TestCustomerForget::badInputExitsTwoNamingWhatIsWrong()
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

void TestCustomerForget::theOldPlateBooksAgainAndThePlaceholderCannotBeTyped()
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

void TestCustomerForget::aLateRetryOfAForgottenBookingIsRefusedNotBookedTwice()
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

void TestCustomerForget::aBookingInFlightForTheCustomerWaitsAndIsAnonymisedToo()
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

QTEST_GUILESS_MAIN(TestCustomerForget)
#include "tst_customerforget.moc"
