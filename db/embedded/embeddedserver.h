#pragma once

#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

// Where a client reaches the embedded server: a unix socket only, no password
// (trust is safe because the socket's folder is reachable by its owner alone).
struct EmbeddedConnection
{
    QString socketDir;
    int port = 5432;
    QString user;
    QString database;
};

// The private PostgreSQL cluster every program uses when no database is
// configured (the pattern of Akonadi's DbConfigPostgresql): initdb on first
// use, pg_ctl on a unix socket, shared by all our processes through a lock file
// in the data root. Every *Blocking call spawns processes and may wait for
// seconds: never call one on the GUI thread. Under root the server runs as the
// postgres system user in /var/lib/carwash-desk/<hash>, which that user owns.
class EmbeddedServer
{
    Q_DECLARE_TR_FUNCTIONS(EmbeddedServer)
public:
    explicit EmbeddedServer(const QString &dataRoot = defaultDataRoot());

    // QStandardPaths::AppDataLocation + "/postgres". For ordinary users the
    // cluster lives here; under root this folder holds only the lock and a
    // note saying where the relocated cluster is.
    static QString defaultDataRoot();

    // initdb on first use, start if not running (cleaning a stale pid file),
    // wait until it accepts connections, create the application database and
    // btree_gist. A server another process started is reused.
    DbResult<EmbeddedConnection> ensureRunningBlocking();
    // pg_ctl stop -m fast; Done also when it was not running.
    DbResult<Done> stopBlocking();
    // Whether the postmaster named in postmaster.pid is alive and serves this
    // data directory (a stale pid file after a crash or reboot says no).
    bool isRunningBlocking() const;

    QString dataDirectory() const { return m_serverRoot + QStringLiteral("/data"); }
    QString socketDirectory() const { return m_socketDirectory; }
    QString logFile() const { return m_serverRoot + QStringLiteral("/log/postgresql.log"); }
    // The folder the caller chose: the lock file lives here, and under root
    // the note naming the relocated cluster.
    QString dataRoot() const { return m_dataRoot; }

    static constexpr int Port = 5432;
    static constexpr const char *UserName = "carwash";
    static constexpr const char *DatabaseName = "carwash";

private:
    struct ToolResult
    {
        bool finished = false;
        int exitCode = -1;
        QString output;
    };

    DbError findBinaries();
    DbError prepareFolders();
    DbError initializeCluster();
    DbError writeServerSettings();
    DbError startServer();
    DbError waitUntilAccepting();
    DbError createApplicationDatabase();
    DbError lockError(int lockError) const;
    void removeStaleFiles(qint64 stalePid);
    qint64 postmasterPid() const;
    ToolResult runTool(const QString &tool, const QStringList &arguments, bool asServerUser,
                       int timeoutMs) const;
    QString logTail(int lines = 20) const;

    QString m_dataRoot; // the caller's folder: lock, location note
    QString m_serverRoot; // data/, run/, log/ (owned by the server's user)
    QString m_socketDirectory; // <serverRoot>/run, or a short folder in /tmp
    QString m_binDirectory; // set by findBinaries()
    bool m_runAsPostgres = false;
};
