#include "bench/bookingworkload.h"

#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"

#include <QStringList>

namespace {

const QString kMarker = QStringLiteral("carwash-bench");

// Everything an earlier, interrupted run against the same database may have
// left, children before parents. Inside a transaction.
void removeBenchRows(QSqlDatabase &db)
{
    // DROP ... IF EXISTS of nothing is no news worth a NOTICE on stderr.
    Sql::exec(db, QStringLiteral("SET LOCAL client_min_messages = warning"));
    Sql::exec(db, QStringLiteral("DELETE FROM bookings WHERE created_by = ?"), {kMarker});
    Sql::exec(db, QStringLiteral("DELETE FROM vehicles WHERE plate = 'CWBENCH'"));
    Sql::exec(db, QStringLiteral("DELETE FROM customers WHERE name = ?"), {kMarker});
    Sql::exec(db, QStringLiteral("DELETE FROM bays WHERE name LIKE 'carwash-bench bay %'"));
    Sql::exec(db, QStringLiteral("DELETE FROM services WHERE name = ?"), {kMarker});
    Sql::exec(db, QStringLiteral("DROP SEQUENCE IF EXISTS carwash_bench_slot"));
}

} // namespace

bool BookingWorkload::setUp(ConnectionPool &pool, QString *error)
{
    const DbResult<QString> made
        = pool.withConnection(
                  QStringLiteral("bench.setup"),
                  [](QSqlDatabase &db) {
                      Migrator::migrate(db);
                      Transaction tx(db);
                      removeBenchRows(db);
                      // Inactive, so a desk or kiosk on the same database never offers them.
                      const QVariant service = Sql::scalar(
                          db,
                          QStringLiteral("INSERT INTO services (name, duration_minutes, active) "
                                         "VALUES (?, 1, false) RETURNING id"),
                          {kMarker});
                      QStringList bays;
                      for (int i = 1; i <= BayCount; ++i)
                          bays << Sql::scalar(
                                      db,
                                      QStringLiteral(
                                          "INSERT INTO bays (name, kind, active) VALUES (?, 'tunnel', false) "
                                          "RETURNING id"),
                                      {QStringLiteral("carwash-bench bay %1").arg(i)})
                                      .toString();
                      const QVariant customer = Sql::scalar(
                          db, QStringLiteral("INSERT INTO customers (name) VALUES (?) RETURNING id"),
                          {kMarker});
                      const QVariant vehicle = Sql::scalar(
                          db,
                          QStringLiteral(
                              "INSERT INTO vehicles (customer_id, plate) VALUES (?, 'CWBENCH') RETURNING id"),
                          {customer});
                      // Six hex digits make the confirmation code, hence the maximum.
                      Sql::exec(db, QStringLiteral("CREATE SEQUENCE carwash_bench_slot MAXVALUE 16777215"));
                      tx.commit();

                      return QStringLiteral(
                                 "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, "
                                 "customer_id, vehicle_id, "
                                 "plate, starts_at, ends_at, blocked_until, price_cents, currency, "
                                 "created_by) "
                                 "SELECT upper(lpad(to_hex(slot.n), 6, '0')), 'confirmed', "
                                 "(ARRAY[%1]::bigint[])[1 + slot.n % %2], "
                                 "%3, 'car', %4, %5, 'CWBENCH', t.starts, t.starts + interval '50 seconds', "
                                 "t.starts + interval '1 minute', 1500, 'USD', '%6' "
                                 "FROM (SELECT nextval('carwash_bench_slot') AS n) AS slot, "
                                 "LATERAL (SELECT timestamptz '2200-01-01 00:00:00+00' + (slot.n / %2) * "
                                 "interval '1 minute' "
                                 "AS starts) AS t")
                          .arg(bays.join(QLatin1Char(',')))
                          .arg(BayCount)
                          .arg(service.toString(), customer.toString(), vehicle.toString(), kMarker);
                  })
              .result();
    if (!made.ok()) {
        *error = made.error().toLogString();
        return false;
    }
    m_insertSql = made.value();
    return true;
}

bool BookingWorkload::tearDown(ConnectionPool &pool, QString *error)
{
    const DbResult<Done> removed = pool.withConnection(QStringLiteral("bench.teardown"),
                                                       [](QSqlDatabase &db) {
                                                           Transaction tx(db);
                                                           removeBenchRows(db);
                                                           tx.commit();
                                                       })
                                       .result();
    if (!removed.ok()) {
        *error = removed.error().toLogString();
        return false;
    }
    return true;
}

QString BookingWorkload::pgbenchScript() const
{
    return QStringLiteral("BEGIN;\n%1;\nCOMMIT;\n").arg(m_insertSql);
}
