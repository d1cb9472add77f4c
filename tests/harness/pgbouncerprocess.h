#pragma once

#include "db/config/databaseconfig.h"

#include <QProcess>
#include <QTemporaryDir>

#include <memory>

class PgTestCluster;

// A PgBouncer in front of a PgTestCluster, in transaction pooling mode with
// two server connections, as the product meets it in production. Started and
// stopped from the test thread; stopped on destruction. Under root it drops
// to the `postgres` user (PgBouncer refuses to run as root).
class PgBouncerProcess
{
public:
    explicit PgBouncerProcess(const PgTestCluster &cluster);
    ~PgBouncerProcess();
    PgBouncerProcess(const PgBouncerProcess &) = delete;
    PgBouncerProcess &operator=(const PgBouncerProcess &) = delete;

    // Blocks until PgBouncer accepts TCP connections or gives up. A start
    // after stop() listens on the same port.
    bool start(QString *error = nullptr);
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    int port() const { return m_port; }
    // The cluster's config, with PgBouncer's port in place of the server's.
    DatabaseConfig config(const QString &applicationName = {}) const;
    // What PgBouncer printed so far, for failure messages.
    QString output() const;

    static constexpr int kServerPoolSize = 2;

private:
    const PgTestCluster &m_cluster;
    std::unique_ptr<QTemporaryDir> m_folder; // made by start()
    QProcess m_process;
    int m_port = 0;
};
