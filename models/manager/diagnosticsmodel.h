#pragma once

#include "db/health/poolsizing.h"
#include "db/health/processhealthrepo.h"
#include "db/pool/dberror.h"
#include "models/manager/healthalerts.h"
#include "models/manager/healthhistory.h"
#include "models/manager/mergederrorsmodel.h"
#include "models/manager/slowquerymodel.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

class ConnectionPool;

// What the manager's diagnostics screen shows, for one source at a time:
// this process (read live from its pool and monitor), another process (its
// snapshots in process_health, polled through the pool) or all of them
// combined. Ticks once a second; every database read goes through the pool
// with one request of each kind out at a time, and its result is applied on
// the GUI thread. A result for a source no longer shown is dropped.
class DiagnosticsModel : public QObject
{
    Q_OBJECT
public:
    enum class Source { ThisProcess, OtherProcess, AllProcesses };

    // Published snapshots older than this are stale; older than a day they
    // are no longer listed (maintenance removes them later).
    static constexpr int StaleAfterSeconds = ProcessHealthRepo::StaleAfterSeconds;
    static constexpr int ListForSeconds = ProcessHealthRepo::ListForSeconds;

    // pool must outlive the model. self names this process in the list.
    DiagnosticsModel(ConnectionPool &pool, ProcessIdentity self, QObject *parent = nullptr);
    ~DiagnosticsModel() override;

    void setTickInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    // Ticks between database probes of this process and between polls of
    // the published processes.
    void setProbeEvery(int ticks) { m_probeEvery = std::max(1, ticks); }
    void setPollEvery(int ticks) { m_pollEvery = std::max(1, ticks); }
    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    // One tick now (tests, the screenshot tool).
    void tick();

    void selectThisProcess();
    void selectProcess(const QString &key);
    void selectAllProcesses();
    Source source() const { return m_source; }
    QString selectedKey() const { return m_selectedKey; }
    // The selected other process went quiet (or vanished from the list).
    bool selectedIsStale() const { return m_selectedStale; }
    QString sourceTitle() const;

    const ProcessIdentity &self() const { return m_self; }
    HealthHistory &history() { return m_history; }
    HealthAlerts &alerts() { return m_alerts; }
    MergedErrorsModel *errors() { return &m_errors; }
    SlowQueryModel *slowQueries() { return &m_slow; }

    // ConfigStatus JSON of the source (empty for all processes).
    QJsonObject configStatus() const;
    // Published processes from the last poll (this one included when it publishes).
    const QList<ProcessHealthEntry> &processes() const { return m_processes; }
    DbError pollError() const { return m_pollError; }
    bool hasPolled() const { return m_polled; }

    struct ProcessAdvice
    {
        QString key;
        QString title; // "carwash on desk-7 (pid 4242)"
        bool stale = false;
        PoolLoad load;
        PoolSizingAdvice advice;
    };
    // This process and each fresh published one (without double-counting
    // this one), and their total against the server's budget.
    QList<ProcessAdvice> sizing() const;
    PoolBudgetAdvice budget() const;
    const ServerConnectionBudget &serverBudget() const { return m_server; }

    // The health report of the source, as `carwash-admin health --json`
    // prints it (this process: evaluated now; another: its last snapshot).
    QJsonObject currentReport() const;
    // Everything for "Save diagnostics": health history of the last hour,
    // slow queries, merged errors, configuration (no secrets), processes,
    // sizing, alerts.
    QJsonObject exportBundle() const;

    static QString processTitle(const ProcessIdentity &process);

Q_SIGNALS:
    // After every tick that may have changed what is shown.
    void updated();
    void processesChanged();
    void sourceChanged();

private:
    void resetView();
    void tickThisProcess();
    void probe();
    void poll();
    void applyPoll(const QList<ProcessHealthEntry> &entries);
    void applyEntry(const ProcessHealthEntry &entry);
    void applyCombined();
    void appendPoint(const HealthPoint &point);
    PoolLoad loadOfThisProcess() const;
    static PoolLoad loadOf(const QJsonObject &snapshot);
    static QList<ErrorRecord> errorsOf(const QJsonObject &snapshot, const QString &prefix);
    static QList<SlowQuery> slowQueriesOf(const QJsonObject &snapshot, const QString &prefix);

    ConnectionPool &m_pool;
    ProcessIdentity m_self;
    QTimer m_timer;
    int m_ticks = 0;
    int m_probeEvery = 3;
    int m_pollEvery = 2;
    Source m_source = Source::ThisProcess;
    QString m_selectedKey;
    bool m_selectedStale = false;
    int m_generation = 0; // which source a late result belongs to

    HealthHistory m_history; // of the source shown
    HealthHistory m_ownHistory; // this process, always kept, so coming back to it shows its hour
    HealthAlerts m_alerts;
    MergedErrorsModel m_errors;
    SlowQueryModel m_slow;

    bool m_reachable = true;
    bool m_probing = false;
    bool m_polling = false;
    bool m_polled = false;
    DbError m_pollError;
    QList<ProcessHealthEntry> m_processes;
    ServerConnectionBudget m_server;
    QDateTime m_lastOwnSampleAt;
};
