// The manager's site setup, the catalogue: a price change reaches new
// bookings but not existing ones, a new service on a bay is bookable and a
// deactivated bay is not, duplicate names refused and unusual ones stored
// exactly, a save that fails keeps what was typed and Retry stores it. The
// real desk window on the offscreen platform, a real PostgreSQL with the
// demo seed, real PINs. Every change is checked in the database itself.
#include "tests/sitesetupfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/manager/bayspage.h"
#include "ui/manager/moneyfield.h"
#include "ui/manager/servicechecklist.h"
#include "ui/manager/servicespage.h"
#include "ui/manager/sitesetupdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace DeskTest;

class TestSiteSetupCatalogue : public QObject, protected SiteSetupFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_sitesetup_catalogue")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }

    void aPriceChangeReachesNewBookingsButNotExistingOnes();
    void aNewServiceOnABayIsBookableAndADeactivatedBayIsNot();
    void aDuplicateNameIsRefusedAndUnusualNamesAreStoredExactly();
    void aSaveThatFailsKeepsWhatWasTypedAndRetryStoresIt();

private:
    void selectRow(CatalogueEditorPage *page, const QString &name);
};

void TestSiteSetupCatalogue::selectRow(CatalogueEditorPage *page, const QString &name)
{
    for (int row = 0; row < page->table()->rowCount(); ++row) {
        if (page->table()->item(row, 0)->text() == name) {
            page->table()->setCurrentCell(row, 0);
            return;
        }
    }
    QFAIL(qPrintable(QStringLiteral("no row %1").arg(name)));
}

void TestSiteSetupCatalogue::aPriceChangeReachesNewBookingsButNotExistingOnes()
{
    const qint64 deluxe
        = m_site.value(QStringLiteral("SELECT id FROM services WHERE name = 'Deluxe Wash'")).toLongLong();
    const BookingOutcome old = bookNext(deluxe, QStringLiteral("OLDPRICE"));
    QVERIFY(old.isBooked());
    const qint64 oldPrice = old.booking.priceCents;

    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    ServicesPage *page = dialog->servicesPage();
    selectRow(page, QStringLiteral("Deluxe Wash"));
    QCOMPARE(page->currentId(), deluxe);
    QCOMPARE(page->priceField(QStringLiteral("car"))->cents(), std::optional<qint64>(oldPrice));
    page->priceField(QStringLiteral("car"))->clear();
    QTest::keyClicks(page->priceField(QStringLiteral("car")), QStringLiteral("21.50"));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("servicesPageSave")), Qt::LeftButton);
    QVERIFY(waitIdle(page));
    QTRY_VERIFY_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
    QCOMPARE(
        m_site
            .value(QStringLiteral(
                       "SELECT price_cents FROM service_prices WHERE service_id = %1 AND vehicle_class = "
                       "'car'")
                       .arg(deluxe))
            .toLongLong(),
        2150);
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(old.booking.id))
            .toLongLong(),
        oldPrice);
    QCOMPARE(m_site
                 .value(QStringLiteral(
                            "SELECT details->'after'->'price_cents'->>'car' FROM audit_log WHERE action = "
                            "'service.update' AND entity_id = '%1' AND actor = 'staff:%2'")
                            .arg(deluxe)
                            .arg(m_site.staffId(QStringLiteral("Morgan Lee"))))
                 .toString(),
             QStringLiteral("2150"));
    const BookingOutcome fresh = bookNext(deluxe, QStringLiteral("NEWPRICE"));
    QVERIFY(fresh.isBooked());
    QCOMPARE(fresh.booking.priceCents, 2150);
}

void TestSiteSetupCatalogue::aNewServiceOnABayIsBookableAndADeactivatedBayIsNot()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    ServicesPage *services = dialog->servicesPage();
    services->newRow();
    QTest::keyClicks(services->nameField(), QStringLiteral("Headlight Restore"));
    services->durationField()->setValue(40);
    services->offeredBox(QStringLiteral("suv"))->setChecked(false);
    services->offeredBox(QStringLiteral("truck"))->setChecked(false);
    QTest::keyClicks(services->priceField(QStringLiteral("car")), QStringLiteral("35"));
    services->save();
    QVERIFY(waitIdle(services));
    QTRY_VERIFY_WITH_TIMEOUT(services->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
    const qint64 id = m_site.value(QStringLiteral("SELECT id FROM services WHERE name = 'Headlight Restore'"))
                          .toLongLong();
    QVERIFY(id > 0);
    QCOMPARE(m_site
                 .value(QStringLiteral(
                            "SELECT string_agg(vehicle_class || price_cents, ',') FROM service_prices WHERE "
                            "service_id = %1")
                            .arg(id))
                 .toString(),
             QStringLiteral("car3500"));

    // A new bay that performs it, made on the Bays tab.
    BaysPage *bays = dialog->baysPage();
    QTRY_VERIFY_WITH_TIMEOUT(bays->servicesList()->count() == 6, kNoHangMs);
    bays->newRow();
    QTest::keyClicks(bays->nameField(), QStringLiteral("Detail Bay C"));
    bays->kindField()->setCurrentIndex(bays->kindField()->findData(QStringLiteral("detail")));
    QVERIFY(bays->servicesList()->setServiceChecked(QStringLiteral("Headlight Restore"), true));
    bays->save();
    QVERIFY(waitIdle(bays));
    QTRY_VERIFY_WITH_TIMEOUT(bays->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
    const qint64 bayId
        = m_site.value(QStringLiteral("SELECT id FROM bays WHERE name = 'Detail Bay C'")).toLongLong();
    QCOMPARE(m_site.value(QStringLiteral("SELECT kind FROM bays WHERE id = %1").arg(bayId)).toString(),
             QStringLiteral("detail"));
    const BookingOutcome booked = bookNext(id, QStringLiteral("LAMP1"));
    QVERIFY(booked.isBooked());
    QCOMPARE(booked.booking.bay.id, bayId);
    QCOMPARE(booked.booking.priceCents, 3500);

    // Deactivated: no new bookings, and the manager hears of the one it has.
    QTRY_COMPARE_WITH_TIMEOUT(dialog->isCatalogueLoading(), false, kNoHangMs);
    selectRow(bays, QStringLiteral("Detail Bay C"));
    QCOMPARE(bays->currentId(), bayId);
    bays->activeBox()->setChecked(false);
    bays->save();
    QVERIFY(waitIdle(bays));
    QTRY_VERIFY_WITH_TIMEOUT(bays->statusText().contains(QStringLiteral("1 upcoming booking")), kNoHangMs);
    QCOMPARE(m_site.value(QStringLiteral("SELECT active FROM bays WHERE id = %1").arg(bayId)).toBool(),
             false);
    const BookingOutcome refused = bookNext(id, QStringLiteral("LAMP2"));
    QVERIFY(!refused.isBooked());
    QCOMPARE(
        m_site.value(QStringLiteral("SELECT count(*) FROM bookings WHERE service_id = %1").arg(id)).toInt(),
        1);
}

void TestSiteSetupCatalogue::aDuplicateNameIsRefusedAndUnusualNamesAreStoredExactly()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    ServicesPage *page = dialog->servicesPage();
    const int services = m_site.value(QStringLiteral("SELECT count(*) FROM services")).toInt();
    const int audits = m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
    page->newRow();
    QTest::keyClicks(page->nameField(), QStringLiteral("express exterior"));
    for (const QString &vehicleClass :
         {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")})
        QTest::keyClicks(page->priceField(vehicleClass), QStringLiteral("10"));
    page->save();
    QVERIFY(waitIdle(page));
    QTRY_VERIFY_WITH_TIMEOUT(!page->fieldError(QStringLiteral("name")).isEmpty(), kNoHangMs);
    QVERIFY2(page->fieldError(QStringLiteral("name"))
                 .contains(QStringLiteral("\"Express Exterior\" already exists")),
             qPrintable(page->fieldError(QStringLiteral("name"))));
    QCOMPARE(page->nameField()->text(), QStringLiteral("express exterior"));
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM services")).toInt(), services);
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), audits);

    for (const QString &name :
         {QStringLiteral("Wax'); DROP TABLE services; --"), QStringLiteral("Мойка «Люкс» 洗车")}) {
        page->newRow();
        // QTest types Latin-1 only; an input method would deliver the rest.
        page->nameField()->setText(name);
        for (const QString &vehicleClass :
             {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")})
            QTest::keyClicks(page->priceField(vehicleClass), QStringLiteral("9,99"));
        page->save();
        QVERIFY(waitIdle(page));
        QTRY_VERIFY_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")), kNoHangMs);
        QCOMPARE(
            m_site.value(QStringLiteral("SELECT count(*) FROM services WHERE name = %1").arg(quoted(name)))
                .toInt(),
            1);
        QCOMPARE(m_site
                     .value(QStringLiteral(
                                "SELECT min(price_cents) FROM service_prices p JOIN services s ON s.id = "
                                "p.service_id WHERE s.name = %1")
                                .arg(quoted(name)))
                     .toInt(),
                 999);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->isCatalogueLoading(), false, kNoHangMs);
        QCOMPARE(page->nameField()->text(), name);
    }
    QCOMPARE(m_site.value(QStringLiteral("SELECT count(*) FROM services")).toInt(), services + 2);
}

void TestSiteSetupCatalogue::aSaveThatFailsKeepsWhatWasTypedAndRetryStoresIt()
{
    SiteSetupDialog *dialog = openAsManager();
    QVERIFY(dialog);
    dialog->tabs()->setCurrentWidget(dialog->servicesPage());
    ServicesPage *page = dialog->servicesPage();
    selectRow(page, QStringLiteral("Ultimate Shine"));
    page->priceField(QStringLiteral("truck"))->clear();
    QTest::keyClicks(page->priceField(QStringLiteral("truck")), QStringLiteral("37.00"));

    // Fast, not immediate: the harness commits asynchronously, and an
    // immediate stop could drop the seed's last commits.
    QVERIFY(m_cluster.stop());
    page->save();
    QVERIFY(page->isBusy());
    // The retry policy gives up after its bounded attempts; no hang.
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 3 * kNoHangMs);
    auto *banner = dialog->banner();
    QVERIFY2(banner->message().contains(QStringLiteral("Not saved")), qPrintable(banner->message()));
    QVERIFY(!banner->whatToDo().isEmpty());
    QCOMPARE(page->priceField(QStringLiteral("truck"))->text(), QStringLiteral("37.00"));
    QCOMPARE(page->nameField()->text(), QStringLiteral("Ultimate Shine"));

    QVERIFY(m_cluster.start());
    auto *retry = banner->findChild<QPushButton *>(QStringLiteral("errorBannerRetry"));
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(page->statusText().startsWith(QStringLiteral("Saved")),
                              qPrintable(page->statusText() + u'|' + banner->message()), 2 * kNoHangMs);
    QVERIFY(banner->message().isEmpty());
    QCOMPARE(m_site
                 .value(QStringLiteral(
                     "SELECT p.price_cents FROM service_prices p JOIN services s ON s.id = p.service_id "
                     "WHERE s.name = 'Ultimate Shine' AND p.vehicle_class = 'truck'"))
                 .toInt(),
             3700);
}

QTEST_MAIN(TestSiteSetupCatalogue)
#include "tst_sitesetup_catalogue.moc"
