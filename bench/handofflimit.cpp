#include "bench/handofflimit.h"

#include "bench/benchserver.h"

#include <libpq-fe.h>

#include <cstdlib>

HandoffLimit::HandoffLimit(const BenchServer &server, int threads)
    : m_server(server)
    , m_threadCount(threads)
{ }

HandoffLimit::~HandoffLimit()
{
    stop();
}

bool HandoffLimit::start(QString *error)
{
    for (int i = 0; i < m_threadCount; ++i)
        m_threads.emplace_back([this] { threadMain(); });
    std::unique_lock lock(m_mutex);
    m_startedCv.wait(lock, [&] { return m_finishedStarting == m_threadCount; });
    if (m_connected == m_threadCount)
        return true;
    *error = QStringLiteral("handoff_limit: cannot connect: ") + m_connectError;
    lock.unlock();
    stop();
    return false;
}

void HandoffLimit::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_workCv.notify_all();
    for (std::thread &t : m_threads)
        t.join();
    m_threads.clear();
}

bool HandoffLimit::selectOne(QString *error)
{
    auto promise = std::make_shared<QPromise<DbResult<int>>>();
    QFuture<DbResult<int>> future = promise->future();
    promise->start();
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(promise));
    }
    m_workCv.notify_one();
    const DbResult<int> result = future.result();
    if (!result.ok()) {
        *error = result.error().toLogString();
        return false;
    }
    return true;
}

void HandoffLimit::threadMain()
{
    const DatabaseConfig &config = m_server.config();
    const QByteArray host = config.host.toUtf8();
    const QByteArray port = QByteArray::number(config.port);
    const QByteArray database = config.database.toUtf8();
    const QByteArray user = config.user.toUtf8();
    const QByteArray password = config.password.toUtf8();
    const QByteArray sslMode
        = config.sslMode.isEmpty() ? QByteArrayLiteral("prefer") : config.sslMode.toUtf8();
    const QByteArray timeout = QByteArray::number(config.connectTimeoutS);
    const char *keys[]
        = {"host", "port", "dbname", "user", "password", "sslmode", "connect_timeout", "application_name",
           nullptr};
    const char *values[] = {host.constData(),    port.constData(),        database.constData(),
                            user.constData(),    password.constData(),    sslMode.constData(),
                            timeout.constData(), "carwash-bench-handoff", nullptr};
    PGconn *conn = PQconnectdbParams(keys, values, 0);
    const bool connected = PQstatus(conn) == CONNECTION_OK;

    std::unique_lock lock(m_mutex);
    if (connected)
        ++m_connected;
    else if (m_connectError.isEmpty())
        m_connectError = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
    ++m_finishedStarting;
    m_startedCv.notify_all();

    while (connected) {
        m_workCv.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
        if (m_stopping)
            break;
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        lock.unlock();

        PGresult *result = PQexec(conn, "SELECT 1");
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
            job->addResult(DbResult<int>(std::atoi(PQgetvalue(result, 0, 0))));
        else
            job->addResult(
                DbResult<int>(DbError(DbError::Kind::Unavailable, QStringLiteral("SELECT 1 failed"),
                                      QString::fromUtf8(PQerrorMessage(conn)).trimmed())));
        PQclear(result);
        job->finish();
        lock.lock();
    }
    // A stop with jobs queued leaves none waiting forever.
    while (!m_jobs.empty()) {
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        job->addResult(DbResult<int>(DbError(DbError::Kind::ShuttingDown, QStringLiteral("stopped"))));
        job->finish();
    }
    lock.unlock();
    PQfinish(conn);
}
