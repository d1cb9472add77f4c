#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

// The requests carwash-server is answering, counted so a graceful shutdown
// can wait for the last one, and logged one line each when answered:
// method, path, status, duration. Never a query string, header or body
// (they may carry secrets or card data). Lives on the server's thread.
class RequestLog : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    void begin() { ++m_inFlight; }
    void end(const QByteArray &method, const QString &path, int status, qint64 elapsedMs);
    int inFlight() const { return m_inFlight; }
    qint64 answered() const { return m_answered; }

    static QByteArray methodName(QHttpServerRequest::Method method);

Q_SIGNALS:
    // The count of requests being answered fell to zero.
    void idle();

private:
    int m_inFlight = 0;
    qint64 m_answered = 0;
};

// One request, answered now or later (after a unit of work on the pool) from
// the server's thread, exactly once: a client that hung up meanwhile leaves
// nothing to write to and is only logged. An exchange dropped unanswered
// (its work was cancelled by a pool shutting down) answers 503, so no
// request is left hanging and the in-flight count always comes down.
class HttpExchange
{
    Q_DECLARE_TR_FUNCTIONS(HttpExchange)
public:
    using Status = QHttpServerResponder::StatusCode;

    HttpExchange(RequestLog &log, const QHttpServerRequest &request, QHttpServerResponder &&responder);
    ~HttpExchange();
    HttpExchange(const HttpExchange &) = delete;
    HttpExchange &operator=(const HttpExchange &) = delete;

    static std::shared_ptr<HttpExchange> start(RequestLog &log, const QHttpServerRequest &request,
                                               QHttpServerResponder &&responder)
    {
        return std::make_shared<HttpExchange>(log, request, std::move(responder));
    }

    // A header to send with the answer, whichever it is (CORS, security
    // headers, Retry-After); set before answering.
    void addHeader(const QByteArray &name, const QByteArray &value) { m_headers.append({name, value}); }

    void respond(Status status, const QJsonObject &body);
    void respond(Status status, const QByteArray &mimeType, const QByteArray &body);
    // {"error": {"code": code, "message": message}}
    void respondError(Status status, const QString &code, const QString &message);
    bool isAnswered() const { return m_answered; }

private:
    QPointer<RequestLog> m_log;
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_method;
    QString m_path;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QElapsedTimer m_clock;
    bool m_answered = false;
};
