#pragma once

#include "db/health/fleethealth.h"

#include <QList>
#include <QObject>

#include <functional>

class ConnectionPool;

// GET /health for many callers at once. Monitors, load balancers and
// `carwash-bench server` poll it, often many at a time; if each poll ran
// its own fleet check (two pooled statements), fifty at once would fill the
// server's pool, the pool the webhooks need, and the server's own published
// health would then report that pool in trouble: the endpoint would make
// the health it reports. So one check runs at a time and every request that
// arrives while it runs joins it and gets its answer. No answer is kept
// after that: the next request starts a fresh check, so a database that
// just went away is reported at once. Lives on the server's thread; never
// blocks it.
class SharedHealthCheck : public QObject
{
    Q_OBJECT
public:
    using Deliver = std::function<void(const FleetHealth &)>;

    explicit SharedHealthCheck(ConnectionPool &pool, QObject *parent = nullptr);

    // deliver runs once, from the event loop, when the check under way
    // (started now if none is) finishes. Not at all if the pool shuts down
    // first (the caller's exchange then answers 503 as it goes) or this
    // object is destroyed.
    void request(Deliver deliver);

private:
    void startCheck();

    ConnectionPool &m_pool;
    QList<Deliver> m_waiting;
    bool m_checking = false;
};
