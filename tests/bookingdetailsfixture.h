#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>

class BookingDetailsDialog;
class QPushButton;
class QWidget;

// What the booking details GUI tests share: the demo site on a throwaway
// PostgreSQL with a known address, one pool of four, a service with an
// add-on that bays offer, and a fresh desk window per test. A plain base with
// no slots, so QTest runs only the test class's own: its initTestCase(),
// init() and cleanup() call startSite(), showDesk() and closeDesk(). Use it
// from the test thread only.
class BookingDetailsFixture
{
protected:
    static inline const QString Address = QStringLiteral("12 Harbour Road\nSpringfield 4021");

    // English (United States) numbers, the demo site as testName with
    // Address, and the service and add-on the tests book.
    void startSite(const QString &testName);
    void showDesk();
    // Closes the window and puts the tax settings back.
    void closeDesk();

    qint64 book(const QString &plate, std::optional<QDateTime> start = {}, qint64 bayId = 0);
    QString statusOf(qint64 bookingId);
    QVariant sql(const QString &statement) { return m_cluster.queryBlocking(statement); }
    BookingDetailsDialog *openLoaded(qint64 bookingId);
    AvailabilityRequest slotRequest() const;
    QPushButton *button(QWidget *parent, const QString &name);

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    qint64 m_service = 0;
    qint64 m_addon = 0;
    int m_plate = 0;
};
