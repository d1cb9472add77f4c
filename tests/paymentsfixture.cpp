#include "tests/paymentsfixture.h"

#include "db/demo/demoseeder.h"
#include "db/payments/taxamounts.h"
#include "db/schema/migrator.h"

#include <QTest>

namespace PaymentsFixture {

QVariant sql(PgTestCluster &cluster, const QString &statement)
{
    QString error;
    const QVariant value = cluster.queryBlocking(statement, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(statement), qPrintable(error));
    return value;
}

qint64 addBooking(PgTestCluster &cluster, const QString &status, qint64 priceCents, QString *code)
{
    static int made = 0;
    ++made;
    // A code as ConfirmationCode makes them (no 0/O, 1/I/L), so the
    // command line takes it for one: P and the count in its alphabet.
    const QByteArray alphabet = QByteArrayLiteral("23456789ABCDEFGHJKMNPQRSTUVWXYZ");
    QString bookingCode = QStringLiteral("P");
    for (int i = 4, n = made; i >= 0; --i, n /= int(alphabet.size()))
        bookingCode.insert(1, QLatin1Char(alphabet.at(n % alphabet.size())));
    const QString plate = QStringLiteral("PAY%1").arg(made);
    const qint64 id
        = sql(cluster,
              QStringLiteral(
                  "WITH c AS (INSERT INTO customers (name) VALUES ('Pat Payer') RETURNING id), "
                  "v AS (INSERT INTO vehicles (customer_id, plate) SELECT id, '%1' FROM c "
                  "RETURNING id, customer_id), "
                  "t AS (SELECT date_trunc('hour', now()) + interval '30 days' + %2 * interval '1 hour' AS "
                  "s) "
                  "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, "
                  "vehicle_id, plate, starts_at, ends_at, blocked_until, hold_expires_at, price_cents, "
                  "currency, created_by) "
                  "SELECT '%3', '%4', (SELECT min(id) FROM bays), (SELECT min(id) FROM services), 'car', "
                  "v.customer_id, v.id, '%1', t.s, t.s + interval '20 minutes', t.s + interval '25 minutes', "
                  "CASE WHEN '%4' = 'held' THEN now() + interval '10 minutes' END, %5, "
                  "coalesce((SELECT value FROM site_settings WHERE key = 'billing.currency'), 'USD'), "
                  "'test' FROM v, t RETURNING id")
                  .arg(plate)
                  .arg(made)
                  .arg(bookingCode, status)
                  .arg(priceCents))
              .toLongLong();
    if (code)
        *code = bookingCode;
    return id;
}

qint64 addPayment(PgTestCluster &cluster, qint64 bookingId, const QString &method, qint64 amountCents,
                  const QString &paidAtSql, qint64 grossCents)
{
    const TaxAmounts charge = TaxAmounts::compute(grossCents ? grossCents : amountCents, 825, true);
    return sql(cluster,
               QStringLiteral(
                   "INSERT INTO payments (booking_id, method, status, amount_cents, currency, created_by, "
                   "paid_at, tendered_cents, tax_rate_basis_points, prices_include_tax, net_cents, "
                   "tax_cents, gross_cents) VALUES (%1, '%2', 'succeeded', %3, 'USD', 'staff:7', %4, "
                   "%5, 825, true, %6, %7, %8) RETURNING id")
                   .arg(bookingId)
                   .arg(method)
                   .arg(amountCents)
                   .arg(paidAtSql, method == u"cash" ? QString::number(amountCents) : QStringLiteral("NULL"))
                   .arg(charge.netCents)
                   .arg(charge.taxCents)
                   .arg(charge.totalCents))
        .toLongLong();
}

} // namespace PaymentsFixture

bool PaymentsDbFixture::startPayments(const QString &applicationName, QString *error)
{
    if (!m_cluster.start(error))
        return false;
    DatabaseConfig config = m_cluster.config(applicationName);
    config.maxConnections = 3;
    m_pool = std::make_unique<ConnectionPool>(config);
    const auto migrated = run([](QSqlDatabase &db) { return Migrator::migrate(db); });
    const auto seeded = run([](QSqlDatabase &db) { return DemoSeeder::seed(db); });
    if (!migrated.ok() || !seeded.ok()) {
        *error = (migrated.ok() ? seeded.error() : migrated.error()).toLogString();
        return false;
    }
    return true;
}

void PaymentsDbFixture::resetPayments()
{
    sql(QStringLiteral("DELETE FROM payment_requests; DELETE FROM refunds; DELETE FROM payments; "
                       "DELETE FROM card_readers; DELETE FROM process_health; "
                       "DELETE FROM audit_log WHERE action LIKE 'payment.%' OR action LIKE 'reader.%'"));
    sql(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('%1', 'Front desk')").arg(FrontReader));
}
