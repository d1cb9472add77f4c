#include "bench/statementcapture.h"

#include "db/pool/pgconnection_p.h"

#include <cstdlib>

StatementCapture::StatementCapture(QSqlDatabase &db)
    : m_db(db)
{
    PGconn *conn = pgConnection(m_db);
    if (!conn)
        return;
    m_file = open_memstream(&m_buffer, &m_size);
    if (!m_file)
        return;
    PQtrace(conn, m_file);
    PQsetTraceFlags(conn, PQTRACE_SUPPRESS_TIMESTAMPS);
}

StatementCapture::~StatementCapture()
{
    finish();
    std::free(m_buffer);
}

QStringList StatementCapture::finish()
{
    if (!m_file)
        return {};
    if (PGconn *conn = pgConnection(m_db))
        PQuntrace(conn);
    std::fclose(m_file);
    m_file = nullptr;
    return parse(QByteArray(m_buffer, qsizetype(m_size)));
}

QStringList StatementCapture::parse(const QByteArray &trace)
{
    // A frontend Query message reads `F\t<length>\tQuery\t "<text>"`, the
    // text raw (it may span lines); length counts itself (4 bytes), the text
    // and its terminating zero.
    static const QByteArray marker = QByteArrayLiteral("\tQuery\t \"");
    QStringList statements;
    qsizetype at = 0;
    while ((at = trace.indexOf(marker, at)) >= 0) {
        const qsizetype lineStart = trace.lastIndexOf('\n', at) + 1;
        const QList<QByteArray> head = trace.mid(lineStart, at - lineStart).split('\t');
        bool ok = false;
        const qsizetype length = head.size() == 2 && head[0] == "F" ? head[1].toLongLong(&ok) : 0;
        const qsizetype textStart = at + marker.size();
        if (ok && length > 5 && textStart + length - 5 <= trace.size()) {
            statements << QString::fromUtf8(trace.mid(textStart, length - 5));
            at = textStart + length - 5;
        } else {
            at = textStart;
        }
    }
    return statements;
}
