#pragma once

#include "db/pool/connectionpool.h"
#include "tests/harness/pgtestcluster.h"

#include <QString>

#include <memory>

// What the payment tests share: bookings made straight in SQL on a cluster
// whose catalogue is seeded (any bay and service will do; the price is the
// test's), each an hour after the last, far enough ahead to be bookable.
// From the test thread only.
namespace PaymentsFixture {

// A booking with this status and price in the site's currency; its code
// is returned through code when given. Held bookings hold for 10 minutes.
qint64 addBooking(PgTestCluster &cluster, const QString &status, qint64 priceCents, QString *code = nullptr);

// A succeeded payment of the booking as carwash-server (card) or the desk
// (cash) records one, paid at paidAtSql (an SQL expression such as
// "now() - interval '1 hour'" or a timestamptz literal), charged 8.25 %
// included of grossCents (the whole booking's price; default: amountCents).
qint64 addPayment(PgTestCluster &cluster, qint64 bookingId, const QString &method, qint64 amountCents,
                  const QString &paidAtSql, qint64 grossCents = 0);

// Runs sql (no result needed) and fails the test's QVERIFY when it errs.
QVariant sql(PgTestCluster &cluster, const QString &statement);

} // namespace PaymentsFixture

// The db tests' shared base: a cluster, migrated and seeded with the demo
// catalogue, a small pool, and the payment tables emptied before each test
// (resetPayments()). A plain base with no slots, so QTest runs only the
// test class's own; initTestCase()/init()/cleanupTestCase() call
// startPayments(), resetPayments() and stopPayments().
class PaymentsDbFixture
{
protected:
    static inline const QString Desk = QStringLiteral("staff:7");
    static inline const QString FrontReader = QStringLiteral("tmr_FrontDesk1");

    // False (with *error) when the cluster or the schema could not be set up.
    bool startPayments(const QString &applicationName, QString *error);
    // Empties payments, refunds, requests, readers, process health and the
    // payment and reader audit rows; registers FrontReader.
    void resetPayments();
    void stopPayments() { m_pool.reset(); }

    template<typename Fn> auto run(Fn fn)
    {
        return m_pool->withRetry(QStringLiteral("test"), RetryPolicy::critical(), std::move(fn)).result();
    }
    QVariant sql(const QString &text) { return PaymentsFixture::sql(m_cluster, text); }
    qint64 booking(const QString &status, qint64 priceCents, QString *code = nullptr)
    {
        return PaymentsFixture::addBooking(m_cluster, status, priceCents, code);
    }

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
};
