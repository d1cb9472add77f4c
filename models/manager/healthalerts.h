#pragma once

#include "db/health/healthpoint.h"
#include "db/health/healthreport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QObject>

// The design's five health signals, evaluated on each point, with an alert
// state that does not flap: a signal goes into alert when it crosses its
// alert level, and leaves it only after its value stayed below the healthy
// level for clearAfterSeconds (by the points' own clock). Raising and
// clearing are logged as warnings. GUI thread; no database.
class HealthAlerts : public QObject
{
    Q_OBJECT
public:
    enum class Signal { PoolUsage, AverageLatency, ErrorRate, DatabaseReachable, MemoryUsed };
    Q_ENUM(Signal)

    struct State
    {
        Signal signal = Signal::PoolUsage;
        QString name; // as in the health report JSON ("pool_usage_pct")
        double value = 0;
        double healthyBelow = 0; // for reachable: 1 = yes
        double alertAbove = 0;
        HealthReport::Level level = HealthReport::Level::Healthy; // of the value alone
        bool alerting = false; // in alert, including the quiet period before clearing
        QDateTime alertSince;
        QString alertMessage; // as raised, with the value that crossed the alert level
        QDateTime healthySince; // while alerting: when the value went back below healthy
        bool measured = false; // a point has been seen
    };

    static constexpr int DefaultClearAfterSeconds = 30;

    explicit HealthAlerts(int clearAfterSeconds = DefaultClearAfterSeconds, QObject *parent = nullptr);

    void setClearAfterSeconds(int seconds) { m_clearAfterSeconds = seconds; }
    int clearAfterSeconds() const { return m_clearAfterSeconds; }

    void update(const HealthPoint &point);
    // Another source: forget every state without signalling alerts cleared.
    void reset();

    const QList<State> &states() const { return m_states; }
    const State &state(Signal signal) const { return m_states.at(int(signal)); }
    // Unhealthy while any signal is in alert, degraded while any is in its
    // warning band, healthy otherwise.
    HealthReport::Status overall() const;
    // One sentence per signal in alert.
    QStringList activeAlerts() const;

    static QString title(Signal signal);
    // "Pool usage is 95 %, above the alert level of 90 %."
    static QString alertText(const State &state);
    static QString valueText(const State &state);
    static QString thresholdText(const State &state);

Q_SIGNALS:
    void alertRaised(HealthAlerts::Signal signal, const QString &message);
    void alertCleared(HealthAlerts::Signal signal);
    void changed();

private:
    QList<State> m_states;
    int m_clearAfterSeconds;
};
