#include "server/boundedtcpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

namespace {

// The end of the request head (CRLFCRLF, or bare LFs as Qt's parser also
// accepts), -1 while incomplete.
qsizetype headEnd(const QByteArray &data)
{
    const qsizetype crlf = data.indexOf("\r\n\r\n");
    const qsizetype lf = data.indexOf("\n\n");
    if (crlf < 0)
        return lf;
    return lf < 0 ? crlf : std::min(crlf, lf);
}

// The value of Content-Length in a request head; -1 when absent, -2 when it
// is not a number.
qint64 contentLength(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.left(colon).trimmed().toLower() != "content-length")
            continue;
        bool ok = false;
        const qint64 value = line.mid(colon + 1).trimmed().toLongLong(&ok);
        return ok && value >= 0 ? value : -2;
    }
    return -1;
}

// The path of the request line, without its query.
QString requestPath(const QByteArray &head)
{
    const QList<QByteArray> requestLine = head.left(head.indexOf('\n')).trimmed().split(' ');
    return QString::fromLatin1(requestLine.value(1).split('?').value(0));
}

// The API's error codes (docs/openapi.yaml) for what is turned away here.
QString errorCode(int status)
{
    return status == 400 ? QStringLiteral("invalid") : QStringLiteral("too_large");
}

} // namespace

BoundedTcpServer::BoundedTcpServer(qint64 maxBodyBytes, Rejected onRejected, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
    , m_onRejected(std::move(onRejected))
{
    setListenBacklogSize(ListenBacklog);
}

void BoundedTcpServer::setBodyLimit(const QString &pathPrefix, qint64 maxBodyBytes)
{
    m_pathLimits.append({pathPrefix, maxBodyBytes});
}

qint64 BoundedTcpServer::bodyLimit(const QString &path) const
{
    qint64 limit = m_maxBodyBytes;
    qsizetype longest = -1;
    for (const auto &[prefix, bytes] : m_pathLimits) {
        if (path.startsWith(prefix) && prefix.size() > longest) {
            longest = prefix.size();
            limit = bytes;
        }
    }
    return limit;
}

void BoundedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    QElapsedTimer clock;
    clock.start();
    m_screening.insert(socket, clock);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_screening.remove(socket); });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { screen(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (m_screening.contains(socket))
            socket->deleteLater();
    });
    QTimer::singleShot(HeadTimeoutMs, socket, [this, socket] {
        if (m_screening.contains(socket))
            socket->abort();
    });
}

void BoundedTcpServer::screen(QTcpSocket *socket)
{
    if (!m_screening.contains(socket))
        return;
    const QByteArray data = socket->peek(MaxHeadBytes + 1);
    const qsizetype end = headEnd(data);
    if (end < 0) {
        if (data.size() > MaxHeadBytes)
            reject(socket, data, 431, "Request Header Fields Too Large",
                   tr("The request's headers are larger than %1 bytes.").arg(MaxHeadBytes));
        return; // the rest of the head is still on its way
    }
    const QByteArray head = data.left(end);
    const qint64 length = contentLength(head);
    if (length == -2) {
        reject(socket, head, 400, "Bad Request", tr("The request's Content-Length is not a number."));
        return;
    }
    const qint64 limit = bodyLimit(requestPath(head));
    if (length > limit) {
        reject(socket, head, 413, "Payload Too Large", tr("The request body is larger than %1 bytes.").arg(limit));
        return;
    }
    handOver(socket);
}

void BoundedTcpServer::reject(QTcpSocket *socket, const QByteArray &head, int status,
                              const QByteArray &reason, const QString &message)
{
    const qint64 elapsedMs = m_screening.take(socket).elapsed();
    QObject::disconnect(socket, nullptr, this, nullptr);
    const QByteArray body
        = QJsonDocument(QJsonObject {{QStringLiteral("error"),
                                      QJsonObject {{QStringLiteral("code"), errorCode(status)},
                                                   {QStringLiteral("message"), message}}}})
              .toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                  + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    // A lingering close: closing with the body still arriving would make
    // the kernel reset the connection, and the client could lose the answer
    // before reading it. So what still comes is read and dropped until the
    // client, told "Connection: close", hangs up, or the time is up.
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(LingerMs, socket, [socket] { socket->abort(); });
    if (m_onRejected) {
        const QByteArray method = head.left(head.indexOf('\n')).trimmed().split(' ').value(0);
        m_onRejected(method, requestPath(head), status, elapsedMs);
    }
}

void BoundedTcpServer::handOver(QTcpSocket *socket)
{
    m_screening.remove(socket);
    QObject::disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    QObject::disconnect(socket, &QTcpSocket::disconnected, this, nullptr);
    // The HTTP server connects to the socket when told of it; the head it
    // must read is already here, so tell it to read once more.
    addPendingConnection(socket);
    QMetaObject::invokeMethod(socket, &QAbstractSocket::readyRead, Qt::QueuedConnection);
}
