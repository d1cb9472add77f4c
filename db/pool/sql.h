#pragma once

#include "db/pool/dberror.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

// Statement helpers for units of work running on a pooled connection. Each
// one times its statement under the running job's label and throws
// DbException on failure (the pool turns it into a DbError value).
namespace Sql {

// Runs sql with positional '?' bind values, sent as one statement with the
// values formatted by the driver (see withValues). The returned query is
// forward-only; let it go out of scope before the unit of work returns.
QSqlQuery exec(QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});

// sql with each '?' outside quotes, comments and dollar-quoted text replaced
// by the next value as the driver formats a literal (QSqlDriver::formatValue:
// NULL, numbers, strings in quotes with quotes doubled, typed timestamps; see
// exec() in sql.cpp). Throws DbException (Fatal) when the count of
// placeholders and values differ.
QString withValues(const class QSqlDriver *driver, const QString &sql, const QVariantList &binds);

// exec() and the first column of the first row; throws NotFound without a row.
QVariant scalar(QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});

// For a unit of work that legitimately runs long (a migration, a large data
// set): its statements may run up to ms each (0 = without limit) until its
// transaction ends (SET LOCAL statement_timeout), and the pool's dead-link
// watchdog waits as long for the rest of the unit of work. Throws DbException
// outside a transaction, where SET LOCAL would do nothing.
void setLocalStatementTimeout(QSqlDatabase &db, int ms);

// BEGIN and setLocalStatementTimeout(ms) in one round trip: how the pool opens
// each unit of work's transaction in PgBouncer mode, where a session SET
// would land on whichever server connection PgBouncer lends.
void beginWithLocalStatementTimeout(QSqlDatabase &db, int ms);

// Runs a script of several statements (no bind values), e.g. a migration.
void execScript(QSqlDatabase &db, const QString &script, const QString &context);

// The error of a failed query, with QPSQL's quirks handled: a query on a dead
// connection may fail with QSqlError::NoError, which this reports as a lost
// connection.
DbError errorOf(const QSqlDatabase &db, const QSqlQuery &query, const QString &context);

// A bigint[] array literal ("{1,2,3}") to bind as one value, for
// "= ANY(?::bigint[])" and unnest(?::bigint[]).
QString idArray(const QList<qint64> &ids);

// SQL text with literal values elided ('…' and numbers become ?), for logs
// and the slow-query history.
QString elideValues(const QString &sql);

// While one lives, every statement Sql runs on its thread is recorded as
// written (with its '?' placeholders, without values): for tools that
// check what a repository sends. Nests; not for use across threads.
class StatementRecorder
{
public:
    StatementRecorder();
    ~StatementRecorder();
    StatementRecorder(const StatementRecorder &) = delete;
    StatementRecorder &operator=(const StatementRecorder &) = delete;

    QStringList statements() const { return m_statements; }

private:
    friend QSqlQuery exec(QSqlDatabase &, const QString &, const QVariantList &);
    QStringList m_statements;
    StatementRecorder *m_outer = nullptr;
};

} // namespace Sql

// A transaction for the scope of a unit of work: rolls back unless committed.
// Nested inside the pool's own transaction (PgBouncer mode) it uses a
// savepoint, so the unit of work still commits or rolls back as one.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit(); // throws DbException

private:
    QSqlDatabase &m_db;
    bool m_savepoint = false;
    bool m_done = false;
};
