#pragma once

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <libpq-fe.h>

#include <cerrno>
#include <sys/socket.h>

// The libpq connection behind a QPSQL QSqlDatabase. QPSQL's own state can
// lie after the server went away (isOpen() stays true, later errors say
// NoError); libpq's status and transaction state do not.
inline PGconn *pgConnection(const QSqlDatabase &db)
{
    if (!db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || (qstrcmp(handle.typeName(), "PGconn*") != 0 && qstrcmp(handle.typeName(), "pg_conn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

inline bool pgConnectionAlive(const QSqlDatabase &db)
{
    PGconn *conn = pgConnection(db);
    return db.isOpen() && conn && PQstatus(conn) == CONNECTION_OK;
}

// Whether the server closed an idle connection (it died, restarted, failed
// over, or ended the backend), seen without a round trip: its end of the
// socket is closed, or what it sent unasked is an error (a FATAL before
// closing). Only for a connection with no query running.
inline bool pgPeerClosed(const QSqlDatabase &db)
{
    PGconn *conn = pgConnection(db);
    if (!conn || PQstatus(conn) != CONNECTION_OK)
        return true;
    const int fd = PQsocket(conn);
    if (fd < 0)
        return true;
    char type = 0;
    const ssize_t n = ::recv(fd, &type, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0)
        return true;
    if (n < 0)
        return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    // An ErrorResponse with no query running is a FATAL: the server is
    // ending this session (pg_terminate_backend, a shutdown). libpq would
    // only see it at the next query: PQconsumeInput reads, it does not parse.
    if (type == 'E')
        return true;
    return !PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK;
}

inline bool pgInTransaction(const QSqlDatabase &db)
{
    PGconn *conn = pgConnection(db);
    if (!conn)
        return false;
    const PGTransactionStatusType s = PQtransactionStatus(conn);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}
