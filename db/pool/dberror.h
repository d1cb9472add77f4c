#pragma once

#include <QCoreApplication>
#include <QSqlError>
#include <QString>

#include <exception>
#include <optional>
#include <utility>

// Expected database failures as values: a kind the caller can branch on, a
// translated message for people, and technical detail (SQLSTATE, label) for
// the log. Never carries a password or a bound value.
class DbError
{
    Q_DECLARE_TR_FUNCTIONS(DbError)
public:
    enum class Kind {
        None,
        PoolTimeout,       // no connection within pool_timeout
        Unavailable,       // server down, unreachable, restarting, refusing
        Transient,         // serialization failure, deadlock: worth a retry
        SlotTaken,         // 23P01 exclusion violation
        UniqueViolation,   // 23505
        ConstraintViolation, // other class 23
        NotFound,
        Invalid,           // rejected input
        Configuration,     // bad settings, missing binaries
        ShuttingDown,      // the pool is closing
        Fatal,             // syntax, permission, anything not worth retrying
    };

    DbError() = default;
    DbError(Kind kind, QString message, QString detail = {}, QString sqlState = {})
        : m_kind(kind), m_message(std::move(message)), m_detail(std::move(detail)),
          m_sqlState(std::move(sqlState))
    {
    }

    static DbError fromSqlError(const QSqlError &error, const QString &context);

    bool isError() const { return m_kind != Kind::None; }
    Kind kind() const { return m_kind; }
    QString message() const { return m_message; }
    QString detail() const { return m_detail; }
    QString sqlState() const { return m_sqlState; }
    QString label() const { return m_label; }
    void setLabel(const QString &label) { m_label = label; }
    int attempts() const { return m_attempts; }
    void setAttempts(int attempts) { m_attempts = attempts; }

    // Whether retrying the whole unit of work may succeed.
    bool isTransient() const;
    // A failure of the system (database, pool, program) rather than an
    // expected answer such as "slot taken" or "not found": what the error
    // rate and the error list count.
    bool isSystemError() const;
    // Whether the connection that produced it must be thrown away.
    bool invalidatesConnection() const { return m_invalidatesConnection; }
    void setInvalidatesConnection(bool on) { m_invalidatesConnection = on; }

    // One line for logs: kind, SQLSTATE, label, detail.
    QString toLogString() const;
    static QString kindName(Kind kind);

private:
    Kind m_kind = Kind::None;
    QString m_message;
    QString m_detail;
    QString m_sqlState;
    QString m_label;
    int m_attempts = 0;
    bool m_invalidatesConnection = false;
};

// Classification of a failed statement, by SQLSTATE and never by message text.
// A lost connection has an empty code and is recognised by the error type.
struct SqlStateClass
{
    DbError::Kind kind;
    bool transient;
    bool evictConnection;
};
SqlStateClass classify(const QString &sqlState, QSqlError::ErrorType type);

// Thrown inside a unit of work by the Sql helpers; the pool catches it and turns
// it into a DbError value. It never escapes the pool.
class DbException : public std::exception
{
public:
    explicit DbException(DbError error) : m_error(std::move(error)) {}
    const DbError &error() const { return m_error; }
    const char *what() const noexcept override { return "DbException"; }

private:
    DbError m_error;
};

// The outcome of a unit of work: a value or a DbError.
template<typename T>
class DbResult
{
public:
    DbResult() : m_error(DbError::Kind::Fatal, DbError::tr("No result.")) {}
    DbResult(T value) : m_value(std::move(value)) {}
    DbResult(DbError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T &operator*() const { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const DbError &error() const { return m_error; }

private:
    std::optional<T> m_value;
    DbError m_error;
};

// What a unit of work with nothing to return gives back.
struct Done
{
};
