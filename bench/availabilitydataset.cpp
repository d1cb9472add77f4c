#include "bench/availabilitydataset.h"

#include "db/pool/sql.h"
#include "db/schema/migrator.h"

#include <QElapsedTimer>
#include <QSqlQuery>

#include <algorithm>

namespace {

constexpr qint64 BatchSize = 100000;

// One booking per number n: n / 24 is a bay-day (bays first, then days
// backwards from the last future day), n % 24 its position in that day. The
// hashes of n pick the service, vehicle class, status and customer, so the
// data set is the same for the same size. Only future bookings are active
// (confirmed, a few held), which the exclusion constraint checks; history
// is completed, cancelled or no-show, as it would be after years of use.
const QString BookingsSql = QStringLiteral(R"(
INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, vehicle_id, plate,
                      starts_at, ends_at, blocked_until, hold_expires_at, price_cents, currency,
                      created_by, created_at)
SELECT upper(lpad(to_hex(g.n), 6, '0')), st.status, ?::bigint + x.bay, s.id, sp.vehicle_class,
       p.customer_id, p.vehicle_id, p.plate,
       x.starts,
       x.starts + s.duration_minutes * interval '1 minute',
       x.starts + (s.duration_minutes + ?) * interval '1 minute',
       CASE WHEN st.status = 'held' THEN
           CASE WHEN h.r1 % 2 = 0 THEN now() + interval '10 minutes' ELSE now() - interval '1 hour' END
       END,
       sp.price_cents, sp.currency,
       (ARRAY['kiosk', 'staff:2', 'staff:3'])[1 + (h.r1 / 400) % 3],
       least(x.starts, now()) - interval '2 days'
  FROM generate_series(?::bigint, ?::bigint) AS g(n)
 CROSS JOIN LATERAL (SELECT hashint8(g.n)::bigint + 2147483648 AS r1,
                            hashint8(g.n + 1000000007)::bigint + 2147483648 AS r2) AS h
 CROSS JOIN LATERAL (SELECT (g.n / ?) % ? AS bay,
                            ?::date + (? - 1 - (g.n / ?) / ?)::integer AS day,
                            g.n % ? AS position) AS d
 CROSS JOIN LATERAL (SELECT d.bay, d.day,
                            ((d.day + time '07:00') + d.position * interval '35 minutes')
                                AT TIME ZONE 'UTC' AS starts) AS x
 CROSS JOIN LATERAL (SELECT CASE
            WHEN x.day < ?::date THEN
                CASE WHEN h.r1 / 4000 % 100 < 88 THEN 'completed'
                     WHEN h.r1 / 4000 % 100 < 95 THEN 'cancelled' ELSE 'no_show' END
            WHEN x.starts < now() THEN 'completed'
            WHEN h.r1 / 4000 % 100 < 2 THEN 'held'
            WHEN h.r1 / 4000 % 100 < 12 THEN 'cancelled'
            ELSE 'confirmed' END AS status) AS st
  JOIN services AS s ON s.id = ?::bigint + h.r1 % 4
  JOIN service_prices AS sp
    ON sp.service_id = s.id
   AND sp.vehicle_class = CASE WHEN h.r1 / 4 % 10 < 7 THEN 'car' WHEN h.r1 / 4 % 10 < 9 THEN 'suv'
                               ELSE 'truck' END
  JOIN carwash_bench_people AS p ON p.number = 1 + h.r2 % ?
)");

QList<qint64> ids(QSqlDatabase &db, const QString &sql)
{
    QList<qint64> result;
    QSqlQuery query = Sql::exec(db, sql);
    while (query.next())
        result.append(query.value(0).toLongLong());
    return result;
}

bool consecutive(const QList<qint64> &list)
{
    for (qsizetype i = 1; i < list.size(); ++i) {
        if (list[i] != list[i - 1] + 1)
            return false;
    }
    return !list.isEmpty();
}

} // namespace

AvailabilityDataset AvailabilityDataset::generate(QSqlDatabase &db, qint64 bookings,
                                                  const std::function<void(const QString &)> &progress)
{
    QElapsedTimer clock;
    clock.start();
    auto elapsed = [&] { return QStringLiteral("%1 s").arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1); };

    AvailabilityDataset set;
    set.bookings = bookings;
    set.customers = int(std::clamp<qint64>(bookings / 20, 1000, 50000));
    const qint64 perDay = qint64(BayCount) * BookingsPerBayDay;
    set.historyDays = int((bookings + perDay - 1) / perDay);
    set.futureDays = std::clamp(set.historyDays / 3, 1, 30);

    progress(QStringLiteral("migrating"));
    Migrator::migrate(db);
    if (Sql::scalar(
            db, QStringLiteral("SELECT EXISTS (SELECT 1 FROM bookings) OR EXISTS (SELECT 1 FROM services)"))
            .toBool())
        throw DbException(
            DbError(DbError::Kind::Invalid,
                    QStringLiteral("the database is not empty; the availability benchmark needs a "
                                   "fresh one")));

    progress(QStringLiteral("catalogue: %1 bays, 4 services, opening hours").arg(BayCount));
    {
        Transaction tx(db);
        const QStringList settings {
            QStringLiteral("('site.name', 'Benchmark Car Wash')"),
            QStringLiteral("('site.timezone', 'UTC')"),
            QStringLiteral("('booking.slot_minutes', '15')"),
            QStringLiteral("('booking.buffer_minutes', '%1')").arg(BufferMinutes),
            QStringLiteral("('booking.min_notice_minutes', '0')"),
            QStringLiteral("('booking.horizon_days', '%1')").arg(HorizonDays),
            QStringLiteral("('booking.hold_minutes', '10')"),
        };
        Sql::exec(db,
                  QStringLiteral("INSERT INTO site_settings (key, value) VALUES %1 "
                                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
                      .arg(settings.join(QStringLiteral(", "))));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO services (name, duration_minutes, sort_order) VALUES "
                                 "('Express Exterior', 10, 10), ('Deluxe Wash', 15, 20), "
                                 "('Ultimate Shine', 20, 30), ('Interior Express', 30, 40)"));
        set.serviceIds = ids(db, QStringLiteral("SELECT id FROM services ORDER BY id"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO service_prices (service_id, vehicle_class, price_cents) "
                                 "SELECT s.id, c.vehicle_class, 1000 + s.sort_order * 40 + c.extra "
                                 "FROM services AS s CROSS JOIN (VALUES ('car', 0), ('suv', 300), "
                                 "('truck', 600)) AS c (vehicle_class, extra)"));
        set.addonId = Sql::scalar(db,
                                  QStringLiteral("INSERT INTO addons (name, price_cents, extra_minutes) "
                                                 "VALUES ('Hot Carnauba Wax', 600, 5) RETURNING id"))
                          .toLongLong();
        Sql::exec(db,
                  QStringLiteral("INSERT INTO service_addons (service_id, addon_id) "
                                 "SELECT id, ? FROM services"),
                  {set.addonId});
        Sql::exec(db,
                  QStringLiteral("INSERT INTO bays (name, kind, sort_order) "
                                 "SELECT 'Bay ' || lpad(i::text, 2, '0'), 'tunnel', i "
                                 "FROM generate_series(1, %1) AS i ORDER BY i")
                      .arg(BayCount));
        set.bayIds = ids(db, QStringLiteral("SELECT id FROM bays ORDER BY id"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO bay_services (bay_id, service_id) "
                                 "SELECT b.id, s.id FROM bays AS b CROSS JOIN services AS s"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) "
                                 "SELECT d, time '%1:00', time '%2:00' FROM generate_series(1, 7) AS d")
                      .arg(OpensHour)
                      .arg(ClosesHour));
        tx.commit();
    }
    // The benchmark's pgbench script addresses bays and services by the
    // first id plus an offset.
    if (!consecutive(set.bayIds) || !consecutive(set.serviceIds) || set.bayIds.size() != BayCount)
        throw DbException(
            DbError(DbError::Kind::Invalid, QStringLiteral("bay and service ids are not consecutive")));

    progress(QStringLiteral("customers and vehicles: %1").arg(set.customers));
    {
        Transaction tx(db);
        Sql::exec(db,
                  QStringLiteral("INSERT INTO customers (name, phone) "
                                 "SELECT 'Customer ' || i, '+1 555 ' || lpad(i::text, 7, '0') "
                                 "FROM generate_series(1, ?) AS i ORDER BY i"),
                  {set.customers});
        Sql::exec(db,
                  QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) "
                                 "SELECT id, 'CW' || (100000 + substr(name, 10)::integer), 'car' "
                                 "FROM customers"));
        tx.commit();
    }
    Sql::exec(db,
              QStringLiteral("CREATE TEMPORARY TABLE carwash_bench_people AS "
                             "SELECT substr(v.plate, 3)::integer - 100000 AS number, v.customer_id, "
                             "v.id AS vehicle_id, v.plate FROM vehicles AS v"));
    Sql::exec(db, QStringLiteral("ALTER TABLE carwash_bench_people ADD PRIMARY KEY (number)"));

    set.today = Sql::scalar(db, QStringLiteral("SELECT (now() AT TIME ZONE 'UTC')::date")).toDate();
    for (qint64 from = 0; from < bookings; from += BatchSize) {
        const qint64 to = std::min(bookings, from + BatchSize) - 1;
        Sql::exec(db, BookingsSql,
                  {set.bayIds.first(), BufferMinutes, from, to, BookingsPerBayDay, BayCount, set.today,
                   set.futureDays, BookingsPerBayDay, BayCount, BookingsPerBayDay, set.today,
                   set.serviceIds.first(), set.customers});
        progress(QStringLiteral("bookings: %1 of %2 (%3)").arg(to + 1).arg(bookings).arg(elapsed()));
    }
    Sql::exec(db, QStringLiteral("DROP TABLE carwash_bench_people"));
    const qint64 made = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings")).toLongLong();
    if (made != bookings)
        throw DbException(DbError(DbError::Kind::Invalid,
                                  QStringLiteral("made %1 bookings instead of %2").arg(made).arg(bookings)));

    // A database years in use has been vacuumed and analysed by autovacuum.
    progress(QStringLiteral("VACUUM ANALYZE (%1)").arg(elapsed()));
    Sql::exec(db, QStringLiteral("VACUUM ANALYZE"));
    set.seconds = double(clock.elapsed()) / 1000.0;
    progress(QStringLiteral("data set ready in %1").arg(elapsed()));
    return set;
}
