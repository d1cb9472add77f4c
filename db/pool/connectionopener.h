#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QSqlDatabase>
#include <QStringList>

#include <optional>

// Opens one QPSQL connection from a DatabaseConfig the way every long-lived
// connection of ours is opened (host or unix-socket directory, or several
// with target_session_attrs; password, connect timeout, application_name,
// sslmode): the pool's workers and the booking-change listener. Blocking for
// up to the connect timeout: call it on the thread that will use the
// connection, never the GUI thread. On failure the named connection is
// removed again and *error says why (never the password).
class ConnectionOpener
{
public:
    // extraOptions: more libpq "key=value" options (e.g. TCP keepalives).
    static std::optional<QSqlDatabase> openBlocking(const DatabaseConfig &config, const QString &name,
                                                    DbError &error, const QStringList &extraOptions = {});

    // libpq options that let the kernel notice a silently dead TCP path (no
    // RST ever arrives: Wi-Fi gone, NAT state dropped): keepalive probes on an
    // idle socket, and tcp_user_timeout for data left unacknowledged. libpq
    // ignores them on a unix socket.
    static QStringList deadLinkOptions();

    // application_name as libpq accepts it: ASCII letters, digits, ._- only,
    // at most 63 characters.
    static QString safeApplicationName(const QString &name);
};
