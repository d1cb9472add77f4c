#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QObject>

#include <memory>

class ConnectionPool;
class DeskWindow;
class HealthPublisher;
class MaintenanceRunner;

// The carwash program's application object. Owns the one ConnectionPool
// (handed to the window by reference) and the window, and brings the
// database up without the GUI thread ever waiting: configuration, the
// password from the keychain (asynchronous, with a timeout), the embedded
// server started on a worker thread, migrations through the pool. The
// window says what is happening and offers Retry when something fails.
// Destroyed after the event loop ends: the window goes first, then the pool,
// which closes every connection, so none of ours stays on the server.
class DeskApplication : public QObject
{
    Q_OBJECT
public:
    enum class Stage { Idle, Configuring, ReadingPassword, StartingServer, Migrating, Ready, Failed };

    explicit DeskApplication(QObject *parent = nullptr);
    ~DeskApplication() override;

    // Shows the window and starts (or, after a failure, restarts) start-up.
    void start();

    Stage stage() const { return m_stage; }
    DeskWindow &window() { return *m_window; }
    // nullptr until the database is reachable.
    ConnectionPool *pool() { return m_pool.get(); }
    const DatabaseConfig &config() const { return m_config; }
    // Once ready: this process's health in process_health, and the daily
    // retention maintenance (whichever desk comes first runs it).
    HealthPublisher *healthPublisher() { return m_publisher.get(); }
    MaintenanceRunner *maintenance() { return m_maintenance.get(); }

Q_SIGNALS:
    void ready();
    void failed(const QString &message);

private:
    void readPassword();
    void resolveServer();
    void migrate();
    void fail(const QString &message, const QString &whatToDo);
    void failOn(const DbError &error);
    void startBackgroundWork();
    void stopBackgroundWork();
    QString serverText() const;

    // Declared before the window so it is destroyed after it.
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    std::unique_ptr<HealthPublisher> m_publisher;
    std::unique_ptr<MaintenanceRunner> m_maintenance;
    DatabaseConfig m_config;
    Stage m_stage = Stage::Idle;
    int m_run = 0; // which start() a late result belongs to
};
