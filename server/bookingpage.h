#pragma once

#include "server/requestlog.h"

#include <QByteArray>
#include <QHash>
#include <QString>

class QHttpServer;

// The booking page customers use on their phones (resources/web/): GET /
// the page, GET /web/NAME its scripts, style and icon, all from the
// program's resources. Every answer carries a strict Content-Security-Policy
// (no inline script, nothing from elsewhere, no framing), nosniff and
// Referrer-Policy. The page is never cached; an asset is cached for a year
// when asked for with the current version (?v=, a hash of all the assets, which
// the page's links carry), and revalidated otherwise. Lives on the server's
// thread; reads its resources once.
class BookingPage
{
public:
    explicit BookingPage(RequestLog &log);

    // Adds the page's routes to http.
    void addRoutes(QHttpServer &http);

    // The assets' version, as the page's links carry it.
    QString version() const { return m_version; }
    static QByteArray contentSecurityPolicy();

private:
    struct Asset
    {
        QByteArray mimeType;
        QByteArray body;
    };
    void answerPage(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerAsset(const QString &name, const QHttpServerRequest &request,
                     QHttpServerResponder &&responder);
    static void addSecurityHeaders(HttpExchange &exchange);

    RequestLog &m_log;
    QHash<QString, Asset> m_assets; // by file name
    QByteArray m_page;
    QString m_version;
};
