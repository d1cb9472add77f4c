#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QObject>
#include <QWidget>

#include <memory>

class ConnectionPool;
class DeskWindow;
class KioskShell;
class KioskWindow;
class StartupWindow;
class HealthPublisher;
class MaintenanceRunner;
class QThread;

// The carwash program's application object, for the desk or (`carwash
// --kiosk`) the self-service kiosk. Owns the one ConnectionPool (handed to
// the window by reference) and the window, and brings the
// database up without the GUI thread ever waiting: configuration, the
// password from the keychain (asynchronous, with a timeout), the embedded
// server started on a worker thread, migrations through the pool. The
// window says what is happening and offers Retry when something fails.
// Leaving (the window closed for good, or shutDown()) never waits on the
// GUI thread: background work stops and the pool shuts down on a thread of
// its own, even with a statement stuck; shutDownFinished() says every
// connection of ours is closed, and only then should the program quit.
class DeskApplication : public QObject
{
    Q_OBJECT
public:
    enum class Stage { Idle, Configuring, ReadingPassword, StartingServer, Migrating, Ready, Failed };

    // The front desk.
    explicit DeskApplication(QObject *parent = nullptr);
    // The kiosk named kioskName (KioskRepo::defaultName() when empty): its
    // health is published as program "carwash-kiosk".
    struct Kiosk
    {
        QString name;
    };
    explicit DeskApplication(const Kiosk &kiosk, QObject *parent = nullptr);
    ~DeskApplication() override;

    // Shows the window and starts (or, after a failure, restarts) start-up.
    void start();
    // Stops health publishing, maintenance and the listener and shuts the
    // pool down off the GUI thread; returns at once. Idempotent.
    void shutDown();
    // SIGTERM or SIGINT: the window finishes what must not be lost (the
    // desk signs out, the kiosk releases its holds) and closes, and the
    // program shuts down as when its user closed it; shutDownFinished()
    // follows. Once is enough: a repeated signal changes nothing.
    void terminate(int signalNumber);
    bool isShuttingDown() const { return m_shuttingDown; }
    bool isShutDown() const { return m_shutDown; }

    Stage stage() const { return m_stage; }
    // The desk's window; only for the desk.
    DeskWindow &window() { return *m_desk; }
    // The kiosk's window; nullptr for the desk.
    KioskWindow *kioskWindow() { return m_kiosk; }
    // The kiosk's lock, style, way out and speech; nullptr for the desk.
    KioskShell *kioskShell() { return m_shell; }
    QString programName() const { return m_program; }
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
    // After shutDown(): the pool and the listener are closed; quit now.
    void shutDownFinished();

private:
    void readPassword();
    void resolveServer();
    void migrate();
    void fail(const QString &message, const QString &whatToDo);
    void failOn(const DbError &error);
    void startBackgroundWork();
    void stopBackgroundWork();
    void finishShutDownIfDone();
    QString serverText() const;

    // Declared before the window so it is destroyed after it.
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<QWidget> m_windowWidget;
    StartupWindow *m_window = nullptr; // m_windowWidget, as the start-up sees it
    DeskWindow *m_desk = nullptr;
    KioskWindow *m_kiosk = nullptr;
    KioskShell *m_shell = nullptr; // a child of m_kiosk
    QString m_program;
    std::unique_ptr<HealthPublisher> m_publisher;
    std::unique_ptr<MaintenanceRunner> m_maintenance;
    DatabaseConfig m_config;
    Stage m_stage = Stage::Idle;
    int m_run = 0; // which start() a late result belongs to
    // Leaving: the pool's shutdown runs here, off the GUI thread.
    std::unique_ptr<QThread> m_shutDownThread;
    bool m_shuttingDown = false;
    bool m_terminating = false; // terminate(): the window is closing

    bool m_poolClosed = false;
    bool m_listenerClosed = false;
    bool m_shutDown = false;
};
