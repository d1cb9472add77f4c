#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>

#include <functional>

// The TCP side of carwash-server's HTTP server. Qt HttpServer 6.4 reads a
// whole request body into memory before any handler sees it, so this server
// reads each connection's request head itself first (peeking, without
// consuming) and turns away, before the body is read, a Content-Length over
// the limit (413) or a head too large (431); only then does it hand the
// connection to the HTTP server (addPendingConnection). A connection that
// sends no complete head in time is closed. Later requests on a kept-alive
// connection are checked by the handlers against the body they received.
class BoundedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    // method, path, status, milliseconds: a request turned away here, for the
    // request log.
    using Rejected = std::function<void(const QByteArray &, const QString &, int, qint64)>;

    static constexpr qint64 DefaultMaxBodyBytes = 1024 * 1024;
    static constexpr qint64 MaxHeadBytes = 32 * 1024;
    static constexpr int HeadTimeoutMs = 30000;
    // How long a refused connection is drained before it is closed.
    static constexpr int LingerMs = 5000;
    // Connections the kernel may hold accepted for this server while its
    // event loop is busy. Qt's default is 50: a burst of 50 clients arriving
    // together (a load balancer's, or wrk's) then overflowed it, and each
    // connection whose handshake the kernel dropped waited a second or more
    // for its retransmission. 1024, as nginx allows; the kernel caps it at
    // net.core.somaxconn.
    static constexpr int ListenBacklog = 1024;

    explicit BoundedTcpServer(qint64 maxBodyBytes, Rejected onRejected, QObject *parent = nullptr);

    // A smaller limit for the paths under pathPrefix ("/api/").
    void setBodyLimit(const QString &pathPrefix, qint64 maxBodyBytes);
    // The limit for path: the longest matching prefix's, else the server's.
    qint64 bodyLimit(const QString &path) const;

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void screen(QTcpSocket *socket);
    void reject(QTcpSocket *socket, const QByteArray &head, int status, const QByteArray &reason,
                const QString &message);
    void handOver(QTcpSocket *socket);

    qint64 m_maxBodyBytes;
    QList<QPair<QString, qint64>> m_pathLimits;
    Rejected m_onRejected;
    // Connections whose head is still being read, since when.
    QHash<QTcpSocket *, QElapsedTimer> m_screening;
};
