#include "sql.h"

#include "jobcontext_p.h"
#include "pgconnection_p.h"
#include "poolmonitor.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSqlRecord>

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

} // namespace

namespace Sql {

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
    QSqlQuery query(db);
    query.setForwardOnly(true);
    QElapsedTimer timer;
    timer.start();
    bool ok = false;
    if (binds.isEmpty()) {
        ok = query.exec(sql);
    } else {
        ok = query.prepare(sql);
        if (ok) {
            for (const QVariant &v : binds)
                query.addBindValue(v);
            ok = query.exec();
        }
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
        PGresult *result = PQexec(conn, script.toUtf8().constData());
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
    const bool ok = query.exec(script);
    recordStatement(context, timer);
    if (!ok)
        throw DbException(errorOf(db, query, context));
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
    query.exec(m_savepoint ? QStringLiteral("ROLLBACK TO SAVEPOINT carwash_tx") : QStringLiteral("ROLLBACK"));
}

void Transaction::commit()
{
    Sql::exec(m_db, m_savepoint ? QStringLiteral("RELEASE SAVEPOINT carwash_tx") : QStringLiteral("COMMIT"));
    m_done = true;
}
