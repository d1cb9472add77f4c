// The booking engine's schema against a real PostgreSQL: payments taken
// before migration 0004 keep their receipt after the upgrade, every foreign
// key leads an index, and a vehicle's and a service's bookings are found by
// index.
#include "db/calendar/settingsrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "tests/bookingenginefixture.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QTest>

class TestBookingEngineSchema : public QObject, protected BookingEngineFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    // Schema 0004: the tax a payment was charged with, indexes for lookups.
    void paymentsFromBeforeTheUpgradeKeepTheirReceipt();
    void everyForeignKeyLeadsAnIndex();
    void aVehiclesBookingsAndAServicesBookingsAreFoundByIndex();
};

void TestBookingEngineSchema::initTestCase()
{
    startEngine(QStringLiteral("tst_bookingengine_schema"));
}

void TestBookingEngineSchema::init()
{
    resetCatalogue();
}

void TestBookingEngineSchema::cleanupTestCase()
{
    stopEngine();
}

void TestBookingEngineSchema::paymentsFromBeforeTheUpgradeKeepTheirReceipt()
{
    // A database of the schema before 0004, with a booking paid then at
    // 8.25 % on top of the price and one whose card payment failed: the
    // compiled-in migrations before 0004 applied the way Migrator applies
    // them, then the rows written without the new columns.
    const QString database = QStringLiteral("before0004");
    QString error;
    m_cluster.queryBlocking(QStringLiteral("CREATE DATABASE %1").arg(database), QStringLiteral("postgres"),
                            &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_bookingengine.upgrade"));
    config.database = database;
    config.maxConnections = 1;
    auto pool = std::make_unique<ConnectionPool>(config);
    auto runOld = [&pool](auto fn) {
        return pool->withRetry(QStringLiteral("upgrade"), RetryPolicy::standard(), std::move(fn)).result();
    };

    struct Old
    {
        qint64 paid = 0;
        qint64 unpaid = 0;
        QString paymentUpdatedAt;
    };
    auto old = runOld([](QSqlDatabase &db) {
        Sql::exec(
            db,
            QStringLiteral("CREATE TABLE schema_migrations (version text PRIMARY KEY, "
                           "name text NOT NULL DEFAULT '', applied_at timestamptz NOT NULL DEFAULT now())"));
        const QStringList files = QDir(QStringLiteral(":/migrations"))
                                      .entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            if (file.left(4) >= QLatin1String("0004"))
                break;
            QFile in(QStringLiteral(":/migrations/") + file);
            if (!in.open(QIODevice::ReadOnly))
                throw DbException(DbError(DbError::Kind::Configuration, file, in.errorString()));
            Transaction tx(db);
            Sql::execScript(db, QString::fromUtf8(in.readAll()), file);
            Sql::exec(db, QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"),
                      {file.left(4), file.mid(5).chopped(4)});
            tx.commit();
        }
        Old o;
        Transaction tx(db);
        Sql::exec(
            db,
            QStringLiteral("INSERT INTO site_settings (key, value) VALUES "
                           "('site.timezone', 'America/New_York'), ('billing.tax_rate_percent', '8.25'), "
                           "('billing.prices_include_tax', 'false')"));
        const qint64 bay = Sql::scalar(db,
                                       QStringLiteral("INSERT INTO bays (name, kind) VALUES ('Lane 1', "
                                                      "'tunnel') RETURNING id"))
                               .toLongLong();
        const qint64 service = Sql::scalar(db,
                                           QStringLiteral("INSERT INTO services (name, duration_minutes) "
                                                          "VALUES ('Wash', 20) RETURNING id"))
                                   .toLongLong();
        const qint64 customer
            = Sql::scalar(db, QStringLiteral("INSERT INTO customers (name) VALUES ('Alex Kim') RETURNING id"))
                  .toLongLong();
        const qint64 vehicle = Sql::scalar(db,
                                           QStringLiteral("INSERT INTO vehicles (customer_id, plate) VALUES "
                                                          "(?, 'OLD1') RETURNING id"),
                                           {customer})
                                   .toLongLong();
        const QString booking = QStringLiteral(
            "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, vehicle_id, "
            "plate, starts_at, ends_at, blocked_until, price_cents, currency, created_by) "
            "VALUES (?, ?, ?, ?, 'car', ?, ?, 'OLD1', now() - interval '%1 hours', "
            "now() - interval '%1 hours' + interval '20 minutes', "
            "now() - interval '%1 hours' + interval '25 minutes', ?, 'USD', 'cli') RETURNING id");
        o.paid = Sql::scalar(db, booking.arg(48),
                             {QStringLiteral("PAID01"), QStringLiteral("completed"), bay, service, customer,
                              vehicle, 4500})
                     .toLongLong();
        o.unpaid = Sql::scalar(db, booking.arg(-48),
                               {QStringLiteral("OPEN01"), QStringLiteral("confirmed"), bay, service, customer,
                                vehicle, 1000})
                       .toLongLong();
        // 45.00 + 3.71 tax: what the customer paid then.
        Sql::exec(
            db,
            QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, tendered_cents, "
                           "currency, created_by, paid_at, created_at, updated_at) VALUES "
                           "(?, 'cash', 'succeeded', 4871, 5000, 'USD', 'cli', now() - interval '47 hours', "
                           "now() - interval '47 hours', now() - interval '47 hours')"),
            {o.paid});
        Sql::exec(db,
                  QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, currency, "
                                 "created_by) VALUES (?, 'card', 'failed', 1083, 'USD', 'kiosk')"),
                  {o.unpaid});
        o.paymentUpdatedAt = Sql::scalar(db,
                                         QStringLiteral("SELECT updated_at::text FROM payments "
                                                        "WHERE booking_id = ?"),
                                         {o.paid})
                                 .toString();
        tx.commit();
        return o;
    });
    QVERIFY2(old.ok(), describe(old).constData());

    auto applied = runOld([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(applied.ok(), describe(applied).constData());
    QCOMPARE(applied->value(0), QStringLiteral("0004"));

    // Filled in from the settings in force at the upgrade, for every row.
    auto columns = runOld([](QSqlDatabase &db) {
        QSqlQuery query
            = Sql::exec(db,
                        QStringLiteral("SELECT status, tax_rate_basis_points, prices_include_tax, "
                                       "net_cents, tax_cents, gross_cents, updated_at::text "
                                       "FROM payments ORDER BY id"));
        QStringList rows;
        while (query.next()) {
            QStringList row;
            for (int i = 0; i < 6; ++i)
                row << query.value(i).toString();
            rows << row.join(u' ');
        }
        rows << Sql::scalar(
                    db, QStringLiteral("SELECT updated_at::text FROM payments WHERE status = 'succeeded'"))
                    .toString();
        rows << Sql::scalar(db,
                            QStringLiteral("SELECT details->>'payments' FROM audit_log "
                                           "WHERE action = 'payment.tax_filled_in'"))
                    .toString();
        rows << Sql::scalar(db,
                            QStringLiteral("SELECT string_agg(column_name, ',' ORDER BY column_name) "
                                           "FROM information_schema.columns WHERE table_name = 'payments' "
                                           "AND column_name IN ('tax_rate_basis_points', "
                                           "'prices_include_tax', 'net_cents', 'tax_cents', 'gross_cents') "
                                           "AND is_nullable = 'NO'"))
                    .toString();
        return rows;
    });
    QVERIFY2(columns.ok(), describe(columns).constData());
    QCOMPARE(columns->value(0), QStringLiteral("succeeded 825 false 4500 371 4871"));
    QCOMPARE(columns->value(1), QStringLiteral("failed 825 false 1000 83 1083"));
    QCOMPARE(columns->value(2), old->paymentUpdatedAt); // the backfill is no change of the payment
    QCOMPARE(columns->value(3), QStringLiteral("2"));
    QCOMPARE(columns->value(4),
             QStringLiteral("gross_cents,net_cents,prices_include_tax,tax_cents,"
                            "tax_rate_basis_points"));

    // The manager changes the tax afterwards: the old receipt keeps what was
    // paid, the unpaid booking is owed under the new settings.
    auto changed = runOld([](QSqlDatabase &db) {
        return SettingsRepo(db).setMany(
            {{QStringLiteral("billing.tax_rate_percent"), QStringLiteral("20")},
             {QStringLiteral("billing.prices_include_tax"), QStringLiteral("true")}},
            QStringLiteral("staff:1"));
    });
    QVERIFY2(changed.ok(), describe(changed).constData());
    const qint64 paid = old->paid;
    auto receipt = runOld([paid](QSqlDatabase &db) { return PaymentRepo(db).receipt(paid); });
    QVERIFY2(receipt.ok(), describe(receipt).constData());
    QVERIFY(receipt->chargeRecorded);
    QCOMPARE(receipt->taxRateBasisPoints, 825);
    QCOMPARE(receipt->pricesIncludeTax, false);
    QCOMPARE(receipt->amounts.netCents, qint64(4500));
    QCOMPARE(receipt->amounts.taxCents, qint64(371));
    QCOMPARE(receipt->amounts.totalCents, qint64(4871));
    QCOMPARE(receipt->paidCents, qint64(4871));
    QCOMPARE(receipt->dueCents(), qint64(0));
    QCOMPARE(receipt->payments.size(), 1);
    QCOMPARE(*receipt->payments.first().tenderedCents, qint64(5000));

    const qint64 unpaid = old->unpaid;
    auto open = runOld([unpaid](QSqlDatabase &db) { return PaymentRepo(db).details(unpaid); });
    QVERIFY2(open.ok(), describe(open).constData());
    QVERIFY(!open->chargeRecorded); // its only payment failed: nothing was charged
    QCOMPARE(open->taxRateBasisPoints, 2000);
    QCOMPARE(open->pricesIncludeTax, true);
    QCOMPARE(open->amounts.totalCents, qint64(1000));
    QCOMPARE(open->amounts.taxCents, qint64(167));
    QCOMPARE(open->dueCents(), qint64(1000));

    pool.reset();
    m_cluster.queryBlocking(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(database),
                            QStringLiteral("postgres"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestBookingEngineSchema::everyForeignKeyLeadsAnIndex()
{
    // Deleting a referenced row looks up its referencing rows; without an
    // index led by the foreign key's columns that is a scan of the table.
    // Partial indexes do not count: the check must find every row.
    const QString missing = value(QStringLiteral(R"(
SELECT coalesce(string_agg(c.conrelid::regclass::text || ' ' || c.conname, ', ' ORDER BY c.conname), '')
  FROM pg_constraint AS c
 WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
   AND NOT EXISTS (
       SELECT 1 FROM pg_index AS i
        WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
          AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
          AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey))"))
                                .toString();
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("foreign keys without an index: ") + missing));
    // The query sees foreign keys at all (it is not vacuously empty).
    QVERIFY(value(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                                 "AND conrelid = 'bookings'::regclass"))
                .toInt()
            >= 4);
    QCOMPARE(value(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE indexname = 'bookings_vehicle_idx'"))
                 .toString(),
             QStringLiteral("CREATE INDEX bookings_vehicle_idx ON public.bookings USING btree (vehicle_id)"));
    QCOMPARE(value(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE indexname = 'bookings_service_idx'"))
                 .toString(),
             QStringLiteral("CREATE INDEX bookings_service_idx ON public.bookings USING btree (service_id)"));
}

void TestBookingEngineSchema::aVehiclesBookingsAndAServicesBookingsAreFoundByIndex()
{
    // 20 000 finished bookings of 2 000 vehicles (and a few details among
    // them), analysed, in a transaction that is rolled back: what the
    // planner does with a vehicle's bookings or a service's booking count at
    // a real site's size.
    const Fixture f = m_f;
    auto plans = run(QStringLiteral("test.explain"), [f](QSqlDatabase &db) {
        Transaction tx(db); // never committed
        Sql::exec(db,
                  QStringLiteral("INSERT INTO customers (name) SELECT 'Customer ' || g "
                                 "FROM generate_series(1, 2000) AS g"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO vehicles (customer_id, plate) SELECT id, 'PX' || id "
                                 "FROM customers"));
        Sql::exec(db,
                  QStringLiteral(
                      "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, "
                      "vehicle_id, plate, starts_at, ends_at, blocked_until, price_cents, currency, "
                      "created_by) "
                      "SELECT upper(lpad(to_hex(g), 6, '0')), 'completed', %1, "
                      "CASE WHEN g % 1000 = 0 THEN %2 ELSE %3 END, 'car', v.customer_id, v.id, v.plate, "
                      "now() - g * interval '30 minutes', now() - g * interval '30 minutes' + "
                      "interval '20 minutes', now() - g * interval '30 minutes' + interval '25 minutes', "
                      "1000, 'USD', 'cli' "
                      "FROM generate_series(1, 20000) AS g "
                      "JOIN vehicles AS v ON v.plate = 'PX' || (SELECT min(id) FROM customers) + g % 2000")
                      .arg(f.lane1)
                      .arg(f.detail)
                      .arg(f.wash));
        Sql::exec(db, QStringLiteral("ANALYZE bookings"));
        const qint64 vehicle
            = Sql::scalar(db, QStringLiteral("SELECT min(vehicle_id) FROM bookings")).toLongLong();
        QStringList out;
        out << Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings")).toString();
        out << Sql::scalar(db,
                           QStringLiteral("EXPLAIN (FORMAT JSON) SELECT id, starts_at FROM bookings "
                                          "WHERE vehicle_id = %1")
                               .arg(vehicle))
                   .toString();
        out << Sql::scalar(db,
                           QStringLiteral("EXPLAIN (FORMAT JSON) SELECT count(*) FROM bookings "
                                          "WHERE service_id = %1")
                               .arg(f.detail))
                   .toString();
        return out;
    });
    QVERIFY2(plans.ok(), describe(plans).constData());
    QCOMPARE(plans->value(0), QStringLiteral("20000"));
    QVERIFY2(plans->value(1).contains(QStringLiteral("\"Index Name\": \"bookings_vehicle_idx\"")),
             qPrintable(plans->value(1)));
    QVERIFY2(plans->value(2).contains(QStringLiteral("\"Index Name\": \"bookings_service_idx\"")),
             qPrintable(plans->value(2)));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0); // rolled back
}

QTEST_GUILESS_MAIN(TestBookingEngineSchema)
#include "tst_bookingengine_schema.moc"
