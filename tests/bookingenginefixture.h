#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/bookings/bookingoutcome.h"
#include "db/bookings/bookingrequest.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/testnames.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <QVariant>

#include <memory>

using TestNames::describe;

// What the booking engine's tests share: a throwaway cluster, migrated, one
// pool of eight, and a known catalogue and calendar. A plain base with no
// slots, so QTest runs only the test class's own: its initTestCase(), init()
// and cleanupTestCase() call startEngine(), resetCatalogue() and stopEngine().
// Use it from the test thread only.
class BookingEngineFixture
{
protected:
    // The ids resetCatalogue() made.
    struct Fixture
    {
        qint64 wash = 0; // 20 min, car and suv, lanes 1 and 2
        qint64 detail = 0; // 60 min, car suv truck, detail bay
        qint64 wax = 0; // +10 min, +500, with wash
        qint64 odour = 0; // +15 min, +700, with detail only
        qint64 lane1 = 0;
        qint64 lane2 = 0;
        qint64 detailBay = 0;
        qint64 closedLane = 0; // offers wash but inactive
    };

    static inline const QByteArray Zone = QByteArrayLiteral("America/New_York");

    static QString hhmm(const QDateTime &t);

    // Starts the cluster, opens the pool as applicationName and migrates.
    void startEngine(const QString &applicationName);
    // A known catalogue and calendar for every test; bookings from earlier
    // tests are gone.
    void resetCatalogue();
    void stopEngine();

    template<typename Fn> auto run(const QString &label, Fn fn)
    {
        return m_pool->withRetry(label, RetryPolicy::critical(), std::move(fn)).result();
    }
    void sql(const QString &statement);
    QVariant value(const QString &statement);
    BookingRequest request(qint64 service, const QString &localTime, const QString &plate,
                           const QDate &date = {}) const;
    BookingOutcome book(const BookingRequest &r);
    QDateTime at(const QString &localTime, const QDate &date = {}) const;
    QStringList startsOn(const AvailabilityRequest &request);
    DbResult<BookingOutcome> reschedule(qint64 id, const QString &localTime, qint64 bayId = 0);
    QString placeOf(qint64 id);

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    Fixture m_f;
    QTimeZone m_zone {Zone};
    QDate m_day; // a working day three days ahead, in the site's zone
};
