#pragma once

#include "db/config/databaseconfig.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

// Hears pg_notify() on a list of channels as it is committed anywhere:
// each one arrives as notification(channel, payload) on the owner's thread.
// carwash-server LISTENs 'payment_requests', desks 'bookings_changed' and
// 'payments_changed'.
//
// The LISTEN runs on a dedicated connection of its own, opened, used and
// closed on a thread of its own that runs an event loop, because QPSQL only
// delivers notifications while the thread owning the connection turns its
// loop. A lost connection (server stopped or restarted, network gone) is
// noticed by libpq's status, reported as listening == false and reopened
// with backoff; after each (re)subscription resyncNeeded() says that
// notifications may have been missed, so callers reload (or poll) once.
//
// PgBouncer in transaction pooling mode (config.pgbouncer) cannot carry a
// LISTEN (the server connection changes under it), so then nothing is
// opened, isSupported() is false and listening stays false: callers poll.
// stop() (and the destructor) close the connection on its own thread and
// join the thread, so no backend of ours is left on the server.
class NotificationListener : public QObject
{
    Q_OBJECT
public:
    // The listener's application_name: the program's with this suffix, so
    // operators see it apart from the pool's connections.
    static QString applicationNameSuffix() { return QStringLiteral("-listen"); }

    explicit NotificationListener(QStringList channels, QObject *parent = nullptr);
    ~NotificationListener() override;

    // Before start(): the first wait before reconnecting, doubled after each
    // failed attempt up to maxMs (with jitter, so many desks do not all
    // reconnect at once after a restart).
    void setReconnectDelays(int initialMs, int maxMs);
    // Before start(): how often the connection's libpq status is looked at.
    void setHealthCheckInterval(int milliseconds);

    // Starts the thread, which connects and subscribes to every channel.
    // Returns at once.
    void start(const DatabaseConfig &config);
    // Closes the connection on its thread and joins it. Idempotent. Waits at
    // most for a connect attempt under way (its connect timeout).
    void stop();
    // Asks the thread to close its connection and end, without waiting for
    // it (for leaving from the GUI thread); stopped() follows once it has,
    // at once when nothing runs.
    void requestStop();

    bool isRunning() const;
    bool isSupported() const { return m_supported; }
    bool isListening() const { return m_listening; }

Q_SIGNALS:
    // One notification, its payload as sent (often JSON; may be empty).
    void notification(const QString &channel, const QString &payload);
    void listeningChanged(bool listening);
    // Subscribed (again): notifications sent while not listening are lost,
    // so whatever depends on them should be loaded again.
    void resyncNeeded();
    // After requestStop(): the connection is closed and the thread gone.
    void stopped();

private:
    class Thread;
    class Session;
    void setListening(bool listening);

    const QStringList m_channels;
    std::unique_ptr<Thread> m_thread;
    int m_initialDelayMs = 500;
    int m_maxDelayMs = 5000;
    int m_checkIntervalMs = 500;
    bool m_supported = true;
    bool m_listening = false;
    bool m_stopRequested = false;
};
