#include "db/health/fleethealth.h"

#include "db/health/healthpoint.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

FleetHealth::Status worse(FleetHealth::Status a, FleetHealth::Status b)
{
    return int(a) >= int(b) ? a : b;
}

FleetHealth::Status statusFromName(const QString &name)
{
    if (name == u"healthy")
        return FleetHealth::Status::Healthy;
    if (name == u"unhealthy")
        return FleetHealth::Status::Unhealthy;
    // "degraded", or a snapshot this version cannot read: worth a look.
    return FleetHealth::Status::Degraded;
}

QString describe(const ProcessIdentity &p)
{
    if (!p.label.isEmpty())
        return QStringLiteral("%1 \"%2\" on %3 (pid %4)").arg(p.program, p.label, p.host).arg(p.pid);
    return QStringLiteral("%1 on %2 (pid %3)").arg(p.program, p.host).arg(p.pid);
}

QJsonObject processJson(const FleetHealth::Process &p)
{
    const QJsonObject snapshot = p.entry.snapshot;
    const QJsonObject queries = snapshot[u"queries"].toObject();
    const QJsonObject database = snapshot[u"database"].toObject();
    const QJsonObject pool = snapshot[u"pool"].toObject();
    const QString &name = p.entry.process.label; // a kiosk's name
    return QJsonObject {{u"program"_s, p.entry.process.program},
                        {u"name"_s, name.isEmpty() ? QJsonValue() : QJsonValue(name)},
                        {u"host"_s, p.entry.process.host},
                        {u"pid"_s, p.entry.process.pid},
                        // null from a version that did not publish it yet
                        {u"version"_s, snapshot[u"process"][u"version"]},
                        {u"started_at"_s, p.entry.process.startedAt.toString(Qt::ISODateWithMs)},
                        {u"last_seen"_s, p.entry.updatedAt.toString(Qt::ISODateWithMs)},
                        {u"age_s"_s, round2(p.entry.ageSeconds)},
                        {u"lost"_s, p.lost},
                        {u"status"_s, p.lost ? u"lost"_s : FleetHealth::statusName(p.status)},
                        {u"reported_status"_s, snapshot[u"status"].toString()},
                        {u"pool"_s,
                         QJsonObject {{u"max"_s, pool[u"max"]},
                                      {u"total"_s, pool[u"total"]},
                                      {u"active"_s, pool[u"active"]},
                                      {u"idle"_s, pool[u"idle"]},
                                      {u"waiting"_s, pool[u"waiting"]},
                                      {u"usage_pct"_s, pool[u"usage_pct"]},
                                      {u"timeouts"_s, pool[u"timeouts"]},
                                      {u"avg_wait_ms"_s, pool[u"avg_wait_ms"]}}},
                        {u"avg_ms"_s, queries[u"avg_ms"].toDouble()},
                        {u"p95_ms"_s, queries[u"p95_ms"].toDouble()},
                        {u"error_rate_pct"_s, queries[u"error_rate_pct"].toDouble()},
                        {u"database_latency_ms"_s, database[u"latency_ms"].toDouble()},
                        {u"alerts"_s, snapshot[u"alerts"].toArray()}};
}

} // namespace

QString FleetHealth::statusName(Status status)
{
    switch (status) {
    case Status::Healthy:
        return QStringLiteral("healthy");
    case Status::Degraded:
        return QStringLiteral("degraded");
    case Status::Unhealthy:
        return QStringLiteral("unhealthy");
    }
    return {};
}

int FleetHealth::lostCount() const
{
    return int(
        std::count_if(m_processes.cbegin(), m_processes.cend(), [](const Process &p) { return p.lost; }));
}

FleetHealth FleetHealth::evaluate(const HealthReport &own, const QList<ProcessHealthEntry> &entries,
                                  const DbError &listError)
{
    FleetHealth f;
    QJsonObject json = own.toJson();
    const QJsonObject database = json[u"database"].toObject();
    const bool reachable = database[u"reachable"].toBool();
    const double latencyMs = database[u"latency_ms"].toDouble();

    // The own probe: only reachability and how long the database took.
    if (!reachable) {
        f.m_status = Status::Unhealthy;
        f.m_alerts << QStringLiteral("database unreachable: %1").arg(database[u"error"].toString());
    } else {
        switch (HealthReport::levelFor(latencyMs, HealthReport::kLatencyHealthyMs,
                                       HealthReport::kLatencyAlertMs)) {
        case HealthReport::Level::Alert:
            f.m_status = Status::Unhealthy;
            f.m_alerts << QStringLiteral("the database took %1 ms to answer, above the alert level %2")
                              .arg(round2(latencyMs))
                              .arg(HealthReport::kLatencyAlertMs);
            break;
        case HealthReport::Level::Warning:
            f.m_status = Status::Degraded;
            break;
        case HealthReport::Level::Healthy:
            break;
        }
    }
    if (reachable && listError.isError()) {
        f.m_status = worse(f.m_status, Status::Degraded);
        f.m_alerts << QStringLiteral("the processes' health could not be read: %1").arg(listError.message());
    }

    QJsonArray processes;
    for (const ProcessHealthEntry &e : entries) {
        Process p;
        p.entry = e;
        p.lost = e.stale;
        const Status reported = statusFromName(e.snapshot[u"status"].toString());
        if (p.lost) {
            // Its last word is old news; that it fell silent is the news.
            p.status = worse(reported, Status::Degraded);
            f.m_alerts << QStringLiteral("%1 is lost: no health published for %2 s and it did not sign off")
                              .arg(describe(e.process))
                              .arg(qRound(e.ageSeconds));
            f.m_status = worse(f.m_status, Status::Degraded);
        } else {
            p.status = reported;
            for (const QJsonValue &alert : e.snapshot[u"alerts"].toArray())
                f.m_alerts << QStringLiteral("%1: %2").arg(describe(e.process), alert.toString());
            if (reported != Status::Healthy && e.snapshot[u"alerts"].toArray().isEmpty())
                f.m_alerts << QStringLiteral("%1 reports %2").arg(describe(e.process), statusName(reported));
            f.m_status = worse(f.m_status, reported);
        }
        f.m_processes.append(p);
        processes.append(processJson(p));
    }

    json[u"status"] = f.statusName();
    json[u"alerts"] = QJsonArray::fromStringList(f.m_alerts);
    json[u"processes"] = processes;
    json[u"fleet"]
        = QJsonObject {{u"live"_s, int(f.m_processes.size()) - f.lostCount()}, {u"lost"_s, f.lostCount()}};
    f.m_json = json;
    return f;
}

QFuture<FleetHealth> FleetHealth::check(ConnectionPool &pool)
{
    return HealthReport::check(pool)
        .then([&pool](const HealthReport &own) {
            if (!own.toJson()[u"database"][u"reachable"].toBool())
                return QtFuture::makeReadyFuture(evaluate(own, {}));
            return pool
                .withConnection(
                    QStringLiteral("health.fleet"),
                    [](QSqlDatabase &db) {
                        // A database no program has migrated yet has no processes.
                        if (Sql::scalar(db, QStringLiteral("SELECT to_regclass('process_health') IS NULL"))
                                .toBool())
                            return QList<ProcessHealthEntry>();
                        return ProcessHealthRepo(db).list(ProcessHealthRepo::StaleAfterSeconds,
                                                          ProcessHealthRepo::ListForSeconds);
                    })
                .then([own](const DbResult<QList<ProcessHealthEntry>> &listed) {
                    return listed.ok() ? evaluate(own, listed.value()) : evaluate(own, {}, listed.error());
                });
        })
        .unwrap();
}
