#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/testnames.h"

#include <QDeadlineTimer>
#include <QFuture>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QThread>

#include <algorithm>
#include <optional>

// What the tst_connectionpool_* tests share: a real PostgreSQL on a free
// port with two small tables (tst_booking: a unique code and no two bookings
// of a bay overlap; tst_counter), a pool configuration named after the test
// function, bounded waits that block the test thread (the pool works on its
// own threads), and a statement held until the test lets go.
namespace PoolTest {

using TestNames::backendPid;
using TestNames::describe;
using TestWaits::kNoHangMs;

template<typename T> bool waitFor(const QFuture<T> &future, int timeoutMs = kNoHangMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(1);
    }
    return true;
}

template<typename T> bool allFinished(const QList<QFuture<T>> &futures)
{
    return std::all_of(futures.begin(), futures.end(), [](const QFuture<T> &f) { return f.isFinished(); });
}

// The application name of the running test function.
QString applicationNameForThisTest();

// A statement that provably cannot end until the test says so: the test's
// own session holds an advisory lock, and a unit of work that asks for it
// waits in the server however long anything else takes.
class HeldLock
{
public:
    static constexpr int kKey = 4242;

    explicit HeldLock(const DatabaseConfig &config);
    ~HeldLock();
    bool isHeld() const { return m_held; }
    void release();
    // Blocks until release(); shared, so every unit of work waiting on it
    // goes on together.
    static void waitFor(QSqlDatabase &db);

private:
    std::optional<QSqlDatabase> m_db;
    bool m_held = false;
};

} // namespace PoolTest

// A plain base with no slots, so QTest runs only the test class's own: its
// initTestCase() and cleanup() call startCluster() and restartIfStopped().
class ConnectionPoolFixture
{
protected:
    void startCluster();
    // A test that failed half-way through an outage must not take the server
    // away from the tests after it.
    void restartIfStopped();
    DatabaseConfig configForThisTest() const;
    // Opens n connections of pool, each provably its own: n units of work
    // wait in the server on a held lock until all n are running, then go.
    // False (with a warning saying why) when they did not all run and end.
    bool openConnections(ConnectionPool &pool, int n);

    PgTestCluster m_cluster;
};
