#pragma once

#include "db/bookings/bookingoutcome.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"

#include <QString>

#include <memory>

class SiteSetupDialog;

// What the tst_sitesetup_* tests share: the demo site on a throwaway
// PostgreSQL, a fresh desk window per test, the site setup dialog opened by
// the manager and loaded, and a booking at the next free start. A plain base
// with no slots, so QTest runs only the test class's own: its
// initTestCase(), init() and cleanup() call startSite(), openDesk() and
// closeDesk(). Use it from the test thread only.
class SiteSetupFixture
{
protected:
    void startSite(const QString &testName);
    void openDesk();
    void closeDesk();

    // Signed in as the manager, the dialog open with every page loaded;
    // null when either failed.
    SiteSetupDialog *openAsManager();
    // Booked at the service's next free start; empty when that failed.
    BookingOutcome bookNext(qint64 serviceId, const QString &plate);

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
};
