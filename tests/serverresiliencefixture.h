#pragma once

#include "tests/serverpaymentfixture.h"

#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QString>

// Another writer in the middle of a change to a booking: its row lock held
// on a connection of its own until letGo() (or the end of the test, so the
// next one is not held up). Whatever the server does that locks the
// booking waits meanwhile, which puts the server's steps in the order a
// test needs.
class BookingHolder
{
public:
    BookingHolder(const DatabaseConfig &c, qint64 bookingId);
    ~BookingHolder();
    qint64 pid() const { return m_pid; } // its backend; 0 when it holds nothing
    bool letGo();

private:
    QSqlDatabase m_db;
    qint64 m_pid = 0;
};

// What the tst_serverresilience_* tests share on top of the server payment
// fixture: carwash-server's program checked once, every test with a fresh
// catalogue, no Stripe events, requests, refunds or readers, and a fresh
// fake Stripe; a server restarted where it listened. A plain base with no
// slots: the test class's initTestCase(), init() and cleanupTestCase() call
// startResilience(), resetForTest() and stopResilience(). Use it from the
// test thread only.
class ServerResilienceFixture : public ServerPaymentFixture
{
protected:
    static inline const QString Desk = QStringLiteral("desk:test");

    void startResilience(const QString &testName);
    void resetForTest();
    void stopResilience();

    bool restart(ServerProcess &server, int port, const QProcessEnvironment &environment);
};
