// A walk-in in seconds and Find, as the front desk uses them: the real desk
// window on the offscreen platform, a real PostgreSQL with the demo
// catalogue, a signed-in person, keys and clicks. Other desks are a second
// pool writing through the booking engine. Waits are bounded (QTRY_*), so a
// hang fails the test instead of stalling CTest.
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingsearch.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/walkindialog.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestWalkIn : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void walkInAndFindGiveEveryMnemonicToOneControl();

    void aWashTheVehicleThePlateAndEnterBookOnceAtTheCataloguePrice();
    void aPlateTypedAtOnceAfterCtrlNLandsWholeInThePlateField();
    void theTabOrderFollowsTheClicksAndEveryControlIsNamed();
    void aKnownPlateFillsTheCustomerAndShowsTheVisits();
    void enterBeforeTheLookupWaitsForTheKnownName();
    void anInvalidPlateIsMarkedNextToItAndNothingIsWritten();
    void aSlotTakenMeanwhileOffersTheNextStartAndKeepsTheTyping();
    void aClosedSiteSaysSoAndBooksNothing();
    void theDatabaseAwayKeepsEverythingAndRetryBooksOnce();
    void aStartPickedOnTheBoardIsBookedThere();
    void aBoardStartNoLongerFreeIsSaidAndTheNextOffered();
    void theDialogsAreForSignedInPeopleAndCloseOnSignOut();
    void findByPlateCodePhoneAndName();
    void findTreatsSqlAndWildcardsAsPlainText();
    void choosingAResultByKeyboardEmitsItsId();

private:
    qint64 staffId(const QString &name);
    qint64 serviceId(const QString &name);
    QList<qint64> baysOffering(qint64 serviceId);
    int bookingsWithPlate(const QString &plate);
    Booking bookOutside(qint64 serviceId, qint64 bayId, const QDateTime &start, const QString &plate,
                        const QString &name, const QString &phone = {});
    WalkInDialog *openWalkInByKeyboard();
    QWidget *focused() const { return QApplication::focusWidget(); }
    template<typename T> T *child(QWidget *parent, const QString &name)
    {
        return parent->findChild<T *>(name);
    }

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<ConnectionPool> m_otherDesk;
    std::unique_ptr<DeskWindow> m_window;
};

void TestWalkIn::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_walkin"), &error), qPrintable(error));
    // Open round the clock with no holidays, so "next free" is minutes
    // away whenever the test runs.
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM closures"));
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM opening_hours"));
    m_cluster.queryBlocking(QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) SELECT d, "
                                           "'00:00', '24:00' FROM generate_series(1, 7) AS d"));
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM opening_hours")).toInt(), 7);
}

void TestWalkIn::init()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    m_pool = std::make_unique<ConnectionPool>(m_site.config());
    m_otherDesk = std::make_unique<ConnectionPool>(m_site.config(QStringLiteral("other")));
    m_window = std::make_unique<DeskWindow>();
    QVERIFY(m_site.showDesk(*m_window, *m_pool));
}

void TestWalkIn::cleanup()
{
    m_window.reset();
    m_otherDesk.reset();
    m_pool.reset();
}

qint64 TestWalkIn::staffId(const QString &name)
{
    return m_cluster.queryBlocking(QStringLiteral("SELECT id FROM staff WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

qint64 TestWalkIn::serviceId(const QString &name)
{
    return m_cluster
        .queryBlocking(QStringLiteral("SELECT id FROM services WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

QList<qint64> TestWalkIn::baysOffering(qint64 service)
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

int TestWalkIn::bookingsWithPlate(const QString &plate)
{
    return m_cluster
        .queryBlocking(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = %1").arg(quoted(plate)))
        .toInt();
}

Booking TestWalkIn::bookOutside(qint64 service, qint64 bayId, const QDateTime &start, const QString &plate,
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

WalkInDialog *TestWalkIn::openWalkInByKeyboard()
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

void TestWalkIn::walkInAndFindGiveEveryMnemonicToOneControl()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
    FindDialog *find = m_window->openFind();
    QVERIFY(find);
    QVERIFY2(Mnemonics::clashes(find).isEmpty(), qPrintable(Mnemonics::clashes(find).join(u'\n')));
}

void TestWalkIn::aWashTheVehicleThePlateAndEnterBookOnceAtTheCataloguePrice()
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

void TestWalkIn::aPlateTypedAtOnceAfterCtrlNLandsWholeInThePlateField()
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
    QVERIFY2(hint.contains(QStringLiteral("Alt+1")) && hint.contains(QStringLiteral("plate")), qPrintable(hint));
    QTest::keyClick(focused(), Qt::Key_2, Qt::AltModifier);
    QCOMPARE(dialog->chosenService()->id, serviceId(QStringLiteral("Deluxe Wash")));
    QCOMPARE(plate->text(), QStringLiteral("CS BR-12"));
    QCOMPARE(focused(), static_cast<QWidget *>(plate));
    QCOMPARE(failed.size(), 0);
}

void TestWalkIn::theTabOrderFollowsTheClicksAndEveryControlIsNamed()
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

void TestWalkIn::aKnownPlateFillsTheCustomerAndShowsTheVisits()
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

void TestWalkIn::enterBeforeTheLookupWaitsForTheKnownName()
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

void TestWalkIn::anInvalidPlateIsMarkedNextToItAndNothingIsWritten()
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

void TestWalkIn::aSlotTakenMeanwhileOffersTheNextStartAndKeepsTheTyping()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    const qint64 ultimate = serviceId(QStringLiteral("Ultimate Shine"));
    QTest::keyClick(focused(), Qt::Key_3, Qt::AltModifier);
    QCOMPARE(dialog->chosenService()->id, ultimate);
    QTest::keyClicks(focused(), QStringLiteral("RACE01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Rae Slow"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    const QDateTime shown = dialog->proposedSlot()->start;

    // Every bay free at that start goes to other desks meanwhile.
    const QList<BayRef> bays = dialog->proposedSlot()->bays;
    QVERIFY(!bays.isEmpty());
    for (int i = 0; i < bays.size(); ++i)
        QVERIFY(bookOutside(ultimate, bays[i].id, shown, QStringLiteral("OTHER%1").arg(i),
                            QStringLiteral("Other Desk"))
                    .id
                != 0);

    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("just taken")), qPrintable(dialog->noticeText()));
    const QDateTime offered = dialog->proposedSlot()->start;
    QVERIFY(offered > shown);
    QCOMPARE(booked.size(), 0);
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("plateField"))->text(), QStringLiteral("RACE01"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text(), QStringLiteral("Rae Slow"));
    QCOMPARE(bookingsWithPlate(QStringLiteral("RACE01")), 0);

    // One more Enter books what is offered.
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.start, offered);
    QCOMPARE(booking.plate, QStringLiteral("RACE01"));
    QCOMPARE(bookingsWithPlate(QStringLiteral("RACE01")), 1);
}

void TestWalkIn::aClosedSiteSaysSoAndBooksNothing()
{
    // Closed every day of the horizon.
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM opening_hours"));
    auto reopen = qScopeGuard([this] {
        m_cluster.queryBlocking(QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) "
                                               "SELECT d, '00:00', '24:00' FROM generate_series(1, 7) AS d"));
    });
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QSignalSpy shown(dialog, &WalkInDialog::slotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.size() >= 1 && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY(!dialog->proposedSlot());
    QVERIFY2(dialog->slotText().startsWith(QStringLiteral("No free time")), qPrintable(dialog->slotText()));
    QTest::keyClicks(focused(), QStringLiteral("SHUT01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Cy Closed"));
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("no free time")), qPrintable(dialog->noticeText()));
    QVERIFY(!dialog->lastBooking());
    QCOMPARE(bookingsWithPlate(QStringLiteral("SHUT01")), 0);
}

void TestWalkIn::theDatabaseAwayKeepsEverythingAndRetryBooksOnce()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QTest::keyClick(focused(), Qt::Key_1, Qt::AltModifier);
    QTest::keyClicks(focused(), QStringLiteral("AWAY01"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Dee Beedown"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLookingUp(), kNoHangMs);
    const QDateTime start = dialog->proposedSlot()->start;

    QVERIFY(m_cluster.stop(PgTestCluster::Mode::Immediate));
    auto restart = qScopeGuard([this] { m_cluster.start(); });
    QSignalSpy failed(dialog, &WalkInDialog::bookingFailed);
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QVERIFY(dialog->isBooking());
    QVERIFY(!child<QPushButton>(dialog, QStringLiteral("walkInBook"))->isEnabled());
    // The critical policy rides out a short outage; this one lasts longer.
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 60000);
    QCOMPARE(booked.size(), 0);
    auto *banner = child<ErrorBanner>(dialog, QStringLiteral("walkInBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->message().contains(QStringLiteral("not saved")), qPrintable(banner->message()));
    const QString key = dialog->pendingIdempotencyKey();
    QVERIFY(!key.isEmpty());
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("plateField"))->text(), QStringLiteral("AWAY01"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("nameField"))->text(), QStringLiteral("Dee Beedown"));
    QCOMPARE(dialog->proposedSlot()->start, start);
    QVERIFY(child<QPushButton>(dialog, QStringLiteral("walkInBook"))->isEnabled());

    restart.dismiss();
    QVERIFY(m_cluster.start());
    auto *retry = banner->findChild<QPushButton *>(QStringLiteral("errorBannerRetry"));
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, 60000);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.start, start);
    QCOMPARE(bookingsWithPlate(QStringLiteral("AWAY01")), 1);
    // The same intent, the same key: had the first try committed unseen,
    // this would have been its replay.
    QCOMPARE(m_cluster
                 .queryBlocking(
                     QStringLiteral("SELECT idempotency_key FROM bookings WHERE id = %1").arg(booking.id))
                 .toString(),
             key);
    QVERIFY(!banner->isVisible());
}

void TestWalkIn::aStartPickedOnTheBoardIsBookedThere()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    const QList<qint64> bays = baysOffering(express);
    const qint64 secondBay = bays.last();
    const QString bayName
        = m_cluster.queryBlocking(QStringLiteral("SELECT name FROM bays WHERE id = %1").arg(secondBay))
              .toString();
    // A free start on the second lane an hour or so ahead: not what "next
    // free" would offer.
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const QDateTime nextFree = (*next.result())->start;
    auto later = m_otherDesk->withConnection(
        QStringLiteral("free"), [express, secondBay, nextFree](QSqlDatabase &db) {
            AvailabilityRequest request;
            request.serviceId = express;
            request.bayId = secondBay;
            QList<PlannedSlot> found = AvailabilityRepo(db).freeStartsAfter(request, nextFree.addSecs(3600),
                                                                            nextFree.timeZone(), 1);
            return found;
        });
    QVERIFY(finishes(later));
    QVERIFY(later.result().ok() && !later.result()->isEmpty());
    const QDateTime start = later.result()->first().start;

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = m_window->openWalkIn(BayRef {secondBay, bayName}, start);
    QVERIFY(dialog);
    QCOMPARE(dialog->presetStart(), start);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
    QVERIFY2(dialog->slotText().contains(QStringLiteral("Chosen on the board")),
             qPrintable(dialog->slotText()));
    QVERIFY(dialog->chooseService(express));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QCOMPARE(dialog->proposedSlot()->start, start);
    QCOMPARE(dialog->proposedBay()->id, secondBay);
    QVERIFY2(dialog->slotText().contains(bayName), qPrintable(dialog->slotText()));
    QVERIFY(dialog->noticeText().isEmpty());

    QTRY_VERIFY_WITH_TIMEOUT(dialog->isActiveWindow(), kNoHangMs);
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("plateField")), QStringLiteral("BRD001"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("nameField")), QStringLiteral("Bo Ard"));
    QSignalSpy booked(dialog, &WalkInDialog::booked);
    QTest::keyClick(focused(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(booked.size(), 1, kNoHangMs);
    const Booking booking = booked.first().first().value<Booking>();
    QCOMPARE(booking.bay.id, secondBay);
    QCOMPARE(booking.start, start);
}

void TestWalkIn::aBoardStartNoLongerFreeIsSaidAndTheNextOffered()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    const qint64 firstBay = baysOffering(express).first();
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express, firstBay](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        request.bayId = firstBay;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const QDateTime start = (*next.result())->start;
    const QString bayName
        = m_cluster.queryBlocking(QStringLiteral("SELECT name FROM bays WHERE id = %1").arg(firstBay))
              .toString();

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = m_window->openWalkIn(BayRef {firstBay, bayName}, start);
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading() && !dialog->services().isEmpty(), kNoHangMs);
    // Taken at another desk between the click on the board and the choice of wash.
    QVERIFY(bookOutside(express, firstBay, start, QStringLiteral("GONE01"), QStringLiteral("Gone Before")).id
            != 0);
    QVERIFY(dialog->chooseService(express));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->proposedSlot().has_value() && !dialog->isFindingSlot(), kNoHangMs);
    QVERIFY2(dialog->noticeText().contains(QStringLiteral("not free")), qPrintable(dialog->noticeText()));
    QVERIFY2(dialog->noticeText().contains(bayName), qPrintable(dialog->noticeText()));
    QVERIFY(!(dialog->proposedSlot()->start == start && dialog->proposedBay()->id == firstBay));
    QVERIFY2(dialog->slotText().contains(QStringLiteral("Next free")), qPrintable(dialog->slotText()));
}

void TestWalkIn::theDialogsAreForSignedInPeopleAndCloseOnSignOut()
{
    // On the sign-in page the keys do nothing.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(!m_window->findChild<WalkInDialog *>());
    QVERIFY(!m_window->findChild<FindDialog *>());
    QVERIFY(!m_window->openWalkIn());
    QVERIFY(!m_window->openFind());

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // The header's buttons say their keys.
    auto *walkInButton
        = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("newWalkInButton"));
    auto *findButton = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("findButton"));
    QVERIFY(walkInButton && walkInButton->toolTip().contains(QStringLiteral("Ctrl+N")));
    QVERIFY(findButton && findButton->toolTip().contains(QStringLiteral("Ctrl+F")));
    QTest::mouseClick(walkInButton, Qt::LeftButton);
    QPointer<WalkInDialog> walkIn = m_window->findChild<WalkInDialog *>();
    QVERIFY(walkIn);
    QTRY_VERIFY(walkIn->isVisible());
    // Opening again brings back the same one, with what was typed.
    QTest::keyClicks(walkIn->findChild<QLineEdit *>(QStringLiteral("plateField")), QStringLiteral("KEEP1"));
    QCOMPARE(m_window->openWalkIn(), walkIn.data());
    QCOMPARE(walkIn->findChild<QLineEdit *>(QStringLiteral("plateField"))->text(), QStringLiteral("KEEP1"));
    walkIn->close();
    QTRY_VERIFY(!walkIn);
    // A window manager gives the focus back to the desk; offscreen, the test does.
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());

    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QPointer<FindDialog> find = m_window->findChild<FindDialog *>();
    QVERIFY(find);
    QTRY_VERIFY(find->isVisible());
    QTRY_VERIFY(find->isActiveWindow());
    QCOMPARE(focused(), static_cast<QWidget *>(find->findChild<QLineEdit *>(QStringLiteral("findField"))));
    walkIn = m_window->openWalkIn();
    QVERIFY(walkIn);

    // Whoever comes next finds neither open.
    m_window->signOut();
    QTRY_VERIFY(!walkIn);
    QTRY_VERIFY(!find);
}

void TestWalkIn::findByPlateCodePhoneAndName()
{
    const qint64 deluxe = serviceId(QStringLiteral("Deluxe Wash"));
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [deluxe](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = deluxe;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const Booking target = bookOutside(deluxe, 0, (*next.result())->start, QStringLiteral("FND123"),
                                       QStringLiteral("Quinn Findley"), QStringLiteral("+1 (555) 010-9988"));
    QVERIFY(target.id != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    FindDialog *find = m_window->findChild<FindDialog *>();
    QVERIFY(find);
    QCOMPARE(find->statusText().contains(QStringLiteral("at least")), true);

    const QStringList texts
        = {QStringLiteral("fnd 123"),    QStringLiteral("FND1"),     target.code.toLower(),
           QStringLiteral("5550109988"), QStringLiteral("010-9988"), QStringLiteral("findley"),
           QStringLiteral("Quinn F")};
    for (const QString &text : texts) {
        QSignalSpy searched(find, &FindDialog::searched);
        find->setSearchText(text);
        QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
        const QList<BookingMatch> results = find->results();
        const bool found = std::any_of(results.cbegin(), results.cend(),
                                       [&](const BookingMatch &m) { return m.id == target.id; });
        QVERIFY2(found, qPrintable(text));
        const auto *list = find->findChild<QTreeWidget *>(QStringLiteral("findResults"));
        QCOMPARE(list->topLevelItemCount(), int(results.size()));
    }
    // By code, with what the desk recognises it by.
    QSignalSpy searched(find, &FindDialog::searched);
    find->setSearchText(target.code);
    QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
    const QList<BookingMatch> results = find->results();
    const auto at = std::find_if(results.cbegin(), results.cend(),
                                 [&](const BookingMatch &m) { return m.id == target.id; });
    QVERIFY(at != results.cend());
    const BookingMatch match = *at;
    QCOMPARE(match.plate, QStringLiteral("FND123"));
    QCOMPARE(match.customerName, QStringLiteral("Quinn Findley"));
    QCOMPARE(match.serviceName, QStringLiteral("Deluxe Wash"));
    QCOMPARE(match.status, QStringLiteral("confirmed"));
    const auto *row = find->findChild<QTreeWidget *>(QStringLiteral("findResults"))
                          ->topLevelItem(int(at - results.cbegin()));
    QCOMPARE(row->text(1), target.code);
    QCOMPARE(row->text(5), QStringLiteral("Confirmed"));
}

void TestWalkIn::findTreatsSqlAndWildcardsAsPlainText()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(bookOutside(express, 0, (*next.result())->start, QStringLiteral("WILD12"),
                        QStringLiteral("Wil Dcard"))
                .id
            != 0);
    const int bookings = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt();
    QVERIFY(bookings > 1);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    FindDialog *find = m_window->openFind();
    QVERIFY(find);
    // Were these SQL or LIKE patterns, each would match every booking (or WILD12).
    const QStringList texts
        = {QStringLiteral("%' OR 1=1 --"), QStringLiteral("%%"),  QStringLiteral("W_LD12"),
           QStringLiteral("' OR ''='"),    QStringLiteral("\\%"), QStringLiteral("W%")};
    for (const QString &text : texts) {
        QSignalSpy searched(find, &FindDialog::searched);
        find->setSearchText(text);
        QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
        QVERIFY2(find->results().isEmpty(), qPrintable(text));
        QVERIFY2(find->statusText().startsWith(QStringLiteral("No booking matches")),
                 qPrintable(find->statusText()));
        QVERIFY(!find->findChild<ErrorBanner *>(QStringLiteral("findBanner"))->isVisible());
    }
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), bookings);

    // The repository alone says the same.
    auto direct = m_otherDesk->withConnection(QStringLiteral("search"), [](QSqlDatabase &db) {
        return BookingSearch(db).find(QStringLiteral("%' OR 1=1 --"));
    });
    QVERIFY(finishes(direct));
    QVERIFY2(direct.result().ok(), describe(direct.result()).constData());
    QVERIFY(direct.result()->isEmpty());
    auto empty = m_otherDesk->withConnection(QStringLiteral("search"), [](QSqlDatabase &db) {
        return BookingSearch(db).find(QStringLiteral("  "));
    });
    QVERIFY(finishes(empty));
    QCOMPARE(empty.result().error().kind(), DbError::Kind::Invalid);
}

void TestWalkIn::choosingAResultByKeyboardEmitsItsId()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    auto nextFree = [this, express] {
        auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
            AvailabilityRequest request;
            request.serviceId = express;
            return AvailabilityRepo(db).next(request);
        });
        return finishes(next) && next.result().ok() && next.result()->has_value() ? (*next.result())->start
                                                                                  : QDateTime();
    };
    const Booking first
        = bookOutside(express, 0, nextFree(), QStringLiteral("PICK01"), QStringLiteral("Pat Picker"));
    const Booking second
        = bookOutside(express, 0, nextFree(), QStringLiteral("PICK02"), QStringLiteral("Pat Picker"));
    QVERIFY(first.id != 0 && second.id != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QSignalSpy deskChosen(m_window.get(), &DeskWindow::bookingChosen);
    QPointer<FindDialog> find = m_window->openFind();
    QVERIFY(find);
    QSignalSpy chosen(find, &FindDialog::bookingChosen);
    auto *field = find->findChild<QLineEdit *>(QStringLiteral("findField"));
    QTRY_COMPARE(focused(), static_cast<QWidget *>(field));
    QSignalSpy searched(find, &FindDialog::searched);
    QTest::keyClicks(field, QStringLiteral("pat picker"));
    QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
    QCOMPARE(find->results().size(), 2);
    QVERIFY2(find->statusText().startsWith(QStringLiteral("2 booking")), qPrintable(find->statusText()));
    // Down from the field moves the highlight; Enter opens that one.
    const qint64 highlighted = find->currentId();
    QCOMPARE(highlighted, find->results().first().id);
    QTest::keyClick(field, Qt::Key_Down);
    QCOMPARE(focused(), static_cast<QWidget *>(field));
    const qint64 wanted = find->results().at(1).id;
    QCOMPARE(find->currentId(), wanted);
    QTRY_VERIFY(find->isActiveWindow());
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().toLongLong(), wanted);
    QCOMPARE(deskChosen.size(), 1);
    QCOMPARE(deskChosen.first().first().toLongLong(), wanted);
    QTRY_VERIFY(!find || !find->isVisible());

    // A double-click chooses too.
    find = m_window->openFind();
    QVERIFY(find);
    QSignalSpy chosenAgain(find, &FindDialog::bookingChosen);
    QSignalSpy searchedAgain(find, &FindDialog::searched);
    find->setSearchText(QStringLiteral("PICK01"));
    QTRY_VERIFY_WITH_TIMEOUT(searchedAgain.size() >= 1 && !find->isSearching(), kNoHangMs);
    QCOMPARE(find->results().size(), 1);
    auto *list = find->findChild<QTreeWidget *>(QStringLiteral("findResults"));
    const QRect rect = list->visualItemRect(list->topLevelItem(0));
    // A widget's mouseDClick sends the second press alone; the first click comes before it.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(chosenAgain.size(), 0);
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE(chosenAgain.size(), 1);
    QCOMPARE(chosenAgain.first().first().toLongLong(), first.id);
}

QTEST_MAIN(TestWalkIn)
#include "tst_walkin.moc"
