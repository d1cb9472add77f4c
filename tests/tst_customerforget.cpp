// carwash-admin customer forget as an operator uses it on a customer's
// request: the real binary against a real PostgreSQL. Every column that
// held the person's name, phone, e-mail or plates is read back afterwards
// (customers, vehicles, bookings, payments, refunds, Stripe events, the
// audit log); bookings, payments and their amounts are still there; one
// audit row per customer with counts only; by id, phone or e-mail, twice,
// and as a dry run.
#include "db/customers/customereraser.h"
#include "tests/customerforgetfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using AdminProcess::Run;

class TestCustomerForget : public QObject, protected CustomerForgetFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startSite(QStringLiteral("tst_customerforget"), &error), qPrintable(error));
    }
    void init() { resetSite(); }
    void cleanupTestCase() { m_pool.reset(); }

    void forgetByIdErasesEveryPersonalColumnAndKeepsTheBooks();
    void forgetByPhoneInAnotherFormatForgetsEveryCustomerWithThoseDigits();
    void forgetByEmailInAnotherCase();
    void forgettingTwiceIsHarmlessAndSaysSo();
    void aDryRunShowsWhoAndHowMuchAndChangesNothing();
};

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

QTEST_GUILESS_MAIN(TestCustomerForget)
#include "tst_customerforget.moc"
