// How the kiosk words a free time for a customer in a hurry: "Now, <bay>,
// ready in N min" within a quarter of an hour, the clock time after that,
// always with the bay it would be booked on.
#include "db/catalogue/bayref.h"
#include "ui/kiosk/kiosktext.h"

#include <QTest>
#include <QTimeZone>

class TestKioskText : public QObject
{
    Q_OBJECT
private slots:
    void slotReadsAsACustomerReadsIt_data();
    void slotReadsAsACustomerReadsIt();
    void vehicleSizes();
};

void TestKioskText::slotReadsAsACustomerReadsIt_data()
{
    QTest::addColumn<int>("secondsFromNow");
    QTest::addColumn<QString>("expected");
    QTest::newRow("started a moment ago") << -30 << QStringLiteral("Now, Tunnel Lane 2, ready now");
    QTest::newRow("right now") << 0 << QStringLiteral("Now, Tunnel Lane 2, ready now");
    QTest::newRow("in 10 s rounds up") << 10 << QStringLiteral("Now, Tunnel Lane 2, ready in 1 min");
    QTest::newRow("in 4 min") << 240 << QStringLiteral("Now, Tunnel Lane 2, ready in 4 min");
    QTest::newRow("in 15 min") << 900 << QStringLiteral("Now, Tunnel Lane 2, ready in 15 min");
    QTest::newRow("in 16 min") << 960 << QStringLiteral("12:46 PM, Tunnel Lane 2");
}

void TestKioskText::slotReadsAsACustomerReadsIt()
{
    QFETCH(int, secondsFromNow);
    QFETCH(QString, expected);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    const QTimeZone zone("America/New_York");
    const QDateTime now(QDate(2026, 6, 1), QTime(12, 30), zone);
    PlannedSlot slot;
    slot.start = now.addSecs(secondsFromNow);
    slot.end = slot.start.addSecs(20 * 60);
    slot.bays = {BayRef {2, QStringLiteral("Tunnel Lane 2")}, BayRef {1, QStringLiteral("Tunnel Lane 1")}};
    QCOMPARE(KioskText::slot(slot, now), expected);
}

void TestKioskText::vehicleSizes()
{
    QCOMPARE(KioskText::vehicleClass(QStringLiteral("car")), QStringLiteral("Car"));
    QCOMPARE(KioskText::vehicleClass(QStringLiteral("suv")), QStringLiteral("SUV"));
    QCOMPARE(KioskText::vehicleClass(QStringLiteral("truck")), QStringLiteral("Truck"));
}

QTEST_MAIN(TestKioskText)
#include "tst_kiosktext.moc"
