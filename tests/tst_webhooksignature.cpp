// Stripe-Signature as Stripe writes it: HMAC-SHA256 keyed by the whole
// whsec_ secret over "t.body", every v1 against every secret, 300 s either
// side; and the same verdicts as Stripe's own npm package.
#include "payments/webhooksignature.h"

#include <QTest>

using Outcome = WebhookSignature::Outcome;

namespace {

const QByteArray Body = R"({"id":"evt_1","object":"event"})";
const qint64 T = 1767225600;
const QString Secret = QStringLiteral("whsec_test_secret");
const QString OtherSecret = QStringLiteral("whsec_other_secret");
// Python's hmac over the same bytes, an implementation of its own.
const QByteArray Expected = "238d47ccc3251152491130a4587f0a855c0e33e88993ce968255c6d168ef7601";

} // namespace

class TestWebhookSignature : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signatureIsHmacSha256OfTimestampDotBody();
    void signHeaderHasOneV1PerSecret();
    void verdicts_data();
    void verdicts();
    void everySignatureIsTriedAgainstEverySecret();
    void toleranceHoldsEitherSide_data();
    void toleranceHoldsEitherSide();
    void logTextNamesNoSecret();
};

void TestWebhookSignature::signatureIsHmacSha256OfTimestampDotBody()
{
    QCOMPARE(WebhookSignature::signatureHex(Body, Secret, T), Expected);
    QCOMPARE(WebhookSignature::sign(Body, Secret, T), "t=1767225600,v1=" + Expected);
}

void TestWebhookSignature::signHeaderHasOneV1PerSecret()
{
    const QByteArray header = WebhookSignature::sign(Body, QStringList {Secret, OtherSecret}, T);
    QCOMPARE(header, "t=1767225600,v1=" + Expected + ",v1=" + WebhookSignature::signatureHex(Body, OtherSecret, T));
    QVERIFY(WebhookSignature::signatureHex(Body, OtherSecret, T) != Expected);
}

void TestWebhookSignature::verdicts_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("outcome");
    const QByteArray good = "t=1767225600,v1=" + Expected;
    QTest::newRow("signed by Stripe") << good << Body << int(Outcome::Valid);
    QTest::newRow("spaces around items") << "t=1767225600, v1=" + Expected << Body << int(Outcome::Valid);
    QTest::newRow("v0 beside v1 ignored") << good + ",v0=deadbeef" << Body << int(Outcome::Valid);
    QTest::newRow("v1 before t") << "v1=" + Expected + ",t=1767225600" << Body << int(Outcome::Valid);
    QTest::newRow("no header") << QByteArray() << Body << int(Outcome::MissingHeader);
    QTest::newRow("blank header") << QByteArray("  ") << Body << int(Outcome::MissingHeader);
    QTest::newRow("no t") << "v1=" + Expected << Body << int(Outcome::Malformed);
    QTest::newRow("t not a number") << "t=soon,v1=" + Expected << Body << int(Outcome::Malformed);
    QTest::newRow("no v1") << QByteArray("t=1767225600") << Body << int(Outcome::Malformed);
    QTest::newRow("only v0") << "t=1767225600,v0=" + Expected << Body << int(Outcome::Malformed);
    QTest::newRow("garbage") << QByteArray("sha256=abc") << Body << int(Outcome::Malformed);
    QTest::newRow("body changed by one byte") << good << QByteArray(R"({"id":"evt_2","object":"event"})")
                                              << int(Outcome::NoMatch);
    QTest::newRow("body re-serialised") << good << QByteArray(R"({"id": "evt_1", "object": "event"})")
                                        << int(Outcome::NoMatch);
    QTest::newRow("t changed") << "t=1767225601,v1=" + Expected << Body << int(Outcome::NoMatch);
    QTest::newRow("upper-case hex") << "t=1767225600,v1=" + Expected.toUpper() << Body << int(Outcome::NoMatch);
    QTest::newRow("truncated signature") << "t=1767225600,v1=" + Expected.left(63) << Body << int(Outcome::NoMatch);
    QTest::newRow("signed with another secret")
        << "t=1767225600,v1=" + WebhookSignature::signatureHex(Body, QStringLiteral("whsec_attacker"), T) << Body
        << int(Outcome::NoMatch);
}

void TestWebhookSignature::verdicts()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, body);
    QFETCH(int, outcome);
    const WebhookSignature::Result result = WebhookSignature::verify(header, body, {Secret}, T + 10);
    QCOMPARE(int(result.outcome), outcome);
    QCOMPARE(result.isValid(), outcome == int(Outcome::Valid));
    QVERIFY(!result.logText.isEmpty());
}

void TestWebhookSignature::everySignatureIsTriedAgainstEverySecret()
{
    const QByteArray other = WebhookSignature::signatureHex(Body, OtherSecret, T);
    const QByteArray wrong = QByteArray(64, 'a');
    // During a rotation Stripe signs with both secrets; either one configured suffices.
    QVERIFY(WebhookSignature::verify("t=1767225600,v1=" + wrong + ",v1=" + other, Body, {Secret, OtherSecret}, T)
                .isValid());
    QVERIFY(WebhookSignature::verify("t=1767225600,v1=" + other, Body, {Secret, OtherSecret}, T).isValid());
    QVERIFY(WebhookSignature::verify("t=1767225600,v1=" + Expected + ",v1=" + wrong, Body, {OtherSecret, Secret}, T)
                .isValid());
    QCOMPARE(WebhookSignature::verify("t=1767225600,v1=" + other, Body, {Secret}, T).outcome, Outcome::NoMatch);
    // Nothing configured matches nothing.
    QCOMPARE(WebhookSignature::verify("t=1767225600,v1=" + Expected, Body, {}, T).outcome, Outcome::NoMatch);
}

void TestWebhookSignature::toleranceHoldsEitherSide_data()
{
    QTest::addColumn<qint64>("now");
    QTest::addColumn<int>("outcome");
    QTest::newRow("now") << T << int(Outcome::Valid);
    QTest::newRow("300 s later") << T + 300 << int(Outcome::Valid);
    QTest::newRow("301 s later: a replay") << T + 301 << int(Outcome::Stale);
    QTest::newRow("a day later") << T + 86400 << int(Outcome::Stale);
    QTest::newRow("300 s earlier") << T - 300 << int(Outcome::Valid);
    QTest::newRow("301 s earlier: from the future") << T - 301 << int(Outcome::Stale);
}

void TestWebhookSignature::toleranceHoldsEitherSide()
{
    QFETCH(qint64, now);
    QFETCH(int, outcome);
    const QByteArray header = WebhookSignature::sign(Body, Secret, T);
    const WebhookSignature::Result result = WebhookSignature::verify(header, Body, {Secret}, now);
    QCOMPARE(int(result.outcome), outcome);
    QCOMPARE(result.timestamp, T);
    // A stale header with a forged signature is a forgery first.
    const QByteArray forged = "t=1767225600,v1=" + QByteArray(64, '0');
    QCOMPARE(WebhookSignature::verify(forged, Body, {Secret}, now).outcome, Outcome::NoMatch);
    // A tolerance of its own.
    QCOMPARE(WebhookSignature::verify(header, Body, {Secret}, T + 60, 30).outcome, Outcome::Stale);
}

void TestWebhookSignature::logTextNamesNoSecret()
{
    const QByteArray header = WebhookSignature::sign(Body, OtherSecret, T);
    for (qint64 now : {T, T + 1000}) {
        for (const QStringList &secrets : {QStringList {Secret}, QStringList {OtherSecret}}) {
            const QString log = WebhookSignature::verify(header, Body, secrets, now).logText;
            QVERIFY2(!log.contains(u"whsec_") && !log.contains(QString::fromLatin1(Expected)), qPrintable(log));
        }
    }
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
