#pragma once

#include <QDateTime>
#include <QObject>
#include <QTimer>

class ConnectionPool;
class HealthReport;

// Asks the pool for a HealthReport every few seconds (a probe through the
// pool, never on the GUI thread) and boils it down to what a desk shows:
// healthy, degraded (slow, busy, errors) or unavailable. One check at a time:
// a probe stuck on a dead network is not piled on.
class DatabaseHealthWatcher : public QObject
{
    Q_OBJECT
public:
    enum class State { Unknown, Healthy, Degraded, Unavailable };

    // Seconds between checks, fractions allowed.
    static QString settingsKey() { return QStringLiteral("desk/health_check_seconds"); }
    static constexpr double DefaultSeconds = 3;

    // pool must outlive the watcher.
    explicit DatabaseHealthWatcher(ConnectionPool &pool, QObject *parent = nullptr);

    void setInterval(int milliseconds);
    int interval() const { return m_timer.interval(); }
    void start();
    void stop();
    // A check now (unless one is running), e.g. from a Retry button.
    void checkNow();

    State state() const { return m_state; }
    // Several lines for a tooltip: what was measured or what failed.
    QString summary() const { return m_summary; }
    QDateTime lastHealthy() const { return m_lastHealthy; }

Q_SIGNALS:
    void stateChanged(DatabaseHealthWatcher::State state);
    // After every check, changed or not.
    void checked(DatabaseHealthWatcher::State state);

private:
    void apply(const HealthReport &report);

    ConnectionPool &m_pool;
    QTimer m_timer;
    bool m_checking = false;
    State m_state = State::Unknown;
    QString m_summary;
    QDateTime m_lastHealthy;
};
