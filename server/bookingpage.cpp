#include "server/bookingpage.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QLoggingCategory>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcBookingPage, "carwash.server.page", QtInfoMsg)

namespace {

const QString ResourceDir = QStringLiteral(":/web");

QByteArray mimeTypeOf(const QString &name)
{
    if (name.endsWith(u".js"))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (name.endsWith(u".css"))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (name.endsWith(u".svg"))
        return QByteArrayLiteral("image/svg+xml");
    if (name.endsWith(u".html"))
        return QByteArrayLiteral("text/html; charset=utf-8");
    return QByteArrayLiteral("application/octet-stream");
}

} // namespace

BookingPage::BookingPage(RequestLog &log)
    : m_log(log)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QStringList names = QDir(ResourceDir).entryList(QDir::Files, QDir::Name);
    for (const QString &name : names) {
        QFile file(ResourceDir + u'/' + name);
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcBookingPage) << "cannot read the page's resource" << name;
            continue;
        }
        const QByteArray body = file.readAll();
        hash.addData(name.toUtf8());
        hash.addData(body);
        if (name == u"index.html")
            m_page = body;
        else
            m_assets.insert(name, Asset {mimeTypeOf(name), body});
    }
    m_version = QString::fromLatin1(hash.result().toHex().left(12));
    // The page names its assets "/web/NAME?v={{VERSION}}".
    m_page.replace("{{VERSION}}", m_version.toLatin1());
}

QByteArray BookingPage::contentSecurityPolicy()
{
    // Nothing but our own files and our own API; no inline script or style,
    // no plug-ins, no framing, forms posted nowhere else. The QR code is
    // drawn on a canvas (no image source needed beyond 'self').
    return QByteArrayLiteral("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                             "connect-src 'self'; base-uri 'none'; form-action 'self'; "
                             "frame-ancestors 'none'");
}

void BookingPage::addSecurityHeaders(HttpExchange &exchange)
{
    exchange.addHeader("Content-Security-Policy", contentSecurityPolicy());
    exchange.addHeader("X-Content-Type-Options", "nosniff");
    // The page's URL may carry a Checkout session id: told to no one.
    exchange.addHeader("Referrer-Policy", "no-referrer");
    exchange.addHeader("X-Frame-Options", "DENY");
    exchange.addHeader("Cross-Origin-Opener-Policy", "same-origin");
}

void BookingPage::addRoutes(QHttpServer &http)
{
    // HEAD as GET (headers only): uptime monitors ask the page that way.
    const QHttpServerRequest::Methods read = QHttpServerRequest::Method::Get | QHttpServerRequest::Method::Head;
    http.route(QStringLiteral("/"), read,
               [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                   answerPage(request, std::move(responder));
               });
    http.route(
        QStringLiteral("/web/<arg>"), read,
        [this](const QString &name, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            answerAsset(name, request, std::move(responder));
        });
}

void BookingPage::answerPage(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const auto exchange = HttpExchange::start(m_log, request, std::move(responder));
    addSecurityHeaders(*exchange);
    // Small and always fresh: it names the assets' current version.
    exchange->addHeader("Cache-Control", "no-store");
    exchange->respond(HttpExchange::Status::Ok, mimeTypeOf(QStringLiteral("index.html")), m_page);
}

void BookingPage::answerAsset(const QString &name, const QHttpServerRequest &request,
                              QHttpServerResponder &&responder)
{
    const auto exchange = HttpExchange::start(m_log, request, std::move(responder));
    addSecurityHeaders(*exchange);
    const auto asset = m_assets.constFind(name);
    if (asset == m_assets.cend()) {
        exchange->addHeader("Cache-Control", "no-store");
        exchange->respond(HttpExchange::Status::NotFound, QByteArrayLiteral("text/plain; charset=utf-8"),
                          QByteArrayLiteral("Not found\n"));
        return;
    }
    const bool current = QUrlQuery(request.url()).queryItemValue(QStringLiteral("v")) == m_version;
    exchange->addHeader("Cache-Control",
                        current ? QByteArrayLiteral("public, max-age=31536000, immutable")
                                : QByteArrayLiteral("no-cache"));
    exchange->addHeader("ETag", '"' + m_version.toLatin1() + '"');
    exchange->respond(HttpExchange::Status::Ok, asset->mimeType, asset->body);
}
