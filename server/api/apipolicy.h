#pragma once

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

class QHttpServerRequest;

// What the site's settings say about the public API, read from
// site_settings (the api.* keys and booking.change_notice_minutes).
struct ApiSettings
{
    int writeBurst = 300;
    int writeRatePerMinute = 30; // 0: no limit
    QStringList corsOrigins; // exact origins; never "*"
    QList<QPair<QHostAddress, int>> trustedProxies;
    int changeNoticeMinutes = 120;

    // Unreadable values (edited by hand) keep their defaults.
    static ApiSettings fromValues(const QMap<QString, QString> &values);
};

// The public API's guard at the door: who the client is (its address, or
// X-Forwarded-For's last untrusted hop when the connection comes from a
// trusted proxy), whether its page's origin may call us (CORS), and a token
// bucket per client for writes: writeBurst at once, refilled at
// writeRatePerMinute. Reads and the webhook are never limited. Lives on the
// server's thread.
class ApiPolicy
{
public:
    struct Verdict
    {
        bool allowed = true;
        int retryAfterSeconds = 0; // when not allowed
    };

    // Buckets kept at most; beyond, full buckets are forgotten (a full
    // bucket and no bucket are the same to its client).
    static constexpr int MaxClients = 100000;

    void setSettings(const ApiSettings &settings);
    const ApiSettings &settings() const { return m_settings; }

    // The client a request counts against: an IPv4 address or an IPv6 /64.
    QString clientOf(const QHttpServerRequest &request) const;
    // The same from the connection's address and its X-Forwarded-For.
    QString clientOf(QHostAddress peer, const QByteArray &forwardedFor) const;
    // The Access-Control-Allow-Origin for a request from origin: origin
    // itself when listed, else empty (no header: the browser refuses).
    QString allowedOrigin(const QByteArray &origin) const;
    // Takes one write from client's bucket at now.
    Verdict takeWrite(const QString &client, const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    struct Bucket
    {
        double tokens = 0;
        QDateTime at;
    };
    bool trusted(const QHostAddress &address) const;
    // The bucket's tokens at now: refilled at the rate, never beyond the burst.
    double refilled(const Bucket &bucket, const QDateTime &now) const;
    void forgetFullBuckets(const QDateTime &now);

    ApiSettings m_settings;
    QHash<QString, Bucket> m_buckets;
};
