#pragma once

#include "tests/harness/pgtestcluster.h"

#include <QString>

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
