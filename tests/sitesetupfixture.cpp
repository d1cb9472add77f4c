#include "tests/sitesetupfixture.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "ui/manager/closurespage.h"
#include "ui/manager/openinghourspage.h"
#include "ui/manager/sitesettingspage.h"
#include "ui/manager/sitesetupdialog.h"

#include <QElapsedTimer>
#include <QSettings>
#include <QTest>

using namespace DeskTest;

void SiteSetupFixture::startSite(const QString &testName)
{
    QString error;
    QVERIFY2(m_site.start(testName, &error), qPrintable(error));
}

void SiteSetupFixture::openDesk()
{
    QSettings().clear();
    if (!m_cluster.isRunning())
        QVERIFY(m_cluster.start());
    QVERIFY(m_site.openDesk(m_pool, m_window));
}

void SiteSetupFixture::closeDesk()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

SiteSetupDialog *SiteSetupFixture::openAsManager()
{
    if (!m_site.signIn(*m_window, QStringLiteral("Morgan Lee")))
        return nullptr;
    SiteSetupDialog *dialog = m_window->openSiteSetup();
    if (!dialog)
        return nullptr;
    QElapsedTimer waited;
    waited.start();
    while ((dialog->isCatalogueLoading() || dialog->sitePage()->isBusy() || dialog->hoursPage()->isBusy()
            || dialog->closuresPage()->isBusy())
           && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    return dialog;
}

BookingOutcome SiteSetupFixture::bookNext(qint64 serviceId, const QString &plate)
{
    auto outcome
        = m_pool
              ->withRetry(QStringLiteral("test.book"), RetryPolicy::critical(),
                          [=](QSqlDatabase &db) -> DbResult<BookingOutcome> {
                              AvailabilityRequest slot;
                              slot.serviceId = serviceId;
                              const auto next = AvailabilityRepo(db).next(slot);
                              if (!next.ok())
                                  return next.error();
                              if (!next->has_value())
                                  return DbError(DbError::Kind::NotFound, QStringLiteral("no free start"));
                              BookingRequest request;
                              request.slot = slot;
                              request.start = (*next)->start;
                              request.plate = plate;
                              request.name = QStringLiteral("Walk In");
                              request.actor = QStringLiteral("staff:1");
                              return BookingRepo(db).create(request);
                          })
              .result();
    if (!outcome.ok()) {
        qWarning("%s", describe(outcome).constData());
        return {};
    }
    return outcome.value();
}
