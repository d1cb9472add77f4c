// The day's takings against a real PostgreSQL: a day of mixed payments and
// refunds, cash and card, with rows just before and just after local
// midnight at both ends of the day, on the day New York leaves summer time
// (25 hours long). The figures equal the payments and refunds tables to the
// cent; the CSV export quotes as RFC 4180 says.
#include "db/demo/demoseeder.h"
#include "db/payments/takingsrepo.h"
#include "db/pool/connectionpool.h"
#include "db/schema/migrator.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/testnames.h"
#include "tests/paymentsfixture.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using TestNames::describe;

namespace {

const QDate Day(2026, 11, 1); // 00:00 EDT (04:00Z) to 24:00 EST (05:00Z next day)

} // namespace

class TestTakings : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void aMixedDayEqualsTheTablesToTheCent();
    void aQuietDayIsZerosInTheSitesCurrency();
    void csvRowsPerMethodAndTotalQuotedAsRfc4180();
    void csvField_data();
    void csvField();

private:
    template<typename Fn> auto run(Fn fn)
    {
        return m_pool->withRetry(QStringLiteral("test"), RetryPolicy::standard(), std::move(fn)).result();
    }
    QVariant sql(const QString &text) { return PaymentsFixture::sql(m_cluster, text); }
    qint64 pay(const QString &method, qint64 cents, const QString &utc, qint64 gross = 0);
    void refund(qint64 paymentId, const QString &method, qint64 cents, const QString &status,
                const QString &utc);

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    int m_refunds = 0;
};

void TestTakings::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_takings")));
    auto migrated = run([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(migrated.ok(), describe(migrated).constData());
    QVERIFY(run([](QSqlDatabase &db) { return DemoSeeder::seed(db); }).ok());
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', 'America/New_York'), "
                       "('site.name', 'Suds & Co, \"Downtown\"') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
}

void TestTakings::cleanupTestCase()
{
    m_pool.reset();
}

qint64 TestTakings::pay(const QString &method, qint64 cents, const QString &utc, qint64 gross)
{
    const qint64 booking
        = PaymentsFixture::addBooking(m_cluster, QStringLiteral("completed"), gross ? gross : cents);
    return PaymentsFixture::addPayment(m_cluster, booking, method, cents,
                                       QStringLiteral("'%1'::timestamptz").arg(utc), gross);
}

void TestTakings::refund(qint64 paymentId, const QString &method, qint64 cents, const QString &status,
                         const QString &utc)
{
    ++m_refunds;
    sql(QStringLiteral(
            "INSERT INTO refunds (payment_id, method, status, amount_cents, currency, idempotency_key, "
            "created_by, succeeded_at) VALUES (%1, '%2', '%3', %4, 'USD', 'refund-test-%5', 'staff:7', "
            "%6)")
            .arg(paymentId)
            .arg(method, status)
            .arg(cents)
            .arg(m_refunds)
            .arg(status == u"succeeded" ? QStringLiteral("'%1'::timestamptz").arg(utc)
                                        : QStringLiteral("NULL")));
    if (status == u"succeeded")
        sql(QStringLiteral("UPDATE payments SET refunded_cents = refunded_cents + %1, status = CASE WHEN "
                           "refunded_cents + %1 = amount_cents THEN 'refunded' ELSE status END WHERE id = %2")
                .arg(cents)
                .arg(paymentId));
}

void TestTakings::aMixedDayEqualsTheTablesToTheCent()
{
    // Cash: the first second of the day, a payment refunded in full the
    // same day, a part payment (1000 of a 45.00 charge) in the last second.
    pay(QStringLiteral("cash"), 999, QStringLiteral("2026-11-01T03:59:59Z")); // 23:59:59 the day before
    pay(QStringLiteral("cash"), 2000, QStringLiteral("2026-11-01T04:00:00Z")); // tax 152
    const qint64 refundedCash
        = pay(QStringLiteral("cash"), 1500, QStringLiteral("2026-11-01T13:00:00Z")); // 114
    pay(QStringLiteral("cash"), 1000, QStringLiteral("2026-11-02T04:59:59Z"), 4500); // 343 × 1000/4500 = 76
    pay(QStringLiteral("cash"), 888, QStringLiteral("2026-11-02T05:00:00Z")); // the next day's midnight
    // Card: Checkout and the reader; one waiting and one failed count not.
    const qint64 checkout
        = pay(QStringLiteral("stripe_checkout"), 4500, QStringLiteral("2026-11-01T16:00:00Z")); // 343
    const qint64 reader
        = pay(QStringLiteral("terminal"), 3000, QStringLiteral("2026-11-01T14:00:00Z")); // 229
    const qint64 waiting = pay(QStringLiteral("terminal"), 2500, QStringLiteral("2026-11-01T15:00:00Z"));
    sql(QStringLiteral("UPDATE payments SET status = 'pending', paid_at = NULL WHERE id = %1").arg(waiting));
    const qint64 declined = pay(QStringLiteral("terminal"), 2600, QStringLiteral("2026-11-01T15:30:00Z"));
    sql(QStringLiteral("UPDATE payments SET status = 'failed', paid_at = NULL WHERE id = %1").arg(declined));
    // Refunds by the day they succeeded.
    refund(refundedCash, QStringLiteral("cash"), 1500, QStringLiteral("succeeded"),
           QStringLiteral("2026-11-01T20:00:00Z"));
    refund(checkout, QStringLiteral("card"), 500, QStringLiteral("succeeded"),
           QStringLiteral("2026-11-02T04:30:00Z"));
    refund(reader, QStringLiteral("card"), 700, QStringLiteral("succeeded"),
           QStringLiteral("2026-11-02T05:00:30Z"));
    refund(checkout, QStringLiteral("card"), 300, QStringLiteral("pending"), {});
    refund(reader, QStringLiteral("card"), 200, QStringLiteral("failed"), {});

    const auto day = run([](QSqlDatabase &db) { return TakingsRepo(db).forDay(Day); });
    QVERIFY2(day.ok(), describe(day).constData());
    QCOMPARE(day->from.toUTC(), QDateTime(QDate(2026, 11, 1), QTime(4, 0), QTimeZone::utc()));
    QCOMPARE(day->to.toUTC(), QDateTime(QDate(2026, 11, 2), QTime(5, 0), QTimeZone::utc()));
    QCOMPARE(day->currencies.size(), 1);
    const CurrencyTakings &usd = day->currencies.first();
    QCOMPARE(usd.currency, QStringLiteral("USD"));
    QCOMPARE(usd.cash.payments, 3);
    QCOMPARE(usd.cash.takenCents, 4500);
    QCOMPARE(usd.cash.taxCents, 152 + 114 + 76);
    QCOMPARE(usd.cash.refunds, 1);
    QCOMPARE(usd.cash.refundedCents, 1500);
    QCOMPARE(usd.cash.netCents(), 3000);
    QCOMPARE(usd.card.payments, 2);
    QCOMPARE(usd.card.takenCents, 7500);
    QCOMPARE(usd.card.taxCents, 343 + 229);
    QCOMPARE(usd.card.refunds, 1);
    QCOMPARE(usd.card.refundedCents, 500);
    QCOMPARE(usd.total().netCents(), 10000);

    // The same figures straight from the tables, with the day as
    // PostgreSQL reads it in the site's zone.
    const QString localDay = QStringLiteral("(%1 AT TIME ZONE 'America/New_York')::date = '2026-11-01'");
    QCOMPARE(
        sql(QStringLiteral("SELECT sum(amount_cents) FROM payments WHERE status IN ('succeeded', 'refunded') "
                           "AND %1")
                .arg(localDay.arg(QStringLiteral("paid_at"))))
            .toLongLong(),
        usd.total().takenCents);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE paid_at IS NOT NULL AND %1")
                     .arg(localDay.arg(QStringLiteral("paid_at"))))
                 .toInt(),
             usd.total().payments);
    QCOMPARE(sql(QStringLiteral("SELECT sum(amount_cents) FROM refunds WHERE status = 'succeeded' AND %1")
                     .arg(localDay.arg(QStringLiteral("succeeded_at"))))
                 .toLongLong(),
             usd.total().refundedCents);

    const QJsonObject json = day->toJson();
    QCOMPARE(json[u"time_zone"].toString(), QStringLiteral("America/New_York"));
    QCOMPARE(json[u"from"].toString(), QStringLiteral("2026-11-01T00:00:00-04:00"));
    QCOMPARE(json[u"to"].toString(), QStringLiteral("2026-11-02T00:00:00-05:00"));
    QCOMPARE(json[u"currency"].toString(), QStringLiteral("USD"));
    const QJsonObject total = json[u"currencies"].toArray().first()[u"total"].toObject();
    QCOMPARE(total[u"taken_cents"].toInteger(), 12000);
    QCOMPARE(total[u"tax_cents"].toInteger(), 914);
    QCOMPARE(total[u"refunded_cents"].toInteger(), 2000);
    QCOMPARE(total[u"net_cents"].toInteger(), 10000);
    sql(QStringLiteral("DELETE FROM refunds; DELETE FROM payments"));
}

void TestTakings::aQuietDayIsZerosInTheSitesCurrency()
{
    const auto day = run([](QSqlDatabase &db) { return TakingsRepo(db).forDay(QDate(2026, 3, 8)); });
    QVERIFY2(day.ok(), describe(day).constData());
    QCOMPARE(day->currencies.size(), 1);
    QCOMPARE(day->currencies.first().currency, QStringLiteral("USD"));
    QCOMPARE(day->currencies.first().total().payments, 0);
    // The spring change: 23 hours.
    QCOMPARE(day->from.secsTo(day->to), 23 * 3600);
}

void TestTakings::csvRowsPerMethodAndTotalQuotedAsRfc4180()
{
    DayTakings day;
    day.date = Day;
    day.timeZone = QTimeZone("America/New_York");
    day.siteName = QStringLiteral("Suds & Co, \"Downtown\"");
    CurrencyTakings usd {QStringLiteral("USD"), {}, {}};
    usd.cash = {3, 4500, 342, 1, 1500};
    usd.card = {2, 7500, 572, 1, 2505};
    day.currencies = {usd};
    const QString site = QStringLiteral("\"Suds & Co, \"\"Downtown\"\"\"");
    QCOMPARE(day.toCsv(),
             QStringLiteral("site,date,time_zone,currency,method,payments,taken,tax,refunds,refunded,net\r\n"
                            "%1,2026-11-01,America/New_York,USD,cash,3,45.00,3.42,1,15.00,30.00\r\n"
                            "%1,2026-11-01,America/New_York,USD,card,2,75.00,5.72,1,25.05,49.95\r\n"
                            "%1,2026-11-01,America/New_York,USD,total,5,120.00,9.14,2,40.05,79.95\r\n")
                 .arg(site));
}

void TestTakings::csvField_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << QStringLiteral("Main St") << QStringLiteral("Main St");
    QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::newRow("line break") << QStringLiteral("1 Main St\nSpringfield")
                                << QStringLiteral("\"1 Main St\nSpringfield\"");
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << QStringLiteral("\"a\rb\"");
    QTest::newRow("empty") << QString() << QString();
}

void TestTakings::csvField()
{
    QFETCH(QString, text);
    QFETCH(QString, field);
    QCOMPARE(DayTakings::csvField(text), field);
}

QTEST_GUILESS_MAIN(TestTakings)
#include "tst_takings.moc"
