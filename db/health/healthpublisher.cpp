#include "db/health/healthpublisher.h"

#include "db/config/configstatus.h"
#include "db/health/healthpoint.h"
#include "db/health/healthreport.h"
#include "db/health/processhealthrepo.h"
#include "db/health/systemmemory.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPublisher, "carwash.db.health", QtWarningMsg)

namespace {

// A publish that takes longer is abandoned by the server: the snapshot is
// worth nothing late, and it must not hold a connection the desk needs.
constexpr int kStatementTimeoutMs = 2000;
// The latest once-a-second points in every snapshot: more than a publish
// interval plus a viewer's poll interval, so a viewer polling every few
// seconds misses none, whenever it looks.
constexpr int kMaxPoints = 15;

} // namespace

HealthPublisher::HealthPublisher(ConnectionPool &pool, ProcessIdentity process, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_process(std::move(process))
{
    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &HealthPublisher::publishNow);
}

HealthPublisher::~HealthPublisher() = default;

void HealthPublisher::start()
{
    m_stopped = false;
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    m_timer.start();
    publishNow();
}

QJsonObject HealthPublisher::buildSnapshot(ConnectionPool &pool, const ProcessIdentity &process,
                                           double lastPublishMs)
{
    const PoolStats stats = pool.stats();
    const MonitorSnapshot monitor = pool.monitor().snapshot(kMaxPoints);
    // Written through the pool, so the database was reachable when it lands;
    // a snapshot that cannot be written is not seen at all (and goes stale).
    HealthReport::Probe probe;
    probe.reachable = true;
    probe.latencyMs = lastPublishMs;
    const qint64 rss = SystemMemory::processRssBytes();
    const double systemPct = SystemMemory::read().usedPct();
    QJsonObject json = HealthReport::evaluate(pool.config(), stats, monitor, probe, rss, systemPct).toJson();
    // The server version is not asked for on every publish.
    QJsonObject database = json[u"database"].toObject();
    database.remove(QStringLiteral("server_version"));
    json[QStringLiteral("database")] = database;
    QList<HealthPoint> points;
    for (const PoolSample &s : monitor.samples)
        points.append(HealthPoint::fromSample(s, monitor, true));
    json[QStringLiteral("points")] = HealthPoint::toJson(points);
    json[QStringLiteral("config_status")] = ConfigStatus::toJson(pool.config());
    json[QStringLiteral("process")] = QJsonObject {
        {QStringLiteral("program"), process.program},
        {QStringLiteral("version"), QCoreApplication::applicationVersion()},
        {QStringLiteral("host"), process.host},
        {QStringLiteral("pid"), process.pid},
        {QStringLiteral("started_at"), process.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("name"), process.label.isEmpty() ? QJsonValue() : QJsonValue(process.label)}};
    return json;
}

void HealthPublisher::publishNow()
{
    if (!m_pending.isFinished() || m_stopped)
        return;
    const QJsonObject snapshot = buildSnapshot(m_pool, m_process, m_lastPublishMs);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    const ProcessIdentity process = m_process;
    auto future
        = m_pool.withConnection(QStringLiteral("health.publish"), [process, snapshot](QSqlDatabase &db) {
              Transaction tx(db);
              Sql::setLocalStatementTimeout(db, kStatementTimeoutMs);
              ProcessHealthRepo(db).publish(process, snapshot);
              tx.commit();
          });
    // The slot frees when the write ends, also when a pool shutting down
    // cancels it and no result ever comes.
    m_pending = future;
    Async::onResult(future, this, [this, timer](const DbResult<Done> &result) {
        if (result.ok()) {
            m_lastPublishMs = timer->nsecsElapsed() / 1e6;
            m_lastError = DbError();
            ++m_published;
            Q_EMIT published();
        } else {
            // Said once per outage, not every few seconds.
            if (!m_lastError.isError())
                qCWarning(lcPublisher).noquote()
                    << "health snapshot not published:" << result.error().toLogString();
            m_lastError = result.error();
            Q_EMIT publishFailed(result.error());
        }
    });
}

QFuture<DbResult<bool>> HealthPublisher::stop()
{
    m_stopped = true;
    m_cancelled->store(true);
    m_timer.stop();
    const ProcessIdentity process = m_process;
    return m_pool.withConnection(QStringLiteral("health.unpublish"), [process](QSqlDatabase &db) {
        Transaction tx(db);
        Sql::setLocalStatementTimeout(db, kStatementTimeoutMs);
        const bool removed = ProcessHealthRepo(db).remove(process);
        tx.commit();
        return removed;
    });
}
