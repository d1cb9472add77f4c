#pragma once

#include "db/config/databaseconfig.h"

#include <QString>
#include <QTemporaryDir>
#include <QVariant>

#include <memory>

// A throwaway PostgreSQL cluster for one test executable: initdb in a
// temporary folder, a free TCP port on 127.0.0.1 plus a unix socket in that
// folder, fsync off. Blocking and single-threaded: use it from the test
// thread only. Destruction stops the server and removes the folder. Under
// root the server runs as the `postgres` user, which PostgreSQL requires.
class PgTestCluster
{
public:
    enum class Mode { Fast, Immediate };

    PgTestCluster();
    ~PgTestCluster();
    PgTestCluster(const PgTestCluster &) = delete;
    PgTestCluster &operator=(const PgTestCluster &) = delete;

    // Before the first start().
    void setMaxConnections(int maxConnections) { m_maxConnections = maxConnections; }
    // Before the first start(): synchronous_commit on, as in production, so
    // a commit acknowledged survives the server being killed (fsync stays
    // off: the machine itself does not crash in a test).
    void setCrashSafeCommits(bool on) { m_crashSafeCommits = on; }

    // The first start creates the cluster and the database "carwash" with
    // btree_gist; later starts reuse both and keep the port.
    bool start(QString *error = nullptr);
    bool stop(Mode mode = Mode::Fast);
    bool restart();
    // SIGKILL to the postmaster's process group and to each of its
    // children's (PostgreSQL makes every backend a group leader of its own),
    // as a crash or the OOM killer would end it: no shutdown, no checkpoint.
    // Returns once none of them runs any more, so start() can follow (crash
    // recovery then runs on the same port). False when there was nothing to
    // kill or a process outlived the wait.
    bool kill();
    bool isRunning() const { return m_running; }

    // Instead of the first start(): makes this cluster a hot standby of the
    // running primary (pg_basebackup -R into a folder of its own, streaming
    // replication) and starts it on a port of its own. synchronous: the
    // primary then waits for this standby to flush every commit
    // (synchronous_standby_names = '*' by ALTER SYSTEM; the primary needs
    // setCrashSafeCommits(true)). Returns once the standby streams, as a
    // synchronous one when asked.
    bool startAsStandbyOf(PgTestCluster &primary, bool synchronous, QString *error = nullptr);
    // pg_ctl promote: returns once this standby has become a primary.
    bool promote(QString *error = nullptr);

    // Replaces pg_hba.conf's rules for TCP connections (the unix socket stays
    // trusted) and restarts a running server on the same port: e.g.
    // "host all alice 127.0.0.1/32 scram-sha-256", "host all bob 127.0.0.1/32
    // reject". The harness's own queries come as carwash over TCP: keep a
    // rule that lets it in.
    bool setHostRules(const QStringList &hostLines, QString *error = nullptr);

    int port() const { return m_port; }
    // Empty until the first start().
    QString folder() const { return m_folder ? m_folder->path() : QString(); }
    QString socketDirectory() const { return folder(); }
    // host 127.0.0.1, the port, database and user "carwash", no password.
    DatabaseConfig config(const QString &applicationName = {}) const;
    QString url() const;
    // The last lines of the server log, for failure messages.
    QString logTail(int lines = 30) const;

    // Rows in pg_stat_activity with that application_name, counted over a
    // separate short-lived connection; -1 when the server cannot be asked.
    int countConnections(const QString &applicationName);
    // Runs sql on a short-lived connection and returns the first column of
    // the first row (invalid when there is none or on error).
    QVariant queryBlocking(const QString &sql, const QString &database = QStringLiteral("carwash"),
                           QString *error = nullptr);

    // A TCP port on 127.0.0.1 that nobody listened on a moment ago.
    static int freePort();
    // Where initdb and pg_ctl are: `pg_config --bindir`, else the newest
    // /usr/lib/postgresql/*/bin.
    static QString binDirectory();
    // Under root, the arguments that run program as the postgres user.
    static QStringList asServerUser(const QString &program, const QStringList &arguments, QString *runner);

private:
    bool makeFolder(QString *error);
    bool initialize(QString *error);
    bool writeSettings(QString *error);
    bool pgCtl(const QStringList &arguments, QString *error, int timeoutMs);
    QString dataDirectory() const;

    // Made by the first start(), so an object that never starts leaves nothing.
    std::unique_ptr<QTemporaryDir> m_folder;
    QString m_binDirectory;
    int m_port = 0;
    int m_maxConnections = 100;
    bool m_crashSafeCommits = false;
    bool m_initialized = false;
    bool m_running = false;
};
