#include "tests/bookingclifixture.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTest>
#include <QTimeZone>

using AdminProcess::Run;

QStringList BookingCliFixture::words(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

void BookingCliFixture::startCluster()
{
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_env = AdminProcess::environmentFor(m_cluster.port());
    const Run migrated = admin({QStringLiteral("migrate")});
    QVERIFY2(migrated.exitCode == 0, migrated.err.constData());
    m_day = QDateTime::currentDateTimeUtc().toTimeZone(QTimeZone(Zone.toLatin1())).date().addDays(3);
}

QVariant BookingCliFixture::sql(const QString &statement)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(statement, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(statement), qPrintable(error));
    return v;
}

void BookingCliFixture::resetSite()
{
    // Service 1 "Wash" (20 min, car/suv) on lanes 1 and 2 with add-on 1;
    // service 2 "Detail" (60 min) on bay 3 with add-on 2. 08:00-18:00 daily.
    sql(QStringLiteral(
        "TRUNCATE payments, booking_addons, bookings, vehicles, customers, bay_services, service_addons, "
        "service_prices, addons, services, bays, opening_hours, closures, audit_log RESTART IDENTITY "
        "CASCADE"));
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'site.%' OR key LIKE 'booking.%'"));
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', '%1'), "
                       "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                       "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                       "('booking.hold_minutes', '10')")
            .arg(Zone));
    sql(QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES ('Wash', 20), ('Detail', 60)"));
    sql(QStringLiteral("INSERT INTO service_prices VALUES (1, 'car', 1000, 'EUR'), (1, 'suv', 1500, 'EUR'), "
                       "(2, 'car', 5000, 'EUR'), (2, 'suv', 6000, 'EUR'), (2, 'truck', 7000, 'EUR')"));
    sql(QStringLiteral("INSERT INTO addons (name, price_cents, currency, extra_minutes) VALUES "
                       "('Wax', 500, 'EUR', 10), ('Odour', 700, 'EUR', 15)"));
    sql(QStringLiteral("INSERT INTO service_addons VALUES (1, 1), (2, 2)"));
    sql(QStringLiteral("INSERT INTO bays (name, kind, sort_order) VALUES ('Lane 1', 'tunnel', 1), "
                       "('Lane 2', 'tunnel', 2), ('Detail Bay', 'detail', 3)"));
    sql(QStringLiteral("INSERT INTO bay_services VALUES (1, 1), (2, 1), (3, 2)"));
    sql(QStringLiteral(
        "INSERT INTO opening_hours SELECT d, '08:00', '18:00' FROM generate_series(1, 7) AS d"));
}

Run BookingCliFixture::admin(const QStringList &args)
{
    return AdminProcess::run(args, m_env);
}

QString BookingCliFixture::at(const QString &localTime) const
{
    return m_day.toString(Qt::ISODate) + QLatin1Char('T') + localTime;
}

QStringList BookingCliFixture::bookArgs(const QString &localTime, const QString &plate, const QString &name)
{
    return {QStringLiteral("book"),
            QStringLiteral("--service"),
            QStringLiteral("1"),
            QStringLiteral("--start"),
            at(localTime),
            QStringLiteral("--plate"),
            plate,
            QStringLiteral("--name"),
            name,
            QStringLiteral("--json")};
}
