#include "server/api/apipolicy.h"

#include <QHttpServerRequest>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

ApiSettings ApiSettings::fromValues(const QMap<QString, QString> &values)
{
    ApiSettings s;
    auto number = [&values](const char *key, int fallback, int minimum) {
        bool ok = false;
        const int value = values.value(QLatin1String(key)).toInt(&ok);
        return ok && value >= minimum ? value : fallback;
    };
    s.writeBurst = number("api.write_burst", s.writeBurst, 1);
    s.writeRatePerMinute = number("api.write_rate_per_minute", s.writeRatePerMinute, 0);
    s.changeNoticeMinutes = number("booking.change_notice_minutes", s.changeNoticeMinutes, 0);
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString &origin : values.value(QStringLiteral("api.cors_origins")).split(separators, Qt::SkipEmptyParts)) {
        if (origin != u"*")
            s.corsOrigins << origin;
    }
    for (const QString &entry : values.value(QStringLiteral("api.trusted_proxies")).split(separators, Qt::SkipEmptyParts)) {
        const QPair<QHostAddress, int> subnet = entry.contains(u'/')
            ? QHostAddress::parseSubnet(entry)
            : qMakePair(QHostAddress(entry), QHostAddress(entry).protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
        if (!subnet.first.isNull())
            s.trustedProxies << subnet;
    }
    return s;
}

namespace {

// One bucket per IPv4 address, one per IPv6 /64 (a single customer's line
// is given a whole /64, so one address each would let one client be
// thousands).
QString bucketKey(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

} // namespace

void ApiPolicy::setSettings(const ApiSettings &settings)
{
    m_settings = settings;
}

bool ApiPolicy::trusted(const QHostAddress &address) const
{
    return std::any_of(m_settings.trustedProxies.cbegin(), m_settings.trustedProxies.cend(),
                       [&address](const QPair<QHostAddress, int> &subnet) { return address.isInSubnet(subnet); });
}

QString ApiPolicy::clientOf(const QHttpServerRequest &request) const
{
    return clientOf(request.remoteAddress(), request.value("X-Forwarded-For"));
}

QString ApiPolicy::clientOf(QHostAddress peer, const QByteArray &forwarded) const
{
    if (peer.protocol() == QAbstractSocket::IPv6Protocol) {
        bool mapped = false;
        const quint32 v4 = peer.toIPv4Address(&mapped);
        if (mapped)
            peer = QHostAddress(v4);
    }
    if (!trusted(peer))
        return bucketKey(peer);
    // From the right: each hop a trusted proxy added; the first untrusted
    // one is the client. Every entry trusted: the leftmost.
    const QList<QByteArray> hops = forwarded.split(',');
    QHostAddress client = peer;
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        const QHostAddress hop(QString::fromLatin1(hops[i].trimmed()));
        if (hop.isNull())
            break; // not an address: stop at what we know
        client = hop;
        if (!trusted(hop))
            break;
    }
    return bucketKey(client);
}

QString ApiPolicy::allowedOrigin(const QByteArray &origin) const
{
    const QString text = QString::fromLatin1(origin).trimmed();
    return m_settings.corsOrigins.contains(text, Qt::CaseInsensitive) ? text : QString();
}

ApiPolicy::Verdict ApiPolicy::takeWrite(const QString &client, const QDateTime &now)
{
    if (m_settings.writeRatePerMinute == 0)
        return {};
    const double perSecond = m_settings.writeRatePerMinute / 60.0;
    auto it = m_buckets.find(client);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= MaxClients)
            forgetFullBuckets(now);
        it = m_buckets.insert(client, Bucket {double(m_settings.writeBurst), now});
    } else {
        it->tokens = refilled(*it, now);
        it->at = now;
    }
    if (it->tokens >= 1) {
        it->tokens -= 1;
        return {};
    }
    return {false, std::max(1, int(std::ceil((1 - it->tokens) / perSecond)))};
}

double ApiPolicy::refilled(const Bucket &bucket, const QDateTime &now) const
{
    const double seconds = std::max<qint64>(0, bucket.at.msecsTo(now)) / 1000.0;
    return std::min<double>(m_settings.writeBurst, bucket.tokens + seconds * m_settings.writeRatePerMinute / 60.0);
}

void ApiPolicy::forgetFullBuckets(const QDateTime &now)
{
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (refilled(*it, now) >= m_settings.writeBurst)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}
