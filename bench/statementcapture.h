#pragma once

#include <QSqlDatabase>
#include <QStringList>

#include <cstdio>

// Records the SQL text a QPSQL connection sends while it is alive, from
// libpq's own protocol trace (PQtrace): the very statements a repository
// issued, as the server received them (with their values in them, see
// Sql::exec), with no copy of the
// repository's SQL to drift from it. Use on the connection's own thread,
// inside one unit of work. Only simple-protocol Query messages are
// recorded, which is all QPSQL sends.
class StatementCapture
{
public:
    explicit StatementCapture(QSqlDatabase &db);
    ~StatementCapture();
    StatementCapture(const StatementCapture &) = delete;
    StatementCapture &operator=(const StatementCapture &) = delete;

    // Stops tracing and returns the statements in the order they were sent.
    QStringList finish();

    // The Query messages in a libpq trace (PQTRACE_SUPPRESS_TIMESTAMPS).
    static QStringList parse(const QByteArray &trace);

private:
    QSqlDatabase &m_db;
    FILE *m_file = nullptr;
    char *m_buffer = nullptr;
    size_t m_size = 0;
};
