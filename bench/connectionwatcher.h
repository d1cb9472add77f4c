#pragma once

#include <QString>

#include <atomic>
#include <chrono>
#include <thread>

class BenchServer;

// Counts the server connections of one application_name in pg_stat_activity,
// every 50 ms on a thread and connection of its own, and keeps the maximum:
// what the server, not the pool's own bookkeeping, says the pool holds.
class ConnectionWatcher
{
public:
    ConnectionWatcher(const BenchServer &server, QString applicationName);
    ~ConnectionWatcher();
    ConnectionWatcher(const ConnectionWatcher &) = delete;
    ConnectionWatcher &operator=(const ConnectionWatcher &) = delete;

    // Blocks until the first count is in (or the connection failed).
    bool start(QString *error);
    void stop();

    int maximum() const { return m_maximum.load(); }
    int current() const { return m_current.load(); }
    // The count once the server has caught up with connections just closed:
    // a backend leaves pg_stat_activity a moment after its client hangs up.
    // Reads until a count taken after this call is 0, or gives the last one
    // after timeout (-1 if none could be read). Call once the pools are gone.
    int settledCount(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;
    qint64 samples() const { return m_samples.load(); }

private:
    void run();

    const BenchServer &m_server;
    const QString m_applicationName;
    std::thread m_thread;
    std::atomic<bool> m_stop {false};
    std::atomic<int> m_maximum {0};
    std::atomic<int> m_current {-1};
    std::atomic<qint64> m_samples {0};
    std::atomic<int> m_state {0}; // 0 starting, 1 counting, -1 failed
    QString m_error; // written before m_state becomes -1
};
