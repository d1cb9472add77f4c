// The manager's catalogue writes against a real PostgreSQL: services and
// prices, add-ons, bays and the settings in one go, each validated per
// field, written in one transaction with its audit row, and never touching
// a booking already made.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/catalogrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

namespace {

const QString Actor = QStringLiteral("staff:7");

template<typename T> QByteArray describe(const DbResult<T> &result)
{
    return result.ok() ? QByteArrayLiteral("ok") : result.error().toLogString().toUtf8();
}

QByteArray describe(const DbResult<SaveOutcome> &result)
{
    if (!result.ok())
        return result.error().toLogString().toUtf8();
    QStringList lines;
    for (const FieldError &e : result->errors)
        lines << e.field + QStringLiteral(": ") + e.message;
    return lines.isEmpty() ? QByteArrayLiteral("saved") : lines.join(u'\n').toUtf8();
}

} // namespace

class TestCatalog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void aNewServiceIsStoredWithItsPricesAndAudited();
    void namesOfAnyScriptAndSqlLookingNamesAreStoredExactly_data();
    void namesOfAnyScriptAndSqlLookingNamesAreStoredExactly();
    void aDuplicateNameIsAFieldMessageAndWritesNothing();
    void badFieldsAreEachNamedAndNothingIsWritten();
    void aPriceChangeReachesNewBookingsButNotOldOnes();
    void aNewServiceOfferedByABayBecomesBookable();
    void aDeactivatedBayTakesNoNewBookings();
    void addonsLinkToTheServicesThatOfferThem();
    void removingWhatBookingsReferToDeactivatesInstead();
    void settingsAreWrittenAllOrNothing();

private:
    template<typename Fn> auto run(Fn fn)
    {
        return m_pool->withRetry(QStringLiteral("test"), RetryPolicy::critical(), std::move(fn)).result();
    }
    QVariant value(const QString &statement);
    CatalogueService service(const QString &name, qint64 carCents = 1500) const;
    qint64 saveService(const CatalogueService &s);
    BookingOutcome bookNext(qint64 serviceId, const QString &plate, qint64 bayId = 0);

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
};

void TestCatalog::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_catalog")));
    auto migrated = run([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(migrated.ok(), describe(migrated).constData());
}

void TestCatalog::init()
{
    // Service 1 "Wash" (20 min) on lanes 1 and 2, open every day all day in
    // UTC, so a next free start always exists.
    auto fixture = run([](QSqlDatabase &db) {
        Sql::exec(
            db,
            QStringLiteral("TRUNCATE payments, booking_addons, bookings, vehicles, customers, bay_services, "
                           "service_addons, service_prices, addons, services, bays, opening_hours, "
                           "closures, audit_log RESTART IDENTITY CASCADE"));
        Sql::exec(db, QStringLiteral("DELETE FROM site_settings"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', 'UTC'), "
                                 "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                                 "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                                 "('booking.hold_minutes', '10'), ('billing.currency', 'EUR')"));
        Sql::exec(db, QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES ('Wash', 20)"));
        Sql::exec(db, QStringLiteral("INSERT INTO service_prices VALUES (1, 'car', 1000, 'EUR')"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO bays (name, kind, sort_order) VALUES ('Lane 1', 'tunnel', 1), "
                                 "('Lane 2', 'tunnel', 2)"));
        Sql::exec(db, QStringLiteral("INSERT INTO bay_services VALUES (1, 1), (2, 1)"));
        Sql::exec(db,
                  QStringLiteral("INSERT INTO opening_hours SELECT d, '00:00', '24:00' "
                                 "FROM generate_series(1, 7) AS d"));
    });
    QVERIFY2(fixture.ok(), describe(fixture).constData());
}

QVariant TestCatalog::value(const QString &statement)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(statement, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(statement), qPrintable(error));
    return v;
}

CatalogueService TestCatalog::service(const QString &name, qint64 carCents) const
{
    CatalogueService s;
    s.name = name;
    s.description = QStringLiteral("Foam and rinse.");
    s.durationMinutes = 30;
    s.prices = {{QStringLiteral("car"), carCents}, {QStringLiteral("suv"), carCents + 500}};
    return s;
}

qint64 TestCatalog::saveService(const CatalogueService &s)
{
    auto saved = run([s](QSqlDatabase &db) { return CatalogRepo(db).saveService(s, Actor); });
    if (!saved.ok() || !saved->ok()) {
        qWarning("%s", describe(saved).constData());
        return 0;
    }
    return saved->id;
}

BookingOutcome TestCatalog::bookNext(qint64 serviceId, const QString &plate, qint64 bayId)
{
    auto outcome = run([=](QSqlDatabase &db) -> DbResult<BookingOutcome> {
        AvailabilityRequest slot;
        slot.serviceId = serviceId;
        slot.bayId = bayId;
        const DbResult<std::optional<PlannedSlot>> next = AvailabilityRepo(db).next(slot);
        BookingRequest request;
        request.slot = slot;
        request.plate = plate;
        request.name = QStringLiteral("Test Customer");
        request.actor = Actor;
        // With no free start, ask for one in an hour anyway: the booking
        // engine must then refuse it, which is what the caller checks.
        request.start
            = next.ok() && next->has_value() ? (*next)->start : QDateTime::currentDateTimeUtc().addSecs(3600);
        return BookingRepo(db).create(request);
    });
    if (!outcome.ok()) {
        qWarning("%s", describe(outcome).constData());
        return {};
    }
    return outcome.value();
}

void TestCatalog::aNewServiceIsStoredWithItsPricesAndAudited()
{
    const qint64 id = saveService(service(QStringLiteral("  Hand Polish  "), 2500));
    QVERIFY(id > 0);
    QCOMPARE(value(QStringLiteral("SELECT name FROM services WHERE id = %1").arg(id)).toString(),
             QStringLiteral("Hand Polish"));
    QCOMPARE(
        value(QStringLiteral("SELECT string_agg(vehicle_class || '=' || price_cents || ' ' || currency, ',' "
                             "ORDER BY vehicle_class) FROM service_prices WHERE service_id = %1")
                  .arg(id))
            .toString(),
        QStringLiteral("car=2500 EUR,suv=3000 EUR"));
    const QJsonObject details
        = QJsonDocument::fromJson(
              value(QStringLiteral("SELECT details::text FROM audit_log WHERE action = "
                                   "'service.create' AND actor = 'staff:7' AND entity_id = '%1'")
                        .arg(id))
                  .toString()
                  .toUtf8())
              .object();
    QVERIFY(details.value(QStringLiteral("before")).isNull());
    QCOMPARE(details.value(QStringLiteral("after")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Hand Polish"));

    // An update: no SUV price any more, 45 minutes, logged with before and after.
    CatalogueService changed = service(QStringLiteral("Hand Polish"), 2700);
    changed.id = id;
    changed.prices.remove(QStringLiteral("suv"));
    changed.durationMinutes = 45;
    QCOMPARE(saveService(changed), id);
    QCOMPARE(
        value(QStringLiteral("SELECT count(*) FROM service_prices WHERE service_id = %1").arg(id)).toInt(),
        1);
    QCOMPARE(value(QStringLiteral("SELECT duration_minutes FROM services WHERE id = %1").arg(id)).toInt(),
             45);
    QCOMPARE(value(QStringLiteral("SELECT details->'before'->'price_cents'->>'car' FROM audit_log "
                                  "WHERE action = 'service.update' AND entity_id = '%1'")
                       .arg(id))
                 .toString(),
             QStringLiteral("2500"));
}

void TestCatalog::namesOfAnyScriptAndSqlLookingNamesAreStoredExactly_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("sql") << QStringLiteral("Wax'); DROP TABLE services; --");
    QTest::newRow("cyrillic") << QStringLiteral("Мойка «Люкс»");
    QTest::newRow("chinese") << QStringLiteral("精致洗车");
    QTest::newRow("arabic") << QStringLiteral("غسيل فاخر");
    QTest::newRow("emoji") << QStringLiteral("Shine ✨ 🚗");
    QTest::newRow("percent") << QStringLiteral("50% off _wash_ \\ %s");
}

void TestCatalog::namesOfAnyScriptAndSqlLookingNamesAreStoredExactly()
{
    QFETCH(QString, name);
    const qint64 id = saveService(service(name));
    QVERIFY(id > 0);
    QCOMPARE(value(QStringLiteral("SELECT name FROM services WHERE id = %1").arg(id)).toString(), name);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM services")).toInt(), 2);
    CatalogueAddon addon;
    addon.name = name;
    addon.priceCents = 100;
    auto savedAddon = run([addon](QSqlDatabase &db) { return CatalogRepo(db).saveAddon(addon, Actor); });
    QVERIFY2(savedAddon.ok() && savedAddon->ok(), describe(savedAddon).constData());
    QCOMPARE(value(QStringLiteral("SELECT name FROM addons WHERE id = %1").arg(savedAddon->id)).toString(),
             name);
}

void TestCatalog::aDuplicateNameIsAFieldMessageAndWritesNothing()
{
    const int audits = value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
    for (const QString &name : {QStringLiteral("Wash"), QStringLiteral("wASH"), QStringLiteral(" Wash ")}) {
        auto saved = run(
            [this, name](QSqlDatabase &db) { return CatalogRepo(db).saveService(service(name), Actor); });
        QVERIFY2(saved.ok(), describe(saved).constData());
        QVERIFY(!saved->ok());
        QCOMPARE(saved->errors.size(), 1);
        QCOMPARE(saved->errors.first().field, QStringLiteral("name"));
        QVERIFY2(saved->errorFor(QStringLiteral("name")).contains(QStringLiteral("\"Wash\" already exists")),
                 qPrintable(saved->errorFor(QStringLiteral("name"))));
        QCOMPARE(saved->error().kind(), DbError::Kind::Invalid);
    }
    // Renaming a bay to another bay's name is refused the same way.
    CatalogueBay bay;
    bay.id = 2;
    bay.name = QStringLiteral("Lane 1");
    bay.kind = QStringLiteral("tunnel");
    auto renamed = run([bay](QSqlDatabase &db) { return CatalogRepo(db).saveBay(bay, Actor); });
    QVERIFY(renamed.ok());
    QVERIFY(!renamed->errorFor(QStringLiteral("name")).isEmpty());
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM services")).toInt(), 1);
    QCOMPARE(value(QStringLiteral("SELECT name FROM bays WHERE id = 2")).toString(),
             QStringLiteral("Lane 2"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), audits);
    // Keeping its own name is fine.
    CatalogueService same = service(QStringLiteral("Wash"), 1200);
    same.id = 1;
    QCOMPARE(saveService(same), 1);
}

void TestCatalog::badFieldsAreEachNamedAndNothingIsWritten()
{
    CatalogueService bad = service(QString(QStringLiteral("x")).repeated(101), -5);
    bad.durationMinutes = 4;
    bad.prices.insert(QStringLiteral("suv"), CatalogRepo::MaxPriceCents + 1);
    auto saved = run([bad](QSqlDatabase &db) { return CatalogRepo(db).saveService(bad, Actor); });
    QVERIFY(saved.ok());
    QVERIFY(!saved->errorFor(QStringLiteral("name")).isEmpty());
    QVERIFY(!saved->errorFor(QStringLiteral("duration")).isEmpty());
    QVERIFY(!saved->errorFor(QStringLiteral("price.car")).isEmpty());
    QVERIFY(!saved->errorFor(QStringLiteral("price.suv")).isEmpty());

    CatalogueService unpriced = service(QStringLiteral("Nothing To Pay"));
    unpriced.prices.clear();
    saved = run([unpriced](QSqlDatabase &db) { return CatalogRepo(db).saveService(unpriced, Actor); });
    QVERIFY(!saved->errorFor(QStringLiteral("prices")).isEmpty());

    CatalogueAddon addon;
    addon.name = QStringLiteral("Line\nbreak");
    addon.extraMinutes = 241;
    addon.serviceIds = {1};
    auto savedAddon = run([addon](QSqlDatabase &db) { return CatalogRepo(db).saveAddon(addon, Actor); });
    QVERIFY(!savedAddon->errorFor(QStringLiteral("name")).isEmpty());
    QVERIFY(!savedAddon->errorFor(QStringLiteral("extraMinutes")).isEmpty());

    CatalogueBay bay;
    bay.name = QStringLiteral("Lane 3");
    bay.kind = QStringLiteral("car_park");
    bay.serviceIds = {1};
    auto savedBay = run([bay](QSqlDatabase &db) { return CatalogRepo(db).saveBay(bay, Actor); });
    QVERIFY(!savedBay->errorFor(QStringLiteral("kind")).isEmpty());
    bay.kind = QStringLiteral("self_serve");
    bay.serviceIds = {1, 999};
    savedBay = run([bay](QSqlDatabase &db) { return CatalogRepo(db).saveBay(bay, Actor); });
    QVERIFY2(savedBay->errorFor(QStringLiteral("services")).contains(QStringLiteral("999")),
             describe(savedBay).constData());

    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM services")).toInt(), 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM addons")).toInt(), 0);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bays")).toInt(), 2);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 0);

    auto missing = run([](QSqlDatabase &db) {
        CatalogueService ghost;
        ghost.id = 4242;
        ghost.name = QStringLiteral("Ghost");
        ghost.durationMinutes = 10;
        ghost.prices = {{QStringLiteral("car"), 1}};
        return CatalogRepo(db).saveService(ghost, Actor);
    });
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind(), DbError::Kind::NotFound);
}

void TestCatalog::aPriceChangeReachesNewBookingsButNotOldOnes()
{
    const BookingOutcome before = bookNext(1, QStringLiteral("OLD1"));
    QVERIFY2(before.isBooked(), qPrintable(before.error().message()));
    QCOMPARE(before.booking.priceCents, 1000);

    CatalogueService wash = service(QStringLiteral("Wash"), 1400);
    wash.id = 1;
    wash.durationMinutes = 20;
    QCOMPARE(saveService(wash), 1);

    QCOMPARE(value(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(before.booking.id))
                 .toInt(),
             1000);
    auto read = run([](QSqlDatabase &db) { return ServiceRepo(db).byId(1); });
    QVERIFY(read.ok() && read->has_value());
    QCOMPARE((*read)->prices.value(QStringLiteral("car")), 1400);
    const BookingOutcome after = bookNext(1, QStringLiteral("NEW1"));
    QVERIFY2(after.isBooked(), qPrintable(after.error().message()));
    QCOMPARE(after.booking.priceCents, 1400);
    QCOMPARE(after.booking.currency, QStringLiteral("EUR"));

    // The operator's view, from the program itself.
    const QString admin
        = QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
    QVERIFY2(QFileInfo::exists(admin), qPrintable(admin));
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), m_cluster.url());
    process.setProcessEnvironment(env);
    process.start(admin, {QStringLiteral("service"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    const QJsonObject json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QCOMPARE(json.value(QStringLiteral("price_cents")).toObject().value(QStringLiteral("car")).toInteger(),
             1400);
    QCOMPARE(value(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(before.booking.id))
                 .toInt(),
             1000);
}

void TestCatalog::aNewServiceOfferedByABayBecomesBookable()
{
    const qint64 id = saveService(service(QStringLiteral("Ceramic Coat"), 9900));
    QVERIFY(id > 0);
    // No bay offers it yet: nothing to book.
    auto none = run([id](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = id;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(!none.ok() || !none->has_value());

    CatalogueBay bay;
    bay.name = QStringLiteral("Detail Bay");
    bay.kind = QStringLiteral("detail");
    bay.serviceIds = {id};
    auto savedBay = run([bay](QSqlDatabase &db) { return CatalogRepo(db).saveBay(bay, Actor); });
    QVERIFY2(savedBay.ok() && savedBay->ok(), describe(savedBay).constData());
    QCOMPARE(value(QStringLiteral("SELECT service_id FROM bay_services WHERE bay_id = %1").arg(savedBay->id))
                 .toLongLong(),
             id);
    const BookingOutcome booked = bookNext(id, QStringLiteral("CER1"));
    QVERIFY2(booked.isBooked(), qPrintable(booked.error().message()));
    QCOMPARE(booked.booking.bay.id, savedBay->id);
    QCOMPARE(booked.booking.priceCents, 9900);
    QCOMPARE(
        value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'bay.create' AND actor = '%1'")
                  .arg(Actor))
            .toInt(),
        1);
}

void TestCatalog::aDeactivatedBayTakesNoNewBookings()
{
    const BookingOutcome first = bookNext(1, QStringLiteral("LANE1"), 1);
    QVERIFY2(first.isBooked(), qPrintable(first.error().message()));
    CatalogueBay lane;
    lane.id = 1;
    lane.name = QStringLiteral("Lane 1");
    lane.kind = QStringLiteral("tunnel");
    lane.active = false;
    lane.serviceIds = {1};
    auto saved = run([lane](QSqlDatabase &db) { return CatalogRepo(db).saveBay(lane, Actor); });
    QVERIFY2(saved.ok() && saved->ok(), describe(saved).constData());
    // The booking already made stays, and the manager is told.
    QVERIFY2(saved->note.contains(QStringLiteral("1 upcoming booking")), qPrintable(saved->note));
    QCOMPARE(
        value(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(first.booking.id)).toString(),
        first.booking.status);

    const BookingOutcome onLane = bookNext(1, QStringLiteral("LANE2"), 1);
    QVERIFY(!onLane.isBooked());
    for (int i = 0; i < 3; ++i) {
        const BookingOutcome any = bookNext(1, QStringLiteral("ANY%1").arg(i));
        QVERIFY2(any.isBooked(), qPrintable(any.error().message()));
        QCOMPARE(any.booking.bay.id, 2);
    }
}

void TestCatalog::addonsLinkToTheServicesThatOfferThem()
{
    const qint64 other = saveService(service(QStringLiteral("Interior")));
    CatalogueAddon wax;
    wax.name = QStringLiteral("Wax");
    wax.priceCents = 450;
    wax.extraMinutes = 10;
    wax.serviceIds = {other, 1, 1};
    auto saved = run([wax](QSqlDatabase &db) { return CatalogRepo(db).saveAddon(wax, Actor); });
    QVERIFY2(saved.ok() && saved->ok(), describe(saved).constData());
    const qint64 id = saved->id;
    QCOMPARE(value(QStringLiteral(
                       "SELECT string_agg(service_id::text, ',' ORDER BY service_id) FROM service_addons "
                       "WHERE addon_id = %1")
                       .arg(id))
                 .toString(),
             QStringLiteral("1,%1").arg(other));
    QCOMPARE(value(QStringLiteral("SELECT currency FROM addons WHERE id = %1").arg(id)).toString(),
             QStringLiteral("EUR"));

    wax.id = id;
    wax.serviceIds = {other};
    wax.active = false;
    saved = run([wax](QSqlDatabase &db) { return CatalogRepo(db).saveAddon(wax, Actor); });
    QVERIFY(saved.ok() && saved->ok());
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM service_addons WHERE addon_id = %1").arg(id)).toInt(),
             1);

    auto loaded = run([](QSqlDatabase &db) { return CatalogRepo(db).load(); });
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->currency, QStringLiteral("EUR"));
    QCOMPARE(loaded->services.size(), 2);
    QCOMPARE(loaded->addons.size(), 1);
    QCOMPARE(loaded->addons.first().serviceIds, QList<qint64>({other}));
    QVERIFY(!loaded->addons.first().active);
    QCOMPARE(loaded->bays.size(), 2);
    QCOMPARE(loaded->bays.first().serviceIds, QList<qint64>({1}));
}

void TestCatalog::removingWhatBookingsReferToDeactivatesInstead()
{
    const qint64 unused = saveService(service(QStringLiteral("Unused")));
    auto removed = run([unused](QSqlDatabase &db) { return CatalogRepo(db).removeService(unused, Actor); });
    QVERIFY2(removed.ok() && removed->ok(), describe(removed).constData());
    QVERIFY(removed->note.contains(QStringLiteral("deleted")));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM services WHERE id = %1").arg(unused)).toInt(), 0);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'service.delete'")).toInt(),
             1);

    const BookingOutcome booked = bookNext(1, QStringLiteral("KEEP1"));
    QVERIFY(booked.isBooked());
    removed = run([](QSqlDatabase &db) { return CatalogRepo(db).removeService(1, Actor); });
    QVERIFY2(removed.ok() && removed->ok(), describe(removed).constData());
    QVERIFY2(removed->note.contains(QStringLiteral("deactivated, not deleted")), qPrintable(removed->note));
    QCOMPARE(value(QStringLiteral("SELECT active FROM services WHERE id = 1")).toBool(), false);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'service.deactivate' "
                                  "AND details->'after'->>'active' = 'false'"))
                 .toInt(),
             1);
    removed
        = run([booked](QSqlDatabase &db) { return CatalogRepo(db).removeBay(booked.booking.bay.id, Actor); });
    QVERIFY(removed.ok() && removed->note.contains(QStringLiteral("deactivated")));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bays")).toInt(), 2);

    auto gone = run([](QSqlDatabase &db) { return CatalogRepo(db).removeAddon(31337, Actor); });
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().kind(), DbError::Kind::NotFound);
}

void TestCatalog::settingsAreWrittenAllOrNothing()
{
    const QMap<QString, QString> mixed = {{QStringLiteral("booking.buffer_minutes"), QStringLiteral("10")},
                                          {QStringLiteral("booking.slot_minutes"), QStringLiteral("1")}};
    auto refused = run([mixed](QSqlDatabase &db) { return SettingsRepo(db).setMany(mixed, Actor); });
    QVERIFY(refused.ok());
    QCOMPARE(refused->errors.size(), 1);
    QCOMPARE(refused->errors.first().field, QStringLiteral("booking.slot_minutes"));
    QCOMPARE(value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'booking.buffer_minutes'"))
                 .toString(),
             QStringLiteral("5"));

    const QMap<QString, QString> good
        = {{QStringLiteral("booking.buffer_minutes"), QStringLiteral("10")},
           {QStringLiteral("booking.slot_minutes"), QStringLiteral("15")},
           {QStringLiteral("site.address"), QStringLiteral("1 Main St\r\nSpringfield")},
           {QStringLiteral("billing.tax_rate_percent"), QStringLiteral("7,5")}};
    auto saved = run([good](QSqlDatabase &db) { return SettingsRepo(db).setMany(good, Actor); });
    QVERIFY2(saved.ok() && saved->ok(), describe(saved).constData());
    QCOMPARE(value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'site.address'")).toString(),
             QStringLiteral("1 Main St\nSpringfield"));
    QCOMPARE(value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'billing.tax_rate_percent'"))
                 .toString(),
             QStringLiteral("7.5"));
    // Unchanged keys (slot minutes) leave no audit row.
    QCOMPARE(value(QStringLiteral("SELECT string_agg(entity_id, ',' ORDER BY entity_id) FROM audit_log "
                                  "WHERE action = 'setting.set' AND actor = '%1'")
                       .arg(Actor))
                 .toString(),
             QStringLiteral("billing.tax_rate_percent,booking.buffer_minutes,site.address"));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
