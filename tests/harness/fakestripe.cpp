#include "tests/harness/fakestripe.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

namespace {

QByteArray formEncode(const FakeStripe::Form &form)
{
    QByteArray out;
    for (const auto &[key, value] : form) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

QString segment(const QString &id)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(id));
}

} // namespace

FakeStripe::FakeStripe()
{
    // The fake's own errors (a bug in it) show in the test's output.
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
}

FakeStripe::~FakeStripe()
{
    stop();
}

bool FakeStripe::start(QString *error, int seed)
{
    QString ignored;
    QString &message = error ? *error : ignored;
    if (isRunning())
        return true;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        message = QStringLiteral("node is not on PATH; scripts/setup-deps.sh installs it");
        return false;
    }
    QStringList args {QStringLiteral(CARWASH_FAKE_STRIPE_SCRIPT), QStringLiteral("--port"),
                      QStringLiteral("0")};
    if (seed >= 0)
        args << QStringLiteral("--seed") << QString::number(seed);
    m_process.start(node, args);
    if (!m_process.waitForStarted(kStartTimeoutMs)) {
        message = QStringLiteral("cannot start %1: %2").arg(node, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(QStringLiteral("FAKE_STRIPE_LISTENING (\\d+)"));
    QByteArray out;
    const QDeadlineTimer deadline(kStartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))) && !isRunning())
            break;
        out += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            m_port = match.captured(1).toInt();
            return true;
        }
    }
    message = isRunning()
        ? QStringLiteral("the fake Stripe did not say it listens within %1 ms; it printed: %2")
              .arg(kStartTimeoutMs)
              .arg(QString::fromUtf8(out))
        : QStringLiteral("the fake Stripe ended at start (exit %1); it printed: %2")
              .arg(m_process.exitCode())
              .arg(QString::fromUtf8(out));
    stop();
    return false;
}

void FakeStripe::stop()
{
    if (!isRunning())
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    m_port = 0;
}

QUrl FakeStripe::apiBase() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QString FakeStripe::secretKey()
{
    return QStringLiteral("sk_test_carwashFakeStripeKey0000000000");
}

FakeStripe::Reply FakeStripe::send(const QByteArray &method, const QString &path, const QByteArray &body,
                                   const QByteArray &contentType, bool stripeAuth)
{
    Reply result;
    if (!isRunning()) {
        result.error = QStringLiteral("the fake Stripe is not running");
        return result;
    }
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    QUrl url = apiBase();
    const qsizetype query = path.indexOf(u'?');
    url.setPath(query < 0 ? path : path.left(query), QUrl::TolerantMode);
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (stripeAuth)
        request.setRawHeader("Authorization", "Bearer " + secretKey().toUtf8());
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(kTimeoutMs);
    if (!reply->isFinished())
        loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        result.error = QStringLiteral("%1 %2: no answer within %3 ms")
                           .arg(QString::fromLatin1(method), path)
                           .arg(kTimeoutMs);
    } else {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        if (result.status == 0)
            result.error
                = QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(method), path, reply->errorString());
    }
    reply->deleteLater();
    return result;
}

FakeStripe::Reply FakeStripe::call(const QByteArray &method, const QString &path, const Form &form)
{
    const bool hasBody = method != "GET";
    return send(method, path, hasBody ? formEncode(form) : QByteArray(),
                hasBody ? QByteArrayLiteral("application/x-www-form-urlencoded") : QByteArray(), true);
}

FakeStripe::Reply FakeStripe::control(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    const bool hasBody = method != "GET";
    return send(method, path, hasBody ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray(),
                hasBody ? QByteArrayLiteral("application/json") : QByteArray(), false);
}

bool FakeStripe::ok(const Reply &reply, const QString &what)
{
    if (reply.status == 200) {
        m_lastError.clear();
        return true;
    }
    m_lastError = reply.error.isEmpty()
        ? QStringLiteral("%1: HTTP %2 %3").arg(what).arg(reply.status).arg(QString::fromUtf8(reply.body))
        : QStringLiteral("%1: %2").arg(what, reply.error);
    return false;
}

bool FakeStripe::configureWebhook(const QUrl &url, const QStringList &secrets, double duplicateRate,
                                  int maxDelayMs, const QStringList &dropTypes)
{
    const QJsonObject body {
        {QStringLiteral("url"), url.toString()},
        {QStringLiteral("secrets"), QJsonArray::fromStringList(secrets)},
        {QStringLiteral("duplicateRate"), duplicateRate},
        {QStringLiteral("maxDelayMs"), maxDelayMs},
        {QStringLiteral("drop"), QJsonArray::fromStringList(dropTypes)},
    };
    return ok(control("POST", QStringLiteral("/_fake/webhook"), body),
              QStringLiteral("configure the webhook"));
}

bool FakeStripe::disableWebhook()
{
    return ok(control("POST", QStringLiteral("/_fake/webhook"), {{QStringLiteral("url"), QJsonValue::Null}}),
              QStringLiteral("turn the webhook off"));
}

bool FakeStripe::pay(const QString &sessionId, const QString &outcome)
{
    return ok(control("POST", QStringLiteral("/_fake/checkout_sessions/%1/pay").arg(segment(sessionId)),
                      {{QStringLiteral("outcome"), outcome}}),
              QStringLiteral("pay %1").arg(sessionId));
}

bool FakeStripe::addFault(const QString &match, const QString &kind, int times)
{
    const QJsonObject body {
        {QStringLiteral("match"), match}, {QStringLiteral("kind"), kind}, {QStringLiteral("times"), times}};
    return ok(control("POST", QStringLiteral("/_fake/faults"), body), QStringLiteral("add a fault"));
}

QString FakeStripe::registerReader(const QString &label)
{
    const Reply reply = call("POST", QStringLiteral("/v1/terminal/readers"),
                             {{QStringLiteral("registration_code"), QStringLiteral("simulated-wpe")},
                              {QStringLiteral("label"), label}});
    if (!ok(reply, QStringLiteral("register a reader")))
        return {};
    return QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("id")).toString();
}

bool FakeStripe::presentCard(const QString &readerId, const QString &number)
{
    return ok(call("POST",
                   QStringLiteral("/v1/test_helpers/terminal/readers/%1/present_payment_method")
                       .arg(segment(readerId)),
                   {{QStringLiteral("card_present[number]"), number}}),
              QStringLiteral("present card %1 on %2").arg(number, readerId));
}

bool FakeStripe::reset()
{
    return ok(control("POST", QStringLiteral("/_fake/reset")), QStringLiteral("reset"));
}

QJsonArray FakeStripe::array(const QString &path)
{
    const Reply reply = control("GET", path);
    if (!ok(reply, path))
        return {};
    return QJsonDocument::fromJson(reply.body).array();
}

QJsonArray FakeStripe::requests()
{
    return array(QStringLiteral("/_fake/requests"));
}

QJsonArray FakeStripe::events()
{
    return array(QStringLiteral("/_fake/events"));
}

QJsonArray FakeStripe::deliveries()
{
    return array(QStringLiteral("/_fake/deliveries"));
}

QJsonObject FakeStripe::object(const QString &id)
{
    const Reply reply = control("GET", QStringLiteral("/_fake/objects/%1").arg(segment(id)));
    if (!ok(reply, QStringLiteral("object %1").arg(id)))
        return {};
    return QJsonDocument::fromJson(reply.body).object();
}
