#include "tests/harness/faultproxy.h"

#include "tests/harness/pgtestcluster.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

#include <atomic>
#include <deque>
#include <list>

namespace {

// Makes close() send a RST instead of a FIN: what a crashed peer or a
// firewall's reject looks like to the other side.
void abortWithReset(QTcpSocket *socket)
{
    if (!socket)
        return;
    if (socket->socketDescriptor() >= 0) {
        const linger hard {1, 0};
        ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    socket->abort();
}

} // namespace

// The proxy's side on its own thread: the listening socket, the pairs of
// sockets and the delayed chunks. Only ever touched on that thread; the
// counters are atomics so the test thread may read them.
class FaultProxyEngine : public QObject
{
public:
    std::atomic<qint64> accepted {0};
    std::atomic<qint64> bytesToServer {0};
    std::atomic<qint64> bytesToClient {0};
    std::atomic<int> open {0};
    std::atomic<int> mode {int(FaultProxy::Mode::Pass)};

    bool listen(int targetPort, int *port, QString *error)
    {
        m_targetPort = targetPort;
        m_clock.start();
        m_server = new QTcpServer(this);
        m_flushTimer = new QTimer(this);
        m_flushTimer->setSingleShot(true);
        m_flushTimer->setTimerType(Qt::PreciseTimer);
        connect(m_flushTimer, &QTimer::timeout, this, &FaultProxyEngine::flushAll);
        connect(m_server, &QTcpServer::newConnection, this, &FaultProxyEngine::accept);
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            *error = m_server->errorString();
            return false;
        }
        *port = m_server->serverPort();
        return true;
    }

    void setMode(FaultProxy::Mode newMode, int delayMs)
    {
        mode = int(newMode);
        m_delayMs = std::max(0, delayMs);
        if (newMode == FaultProxy::Mode::Reset) {
            while (!m_links.empty())
                drop(m_links.front(), true);
            return;
        }
        if (newMode == FaultProxy::Mode::Blackhole)
            return;
        // Healed: connections accepted meanwhile reach the server now, and
        // what waited in the buffers moves on, as TCP's retransmission would.
        for (Link &link : m_links) {
            if (!link.server)
                connectUpstream(link);
            pump(link);
        }
        flushAll();
    }

    void shutdown()
    {
        while (!m_links.empty())
            drop(m_links.front(), true);
        if (m_server)
            m_server->close();
    }

private:
    struct Chunk
    {
        qint64 dueMs;
        QByteArray data;
    };
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
        std::deque<Chunk> toServer;
        std::deque<Chunk> toClient;
        bool serverConnected = false;
        bool clientClosed = false;
        bool serverClosed = false;
    };

    FaultProxy::Mode currentMode() const { return FaultProxy::Mode(mode.load()); }

    Link *find(const QTcpSocket *socket)
    {
        for (Link &link : m_links)
            if (link.client == socket || link.server == socket)
                return &link;
        return nullptr;
    }

    void accept()
    {
        while (QTcpSocket *client = m_server->nextPendingConnection()) {
            ++accepted;
            if (currentMode() == FaultProxy::Mode::Reset) {
                abortWithReset(client);
                client->deleteLater();
                continue;
            }
            ++open;
            m_links.emplace_back();
            Link &link = m_links.back();
            link.client = client;
            connect(client, &QTcpSocket::readyRead, this, [this, client] { onActivity(client); });
            // Queued: disconnectFromHost() emits disconnected() at once,
            // from inside flush(), which would then go on with a link this
            // handler dropped (ASan: heap-use-after-free in flush).
            connect(
                client, &QTcpSocket::disconnected, this,
                [this, alive = QPointer<QTcpSocket>(client)] {
                    if (Link *l = alive ? find(alive) : nullptr) {
                        l->clientClosed = true;
                        onActivity(alive);
                    }
                },
                Qt::QueuedConnection);
            if (currentMode() != FaultProxy::Mode::Blackhole)
                connectUpstream(link);
        }
    }

    void connectUpstream(Link &link)
    {
        auto *server = new QTcpSocket(this);
        link.server = server;
        connect(server, &QTcpSocket::connected, this, [this, server] {
            if (Link *l = find(server)) {
                l->serverConnected = true;
                onActivity(server);
            }
        });
        connect(server, &QTcpSocket::readyRead, this, [this, server] { onActivity(server); });
        connect(
            server, &QTcpSocket::disconnected, this,
            [this, alive = QPointer<QTcpSocket>(server)] {
                if (Link *l = alive ? find(alive) : nullptr) {
                    l->serverClosed = true;
                    onActivity(alive);
                }
            },
            Qt::QueuedConnection); // as the client's: never inside flush()
        connect(server, &QTcpSocket::errorOccurred, this, [this, server](QAbstractSocket::SocketError e) {
            // The server is down or refused: the client sees a reset, as it
            // would without the proxy.
            if (e == QAbstractSocket::RemoteHostClosedError)
                return; // disconnected() handles an orderly close
            if (Link *l = find(server))
                drop(*l, true);
        });
        server->connectToHost(QHostAddress::LocalHost, quint16(m_targetPort));
    }

    void onActivity(QTcpSocket *socket)
    {
        Link *link = find(socket);
        if (!link || currentMode() == FaultProxy::Mode::Blackhole)
            return; // bytes and closes wait in the sockets' buffers
        pump(*link);
        flush(*link);
    }

    // Moves what arrived into the queues, stamped with when it may go on.
    void pump(Link &link)
    {
        const qint64 due = m_clock.elapsed() + (currentMode() == FaultProxy::Mode::Delay ? m_delayMs : 0);
        if (link.client && link.client->bytesAvailable() > 0)
            link.toServer.push_back({due, link.client->readAll()});
        if (link.server && link.server->bytesAvailable() > 0)
            link.toClient.push_back({due, link.server->readAll()});
    }

    void flushAll()
    {
        if (currentMode() == FaultProxy::Mode::Blackhole)
            return;
        // flush() may drop a link; walk over a snapshot of the sockets.
        QList<QPointer<QTcpSocket>> clients;
        for (const Link &link : m_links)
            clients << link.client;
        for (const QPointer<QTcpSocket> &client : clients) {
            if (Link *link = client ? find(client) : nullptr)
                flush(*link);
        }
    }

    void flush(Link &link)
    {
        if (currentMode() == FaultProxy::Mode::Blackhole)
            return;
        const qint64 now = m_clock.elapsed();
        qint64 nextDue = -1;
        if (link.serverConnected && link.server) {
            while (!link.toServer.empty() && link.toServer.front().dueMs <= now) {
                bytesToServer += std::max<qint64>(0, link.server->write(link.toServer.front().data));
                link.toServer.pop_front();
            }
        }
        if (link.client) {
            while (!link.toClient.empty() && link.toClient.front().dueMs <= now) {
                bytesToClient += std::max<qint64>(0, link.client->write(link.toClient.front().data));
                link.toClient.pop_front();
            }
        }
        if (!link.toServer.empty())
            nextDue = link.toServer.front().dueMs;
        if (!link.toClient.empty())
            nextDue
                = nextDue < 0 ? link.toClient.front().dueMs : std::min(nextDue, link.toClient.front().dueMs);
        if (nextDue >= 0) {
            const int wait = int(std::max<qint64>(0, nextDue - now));
            if (!m_flushTimer->isActive() || m_flushTimer->remainingTime() > wait)
                m_flushTimer->start(wait);
        }
        // A close travels after the bytes sent before it.
        const bool clientDone = link.clientClosed && link.toServer.empty();
        const bool serverDone = link.serverClosed && link.toClient.empty();
        if (clientDone && link.server && link.server->state() == QAbstractSocket::ConnectedState)
            link.server->disconnectFromHost();
        if (serverDone && link.client && link.client->state() == QAbstractSocket::ConnectedState)
            link.client->disconnectFromHost();
        if ((clientDone || !link.client) && (serverDone || !link.server || !link.serverConnected))
            drop(link, false);
    }

    void drop(Link &link, bool hard)
    {
        for (QTcpSocket *socket : {link.client.data(), link.server.data()}) {
            if (!socket)
                continue;
            disconnect(socket, nullptr, this, nullptr);
            if (hard)
                abortWithReset(socket);
            else
                socket->disconnectFromHost();
            socket->deleteLater();
        }
        --open;
        for (auto it = m_links.begin(); it != m_links.end(); ++it) {
            if (&*it == &link) {
                m_links.erase(it);
                break;
            }
        }
    }

    QTcpServer *m_server = nullptr;
    QTimer *m_flushTimer = nullptr;
    QElapsedTimer m_clock;
    std::list<Link> m_links;
    int m_targetPort = 0;
    int m_delayMs = 0;
};

FaultProxy::FaultProxy(const PgTestCluster &cluster)
    : m_cluster(cluster)
{
    m_thread.setObjectName(QStringLiteral("FaultProxy"));
}

FaultProxy::~FaultProxy()
{
    stop();
}

bool FaultProxy::start(QString *error)
{
    if (m_engine)
        return true;
    if (m_cluster.port() <= 0) {
        if (error)
            *error = QStringLiteral("FaultProxy: the cluster has no port yet; start it first");
        return false;
    }
    m_engine = new FaultProxyEngine;
    m_engine->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.start();
    bool ok = false;
    QString why;
    int port = 0;
    const int target = m_cluster.port();
    QMetaObject::invokeMethod(
        m_engine, [&, engine = m_engine] { ok = engine->listen(target, &port, &why); },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = QStringLiteral("FaultProxy: cannot listen: ") + why;
        stop();
        return false;
    }
    m_port = port;
    return true;
}

void FaultProxy::stop()
{
    if (!m_engine)
        return;
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine] { engine->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_engine = nullptr; // deleted on the thread's finished()
}

void FaultProxy::setMode(Mode mode, int delayMs)
{
    if (!m_engine)
        return;
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, mode, delayMs] { engine->setMode(mode, delayMs); },
        Qt::BlockingQueuedConnection);
}

FaultProxy::Mode FaultProxy::mode() const
{
    return m_engine ? Mode(m_engine->mode.load()) : Mode::Pass;
}

FaultProxy::Counters FaultProxy::counters() const
{
    Counters c;
    if (!m_engine)
        return c;
    c.accepted = m_engine->accepted.load();
    c.bytesToServer = m_engine->bytesToServer.load();
    c.bytesToClient = m_engine->bytesToClient.load();
    c.open = m_engine->open.load();
    return c;
}

DatabaseConfig FaultProxy::config(const QString &applicationName) const
{
    DatabaseConfig c = m_cluster.config(applicationName);
    c.host = QStringLiteral("127.0.0.1");
    c.port = m_port;
    return c;
}

QString FaultProxy::url() const
{
    const DatabaseConfig c = config();
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(c.user).arg(m_port).arg(c.database);
}
