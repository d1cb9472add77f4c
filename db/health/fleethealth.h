#pragma once

#include "db/health/healthreport.h"
#include "db/health/processhealthrepo.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QStringList>

class ConnectionPool;

// The health an operator asks for: every process's latest published snapshot
// (process_health, as the diagnostics window lists them) and this process's
// own probe of the database. The worst decides: a process reporting trouble,
// one that stopped publishing without removing its row (lost: it crashed or
// hangs; at least degraded), the database unreachable or slow to answer. The
// asking process's own pool is young and idle, so its figures decide nothing.
class FleetHealth
{
public:
    using Status = HealthReport::Status;

    struct Process
    {
        ProcessHealthEntry entry;
        bool lost = false;
        Status status = Status::Healthy; // lost: at least Degraded
    };

    // Pure: own is this process's report (its probe); entries as listed;
    // listError set when the list could not be read although the database
    // answered.
    static FleetHealth evaluate(const HealthReport &own, const QList<ProcessHealthEntry> &entries,
                                const DbError &listError = DbError());

    // Probes the database through the pool, then reads every published
    // snapshot; never blocks the caller.
    static QFuture<FleetHealth> check(ConnectionPool &pool);

    static QString statusName(Status status);

    Status status() const { return m_status; }
    QString statusName() const { return statusName(m_status); }
    QStringList alerts() const { return m_alerts; }
    const QList<Process> &processes() const { return m_processes; }
    int lostCount() const;
    // The own report's JSON (its documented fields) with the fleet's status
    // and alerts, and "processes": one object per listed process.
    QJsonObject toJson() const { return m_json; }

private:
    Status m_status = Status::Healthy;
    QStringList m_alerts;
    QList<Process> m_processes;
    QJsonObject m_json;
};
