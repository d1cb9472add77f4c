#include "tests/bookingdetailsfixture.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "ui/desk/bookingdetailsdialog.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QPushButton>
#include <QTest>

using namespace DeskTest;

void BookingDetailsFixture::startSite(const QString &testName)
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QString error;
    QVERIFY2(m_site.start(testName, &error), qPrintable(error));
    DatabaseConfig config = m_site.config();
    config.maxConnections = 4;
    m_pool = std::make_unique<ConnectionPool>(config);
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.address', E'%1') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
            .arg(QString(Address).replace(u'\n', QStringLiteral("\\n"))));
    // A service with an add-on that bays offer.
    m_service
        = sql(QStringLiteral("SELECT s.id FROM services AS s WHERE EXISTS (SELECT 1 FROM service_addons "
                             "WHERE service_id = s.id) AND EXISTS (SELECT 1 FROM bay_services "
                             "WHERE service_id = s.id) ORDER BY s.sort_order, s.id LIMIT 1"))
              .toLongLong();
    m_addon
        = sql(QStringLiteral("SELECT addon_id FROM service_addons WHERE service_id = %1 ORDER BY addon_id "
                             "LIMIT 1")
                  .arg(m_service))
              .toLongLong();
    QVERIFY(m_service > 0 && m_addon > 0);
}

void BookingDetailsFixture::showDesk()
{
    m_window = std::make_unique<DeskWindow>();
    QVERIFY(m_site.showDesk(*m_window, *m_pool));
}

void BookingDetailsFixture::closeDesk()
{
    m_window.reset();
    sql(QStringLiteral("UPDATE site_settings SET value = 'true' WHERE key = 'billing.prices_include_tax'"));
    sql(QStringLiteral("UPDATE site_settings SET value = '8.25' WHERE key = 'billing.tax_rate_percent'"));
}

AvailabilityRequest BookingDetailsFixture::slotRequest() const
{
    AvailabilityRequest request;
    request.serviceId = m_service;
    request.vehicleClass = QStringLiteral("suv");
    request.addonIds = {m_addon};
    return request;
}

qint64 BookingDetailsFixture::book(const QString &plate, std::optional<QDateTime> start, qint64 bayId)
{
    BookingRequest request;
    request.slot = slotRequest();
    request.slot.bayId = bayId;
    if (!start) {
        const AvailabilityRequest slot = request.slot;
        auto next = await(m_pool->withConnection(
            QStringLiteral("next"), [slot](QSqlDatabase &db) { return AvailabilityRepo(db).next(slot); }));
        if (!next.ok() || !next.value())
            return 0;
        start = next.value()->start;
    }
    request.start = *start;
    request.plate = plate.isEmpty() ? QStringLiteral("TST%1").arg(++m_plate) : plate;
    request.name = QStringLiteral("Alex Kim");
    request.phone = QStringLiteral("+1 555 0100");
    request.actor = QStringLiteral("cli");
    auto made = await(m_pool->withConnection(
        QStringLiteral("book"), [request](QSqlDatabase &db) { return BookingRepo(db).create(request); }));
    if (!made.ok() || !made->isBooked())
        return 0;
    return made->booking.id;
}

QString BookingDetailsFixture::statusOf(qint64 bookingId)
{
    return sql(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(bookingId)).toString();
}

QPushButton *BookingDetailsFixture::button(QWidget *parent, const QString &name)
{
    return parent->findChild<QPushButton *>(name);
}

BookingDetailsDialog *BookingDetailsFixture::openLoaded(qint64 bookingId)
{
    BookingDetailsDialog *dialog = m_window->openBooking(bookingId);
    if (!dialog)
        return nullptr;
    QElapsedTimer waited;
    waited.start();
    while ((dialog->isBusy() || !dialog->details()) && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    return dialog->details() ? dialog : nullptr;
}
