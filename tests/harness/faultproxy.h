#pragma once

#include "db/config/databaseconfig.h"

#include <QString>
#include <QThread>

#include <memory>

class PgTestCluster;
class FaultProxyEngine;

// A TCP proxy between the programs under test and a PgTestCluster that fails
// the way real networks do: slow, silently dead (no RST ever arrives, as when
// Wi-Fi or a NAT's state goes) or reset. Listens on 127.0.0.1 on a free port
// and forwards to the cluster's port. Runs on a thread of its own with its
// own event loop, so it keeps forwarding while the test thread blocks.
// Every function may be called from any thread but the proxy's own; a mode
// change is in force when the call returns.
class FaultProxy
{
public:
    enum class Mode {
        Pass, // forward everything
        Delay, // forward each chunk delayMs after it arrived, both ways, in order
        Blackhole, // forward nothing more either way; sockets stay open; new
                   // connections are accepted and wait (forwarded once healed)
        Reset, // abort every open connection with a RST both ways; new
               // connections are reset as soon as they are accepted
    };

    struct Counters
    {
        qint64 accepted = 0; // client connections accepted since start
        qint64 bytesToServer = 0; // forwarded client -> server
        qint64 bytesToClient = 0; // forwarded server -> client
        int open = 0; // client connections open now
    };

    explicit FaultProxy(const PgTestCluster &cluster);
    ~FaultProxy();
    FaultProxy(const FaultProxy &) = delete;
    FaultProxy &operator=(const FaultProxy &) = delete;

    // Starts the thread and listens; the cluster must have been started once
    // (its port is known). Begins in Pass.
    bool start(QString *error = nullptr);
    // Drops every connection and stops the thread. Called by the destructor.
    void stop();

    void setMode(Mode mode, int delayMs = 0);
    void pass() { setMode(Mode::Pass); }
    void delay(int delayMs) { setMode(Mode::Delay, delayMs); }
    void blackhole() { setMode(Mode::Blackhole); }
    void reset() { setMode(Mode::Reset); }
    Mode mode() const;

    Counters counters() const;
    int port() const { return m_port; }

    // The cluster's config and URL with the proxy's port in place of the
    // server's: what a program under test connects through.
    DatabaseConfig config(const QString &applicationName = {}) const;
    QString url() const;

private:
    const PgTestCluster &m_cluster;
    QThread m_thread;
    FaultProxyEngine *m_engine = nullptr; // lives on m_thread
    int m_port = 0;
};
