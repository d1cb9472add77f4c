#include "models/manager/diagnosticsmodel.h"

#include "db/config/configstatus.h"
#include "db/health/healthreport.h"
#include "db/health/systemmemory.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

struct PollResult
{
    QList<ProcessHealthEntry> entries;
    ServerConnectionBudget budget;
};

} // namespace

DiagnosticsModel::DiagnosticsModel(ConnectionPool &pool, ProcessIdentity self, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_self(std::move(self))
    , m_alerts(HealthAlerts::DefaultClearAfterSeconds)
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &DiagnosticsModel::tick);
}

DiagnosticsModel::~DiagnosticsModel() = default;

void DiagnosticsModel::start()
{
    m_timer.start();
    tick();
    poll();
}

void DiagnosticsModel::stop()
{
    m_timer.stop();
}

QString DiagnosticsModel::processTitle(const ProcessIdentity &p)
{
    if (!p.label.isEmpty())
        return tr("%1 \"%2\" on %3 (pid %4)").arg(p.program, p.label, p.host).arg(p.pid);
    return tr("%1 on %2 (pid %3)").arg(p.program, p.host).arg(p.pid);
}

QString DiagnosticsModel::sourceTitle() const
{
    switch (m_source) {
    case Source::ThisProcess:
        return tr("This process");
    case Source::AllProcesses:
        return tr("All processes");
    case Source::OtherProcess:
        for (const ProcessHealthEntry &e : m_processes) {
            if (e.process.key() == m_selectedKey)
                return processTitle(e.process);
        }
        return m_selectedKey;
    }
    return {};
}

void DiagnosticsModel::resetView()
{
    ++m_generation;
    m_history.clear();
    m_alerts.reset();
    m_errors.clear();
    m_slow.setQueries({});
    m_selectedStale = false;
    Q_EMIT sourceChanged();
}

void DiagnosticsModel::selectThisProcess()
{
    m_source = Source::ThisProcess;
    m_selectedKey.clear();
    resetView();
    m_history = m_ownHistory;
    if (const auto latest = m_history.latest())
        m_alerts.update(*latest);
    tick();
}

void DiagnosticsModel::selectProcess(const QString &key)
{
    if (key == m_self.key()) {
        selectThisProcess();
        return;
    }
    m_source = Source::OtherProcess;
    m_selectedKey = key;
    resetView();
    applyPoll(m_processes); // what is known already, at once
    poll();
}

void DiagnosticsModel::selectAllProcesses()
{
    m_source = Source::AllProcesses;
    m_selectedKey.clear();
    resetView();
    applyPoll(m_processes);
    poll();
}

void DiagnosticsModel::tick()
{
    ++m_ticks;
    // This process's hour is kept whatever is shown.
    tickThisProcess();
    if (m_ticks % m_probeEvery == 0 || !m_ownHistory.latest())
        probe();
    if (m_ticks % m_pollEvery == 0)
        poll();
    Q_EMIT updated();
}

void DiagnosticsModel::appendPoint(const HealthPoint &point)
{
    if (m_history.append(point))
        m_alerts.update(point);
}

void DiagnosticsModel::tickThisProcess()
{
    const bool shown = m_source == Source::ThisProcess;
    const auto keep = [this, shown](const HealthPoint &p) {
        if (m_ownHistory.append(p) && shown)
            appendPoint(p);
    };
    const MonitorSnapshot snap = m_pool.monitor().snapshot(5);
    bool added = false;
    for (const PoolSample &s : snap.samples) {
        if (m_lastOwnSampleAt.isValid() && s.at <= m_lastOwnSampleAt)
            continue;
        m_lastOwnSampleAt = s.at;
        keep(HealthPoint::fromSample(s, snap, m_reachable));
        added = true;
    }
    if (!added) {
        // The pool's sampler had nothing new this second (or monitoring
        // keeps no samples): the gauges as they are now.
        const PoolStats stats = m_pool.stats();
        PoolSample s;
        s.at = QDateTime::currentDateTimeUtc();
        s.max = stats.max;
        s.total = stats.total;
        s.active = stats.active;
        s.idle = stats.idle;
        s.waiting = stats.waiting;
        s.rssBytes = SystemMemory::processRssBytes();
        s.systemUsedPct = SystemMemory::read().usedPct();
        const auto latest = m_ownHistory.latest();
        if (!latest || latest->at.msecsTo(s.at) >= 900)
            keep(HealthPoint::fromSample(s, snap, m_reachable));
    }
    if (!shown)
        return;
    m_errors.addErrors(snap.recentErrors);
    m_slow.setQueries(snap.slowQueries);
}

void DiagnosticsModel::probe()
{
    if (m_probing)
        return;
    m_probing = true;
    auto probed = m_pool.withConnection(QStringLiteral("diagnostics.probe"), [](QSqlDatabase &db) {
        Sql::scalar(db, QStringLiteral("SELECT 1"));
    });
    Async::onResult(probed, this, [this](const DbResult<Done> &r) {
        m_probing = false;
        if (r.ok()) {
            m_reachable = true;
            return;
        }
        // A full pool or a refused statement says nothing about the server
        // being there; only a lost or refused connection does.
        if (r.error().kind() == DbError::Kind::Unavailable)
            m_reachable = false;
    });
}

void DiagnosticsModel::poll()
{
    if (m_polling)
        return;
    m_polling = true;
    auto polled = m_pool.withConnection(QStringLiteral("diagnostics.processes"), [](QSqlDatabase &db) {
        PollResult r;
        ProcessHealthRepo repo(db);
        r.entries = repo.list(StaleAfterSeconds, ListForSeconds);
        r.budget = repo.connectionBudget();
        return r;
    });
    const int generation = m_generation;
    Async::onResult(polled, this, [this, generation](const DbResult<PollResult> &r) {
        m_polling = false;
        m_polled = true;
        if (!r.ok()) {
            m_pollError = r.error();
            if (m_source != Source::ThisProcess && r.error().kind() == DbError::Kind::Unavailable) {
                // The database is gone: so is every process's news.
                HealthPoint p;
                p.at = QDateTime::currentDateTimeUtc();
                p.reachable = false;
                if (const auto latest = m_history.latest()) {
                    p = *latest;
                    p.at = QDateTime::currentDateTimeUtc();
                    p.reachable = false;
                }
                appendPoint(p);
            }
            Q_EMIT processesChanged();
            Q_EMIT updated();
            return;
        }
        m_pollError = DbError();
        m_server = r->budget;
        m_processes = r->entries;
        Q_EMIT processesChanged();
        if (generation == m_generation)
            applyPoll(m_processes);
        Q_EMIT updated();
    });
}

void DiagnosticsModel::applyPoll(const QList<ProcessHealthEntry> &entries)
{
    if (m_source == Source::OtherProcess) {
        m_selectedStale = true;
        for (const ProcessHealthEntry &e : entries) {
            if (e.process.key() == m_selectedKey) {
                m_selectedStale = e.stale;
                applyEntry(e);
            }
        }
    } else if (m_source == Source::AllProcesses) {
        applyCombined();
    }
}

void DiagnosticsModel::applyEntry(const ProcessHealthEntry &entry)
{
    for (const HealthPoint &p : HealthPoint::listFromJson(entry.snapshot[u"points"].toArray()))
        appendPoint(p);
    m_errors.addErrors(errorsOf(entry.snapshot, {}));
    m_slow.setQueries(slowQueriesOf(entry.snapshot, {}));
}

void DiagnosticsModel::applyCombined()
{
    QList<HealthPoint> latest;
    QList<ErrorRecord> errors;
    QList<SlowQuery> slow;
    bool selfPublished = false;
    for (const ProcessHealthEntry &e : std::as_const(m_processes)) {
        if (e.stale)
            continue;
        selfPublished = selfPublished || e.process == m_self;
        const QList<HealthPoint> points = HealthPoint::listFromJson(e.snapshot[u"points"].toArray());
        if (!points.isEmpty())
            latest << points.last();
        // A kiosk's errors say which kiosk.
        const QString prefix = e.process.program
            + (e.process.label.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(e.process.label))
            + QStringLiteral(" ");
        errors << errorsOf(e.snapshot, prefix);
        slow << slowQueriesOf(e.snapshot, prefix);
    }
    if (!selfPublished) {
        const MonitorSnapshot snap = m_pool.monitor().snapshot(1);
        if (!snap.samples.isEmpty())
            latest << HealthPoint::fromSample(snap.samples.last(), snap, m_reachable);
        for (ErrorRecord e : snap.recentErrors) {
            e.label.prepend(m_self.program + QStringLiteral(" "));
            errors << e;
        }
        for (SlowQuery q : snap.slowQueries) {
            q.label.prepend(m_self.program + QStringLiteral(" "));
            slow << q;
        }
    }
    std::sort(errors.begin(), errors.end(),
              [](const ErrorRecord &a, const ErrorRecord &b) { return a.at < b.at; });
    std::sort(slow.begin(), slow.end(), [](const SlowQuery &a, const SlowQuery &b) { return a.at < b.at; });
    if (!latest.isEmpty())
        appendPoint(HealthPoint::combine(latest, QDateTime::currentDateTimeUtc()));
    m_errors.addErrors(errors);
    m_slow.setQueries(slow);
}

QList<ErrorRecord> DiagnosticsModel::errorsOf(const QJsonObject &snapshot, const QString &prefix)
{
    QList<ErrorRecord> out;
    for (const QJsonValue &v : snapshot[u"recent_errors"].toArray()) {
        ErrorRecord e;
        e.at = QDateTime::fromString(v[u"at"].toString(), Qt::ISODateWithMs);
        e.label = prefix + v[u"label"].toString();
        e.kind = v[u"kind"].toString();
        e.sqlState = v[u"sqlstate"].toString();
        e.detail = v[u"detail"].toString();
        out << e;
    }
    return out;
}

QList<SlowQuery> DiagnosticsModel::slowQueriesOf(const QJsonObject &snapshot, const QString &prefix)
{
    QList<SlowQuery> out;
    for (const QJsonValue &v : snapshot[u"slow_queries"].toArray())
        out << SlowQuery {prefix + v[u"label"].toString(), v[u"sql"].toString(), v[u"duration_ms"].toDouble(),
                          QDateTime::fromString(v[u"at"].toString(), Qt::ISODateWithMs)};
    return out;
}

QJsonObject DiagnosticsModel::configStatus() const
{
    if (m_source == Source::ThisProcess)
        return ConfigStatus::toJson(m_pool.config());
    if (m_source == Source::OtherProcess) {
        for (const ProcessHealthEntry &e : m_processes) {
            if (e.process.key() == m_selectedKey)
                return e.snapshot[u"config_status"].toObject();
        }
    }
    return {};
}

PoolLoad DiagnosticsModel::loadOfThisProcess() const
{
    const MonitorSnapshot snap = m_pool.monitor().snapshot(0);
    const PoolStats stats = m_pool.stats();
    PoolLoad load;
    load.arrivalPerSecond = snap.windowSeconds > 0 ? double(snap.windowCount) / snap.windowSeconds : 0;
    load.meanHoldMs = snap.avgMs;
    load.p95HoldMs = snap.p95Ms;
    load.meanWaitMs = snap.avgWaitMs;
    load.waiting = stats.waiting;
    load.currentLimit = m_pool.config().maxConnections;
    return load;
}

PoolLoad DiagnosticsModel::loadOf(const QJsonObject &snapshot)
{
    const QJsonObject queries = snapshot[u"queries"].toObject();
    const QJsonObject pool = snapshot[u"pool"].toObject();
    PoolLoad load;
    const double window = queries[u"window_s"].toDouble();
    load.arrivalPerSecond = window > 0 ? queries[u"window_count"].toDouble() / window : 0;
    load.meanHoldMs = queries[u"avg_ms"].toDouble();
    load.p95HoldMs = queries[u"p95_ms"].toDouble();
    load.meanWaitMs = pool[u"avg_wait_ms"].toDouble();
    load.waiting = pool[u"waiting"].toInt();
    load.currentLimit = snapshot[u"config"][u"connection_limit"].toInt(pool[u"max"].toInt());
    return load;
}

QList<DiagnosticsModel::ProcessAdvice> DiagnosticsModel::sizing() const
{
    QList<ProcessAdvice> out;
    ProcessAdvice own;
    own.key = m_self.key();
    own.title = tr("%1 (this process)").arg(processTitle(m_self));
    own.load = loadOfThisProcess();
    own.advice = PoolSizing::advise(own.load);
    out << own;
    for (const ProcessHealthEntry &e : m_processes) {
        if (e.stale || e.process == m_self)
            continue;
        ProcessAdvice a;
        a.key = e.process.key();
        a.title = processTitle(e.process);
        a.load = loadOf(e.snapshot);
        a.advice = PoolSizing::advise(a.load);
        out << a;
    }
    return out;
}

PoolBudgetAdvice DiagnosticsModel::budget() const
{
    QList<PoolSizingAdvice> all;
    for (const ProcessAdvice &a : sizing())
        all << a.advice;
    return PoolSizing::budget(all, m_server.available());
}

QJsonObject DiagnosticsModel::currentReport() const
{
    if (m_source == Source::OtherProcess) {
        for (const ProcessHealthEntry &e : m_processes) {
            if (e.process.key() == m_selectedKey) {
                QJsonObject report = e.snapshot;
                report.remove(QStringLiteral("points"));
                return report;
            }
        }
        return {};
    }
    HealthReport::Probe probe;
    probe.reachable = m_reachable;
    if (!m_reachable)
        probe.error = tr("The database could not be reached at the last probe.");
    return HealthReport::evaluate(m_pool.config(), m_pool.stats(), m_pool.monitor().snapshot(0), probe,
                                  SystemMemory::processRssBytes(), SystemMemory::read().usedPct())
        .toJson();
}

QJsonObject DiagnosticsModel::exportBundle() const
{
    QJsonArray processes;
    for (const ProcessHealthEntry &e : m_processes)
        processes.append(
            QJsonObject {{u"program"_s, e.process.program},
                         {u"name"_s, e.process.label.isEmpty() ? QJsonValue() : QJsonValue(e.process.label)},
                         {u"host"_s, e.process.host},
                         {u"pid"_s, e.process.pid},
                         {u"started_at"_s, e.process.startedAt.toString(Qt::ISODateWithMs)},
                         {u"updated_at"_s, e.updatedAt.toString(Qt::ISODateWithMs)},
                         {u"stale"_s, e.stale},
                         {u"status"_s, e.snapshot[u"status"].toString()}});
    QJsonArray sizingArray;
    for (const ProcessAdvice &a : sizing())
        sizingArray.append(QJsonObject {{u"process"_s, a.title},
                                        {u"arrival_per_s"_s, a.load.arrivalPerSecond},
                                        {u"mean_hold_ms"_s, a.load.meanHoldMs},
                                        {u"p95_hold_ms"_s, a.load.p95HoldMs},
                                        {u"busy_connections"_s, a.advice.busyConnections},
                                        {u"current_limit"_s, a.advice.current},
                                        {u"suggested_limit"_s, a.advice.suggested}});
    const PoolBudgetAdvice b = budget();
    QJsonArray signalArray;
    for (const HealthAlerts::State &s : m_alerts.states())
        signalArray.append(QJsonObject {{u"name"_s, s.name},
                                        {u"value"_s, s.value},
                                        {u"healthy_below"_s, s.healthyBelow},
                                        {u"alert_above"_s, s.alertAbove},
                                        {u"alerting"_s, s.alerting}});
    return QJsonObject {
        {u"generated_at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {u"source"_s, sourceTitle()},
        {u"health"_s, currentReport()},
        {u"signals"_s, signalArray},
        {u"alerts"_s, QJsonArray::fromStringList(m_alerts.activeAlerts())},
        {u"history"_s, HealthPoint::toJson(m_history.window(3600))},
        {u"slow_queries"_s, m_slow.toJson()},
        {u"errors"_s, m_errors.toJson()},
        {u"config"_s, configStatus()},
        {u"processes"_s, processes},
        {u"sizing"_s,
         QJsonObject {{u"processes"_s, sizingArray},
                      {u"current_total"_s, b.currentTotal},
                      {u"suggested_total"_s, b.suggestedTotal},
                      {u"server_available"_s, b.serverAvailable}}},
    };
}
