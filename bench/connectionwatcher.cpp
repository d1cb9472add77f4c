#include "bench/connectionwatcher.h"

#include "bench/benchserver.h"

#include <QSqlError>
#include <QSqlQuery>

#include <chrono>

ConnectionWatcher::ConnectionWatcher(const BenchServer &server, QString applicationName)
    : m_server(server)
    , m_applicationName(std::move(applicationName))
{ }

ConnectionWatcher::~ConnectionWatcher()
{
    stop();
}

bool ConnectionWatcher::start(QString *error)
{
    m_thread = std::thread([this] { run(); });
    while (m_state.load() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (m_state.load() < 0) {
        stop();
        *error = m_error;
        return false;
    }
    return true;
}

void ConnectionWatcher::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

int ConnectionWatcher::settledCount(std::chrono::milliseconds timeout) const
{
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + timeout;
    // Two more samples: the second began after this call did.
    const qint64 from = m_samples.load();
    while (m_state.load() == 1 && Clock::now() < deadline
           && (m_samples.load() < from + 2 || m_current.load() != 0))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return m_samples.load() >= from + 2 ? m_current.load() : -1;
}

void ConnectionWatcher::run()
{
    // A connection name of its own: several watchers may run at once.
    const QString name = QStringLiteral("carwash-bench-watcher-") + m_applicationName;
    {
        // Its own application_name, so it never counts itself.
        QSqlDatabase db = m_server.addConnection(name, QStringLiteral("carwash-bench-watcher"));
        if (!db.open()) {
            m_error = QStringLiteral("cannot watch pg_stat_activity: ") + db.lastError().text();
            m_state = -1;
        } else {
            QSqlQuery query(db);
            query.setForwardOnly(true);
            query.prepare(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"));
            while (!m_stop.load()) {
                query.addBindValue(m_applicationName);
                if (query.exec() && query.next()) {
                    const int n = query.value(0).toInt();
                    m_current = n;
                    if (n > m_maximum.load())
                        m_maximum = n;
                    ++m_samples;
                    query.finish();
                    if (m_state.load() == 0)
                        m_state = 1;
                } else if (m_state.load() == 0) {
                    m_error = QStringLiteral("cannot read pg_stat_activity: ") + query.lastError().text();
                    m_state = -1;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}
