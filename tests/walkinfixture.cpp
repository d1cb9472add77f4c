#include "tests/walkinfixture.h"

#include "db/bookings/bookingrepo.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/desk/walkindialog.h"

#include <QSettings>
#include <QTest>

using namespace DeskTest;

void WalkInFixture::startSite(const QString &testName)
{
    QString error;
    QVERIFY2(m_site.start(testName, &error), qPrintable(error));
    // Open round the clock with no holidays, so "next free" is minutes
    // away whenever the test runs.
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM closures"));
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM opening_hours"));
    m_cluster.queryBlocking(QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) SELECT d, "
                                           "'00:00', '24:00' FROM generate_series(1, 7) AS d"));
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM opening_hours")).toInt(), 7);
}

void WalkInFixture::openDesk()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    m_pool = std::make_unique<ConnectionPool>(m_site.config());
    m_otherDesk = std::make_unique<ConnectionPool>(m_site.config(QStringLiteral("other")));
    m_window = std::make_unique<DeskWindow>();
    QVERIFY(m_site.showDesk(*m_window, *m_pool));
}

void WalkInFixture::closeDesk()
{
    m_window.reset();
    m_otherDesk.reset();
    m_pool.reset();
}

qint64 WalkInFixture::staffId(const QString &name)
{
    return m_cluster.queryBlocking(QStringLiteral("SELECT id FROM staff WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

qint64 WalkInFixture::serviceId(const QString &name)
{
    return m_cluster
        .queryBlocking(QStringLiteral("SELECT id FROM services WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

QList<qint64> WalkInFixture::baysOffering(qint64 service)
{
    const QString ids
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT string_agg(bay_id::text, ',' ORDER BY bay_id) "
                                            "FROM bay_services WHERE service_id = %1")
                                 .arg(service))
              .toString();
    QList<qint64> bays;
    for (const QString &id : ids.split(u','))
        bays << id.toLongLong();
    return bays;
}

int WalkInFixture::bookingsWithPlate(const QString &plate)
{
    return m_cluster
        .queryBlocking(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = %1").arg(quoted(plate)))
        .toInt();
}

Booking WalkInFixture::bookOutside(qint64 service, qint64 bayId, const QDateTime &start, const QString &plate,
                                   const QString &name, const QString &phone)
{
    BookingRequest request;
    request.slot.serviceId = service;
    request.slot.bayId = bayId;
    request.start = start;
    request.plate = plate;
    request.name = name;
    request.phone = phone;
    request.actor = QStringLiteral("kiosk");
    auto outcome
        = m_otherDesk->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                 [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
    if (!finishes(outcome) || !outcome.result().ok() || !outcome.result()->isBooked()) {
        qWarning() << "outside booking failed" << plate << bayId << start
                   << (outcome.result().ok() ? int(outcome.result()->result) : -1);
        return {};
    }
    return outcome.result()->booking;
}

WalkInDialog *WalkInFixture::openWalkInByKeyboard()
{
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    auto *dialog = m_window->findChild<WalkInDialog *>();
    if (!dialog)
        return nullptr;
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isActiveWindow(), kNoHangMs);
    }();
    return dialog;
}
