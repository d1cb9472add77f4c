#pragma once

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <libpq-fe.h>

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

inline bool pgInTransaction(const QSqlDatabase &db)
{
    PGconn *conn = pgConnection(db);
    if (!conn)
        return false;
    const PGTransactionStatusType s = PQtransactionStatus(conn);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}
