#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

// Why a connection was refused, when no retry can cure it: a wrong password,
// an unknown user or database, an SSL mismatch, a pg_hba.conf rule; or when
// only a standby answers a config that wants a primary. QPSQL
// reports a failed open as text only (in the server's language), so after
// one, diagnoseBlocking() asks libpq directly: a connection attempt of its
// own whose error carries the server's SQLSTATE. Blocking for up to the
// connect timeout: call it where the failed open ran, never on the GUI thread.
class ConnectRefusal
{
    Q_DECLARE_TR_FUNCTIONS(ConnectRefusal)
public:
    // What libpq learned. sqlState is the server's code (28P01, 28000,
    // 3D000, 42501, ...), empty when the server never answered.
    struct Diagnosis
    {
        QString sqlState;
        bool needsPassword = false; // the server asked for one and none was set
        bool sslRefused = false; // fails with this sslmode, answers without SSL
        // fails with target_session_attrs, answers with "any": no server in
        // the role asked for (a standby only, while read-write is wanted)
        bool noServerInRole = false;
    };

    // A Configuration error saying what to change; an Unavailable error
    // saying why when no server is in the role target_session_attrs asks
    // for (it passes once a standby is promoted); or nullopt when the
    // refusal may pass by itself (server down, restarting, unreachable).
    static std::optional<DbError> diagnoseBlocking(const DatabaseConfig &config);

    // The same decision for a known diagnosis (the table the tests read).
    static std::optional<DbError> toError(const DatabaseConfig &config, const Diagnosis &diagnosis);

    // The server's SQLSTATE in a libpq error text written with
    // PQERRORS_SQLSTATE verbosity ("...failed: FATAL:  28P01"), or empty.
    static QString sqlStateOf(const QString &libpqMessage);
};
