#include "server/sharedhealthcheck.h"

#include "db/pool/async.h"

#include <utility>

SharedHealthCheck::SharedHealthCheck(ConnectionPool &pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
{ }

void SharedHealthCheck::request(Deliver deliver)
{
    m_waiting.append(std::move(deliver));
    if (!m_checking)
        startCheck();
}

void SharedHealthCheck::startCheck()
{
    m_checking = true;
    Async::onResult(
        FleetHealth::check(m_pool), this,
        [this](const FleetHealth &fleet) {
            m_checking = false;
            // Those who asked while it ran. One who asks again from its
            // deliver starts the next check.
            const QList<Deliver> waiting = std::exchange(m_waiting, {});
            for (const Deliver &deliver : waiting)
                deliver(fleet);
        },
        [this] {
            // The pool is going (shutdown): those waiting are let go
            // unanswered, which their exchanges answer 503 as they go.
            m_checking = false;
            m_waiting.clear();
        });
}
