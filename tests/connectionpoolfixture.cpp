#include "tests/connectionpoolfixture.h"

#include "db/pool/connectionopener.h"
#include "db/pool/sql.h"

#include <QSqlQuery>
#include <QStringList>
#include <QTest>

namespace PoolTest {

QString applicationNameForThisTest()
{
    return TestNames::applicationName(QStringLiteral("tst_pool"));
}

HeldLock::HeldLock(const DatabaseConfig &config)
{
    DbError error;
    m_db = ConnectionOpener::openBlocking(config, QStringLiteral("tst-held-lock"), error);
    if (m_db)
        m_held = QSqlQuery(*m_db).exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kKey));
}

HeldLock::~HeldLock()
{
    release();
    m_db.reset();
    QSqlDatabase::removeDatabase(QStringLiteral("tst-held-lock"));
}

void HeldLock::release()
{
    if (m_held)
        QSqlQuery(*m_db).exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kKey));
    m_held = false;
}

void HeldLock::waitFor(QSqlDatabase &db)
{
    Sql::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock_shared(%1)").arg(kKey));
}

} // namespace PoolTest

void ConnectionPoolFixture::startCluster()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    // One table carries both rules the booking code relies on: a unique code
    // and "no two bookings of a bay overlap" (btree_gist exclusion).
    const QStringList schema {
        QStringLiteral(
            "CREATE TABLE tst_booking (id serial PRIMARY KEY, code text NOT NULL, bay int NOT NULL,"
            " during tstzrange NOT NULL, EXCLUDE USING gist (bay WITH =, during WITH &&))"),
        QStringLiteral("CREATE UNIQUE INDEX tst_booking_code ON tst_booking (code)"),
        QStringLiteral("INSERT INTO tst_booking (code, bay, during) VALUES"
                       " ('A1', 1, tstzrange('2030-01-01 10:00+00', '2030-01-01 11:00+00'))"),
        QStringLiteral("CREATE TABLE tst_counter (id int PRIMARY KEY, n int NOT NULL)"),
        QStringLiteral("INSERT INTO tst_counter VALUES (1, 0), (2, 0)"),
    };
    for (const QString &sql : schema) {
        m_cluster.queryBlocking(sql, QStringLiteral("carwash"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
}

void ConnectionPoolFixture::restartIfStopped()
{
    if (!m_cluster.isRunning()) {
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }
}

DatabaseConfig ConnectionPoolFixture::configForThisTest() const
{
    DatabaseConfig c = m_cluster.config(PoolTest::applicationNameForThisTest());
    c.connectTimeoutS = 5;
    return c;
}

bool ConnectionPoolFixture::openConnections(ConnectionPool &pool, int n)
{
    using namespace PoolTest;
    HeldLock lock(m_cluster.config(applicationNameForThisTest() + QStringLiteral("-open")));
    if (!lock.isHeld()) {
        qWarning("openConnections: the lock was not taken");
        return false;
    }
    QList<QFuture<DbResult<int>>> held;
    for (int i = 0; i < n; ++i) {
        held << pool.withConnection(QStringLiteral("tst.open"), [](QSqlDatabase &db) {
            HeldLock::waitFor(db);
            return 1;
        });
    }
    const QDeadlineTimer deadline(kNoHangMs);
    while (pool.stats().active < n && !deadline.hasExpired())
        QThread::msleep(1);
    const int running = pool.stats().active;
    lock.release();
    for (const auto &job : held) {
        if (!waitFor(job) || !job.result().ok()) {
            qWarning("openConnections: a unit of work did not end well: %s",
                     job.isFinished() ? describe(job.result()).constData() : "no answer");
            return false;
        }
    }
    if (running != n) {
        qWarning("openConnections: %d of %d ran at once", running, n);
        return false;
    }
    return true;
}
