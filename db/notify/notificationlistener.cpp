#include "db/notify/notificationlistener.h"

#include "db/pool/connectionopener.h"
#include "db/pool/pgconnection_p.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>

Q_LOGGING_CATEGORY(lcListener, "carwash.db.listener", QtWarningMsg)

namespace {

std::atomic<int> g_listenerCounter {0};

// A listener that takes long to connect only delays closing the program:
// it has nobody waiting on it, and it tries again anyway.
constexpr int MaxListenerConnectTimeoutS = 5;

} // namespace

// The listener's side on its own thread: the connection, the LISTEN, the
// status checks and the reconnects. Created, used and destroyed inside
// Thread::run(), so every QSqlDatabase call happens on that thread. Reports
// to the owner by queued calls on the owner's thread.
class NotificationListener::Session : public QObject
{
public:
    Session(DatabaseConfig config, QStringList channels, NotificationListener *owner, int initialDelayMs,
            int maxDelayMs, int checkIntervalMs)
        : m_config(std::move(config))
        , m_channels(std::move(channels))
        , m_owner(owner)
        , m_initialDelayMs(std::max(10, initialDelayMs))
        , m_maxDelayMs(std::max(m_initialDelayMs, maxDelayMs))
        , m_delayMs(m_initialDelayMs)
        , m_id(++g_listenerCounter)
        , m_rng(std::random_device {}())
    {
        m_config.applicationName += NotificationListener::applicationNameSuffix();
        m_config.connectTimeoutS = std::clamp(m_config.connectTimeoutS, 1, MaxListenerConnectTimeoutS);
        m_check.setInterval(std::max(10, checkIntervalMs));
        m_retry.setSingleShot(true);
        connect(&m_check, &QTimer::timeout, this, &Session::check);
        connect(&m_retry, &QTimer::timeout, this, &Session::connectNow);
    }

    void begin()
    {
        m_check.start();
        connectNow();
    }

    void end()
    {
        m_check.stop();
        m_retry.stop();
        close("shutdown");
    }

private:
    void connectNow()
    {
        if (m_db)
            return;
        m_name = QStringLiteral("carwash-listener-%1-%2").arg(m_id).arg(++m_generation);
        DbError error;
        // TCP keepalives: a peer that vanished without closing the socket
        // (cable, NAT, suspended server) is noticed by the kernel, which
        // wakes QPSQL's socket notifier and makes libpq's status say so.
        m_db = ConnectionOpener::openBlocking(m_config, m_name, error, ConnectionOpener::deadLinkOptions());
        if (!m_db) {
            qCInfo(lcListener).noquote()
                << "cannot connect, next try in" << m_delayMs << "ms:" << error.toLogString();
            scheduleReconnect();
            return;
        }
        QSqlDriver *driver = m_db->driver();
        connect(driver, &QSqlDriver::notification, this, &Session::notified);
        for (const QString &channel : std::as_const(m_channels)) {
            if (!driver->subscribeToNotification(channel)) {
                qCWarning(lcListener).noquote()
                    << "LISTEN" << channel << "failed:" << driver->lastError().text();
                close("subscribe failed");
                scheduleReconnect();
                return;
            }
        }
        PGconn *conn = pgConnection(*m_db);
        qCInfo(lcListener) << "listening on" << m_channels << "backend" << (conn ? PQbackendPID(conn) : 0);
        m_delayMs = m_initialDelayMs;
        report(true);
        // Whatever was committed before the LISTEN took effect (or during a
        // gap) reached nobody: the views load once more.
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner] { Q_EMIT owner->resyncNeeded(); }, Qt::QueuedConnection);
    }

    void scheduleReconnect()
    {
        // Full jitter over the upper fifth: desks that lost the server
        // together do not all knock at the same instant.
        const int jittered = std::uniform_int_distribution<int>(m_delayMs * 4 / 5, m_delayMs)(m_rng);
        m_retry.start(std::max(1, jittered));
        m_delayMs = std::min(m_maxDelayMs, m_delayMs * 2);
    }

    void check()
    {
        // QPSQL reads the socket when it becomes readable, which is also how
        // a closed connection shows; libpq's status then says CONNECTION_BAD.
        if (!m_db || pgConnectionAlive(*m_db))
            return;
        qCWarning(lcListener) << "listener connection lost; reconnecting";
        close("connection lost"); // reports listening == false
        scheduleReconnect();
    }

    void close(const char *why)
    {
        if (!m_db)
            return;
        qCDebug(lcListener) << "closing" << m_name << "because" << why;
        disconnect(m_db->driver(), nullptr, this, nullptr);
        m_db->close();
        m_db.reset();
        QSqlDatabase::removeDatabase(m_name);
        if (m_listening)
            report(false);
    }

    void report(bool listening)
    {
        m_listening = listening;
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, listening] { owner->setListening(listening); }, Qt::QueuedConnection);
    }

    void notified(const QString &name, QSqlDriver::NotificationSource, const QVariant &payload)
    {
        if (!m_channels.contains(name))
            return;
        const QString text = payload.toString();
        qCDebug(lcListener) << "notification on" << name << "of" << text.size() << "characters";
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, name, text] { Q_EMIT owner->notification(name, text); },
            Qt::QueuedConnection);
    }

    DatabaseConfig m_config;
    const QStringList m_channels;
    NotificationListener *m_owner;
    const int m_initialDelayMs;
    const int m_maxDelayMs;
    int m_delayMs;
    const int m_id;
    int m_generation = 0;
    std::mt19937 m_rng;
    QTimer m_check;
    QTimer m_retry;
    std::optional<QSqlDatabase> m_db;
    QString m_name;
    bool m_listening = false;
};

class NotificationListener::Thread : public QThread
{
public:
    Thread(DatabaseConfig config, QStringList channels, NotificationListener *owner, int initialDelayMs,
           int maxDelayMs, int checkIntervalMs)
        : m_config(std::move(config))
        , m_channels(std::move(channels))
        , m_owner(owner)
        , m_initialDelayMs(initialDelayMs)
        , m_maxDelayMs(maxDelayMs)
        , m_checkIntervalMs(checkIntervalMs)
    {
        setObjectName(QStringLiteral("carwash-listener"));
    }

protected:
    void run() override
    {
        Session session(m_config, m_channels, m_owner, m_initialDelayMs, m_maxDelayMs, m_checkIntervalMs);
        session.begin();
        exec(); // returns at once if quit() came during begin()
        session.end();
    }

private:
    const DatabaseConfig m_config;
    const QStringList m_channels;
    NotificationListener *const m_owner;
    const int m_initialDelayMs;
    const int m_maxDelayMs;
    const int m_checkIntervalMs;
};

NotificationListener::NotificationListener(QStringList channels, QObject *parent)
    : QObject(parent)
    , m_channels(std::move(channels))
{ }

NotificationListener::~NotificationListener()
{
    stop();
}

void NotificationListener::setReconnectDelays(int initialMs, int maxMs)
{
    m_initialDelayMs = initialMs;
    m_maxDelayMs = maxMs;
}

void NotificationListener::setHealthCheckInterval(int milliseconds)
{
    m_checkIntervalMs = milliseconds;
}

void NotificationListener::start(const DatabaseConfig &config)
{
    if (m_thread)
        return;
    m_supported = !config.pgbouncer;
    if (!m_supported) {
        qCInfo(lcListener) << "PgBouncer mode: LISTEN cannot work through transaction pooling; not listening";
        return;
    }
    m_thread = std::make_unique<Thread>(config, m_channels, this, m_initialDelayMs, m_maxDelayMs,
                                        m_checkIntervalMs);
    m_thread->start();
}

void NotificationListener::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    setListening(false);
}

void NotificationListener::requestStop()
{
    if (!m_thread || !m_thread->isRunning()) {
        stop();
        QMetaObject::invokeMethod(this, &NotificationListener::stopped, Qt::QueuedConnection);
        return;
    }
    if (m_stopRequested)
        return;
    m_stopRequested = true;
    // Queued: finished() comes from the ending thread; stop() then joins a
    // thread that has already returned.
    connect(
        m_thread.get(), &QThread::finished, this,
        [this] {
            m_stopRequested = false;
            stop();
            Q_EMIT stopped();
        },
        Qt::QueuedConnection);
    m_thread->quit();
}

bool NotificationListener::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void NotificationListener::setListening(bool listening)
{
    // A report queued before stop() must not revive the state after it.
    if (listening && !m_thread)
        return;
    if (listening == m_listening)
        return;
    m_listening = listening;
    Q_EMIT listeningChanged(m_listening);
}
