#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"
#include "db/pool/retrypolicy.h"

#include <QFuture>
#include <QPromise>
#include <QSqlDatabase>

#include <functional>
#include <memory>
#include <type_traits>

class PoolMonitor;

// Gauges at one instant: the HikariCP set.
struct PoolStats
{
    int max = 0;
    int total = 0;    // connections open (each on its own worker thread)
    int active = 0;   // running a unit of work
    int idle = 0;     // open and free
    int waiting = 0;  // units of work waiting for a connection
    qint64 timeouts = 0;        // PoolTimeout errors since start
    qint64 connectionsOpened = 0;
    qint64 connectionsClosed = 0;
    double usagePct() const { return max > 0 ? 100.0 * active / max : 0.0; }
};

namespace detail {
struct PoolJob;
template<typename T>
struct UnwrapResult
{
    using type = T;
};
template<typename T>
struct UnwrapResult<DbResult<T>>
{
    using type = T;
};
template<>
struct UnwrapResult<void>
{
    using type = Done;
};
} // namespace detail

// The one pool of a process. Each connection lives on its own worker thread,
// where it is opened, used and closed (Qt's rule for QSqlDatabase); callers
// hand it a unit of work and get a QFuture, so no caller ever waits on a
// socket. Thread-safe. Owned by the application object; destroying it waits
// for running work and closes every connection.
class ConnectionPool
{
public:
    explicit ConnectionPool(DatabaseConfig config);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool &) = delete;
    ConnectionPool &operator=(const ConnectionPool &) = delete;

    // Runs fn(db) once on a pooled connection. fn may return a value, a
    // DbResult<T>, or nothing; Sql helpers inside it throw DbException, which
    // becomes the DbResult's error.
    template<typename Fn>
    auto withConnection(const QString &label, Fn fn)
    {
        return withRetry(label, RetryPolicy::none(), std::move(fn));
    }

    // Runs the whole unit of work again after a transient failure (connection
    // lost, deadlock, serialization failure, server restarting), with the
    // connection given back during each backoff. Never on a constraint
    // violation.
    template<typename Fn>
    auto withRetry(const QString &label, const RetryPolicy &policy, Fn fn)
    {
        using Raw = std::invoke_result_t<Fn &, QSqlDatabase &>;
        using T = typename detail::UnwrapResult<Raw>::type;
        auto promise = std::make_shared<QPromise<DbResult<T>>>();
        QFuture<DbResult<T>> future = promise->future();
        promise->start();
        auto work = std::make_shared<Fn>(std::move(fn));
        Runner run = [work, promise](QSqlDatabase &db) -> Deliver {
            if constexpr (std::is_void_v<Raw>) {
                (*work)(db);
                return [promise] { promise->addResult(DbResult<T>(Done{})); promise->finish(); };
            } else {
                auto result = std::make_shared<DbResult<T>>((*work)(db));
                if (!result->ok())
                    throw DbException(result->error());
                return [promise, result] { promise->addResult(std::move(*result)); promise->finish(); };
            }
        };
        Fail fail = [promise](const DbError &error) {
            promise->addResult(DbResult<T>(error));
            promise->finish();
        };
        submit(label, policy, std::move(run), std::move(fail));
        return future;
    }

    PoolStats stats() const;
    const DatabaseConfig &config() const;
    PoolMonitor &monitor();

    // Fails queued work with ShuttingDown, waits for running work, closes every
    // connection on its own thread. Called by the destructor; idempotent; any thread.
    void shutdown();

private:
    using Deliver = std::function<void()>;
    using Runner = std::function<Deliver(QSqlDatabase &)>;
    using Fail = std::function<void(const DbError &)>;
    void submit(const QString &label, const RetryPolicy &policy, Runner run, Fail fail);

    class Private;
    std::unique_ptr<Private> d;
};
