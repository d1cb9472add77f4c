// The online API's door without a server: who the client is behind trusted
// proxies (and not behind others), IPv6 clients counted by /64, the token
// bucket's burst, refill and Retry-After on a clock the test sets, the limit
// off at rate 0, and CORS only for listed origins.
#include "server/api/apipolicy.h"

#include <QTest>

class TestApiPolicy : public QObject
{
    Q_OBJECT
private slots:
    void settingsAreReadFromTheSitesValues();
    void theClientIsTheFirstUntrustedHopFromTheRight();
    void ipv6ClientsCountBySlash64();
    void theBucketHoldsABurstAndRefillsAtTheRate();
    void rateZeroTurnsTheLimitOff();
    void onlyListedOriginsMayCall();

private:
    static ApiPolicy policy(const QMap<QString, QString> &values)
    {
        ApiPolicy p;
        p.setSettings(ApiSettings::fromValues(values));
        return p;
    }
};

void TestApiPolicy::settingsAreReadFromTheSitesValues()
{
    const ApiSettings s = ApiSettings::fromValues({{QStringLiteral("api.write_burst"), QStringLiteral("7")},
                                                   {QStringLiteral("api.write_rate_per_minute"), QStringLiteral("0")},
                                                   {QStringLiteral("api.cors_origins"), QStringLiteral("https://a.example * https://b.example:8443")},
                                                   {QStringLiteral("api.trusted_proxies"), QStringLiteral("10.0.0.0/8 ::1 nonsense")},
                                                   {QStringLiteral("booking.change_notice_minutes"), QStringLiteral("oops")}});
    QCOMPARE(s.writeBurst, 7);
    QCOMPARE(s.writeRatePerMinute, 0);
    // "*" is never taken, even if someone stored it by hand.
    QCOMPARE(s.corsOrigins, (QStringList {QStringLiteral("https://a.example"), QStringLiteral("https://b.example:8443")}));
    QCOMPARE(s.trustedProxies.size(), 2);
    QCOMPARE(s.changeNoticeMinutes, 120); // unreadable: the default
    const ApiSettings none = ApiSettings::fromValues({});
    QCOMPARE(none.writeBurst, 300);
    QCOMPARE(none.writeRatePerMinute, 30);
    QVERIFY(none.corsOrigins.isEmpty() && none.trustedProxies.isEmpty());
}

void TestApiPolicy::theClientIsTheFirstUntrustedHopFromTheRight()
{
    const ApiPolicy p = policy({{QStringLiteral("api.trusted_proxies"), QStringLiteral("10.0.0.0/8 192.0.2.7")}});
    // Not from a trusted proxy: the header is anyone's to forge.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("203.0.113.9")), "1.2.3.4"), QStringLiteral("203.0.113.9"));
    // From the proxy: the address it saw.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("10.1.2.3")), "198.51.100.20"), QStringLiteral("198.51.100.20"));
    // A chain: what the client wrote itself (the leftmost) is not believed
    // past the first hop our proxies did not add.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("10.1.2.3")), "6.6.6.6, 198.51.100.20, 192.0.2.7"),
             QStringLiteral("198.51.100.20"));
    // Every hop trusted: the leftmost.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("10.1.2.3")), "10.9.9.9, 192.0.2.7"), QStringLiteral("10.9.9.9"));
    // Garbage in the header: the proxy itself.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("10.1.2.3")), "not-an-address"), QStringLiteral("10.1.2.3"));
    // No header from a trusted proxy: the proxy.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("10.1.2.3")), QByteArray()), QStringLiteral("10.1.2.3"));
    // An IPv4 client on an IPv6 socket is the IPv4 address.
    QCOMPARE(p.clientOf(QHostAddress(QStringLiteral("::ffff:203.0.113.9")), QByteArray()), QStringLiteral("203.0.113.9"));
}

void TestApiPolicy::ipv6ClientsCountBySlash64()
{
    ApiPolicy p = policy({{QStringLiteral("api.write_burst"), QStringLiteral("2")},
                          {QStringLiteral("api.write_rate_per_minute"), QStringLiteral("1")}});
    const QString a = p.clientOf(QHostAddress(QStringLiteral("2001:db8:1:2::1")), QByteArray());
    const QString b = p.clientOf(QHostAddress(QStringLiteral("2001:db8:1:2:ffff::9")), QByteArray());
    const QString other = p.clientOf(QHostAddress(QStringLiteral("2001:db8:1:3::1")), QByteArray());
    QCOMPARE(a, b);
    QVERIFY(a != other);
    const QDateTime t = QDateTime::fromSecsSinceEpoch(1'000'000, Qt::UTC);
    QVERIFY(p.takeWrite(a, t).allowed);
    QVERIFY(p.takeWrite(b, t).allowed);
    QVERIFY(!p.takeWrite(a, t).allowed); // one bucket for the whole /64
    QVERIFY(p.takeWrite(other, t).allowed);
}

void TestApiPolicy::theBucketHoldsABurstAndRefillsAtTheRate()
{
    ApiPolicy p = policy({{QStringLiteral("api.write_burst"), QStringLiteral("3")},
                          {QStringLiteral("api.write_rate_per_minute"), QStringLiteral("6")}}); // one per 10 s
    const QDateTime t = QDateTime::fromSecsSinceEpoch(2'000'000, Qt::UTC);
    for (int i = 0; i < 3; ++i)
        QVERIFY(p.takeWrite(QStringLiteral("c"), t).allowed);
    const ApiPolicy::Verdict refused = p.takeWrite(QStringLiteral("c"), t);
    QVERIFY(!refused.allowed);
    QCOMPARE(refused.retryAfterSeconds, 10);
    // 4 s later: 6 s still to wait.
    QCOMPARE(p.takeWrite(QStringLiteral("c"), t.addSecs(4)).retryAfterSeconds, 6);
    // 10 s after the burst: exactly one more.
    QVERIFY(p.takeWrite(QStringLiteral("c"), t.addSecs(10)).allowed);
    QVERIFY(!p.takeWrite(QStringLiteral("c"), t.addSecs(10)).allowed);
    // A long pause refills to the burst, never beyond.
    for (int i = 0; i < 3; ++i)
        QVERIFY(p.takeWrite(QStringLiteral("c"), t.addSecs(3600)).allowed);
    QVERIFY(!p.takeWrite(QStringLiteral("c"), t.addSecs(3600)).allowed);
    // Another client has its own bucket.
    QVERIFY(p.takeWrite(QStringLiteral("d"), t.addSecs(3600)).allowed);
}

void TestApiPolicy::rateZeroTurnsTheLimitOff()
{
    ApiPolicy p = policy({{QStringLiteral("api.write_burst"), QStringLiteral("1")},
                          {QStringLiteral("api.write_rate_per_minute"), QStringLiteral("0")}});
    const QDateTime t = QDateTime::fromSecsSinceEpoch(3'000'000, Qt::UTC);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(p.takeWrite(QStringLiteral("c"), t).allowed);
}

void TestApiPolicy::onlyListedOriginsMayCall()
{
    const ApiPolicy p = policy({{QStringLiteral("api.cors_origins"), QStringLiteral("https://shop.example")}});
    QCOMPARE(p.allowedOrigin("https://shop.example"), QStringLiteral("https://shop.example"));
    QVERIFY(p.allowedOrigin("https://shop.example.evil.test").isEmpty());
    QVERIFY(p.allowedOrigin("http://shop.example").isEmpty());
    QVERIFY(p.allowedOrigin("null").isEmpty());
    QVERIFY(policy({}).allowedOrigin("https://shop.example").isEmpty());
}

QTEST_GUILESS_MAIN(TestApiPolicy)
#include "tst_apipolicy.moc"
