#include "tests/serverresiliencefixture.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

BookingHolder::BookingHolder(const DatabaseConfig &c, qint64 bookingId)
    : m_db(QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("holder")))
{
    m_db.setHostName(c.host);
    m_db.setPort(c.port);
    m_db.setDatabaseName(c.database);
    m_db.setUserName(c.user);
    if (!m_db.open() || !m_db.transaction()) {
        qWarning("%s", qPrintable(m_db.lastError().text()));
        return;
    }
    QSqlQuery lock(m_db);
    if (lock.exec(
            QStringLiteral("SELECT pg_backend_pid() FROM bookings WHERE id = %1 FOR UPDATE").arg(bookingId))
        && lock.next())
        m_pid = lock.value(0).toLongLong();
}

BookingHolder::~BookingHolder()
{
    letGo();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("holder"));
}

bool BookingHolder::letGo()
{
    const bool ok = !m_db.isOpen() || m_db.rollback();
    m_db.close();
    return ok;
}

void ServerResilienceFixture::startResilience(const QString &testName)
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(testName);
}

void ServerResilienceFixture::resetForTest()
{
    resetCatalogue();
    sql(QStringLiteral("TRUNCATE stripe_events, payment_requests, refunds, card_readers CASCADE"));
    startStripe();
}

void ServerResilienceFixture::stopResilience()
{
    m_stripe.stop();
    stopEngine();
}

bool ServerResilienceFixture::restart(ServerProcess &server, int port, const QProcessEnvironment &environment)
{
    // The same address, so Stripe's retries (and the desk's database) find it.
    QString error;
    if (!server.start(environment, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)},
                      &error)
        || !server.waitUntilHealthy(&error)) {
        qWarning("%s", qPrintable(error + server.log()));
        return false;
    }
    return true;
}
