#include "db/pool/sql.h"

#include "db/health/poolmonitor.h"
#include "db/pool/jobcontext_p.h"
#include "db/pool/pgconnection_p.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlField>
#include <QSqlRecord>

#include <algorithm>

namespace {

void recordStatement(const QString &sql, const QElapsedTimer &timer)
{
    JobContext *context = JobContext::current();
    if (!context || !context->monitor || !context->monitor->isEnabled())
        return;
    context->monitor->recordStatement(context->label, sql, timer.nsecsElapsed() / 1e6);
}

QString contextFor(const QString &sql)
{
    QString text = Sql::elideValues(sql).simplified();
    if (text.size() > 200)
        text = text.left(200) + QStringLiteral("…");
    return text;
}

// The length of the dollar-quote tag ("$tag$" or "$$") starting at i, or 0.
qsizetype dollarTagLength(const QString &sql, qsizetype i)
{
    qsizetype j = i + 1;
    while (j < sql.size() && (sql[j].isLetterOrNumber() || sql[j] == u'_'))
        ++j;
    if (j < sql.size() && sql[j] == u'$' && (j == i + 1 || !sql[i + 1].isDigit()))
        return j - i + 1;
    return 0;
}

} // namespace

namespace Sql {

namespace {
thread_local StatementRecorder *t_recorder = nullptr;
}

StatementRecorder::StatementRecorder()
    : m_outer(t_recorder)
{
    t_recorder = this;
}

StatementRecorder::~StatementRecorder()
{
    t_recorder = m_outer;
}

QString withValues(const QSqlDriver *driver, const QString &sql, const QVariantList &binds)
{
    QString out;
    out.reserve(sql.size() + binds.size() * 16);
    qsizetype next = 0;
    const qsizetype n = sql.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = sql[i];
        qsizetype skipTo = -1; // end (exclusive) of a literal, identifier or comment to copy as is
        if (c == u'\'' || c == u'"') {
            qsizetype j = i + 1;
            while (j < n) {
                if (sql[j] == c) {
                    if (j + 1 < n && sql[j + 1] == c) { // doubled: an escaped quote
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            skipTo = qMin(j + 1, n);
        } else if (c == u'-' && i + 1 < n && sql[i + 1] == u'-') {
            const qsizetype end = sql.indexOf(u'\n', i);
            skipTo = end < 0 ? n : end;
        } else if (c == u'/' && i + 1 < n && sql[i + 1] == u'*') {
            const qsizetype end = sql.indexOf(QStringLiteral("*/"), i + 2);
            skipTo = end < 0 ? n : end + 2;
        } else if (c == u'$' && (i == 0 || !(sql[i - 1].isLetterOrNumber() || sql[i - 1] == u'_'))) {
            if (const qsizetype tag = dollarTagLength(sql, i)) {
                const qsizetype end = sql.indexOf(QStringView(sql).mid(i, tag), i + tag);
                skipTo = end < 0 ? n : end + tag;
            }
        } else if (c == u'?') {
            if (next >= binds.size())
                throw DbException(DbError(DbError::Kind::Fatal, DbError::tr("The database request is malformed."),
                                          QStringLiteral("more placeholders than the %1 values given: %2")
                                              .arg(binds.size())
                                              .arg(contextFor(sql))));
            const QVariant &value = binds[next++];
            QSqlField field(QString(), value.metaType());
            field.setValue(value);
            out += driver->formatValue(field);
            continue;
        }
        if (skipTo > i) {
            out += QStringView(sql).mid(i, skipTo - i);
            i = skipTo - 1;
            continue;
        }
        out += c;
    }
    if (next != binds.size())
        throw DbException(DbError(DbError::Kind::Fatal, DbError::tr("The database request is malformed."),
                                  QStringLiteral("%1 values for %2 placeholders: %3")
                                      .arg(binds.size())
                                      .arg(next)
                                      .arg(contextFor(sql))));
    return out;
}

DbError errorOf(const QSqlDatabase &db, const QSqlQuery &query, const QString &context)
{
    QSqlError error = query.lastError();
    if (error.type() == QSqlError::NoError || !pgConnectionAlive(db)) {
        // QPSQL after the server went away: the failure carries no code or says
        // nothing at all. libpq's status is the truth.
        if (!pgConnectionAlive(db) && error.nativeErrorCode().isEmpty())
            error = QSqlError(error.driverText().isEmpty() ? QStringLiteral("connection lost") : error.driverText(),
                              error.databaseText(), QSqlError::ConnectionError);
        else if (error.type() == QSqlError::NoError)
            error = QSqlError(QStringLiteral("statement failed without an error"), {}, QSqlError::StatementError);
    }
    return DbError::fromSqlError(error, context);
}

QSqlQuery exec(QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    for (StatementRecorder *r = t_recorder; r; r = r->m_outer)
        r->m_statements << sql;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    QElapsedTimer timer;
    timer.start();
    // QPSQL would run a statement with values as three round trips (PREPARE,
    // EXECUTE with the values as literals its driver formats, DEALLOCATE).
    // The same driver function formats them into the text here, so they go
    // in one round trip and no prepared statement outlives it (PgBouncer).
    // QPSQLDriver::formatValue quotes a string by doubling each single quote
    // inside '…' (and each backslash too, only if the server still reads
    // backslashes as escapes, standard_conforming_strings off); it is not
    // PQescapeStringConn. Binary goes through PQescapeByteaConn, a date-time
    // becomes a TIMESTAMP WITH TIME ZONE literal in UTC, a bool TRUE/FALSE,
    // a null NULL, a number its decimal text.
    const QString text = binds.isEmpty() ? sql : withValues(db.driver(), sql, binds);
    bool ok = false;
    {
        StatementWatch watch;
        ok = query.exec(text);
    }
    recordStatement(sql, timer);
    if (!ok)
        throw DbException(errorOf(db, query, contextFor(sql)));
    return query;
}

QVariant scalar(QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery query = exec(db, sql, binds);
    if (!query.next())
        throw DbException(DbError(DbError::Kind::NotFound, DbError::tr("Nothing was found."), contextFor(sql)));
    return query.value(0);
}

void execScript(QSqlDatabase &db, const QString &script, const QString &context)
{
    QElapsedTimer timer;
    timer.start();
    if (PGconn *conn = pgConnection(db)) {
        // QPSQL (Qt 6.4) reads only the first result of a multi-statement
        // string, so an error in a later statement is lost and exec() says
        // true. PQexec stops at the first failing statement and returns it.
        PGresult *result = nullptr;
        {
            StatementWatch watch;
            result = PQexec(conn, script.toUtf8().constData());
        }
        recordStatement(context, timer);
        const ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
            PQclear(result);
            return;
        }
        const QString state = QString::fromLatin1(result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr);
        const QString text = QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(conn)).trimmed();
        PQclear(result);
        const QSqlError error(QStringLiteral("QPSQL: unable to run the script"), text,
                              state.isEmpty() ? QSqlError::ConnectionError : QSqlError::StatementError, state);
        throw DbException(DbError::fromSqlError(error, context));
    }
    QSqlQuery query(db);
    bool ok = false;
    {
        StatementWatch watch;
        ok = query.exec(script);
    }
    recordStatement(context, timer);
    if (!ok)
        throw DbException(errorOf(db, query, context));
}

namespace {

QString setLocalStatementTimeoutSql(int ms)
{
    return QStringLiteral("SET LOCAL statement_timeout = %1").arg(std::max(0, ms));
}

// The pool's dead-link watchdog waits as long as the statements may run, but
// never shorter than the pool's own limit: a unit may only ask for more time.
void raiseWatchdogLimit(int ms)
{
    JobContext *context = JobContext::current();
    if (!context || !context->watchdogLimitMs)
        return;
    const int limit = std::max(0, ms);
    const int current = context->watchdogLimitMs->load(std::memory_order_relaxed);
    if (current > 0 && (limit == 0 || limit > current))
        context->watchdogLimitMs->store(limit, std::memory_order_relaxed);
}

} // namespace

void setLocalStatementTimeout(QSqlDatabase &db, int ms)
{
    if (!pgInTransaction(db))
        throw DbException(DbError(DbError::Kind::Fatal, DbError::tr("An internal error stopped the action."),
                                  QStringLiteral("setLocalStatementTimeout outside a transaction has no effect")));
    exec(db, setLocalStatementTimeoutSql(ms));
    raiseWatchdogLimit(ms);
}

void beginWithLocalStatementTimeout(QSqlDatabase &db, int ms)
{
    execScript(db, QStringLiteral("BEGIN; ") + setLocalStatementTimeoutSql(ms), QStringLiteral("BEGIN"));
    raiseWatchdogLimit(ms);
}

QString idArray(const QList<qint64> &ids)
{
    QStringList parts;
    for (const qint64 id : ids)
        parts << QString::number(id);
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

QString elideValues(const QString &sql)
{
    static const QRegularExpression strings(QStringLiteral(R"('(?:[^']|'')*')"));
    static const QRegularExpression dollar(QStringLiteral(R"(\$([A-Za-z_]*)\$.*?\$\1\$)"),
                                           QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression numbers(QStringLiteral(R"((?<![\w$.])-?\d+(?:\.\d+)?(?![\w.]))"));
    QString out = sql;
    out.replace(dollar, QStringLiteral("?"));
    out.replace(strings, QStringLiteral("?"));
    out.replace(numbers, QStringLiteral("?"));
    return out;
}

} // namespace Sql

Transaction::Transaction(QSqlDatabase &db)
    : m_db(db)
{
    m_savepoint = pgInTransaction(db);
    Sql::exec(m_db, m_savepoint ? QStringLiteral("SAVEPOINT carwash_tx") : QStringLiteral("BEGIN"));
}

Transaction::~Transaction()
{
    if (m_done)
        return;
    // Rolling back is best effort: on a dead connection the server has
    // already discarded the transaction.
    QSqlQuery query(m_db);
    StatementWatch watch;
    query.exec(m_savepoint ? QStringLiteral("ROLLBACK TO SAVEPOINT carwash_tx") : QStringLiteral("ROLLBACK"));
}

void Transaction::commit()
{
    Sql::exec(m_db, m_savepoint ? QStringLiteral("RELEASE SAVEPOINT carwash_tx") : QStringLiteral("COMMIT"));
    m_done = true;
}
