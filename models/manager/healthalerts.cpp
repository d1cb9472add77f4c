#include "models/manager/healthalerts.h"

#include <QLocale>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAlerts, "carwash.ui.diagnostics", QtWarningMsg)

namespace {

using Level = HealthReport::Level;

HealthAlerts::State makeState(HealthAlerts::Signal signal, const char *name, double healthy, double alert)
{
    HealthAlerts::State s;
    s.signal = signal;
    s.name = QString::fromLatin1(name);
    s.healthyBelow = healthy;
    s.alertAbove = alert;
    return s;
}

QString number(double v)
{
    return QLocale().toString(v, 'f', v < 10 ? 1 : 0);
}

} // namespace

HealthAlerts::HealthAlerts(int clearAfterSeconds, QObject *parent)
    : QObject(parent)
    , m_clearAfterSeconds(clearAfterSeconds)
{
    reset();
}

void HealthAlerts::reset()
{
    m_states = {
        makeState(Signal::PoolUsage, "pool_usage_pct", HealthReport::kPoolHealthyPct,
                  HealthReport::kPoolAlertPct),
        makeState(Signal::AverageLatency, "avg_query_ms", HealthReport::kLatencyHealthyMs,
                  HealthReport::kLatencyAlertMs),
        makeState(Signal::ErrorRate, "error_rate_pct", HealthReport::kErrorHealthyPct,
                  HealthReport::kErrorAlertPct),
        makeState(Signal::DatabaseReachable, "database_reachable", 1, 0),
        // No healthy band in the runbook: back below the alert level is healthy.
        makeState(Signal::MemoryUsed, "memory_used_pct", HealthReport::kMemoryAlertPct,
                  HealthReport::kMemoryAlertPct),
    };
    Q_EMIT changed();
}

void HealthAlerts::update(const HealthPoint &point)
{
    for (State &s : m_states) {
        bool healthyNow = false;
        switch (s.signal) {
        case Signal::PoolUsage:
            s.value = point.usagePct();
            break;
        case Signal::AverageLatency:
            s.value = point.avgMs;
            break;
        case Signal::ErrorRate:
            s.value = point.errorRatePct;
            break;
        case Signal::DatabaseReachable:
            s.value = point.reachable ? 1 : 0;
            break;
        case Signal::MemoryUsed:
            s.value = point.systemUsedPct;
            break;
        }
        if (s.signal == Signal::DatabaseReachable) {
            s.level = point.reachable ? Level::Healthy : Level::Alert;
            healthyNow = point.reachable;
        } else if (s.signal == Signal::MemoryUsed) {
            s.level = s.value > s.alertAbove ? Level::Alert : Level::Healthy;
            healthyNow = s.value <= s.alertAbove;
        } else {
            s.level = HealthReport::levelFor(s.value, s.healthyBelow, s.alertAbove);
            healthyNow = s.value < s.healthyBelow;
        }
        s.measured = true;

        if (!s.alerting) {
            if (s.level == Level::Alert) {
                s.alerting = true;
                s.alertSince = point.at;
                s.healthySince = QDateTime();
                const QString text = alertText(s);
                s.alertMessage = text;
                qCWarning(lcAlerts).noquote() << "health alert:" << s.name << "=" << s.value << "-" << text;
                Q_EMIT alertRaised(s.signal, text);
            }
            continue;
        }
        if (!healthyNow) {
            s.healthySince = QDateTime();
            continue;
        }
        if (!s.healthySince.isValid())
            s.healthySince = point.at;
        if (s.healthySince.secsTo(point.at) >= m_clearAfterSeconds) {
            s.alerting = false;
            s.alertSince = QDateTime();
            s.healthySince = QDateTime();
            qCWarning(lcAlerts).noquote() << "health alert cleared:" << s.name << "=" << s.value;
            Q_EMIT alertCleared(s.signal);
        }
    }
    Q_EMIT changed();
}

HealthReport::Status HealthAlerts::overall() const
{
    bool warning = false;
    for (const State &s : m_states) {
        if (s.alerting || s.level == Level::Alert)
            return HealthReport::Status::Unhealthy;
        if (s.level == Level::Warning)
            warning = true;
    }
    return warning ? HealthReport::Status::Degraded : HealthReport::Status::Healthy;
}

QStringList HealthAlerts::activeAlerts() const
{
    QStringList out;
    for (const State &s : m_states) {
        if (s.alerting)
            out << s.alertMessage;
    }
    return out;
}

QString HealthAlerts::title(Signal signal)
{
    switch (signal) {
    case Signal::PoolUsage:
        return tr("Pool usage");
    case Signal::AverageLatency:
        return tr("Average query time");
    case Signal::ErrorRate:
        return tr("Error rate");
    case Signal::DatabaseReachable:
        return tr("Database reachable");
    case Signal::MemoryUsed:
        return tr("Memory used");
    }
    return {};
}

QString HealthAlerts::valueText(const State &s)
{
    if (!s.measured)
        return tr("not measured yet");
    switch (s.signal) {
    case Signal::PoolUsage:
    case Signal::ErrorRate:
    case Signal::MemoryUsed:
        return tr("%1 %").arg(number(s.value));
    case Signal::AverageLatency:
        return tr("%1 ms").arg(number(s.value));
    case Signal::DatabaseReachable:
        return s.value > 0 ? tr("yes") : tr("no");
    }
    return {};
}

QString HealthAlerts::thresholdText(const State &s)
{
    switch (s.signal) {
    case Signal::PoolUsage:
    case Signal::ErrorRate:
        return tr("healthy below %1 %, alert above %2 %").arg(number(s.healthyBelow), number(s.alertAbove));
    case Signal::AverageLatency:
        return tr("healthy below %1 ms, alert above %2 ms").arg(number(s.healthyBelow), number(s.alertAbove));
    case Signal::DatabaseReachable:
        return tr("healthy: yes, alert: no");
    case Signal::MemoryUsed:
        return tr("alert above %1 %").arg(number(s.alertAbove));
    }
    return {};
}

QString HealthAlerts::alertText(const State &s)
{
    if (s.signal == Signal::DatabaseReachable)
        return tr("The database cannot be reached.");
    return tr("%1 is %2, above the alert level (%3).").arg(title(s.signal), valueText(s), thresholdText(s));
}
