#include "server/requestlog.h"

#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QLoggingCategory>

// Each answered request, at info level so it is on by default.
Q_LOGGING_CATEGORY(lcHttpRequests, "carwash.server.requests", QtInfoMsg)

void RequestLog::end(const QByteArray &method, const QString &path, int status, qint64 elapsedMs)
{
    ++m_answered;
    qCInfo(lcHttpRequests).noquote() << QString::fromLatin1(method) << path << status << elapsedMs << "ms";
    if (m_inFlight > 0 && --m_inFlight == 0)
        Q_EMIT idle();
}

QByteArray RequestLog::methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

HttpExchange::HttpExchange(RequestLog &log, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder)
    : m_log(&log)
    , m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_method(RequestLog::methodName(request.method()))
    , m_path(request.url().path())
{
    m_clock.start();
    log.begin();
}

HttpExchange::~HttpExchange()
{
    if (!m_answered) {
        addHeader("Retry-After", "5");
        respondError(Status::ServiceUnavailable, QStringLiteral("unavailable"),
                     tr("The server is shutting down; try again in a moment."));
    }
}

void HttpExchange::respond(Status status, const QJsonObject &body)
{
    respond(status, QByteArrayLiteral("application/json"), QJsonDocument(body).toJson());
}

void HttpExchange::respond(Status status, const QByteArray &mimeType, const QByteArray &body)
{
    if (m_answered)
        return;
    m_answered = true;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_method == "HEAD") {
        // The headers a GET would have (its length included), no body
        // (RFC 9110, 9.3.2): what monitors and link checkers ask.
        m_responder.writeStatusLine(status);
        m_responder.writeHeader("Content-Type", mimeType);
        m_responder.writeHeader("Content-Length", QByteArray::number(body.size()));
        for (const auto &[name, value] : std::as_const(m_headers))
            m_responder.writeHeader(name, value);
        m_responder.writeBody(QByteArray());
        m_socket->flush();
    } else if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        QHttpServerResponse response(mimeType, body, status);
        for (const auto &[name, value] : std::as_const(m_headers))
            response.addHeader(name, value);
        response.write(std::move(m_responder));
        // Out now rather than on the next turn of the loop: a shutdown may
        // follow this answer at once.
        m_socket->flush();
    }
    if (m_log)
        m_log->end(m_method, m_path, int(status), m_clock.elapsed());
}

void HttpExchange::respondError(Status status, const QString &code, const QString &message)
{
    respond(
        status,
        QJsonObject {{QStringLiteral("error"),
                      QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}});
}
