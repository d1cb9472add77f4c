#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/availability/slotplanner.h"
#include "db/bookings/booking.h"
#include "db/catalogue/service.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/deskwindow.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

// What the tst_dayboard_* tests share: the demo site on a throwaway
// PostgreSQL, the catalogue's services, a pool for the tests' own writes and
// one for the board, bookings made here or by carwash-admin as another
// process would, and a board page waited on until loaded. A plain base with
// no slots, so QTest runs only the test class's own: its initTestCase(),
// init() and cleanup() call startSite(), openBoardPool() and closeBoard().
// Use it from the test thread only.
class DayBoardFixture
{
protected:
    // A change by another process must show within two seconds; the tests
    // allow far more so a loaded machine does not fail them.
    static constexpr int kChangeShowsMs = 10000;
    static constexpr int kNeverMs = 3600 * 1000;

    void startSite(const QString &testName);
    void openBoardPool();
    void closeBoard();

    template<typename Fn> auto run(const QString &label, Fn fn)
    {
        return DeskTest::await(m_setup->withRetry(label, RetryPolicy::critical(), std::move(fn)));
    }
    // The n-th day from three days ahead on which the first service can be
    // booked (each test its own day, so their bookings do not mix).
    QDate bookableDay(int n);
    QList<PlannedSlot> freeSlots(const Service &service, const QDate &day);
    Booking book(const Service &service, const QDate &day, int slotIndex, const QString &plate);
    // carwash-admin as another process would run it; its JSON output.
    QJsonObject admin(const QStringList &args);
    QStringList bookArgs(const Service &service, const QDateTime &start, const QString &plate);
    std::unique_ptr<DayBoardPage> makePage();
    bool waitLoaded(DayBoardPage &page);
    QString sqlDayCondition(const QDate &day) const;

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_setup; // the tests' own writes
    std::unique_ptr<ConnectionPool> m_pool; // the board's
    std::unique_ptr<ErrorBanner> m_banner;
    std::unique_ptr<DeskWindow> m_window;
    QList<Service> m_services;
};
