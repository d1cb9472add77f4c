// Stripe-Signature as Stripe writes it: HMAC-SHA256 keyed by the whole
// whsec_ secret over "t.body", every v1 against every secret, 300 s either
// side; and the same verdicts as Stripe's own npm package.
#include "payments/webhooksignature.h"

#include <QDateTime>
#include <QProcess>
#include <QTemporaryDir>
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

    // Against Stripe's official npm package (tests/npm, scripts/setup-npm.sh).
    void ourVerifierAcceptsWhatStripesLibrarySigns();
    void stripesLibraryAcceptsWhatWeSign();

private:
    struct NodeRun
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    NodeRun runNode(const QString &script, const QStringList &arguments);
    QString writePayload(const QByteArray &bytes);

    QTemporaryDir m_dir;
    int m_files = 0;
};

void TestWebhookSignature::signatureIsHmacSha256OfTimestampDotBody()
{
    QCOMPARE(WebhookSignature::signatureHex(Body, Secret, T), Expected);
    QCOMPARE(WebhookSignature::sign(Body, Secret, T), "t=1767225600,v1=" + Expected);
}

void TestWebhookSignature::signHeaderHasOneV1PerSecret()
{
    const QByteArray header = WebhookSignature::sign(Body, QStringList {Secret, OtherSecret}, T);
    QCOMPARE(header,
             "t=1767225600,v1=" + Expected + ",v1=" + WebhookSignature::signatureHex(Body, OtherSecret, T));
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
    QTest::newRow("body changed by one byte")
        << good << QByteArray(R"({"id":"evt_2","object":"event"})") << int(Outcome::NoMatch);
    QTest::newRow("body re-serialised")
        << good << QByteArray(R"({"id": "evt_1", "object": "event"})") << int(Outcome::NoMatch);
    QTest::newRow("t changed") << "t=1767225601,v1=" + Expected << Body << int(Outcome::NoMatch);
    QTest::newRow("upper-case hex") << "t=1767225600,v1=" + Expected.toUpper() << Body
                                    << int(Outcome::NoMatch);
    QTest::newRow("truncated signature")
        << "t=1767225600,v1=" + Expected.left(63) << Body << int(Outcome::NoMatch);
    QTest::newRow("signed with another secret")
        << "t=1767225600,v1=" + WebhookSignature::signatureHex(Body, QStringLiteral("whsec_attacker"), T)
        << Body << int(Outcome::NoMatch);
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
    QVERIFY(
        WebhookSignature::verify("t=1767225600,v1=" + wrong + ",v1=" + other, Body, {Secret, OtherSecret}, T)
            .isValid());
    QVERIFY(WebhookSignature::verify("t=1767225600,v1=" + other, Body, {Secret, OtherSecret}, T).isValid());
    QVERIFY(WebhookSignature::verify("t=1767225600,v1=" + Expected + ",v1=" + wrong, Body,
                                     {OtherSecret, Secret}, T)
                .isValid());
    QCOMPARE(WebhookSignature::verify("t=1767225600,v1=" + other, Body, {Secret}, T).outcome,
             Outcome::NoMatch);
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
            QVERIFY2(!log.contains(u"whsec_") && !log.contains(QString::fromLatin1(Expected)),
                     qPrintable(log));
        }
    }
}

TestWebhookSignature::NodeRun TestWebhookSignature::runNode(const QString &script,
                                                            const QStringList &arguments)
{
    QProcess node;
    node.start(QStringLiteral(CARWASH_NODE),
               QStringList {QStringLiteral(CARWASH_NPM_DIR "/") + script} + arguments);
    NodeRun run;
    if (!node.waitForFinished(60000)) {
        node.kill();
        node.waitForFinished();
        run.err = "node did not finish: " + node.errorString().toUtf8();
        return run;
    }
    run.exitCode = node.exitStatus() == QProcess::NormalExit ? node.exitCode() : -1;
    run.out = node.readAllStandardOutput().trimmed();
    run.err = node.readAllStandardError().trimmed();
    return run;
}

QString TestWebhookSignature::writePayload(const QByteArray &bytes)
{
    const QString path = m_dir.filePath(QStringLiteral("payload-%1.json").arg(++m_files));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

namespace {

// A realistic event: nested, non-ASCII, with characters JSON escapes.
const QByteArray EventBody
    = R"({"id":"evt_crosscheck_1","object":"event","api_version":"2020-08-27",)"
      R"("created":1767225600,"type":"checkout.session.completed","data":{"object":)"
      R"({"id":"cs_test_1","object":"checkout.session","client_reference_id":"CW-7Q2",)"
      R"("metadata":{"note":"Wäsche \"premium\" – 5 €"},"amount_total":2975}}})"
      "\n";

} // namespace

void TestWebhookSignature::ourVerifierAcceptsWhatStripesLibrarySigns()
{
    QVERIFY(m_dir.isValid());
    const QString payload = writePayload(EventBody);
    QVERIFY(!payload.isEmpty());
    const QStringList secrets {Secret, OtherSecret};
    for (const QString &secret : secrets) {
        const NodeRun signed_ = runNode(QStringLiteral("sign.mjs"), {payload, secret, QString::number(T)});
        QVERIFY2(signed_.exitCode == 0, signed_.err.constData());
        QVERIFY2(signed_.out.startsWith("t=1767225600,v1="), signed_.out.constData());
        const WebhookSignature::Result result
            = WebhookSignature::verify(signed_.out, EventBody, secrets, T + 5);
        QVERIFY2(result.isValid(), qPrintable(result.logText));
        // The same header is still judged: another secret, a changed body, too late.
        QCOMPARE(WebhookSignature::verify(signed_.out, EventBody, {QStringLiteral("whsec_x")}, T).outcome,
                 Outcome::NoMatch);
        QCOMPARE(WebhookSignature::verify(signed_.out, EventBody + " ", secrets, T).outcome,
                 Outcome::NoMatch);
        QCOMPARE(WebhookSignature::verify(signed_.out, EventBody, secrets, T + 301).outcome, Outcome::Stale);
        // Byte for byte what we would have written.
        QCOMPARE(signed_.out, WebhookSignature::sign(EventBody, secret, T));
    }
}

void TestWebhookSignature::stripesLibraryAcceptsWhatWeSign()
{
    QVERIFY(m_dir.isValid());
    const QString payload = writePayload(EventBody);
    QVERIFY(!payload.isEmpty());
    const qint64 now = QDateTime::currentSecsSinceEpoch(); // the library checks against its clock
    // One secret, and a rotation's two: the library accepts either secret.
    const QByteArray single = WebhookSignature::sign(EventBody, Secret, now);
    const QByteArray both = WebhookSignature::sign(EventBody, QStringList {OtherSecret, Secret}, now);
    for (const auto &[header, secret] :
         {std::pair {single, Secret}, std::pair {both, Secret}, std::pair {both, OtherSecret}}) {
        const NodeRun verified
            = runNode(QStringLiteral("verify.mjs"), {payload, QString::fromLatin1(header), secret});
        QVERIFY2(verified.exitCode == 0, verified.err.constData());
        QCOMPARE(verified.out, QByteArray("evt_crosscheck_1"));
    }
    // And it refuses ours where it should: the wrong secret, a stale timestamp.
    const NodeRun wrongSecret = runNode(QStringLiteral("verify.mjs"),
                                        {payload, QString::fromLatin1(single), QStringLiteral("whsec_x")});
    QVERIFY2(wrongSecret.exitCode == 1, wrongSecret.err.constData());
    const QByteArray old = WebhookSignature::sign(EventBody, Secret, now - 3600);
    const NodeRun stale = runNode(QStringLiteral("verify.mjs"), {payload, QString::fromLatin1(old), Secret});
    QVERIFY2(stale.exitCode == 1, stale.err.constData());
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
