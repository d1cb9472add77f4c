#pragma once

#include "db/bookings/booking.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"

#include <QApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QWidget>

#include <memory>

class WalkInDialog;

// What the tst_walkin_* tests share: the demo site on a throwaway PostgreSQL,
// open round the clock with no holidays (so "next free" is minutes away
// whenever the test runs), a fresh desk window per test, and a second pool
// that is another desk writing through the booking engine. A plain base with
// no slots, so QTest runs only the test class's own: its initTestCase(),
// init() and cleanup() call startSite(), openDesk() and closeDesk(). Use it
// from the test thread only.
class WalkInFixture
{
protected:
    void startSite(const QString &testName);
    void openDesk();
    void closeDesk();

    qint64 staffId(const QString &name);
    qint64 serviceId(const QString &name);
    QList<qint64> baysOffering(qint64 serviceId);
    int bookingsWithPlate(const QString &plate);
    // Booked by the other desk; an empty booking (id 0) when that failed.
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
