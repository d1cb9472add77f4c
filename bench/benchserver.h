#pragma once

#include "db/config/databaseconfig.h"

#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class ConnectionPool;

// The PostgreSQL the benchmark measures: the server DATABASE_URL names, or a
// throwaway cluster of its own (initdb in a temporary folder, TCP on a free
// 127.0.0.1 port, durability off so the disk of a shared machine does not
// decide the figures). Under root the cluster runs as the `postgres` user,
// which PostgreSQL requires. Blocking; main thread only. stop() and the
// destructor stop a cluster it started and remove its folder.
class BenchServer
{
public:
    BenchServer() = default;
    ~BenchServer();
    BenchServer(const BenchServer &) = delete;
    BenchServer &operator=(const BenchServer &) = delete;

    // Loads the configuration the programs would (environment > DATABASE_URL
    // > defaults), starting a cluster first when there is no DATABASE_URL.
    bool start(QString *error);
    // On a server DATABASE_URL names, creates a database of the benchmark's
    // own (dropping one an interrupted run left) and points config() and the
    // client tools at it, so a data set of a million rows never lands in a
    // database someone uses; stop() drops it. Needs the CREATEDB right. A
    // throwaway cluster's database is fresh already: nothing to do. Blocking.
    bool useScratchDatabase(const QString &name, QString *error);
    void stop();

    bool isOwnCluster() const { return m_ownCluster; }
    // The pool's configuration, with the benchmark's application_name.
    const DatabaseConfig &config() const { return m_config; }
    // Where the server is, without the password.
    QString description() const;
    // Where pgbench is: the PostgreSQL binaries' folder, else the PATH.
    QString pgbenchProgram() const;
    // Connection arguments and environment for a libpq client tool.
    QStringList clientArguments() const;
    QProcessEnvironment clientEnvironment() const;

    // A QSqlDatabase (not yet opened) for the calling thread, separate from
    // the pool and told apart from it in pg_stat_activity by applicationName.
    QSqlDatabase addConnection(const QString &connectionName, const QString &applicationName) const;

    static QString binDirectory();
    // The server's version, asked through the pool being measured (which
    // also opens its first connection). Blocking.
    static bool versionThrough(ConnectionPool &pool, QString *version, QString *error);

private:
    bool startCluster(QString *error);
    bool runTool(const QString &tool, const QStringList &arguments, QString *output, int timeoutMs) const;
    // Runs one statement on a connection of its own to database.
    bool execOn(const QString &database, const QString &sql, QString *error) const;
    QString dataDirectory() const;

    DatabaseConfig m_config;
    std::unique_ptr<QTemporaryDir> m_folder;
    QString m_binDirectory;
    QString m_scratchDatabase;
    QString m_originalDatabase;
    int m_port = 0;
    bool m_ownCluster = false;
    bool m_running = false;
};
