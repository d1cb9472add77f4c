// A walk-in in seconds, as the front desk books one: a wash, the vehicle,
// the plate and Enter book once at the catalogue price; a plate typed at
// once after Ctrl+N lands whole; the tab order follows the clicks and every
// control is named; a known plate fills the customer and shows the visits,
// and Enter waits for it; an invalid plate is marked and nothing written.
// The real desk window on the offscreen platform, a real PostgreSQL with the
// demo catalogue, keys and clicks. Waits are bounded (QTRY_*), so a hang
// fails the test instead of stalling CTest.
#include "db/availability/availabilityrepo.h"
#include "db/text/money.h"
#include "tests/walkinfixture.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/walkindialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

class TestWalkInBooking : public QObject, protected WalkInFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_walkin_booking")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void aWashTheVehicleThePlateAndEnterBookOnceAtTheCataloguePrice();
    void aPlateTypedAtOnceAfterCtrlNLandsWholeInThePlateField();
    void theTabOrderFollowsTheClicksAndEveryControlIsNamed();
    void aKnownPlateFillsTheCustomerAndShowsTheVisits();
    void enterBeforeTheLookupWaitsForTheKnownName();
    void anInvalidPlateIsMarkedNextToItAndNothingIsWritten();
};

void TestWalkInBooking::aWashTheVehicleThePlateAndEnterBookOnceAtTheCataloguePrice()
{
    const QString person = QStringLiteral("Sam Rivera");
    QVERIFY(m_site.signIn(*m_window, person));
    const qint64 staff = staffId(person);
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->proposedSlot());

    // Click 1: the wash, by its number key (Deluxe Wash is the second).
    QVERIFY(focused());
    QTest::keyClick(focused(), Qt::Key_2, Qt::AltModifier);
    const qint64 deluxe = serviceId(QStringLiteral("Deluxe Wash"));
    QCOMPARE(dialog->chosenService()->id, deluxe);
    // The plate takes the focus, so typing goes on from here.
    QCOMPARE(focused(), static_cast<QWidget *>(child<QLineEdit>(dialog, QStringLiteral("plateField"))));
    // Click 2: the vehicle; click 3: an add-on.
    QTest::mouseClick(child<QPushButton>(dialog, QStringLiteral("vehicleSuv")), Qt::LeftButton);
    QCOMPARE(dialog->vehicleClass(), QStringLiteral("suv"));
    const qint64 tyreShine
        = m_cluster.queryBlocking(QStringLiteral("SELECT id FROM addons WHERE name = 'Tyre Shine'"))
              .toLongLong();
    auto *addon = child<QCheckBox>(dialog, QStringLiteral("addon%1").arg(tyreShine));
    QVERIFY(addon);
    QTest::mouseClick(addon, Qt::LeftButton, {}, QPoint(4, addon->height() / 2));
    QVERIFY(addon->isChecked());

    // The next free start, bay and the catalogue's price, from the database.
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY2(dialog->slotText().startsWith(QStringLiteral("Next free:")), qPrintable(dialog->slotText()));
    QVERIFY2(dialog->slotText().contains(dialog->proposedBay()->name), qPrintable(dialog->slotText()));
    const qint64 cataloguePrice
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT p.price_cents + a.price_cents FROM service_prices AS p, "
                                            "addons AS a WHERE p.service_id = %1 AND p.vehicle_class = 'suv' "
                                            "AND a.id = %2")
                                 .arg(deluxe)
                                 .arg(tyreShine))
              .toLongLong();
    QCOMPARE(cataloguePrice, 2600);
    QVERIFY2(dialog->priceText().contains(Money::format(cataloguePrice, QStringLiteral("USD"))),
             qPrintable(dialog->priceText()));

    // The plate (a new one: the name is needed), then Enter — twice, as a
    // hurried finger does.
    const QString plate = QStringLiteral("WLK100");
    auto *plateField = child<QLineEdit>(dialog, QStringLiteral("plateField"));
    plateField->setFocus();
    QTest::keyClicks(plateField, QStringLiteral("wlk-100"));
    QCOMPARE(plateField->text(), QStringLiteral("WLK-100"));
    QTest::keyClick(focused(), Qt::Key_Tab);
    QCOMPARE(focused(), static_cast<QWidget *>(child<QLineEdit>(dialog, QStringLiteral("nameField"))));
    QTest::keyClicks(focused(), QStringLiteral("Walker Inn"));
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QSignalSpy deskBooked(m_window.get(), &DeskWindow::walkInBooked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    // A second booking, were one on its way, would have been handed to the
    // pool with the second Enter: once the pool has nothing left to run, it
    // would be in the table.
    QTRY_VERIFY_WITH_TIMEOUT(m_pool->stats().active == 0 && m_pool->stats().waiting == 0, kNoHangMs);
    QCOMPARE(booked.size(), 1);
    QCOMPARE(deskBooked.size(), 1);
    QCOMPARE(bookingsWithPlate(plate), 1);

    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.plate, plate);
    QCOMPARE(booking.priceCents, cataloguePrice);
    QCOMPARE(booking.serviceId, deluxe);
    QCOMPARE(booking.vehicleClass, QStringLiteral("suv"));
    QCOMPARE(booking.addons.size(), 1);
    QCOMPARE(booking.start, dialog->proposedSlot()->start);
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(booking.id))
            .toLongLong(),
        cataloguePrice);
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT created_by FROM bookings WHERE id = %1").arg(booking.id))
            .toString(),
        QStringLiteral("staff:%1").arg(staff));
    QCOMPARE(
        m_cluster
            .queryBlocking(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.create' "
                                          "AND entity_id = '%1' AND actor = 'staff:%2'")
                               .arg(booking.id)
                               .arg(staff))
            .toInt(),
        1);
    QVERIFY(!m_cluster
                 .queryBlocking(
                     QStringLiteral("SELECT idempotency_key FROM bookings WHERE id = %1").arg(booking.id))
                 .toString()
                 .isEmpty());

    // The confirmation: code big, bay, start, the price create() returned.
    QVERIFY(child<QWidget>(dialog, QStringLiteral("walkInConfirmation"))->isVisible());
    QCOMPARE(child<QLabel>(dialog, QStringLiteral("walkInCode"))->text(), booking.code);
    const QString details = child<QLabel>(dialog, QStringLiteral("walkInConfirmationDetails"))->text();
    QVERIFY2(details.contains(booking.bay.name), qPrintable(details));
    QVERIFY2(details.contains(Money::format(booking.priceCents, booking.currency)), qPrintable(details));

    // Enter now means "next car": an empty form, and no second booking.
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_VERIFY(!dialog->lastBooking());
    QVERIFY(!dialog->chosenService());
    QVERIFY(child<QLineEdit>(dialog, QStringLiteral("plateField"))->text().isEmpty());
    QVERIFY(!child<QWidget>(dialog, QStringLiteral("walkInConfirmation"))->isVisible());
    QCOMPARE(bookingsWithPlate(plate), 1);
}

void TestWalkInBooking::aPlateTypedAtOnceAfterCtrlNLandsWholeInThePlateField()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // As a person does: Ctrl+N, then the plate at once, to whatever has the
    // keyboard. C, S and R are the vehicle buttons' mnemonics, B is Book's.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    auto *dialog = m_window->findChild<WalkInDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isActiveWindow(), kNoHangMs);
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QVERIFY(focused());
    QTest::keyClicks(focused(), QStringLiteral("CS "));
    // The rest after the washes arrived, which must not take the keyboard.
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
    QTest::keyClicks(focused(), QStringLiteral("BR-12"));

    auto *plate = child<QLineEdit>(dialog, QStringLiteral("plateField"));
    QCOMPARE(plate->text(), QStringLiteral("CS BR-12"));
    QCOMPARE(focused(), static_cast<QWidget *>(plate));
    // Nothing was pressed: no wash, the vehicle still a car, no booking tried.
    QVERIFY(!dialog->chosenService());
    QCOMPARE(dialog->vehicleClass(), QStringLiteral("car"));
    QVERIFY(child<QPushButton>(dialog, QStringLiteral("vehicleCar"))->isChecked());
    QCOMPARE(failed.size(), 0);
    QCOMPARE(booked.size(), 0);
    QVERIFY2(dialog->noticeText().isEmpty(), qPrintable(dialog->noticeText()));

    // Alt and a number choose a wash without touching the plate, as the
    // dialog's hint says.
    const QString hint = child<QLabel>(dialog, QStringLiteral("walkInKeyHint"))->text();
    QVERIFY2(hint.contains(QStringLiteral("Alt+1")) && hint.contains(QStringLiteral("plate")),
             qPrintable(hint));
    QTest::keyClick(focused(), Qt::Key_2, Qt::AltModifier);
    QCOMPARE(dialog->chosenService()->id, serviceId(QStringLiteral("Deluxe Wash")));
    QCOMPARE(plate->text(), QStringLiteral("CS BR-12"));
    QCOMPARE(focused(), static_cast<QWidget *>(plate));
    QCOMPARE(failed.size(), 0);
}

void TestWalkInBooking::theTabOrderFollowsTheClicksAndEveryControlIsNamed()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Priya Patel")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    // The plate has the keyboard from the start; Alt and a number choose a wash.
    QCOMPARE(focused()->objectName(), QStringLiteral("plateField"));
    // Arrow keys move through the washes (choosing as they go) and keep the focus there.
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QVERIFY(dialog->chosenService());
    auto *expressButton = dialog->findChild<QAbstractButton *>(QStringLiteral("package%1").arg(express));
    expressButton->setFocus();
    QTRY_COMPARE(focused(), static_cast<QWidget *>(expressButton));
    QTest::keyClick(expressButton, Qt::Key_Right);
    QCOMPARE(dialog->chosenService()->id, serviceId(QStringLiteral("Deluxe Wash")));
    QCOMPARE(focused()->objectName(),
             QStringLiteral("package%1").arg(serviceId(QStringLiteral("Deluxe Wash"))));

    // From the last wash: vehicle classes, add-ons, the plate.
    QStringList order;
    auto *last = dialog->findChild<QAbstractButton *>(
        QStringLiteral("package%1").arg(serviceId(QStringLiteral("Full Detail"))));
    last->setFocus();
    QTRY_COMPARE(focused(), static_cast<QWidget *>(last));
    for (int i = 0; i < 12; ++i) {
        QTest::keyClick(focused(), Qt::Key_Tab);
        order << focused()->objectName();
    }
    // Each group is one stop (arrows move inside it), like radio buttons.
    const QString seen = order.join(u' ');
    QCOMPARE(order.first(), QStringLiteral("vehicleCar"));
    QVERIFY2(order[1].startsWith(QStringLiteral("addon")), qPrintable(seen));
    const qsizetype plateAt = order.indexOf(QStringLiteral("plateField"));
    QVERIFY2(plateAt > 1, qPrintable(seen));
    for (qsizetype i = 1; i < plateAt; ++i)
        QVERIFY2(order[i].startsWith(QStringLiteral("addon")), qPrintable(seen));
    QCOMPARE(order.value(plateAt + 1), QStringLiteral("nameField"));
    QCOMPARE(order.value(plateAt + 2), QStringLiteral("phoneField"));
    QCOMPARE(order.value(plateAt + 3), QStringLiteral("emailField"));
    QCOMPARE(order.value(plateAt + 4), QStringLiteral("walkInBook"));

    FindDialog *find = m_window->openFind();
    QVERIFY(find);
    QStringList unnamed;
    for (QWidget *top : QList<QWidget *> {dialog, find, m_window->sessionHeader()}) {
        if (!top)
            continue;
        for (QWidget *widget : top->findChildren<QWidget *>()) {
            const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget)
                || qobject_cast<QAbstractItemView *>(widget);
            // Parts of other controls (a field's clear button, a list's
            // headers) are named by their owner.
            if (!control || qobject_cast<QAbstractItemView *>(widget->parentWidget())
                || qobject_cast<QLineEdit *>(widget->parentWidget()))
                continue;
            QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
            if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
                unnamed << QStringLiteral("%1 (%2)").arg(
                    widget->objectName(), QString::fromLatin1(widget->metaObject()->className()));
        }
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestWalkInBooking::aKnownPlateFillsTheCustomerAndShowsTheVisits()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    // A customer who came before, booked at another desk.
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const Booking earlier = bookOutside(express, 0, (*next.result())->start, QStringLiteral("KN0WN1"),
                                        QStringLiteral("Jordan Known"), QStringLiteral("+1 555 0142"));
    QVERIFY(earlier.id != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    auto *email = child<QLineEdit>(dialog, QStringLiteral("emailField"));
    // What the desk typed itself is never overwritten.
    QTest::keyClicks(email, QStringLiteral("jordan@example.com"));
    auto *plate = child<QLineEdit>(dialog, QStringLiteral("plateField"));
    plate->setFocus();
    QSignalSpy lookedUp(dialog, &WalkInDialog::customerLookedUp);
    QTest::keyClicks(plate, QStringLiteral("kn0wn 1"));
    QCOMPARE(plate->text(), QStringLiteral("KN0WN 1"));
    QTRY_VERIFY_WITH_TIMEOUT(lookedUp.size() >= 1 && !dialog->isLookingUp(), kNoHangMs);
    QVERIFY(dialog->knownCustomer().has_value());
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text(), QStringLiteral("Jordan Known"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("phoneField"))->text(), QStringLiteral("+1 555 0142"));
    QCOMPARE(email->text(), QStringLiteral("jordan@example.com"));
    auto *info = child<QLabel>(dialog, QStringLiteral("walkInCustomerInfo"));
    QVERIFY(info->isVisible());
    QVERIFY2(info->text().contains(QStringLiteral("Jordan Known")), qPrintable(info->text()));
    auto *history = child<QTreeWidget>(dialog, QStringLiteral("walkInHistory"));
    QVERIFY(history->isVisible());
    QCOMPARE(history->topLevelItemCount(), 1);
    QCOMPARE(history->topLevelItem(0)->text(1), QStringLiteral("Express Exterior"));
    QCOMPARE(history->topLevelItem(0)->text(2), QStringLiteral("Confirmed"));
    QCOMPARE(history->topLevelItem(0)->data(0, Qt::UserRole).toLongLong(), earlier.id);

    // Another plate: the filled-in customer goes, the typed e-mail stays.
    plate->selectAll();
    QTest::keyClicks(plate, QStringLiteral("NEW999"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLookingUp() && !dialog->knownCustomer(), kNoHangMs);
    QTRY_VERIFY(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text().isEmpty());
    QVERIFY(child<QLineEdit>(dialog, QStringLiteral("phoneField"))->text().isEmpty());
    QCOMPARE(email->text(), QStringLiteral("jordan@example.com"));
    QVERIFY(!history->isVisible());
    QVERIFY2(info->text().contains(QStringLiteral("New customer")), qPrintable(info->text()));
}

void TestWalkInBooking::enterBeforeTheLookupWaitsForTheKnownName()
{
    const qint64 deluxe = serviceId(QStringLiteral("Deluxe Wash"));
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [deluxe](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = deluxe;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    QVERIFY(
        bookOutside(deluxe, 0, (*next.result())->start, QStringLiteral("FAST77"), QStringLiteral("Fran Fast"))
            .id
        != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    // The plate and Enter at once: no name typed, the plate knows it.
    QTest::keyClicks(focused(), QStringLiteral("FAST77"));
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.customerName, QStringLiteral("Fran Fast"));
    QCOMPARE(bookingsWithPlate(QStringLiteral("FAST77")), 2);
    QVERIFY(dialog->fieldError(QStringLiteral("name")).isEmpty());
}

void TestWalkInBooking::anInvalidPlateIsMarkedNextToItAndNothingIsWritten()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    const int before = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt();
    const int customersBefore
        = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM customers")).toInt();
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value(), kNoHangMs);
    QTest::keyClicks(focused(), QStringLiteral("A"));
    auto *name = child<QLineEdit>(dialog, QStringLiteral("nameField"));
    QTest::keyClicks(name, QStringLiteral("Ann Short"));
    auto *email = child<QLineEdit>(dialog, QStringLiteral("emailField"));
    QTest::keyClicks(email, QStringLiteral("not-an-address"));
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kNoHangMs);

    auto *plateError = child<QLabel>(dialog, QStringLiteral("plateError"));
    QVERIFY(plateError->isVisible());
    QVERIFY2(plateError->text().contains(QStringLiteral("2 to 10")), qPrintable(plateError->text()));
    QVERIFY(child<QLabel>(dialog, QStringLiteral("emailError"))->isVisible());
    QVERIFY(!child<QLabel>(dialog, QStringLiteral("nameError"))->isVisible());
    // The first bad field has the focus, with its message as its description.
    QCOMPARE(focused(), static_cast<QWidget *>(child<QLineEdit>(dialog, QStringLiteral("plateField"))));
    QCOMPARE(focused()->accessibleDescription(), plateError->text());
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), before);
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM customers")).toInt(),
             customersBefore);

    // Typing in the field takes its message away.
    QTest::keyClicks(focused(), QStringLiteral("B"));
    QVERIFY(!plateError->isVisible());
}

QTEST_MAIN(TestWalkInBooking)
#include "tst_walkin_booking.moc"
