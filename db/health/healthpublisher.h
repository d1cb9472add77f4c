#pragma once

#include "db/health/processidentity.h"
#include "db/pool/dberror.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

class ConnectionPool;

// Publishes this process's health snapshot to process_health every few
// seconds, through the pool, so the manager's diagnostics can show every
// desk, kiosk and service. Lives on the thread that created it (normally the
// GUI thread) and never blocks it: one publish at a time (a tick while the
// previous one is still out is skipped, so a dead database gets no pile-up
// and no retry storm), with a short statement timeout.
class HealthPublisher : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 5000;

    // pool must outlive the publisher.
    HealthPublisher(ConnectionPool &pool, ProcessIdentity process, QObject *parent = nullptr);
    ~HealthPublisher() override;

    void setInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    int interval() const { return m_timer.interval(); }
    const ProcessIdentity &process() const { return m_process; }

    // Publishes at once and then every interval.
    void start();
    // Stops publishing and removes this process's row (a clean shutdown is
    // not a stale process). The future is the removal; waiting for it is
    // the caller's choice and should be bounded.
    QFuture<DbResult<bool>> stop();
    // One publish now, unless one is out.
    void publishNow();

    // This process's snapshot: HealthReport JSON with its latest
    // once-a-second "points", its "config_status" and the "process" it came
    // from. Reads the pool's gauges, monitor and memory; no database.
    static QJsonObject buildSnapshot(ConnectionPool &pool, const ProcessIdentity &process,
                                     double lastPublishMs);

    int publishedCount() const { return m_published; }
    DbError lastError() const { return m_lastError; }

Q_SIGNALS:
    void published();
    void publishFailed(const DbError &error);

private:
    ConnectionPool &m_pool;
    ProcessIdentity m_process;
    QTimer m_timer;
    // The publish that is out; a default future reads as finished.
    QFuture<DbResult<Done>> m_pending;
    bool m_stopped = false;
    // Read by a publish already handed to the pool: once stopped, it writes
    // nothing, so a late publish does not bring the removed row back.
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
    double m_lastPublishMs = 0;
    int m_published = 0;
    DbError m_lastError;
};
