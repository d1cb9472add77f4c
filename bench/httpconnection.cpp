#include "bench/httpconnection.h"

#include <QByteArrayView>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

HttpConnection::HttpConnection(quint16 port, int timeoutMs)
    : m_port(port)
    , m_timeoutMs(timeoutMs)
{ }

HttpConnection::~HttpConnection()
{
    close();
}

bool HttpConnection::open(QString *error)
{
    close();
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        *error = QStringLiteral("socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout {m_timeoutMs / 1000, (m_timeoutMs % 1000) * 1000};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        *error = QStringLiteral("connect to 127.0.0.1:%1: %2")
                     .arg(m_port)
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        close();
        return false;
    }
    ++m_opened;
    return true;
}

void HttpConnection::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_buffer.clear();
}

HttpConnection::Response HttpConnection::request(const QByteArray &method, const QByteArray &path,
                                                 const Headers &headers, const QByteArray &body)
{
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "\r\n" + body;

    Response response;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = m_fd >= 0;
        if (!reused && !open(&response.error))
            return response;
        bool nothingRead = false;
        if (exchange(request, &response, &nothingRead))
            return response;
        close();
        // Only a kept-alive connection the server closed in the meantime is
        // tried again; a new one failing is the answer.
        if (!reused || !nothingRead)
            return response;
        response = Response();
    }
    return response;
}

bool HttpConnection::exchange(const QByteArray &request, Response *response, bool *nothingRead)
{
    *nothingRead = true;
    for (qsizetype sent = 0; sent < request.size();) {
        const ssize_t n
            = ::send(m_fd, request.constData() + sent, size_t(request.size() - sent), MSG_NOSIGNAL);
        if (n <= 0) {
            response->error = QStringLiteral("send: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        sent += n;
    }
    auto readMore = [&]() {
        char chunk[16384];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            m_buffer.append(chunk, n);
            *nothingRead = false;
            return true;
        }
        response->error = n == 0
            ? QStringLiteral("the server closed the connection")
            : QStringLiteral("recv: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    };
    qsizetype headEnd = -1;
    while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (!readMore())
            return false;
    }
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    const int status = statusLine.size() >= 2 ? statusLine[1].toInt() : 0;
    qsizetype length = -1;
    bool closeAfter = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "connection" && value.toLower() == "close")
            closeAfter = true;
        else if (name == "transfer-encoding" && value.toLower() != "identity") {
            response->error
                = QStringLiteral("unsupported Transfer-Encoding: %1").arg(QString::fromLatin1(value));
            *nothingRead = false;
            return false;
        }
    }
    if (status == 0 || length < 0) {
        response->error = QStringLiteral("not an HTTP answer with a Content-Length: %1")
                              .arg(QString::fromLatin1(lines.first().left(100)));
        *nothingRead = false;
        return false;
    }
    const qsizetype bodyStart = headEnd + 4;
    while (m_buffer.size() < bodyStart + length) {
        if (!readMore())
            return false;
    }
    response->status = status;
    response->body = m_buffer.mid(bodyStart, length);
    m_buffer.remove(0, bodyStart + length);
    if (closeAfter)
        close();
    return true;
}
