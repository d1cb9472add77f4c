#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

// One kept-alive HTTP/1.1 connection to 127.0.0.1:port over a plain
// blocking socket, for a benchmark's client threads (no event loop, one
// thread each). A request on a reused connection the server had closed
// meanwhile is sent again once on a new one, as HTTP clients do (Stripe
// delivers again too); reconnects() counts every connection opened after the
// first.
class HttpConnection
{
public:
    struct Response
    {
        int status = 0; // 0: no answer (error says why)
        QByteArray body;
        QString error;
    };
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit HttpConnection(quint16 port, int timeoutMs = 30000);
    ~HttpConnection();
    HttpConnection(const HttpConnection &) = delete;
    HttpConnection &operator=(const HttpConnection &) = delete;

    Response request(const QByteArray &method, const QByteArray &path, const Headers &headers = {},
                     const QByteArray &body = {});
    int reconnects() const { return m_opened > 0 ? m_opened - 1 : 0; }

private:
    bool open(QString *error);
    void close();
    // false when the connection broke before any byte of the answer came.
    bool exchange(const QByteArray &request, Response *response, bool *nothingRead);

    const quint16 m_port;
    const int m_timeoutMs;
    int m_fd = -1;
    int m_opened = 0;
    QByteArray m_buffer;
};
