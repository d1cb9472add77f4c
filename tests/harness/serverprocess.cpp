#include "tests/harness/serverprocess.h"

#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include <csignal>

ServerProcess::ServerProcess() = default;

ServerProcess::~ServerProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(TestWaits::kNoHangMs);
    }
}

QString ServerProcess::programPath()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-server"));
}

bool ServerProcess::start(const QProcessEnvironment &environment, const QStringList &arguments,
                          QString *error)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_stderr.clear();
    QStringList args = arguments;
    if (!args.contains(QStringLiteral("--listen")))
        args << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:%1").arg(PgTestCluster::freePort());
    m_process->start(programPath(), args);
    if (!m_process->waitForStarted(TestWaits::kNoHangMs)) {
        if (error)
            *error = m_process->errorString();
        return false;
    }
    static const QRegularExpression listening(QStringLiteral("listening on http://[^\\s]*:(\\d+)"));
    QByteArray out;
    const QDeadlineTimer deadline(TestWaits::kNoHangMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() == QProcess::NotRunning)
            break;
        m_process->waitForReadyRead(100);
        out += m_process->readAllStandardOutput();
        m_stderr += m_process->readAllStandardError();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            m_port = match.captured(1).toInt();
            return true;
        }
    }
    m_stderr += m_process->readAllStandardError();
    if (error)
        *error = QStringLiteral("carwash-server did not start listening: %1 %2")
                     .arg(QString::fromUtf8(out), QString::fromUtf8(m_stderr));
    return false;
}

bool ServerProcess::waitUntilHealthy(QString *error)
{
    const QDeadlineTimer deadline(TestWaits::kNoHangMs);
    Response last;
    while (!deadline.hasExpired()) {
        last = get(QStringLiteral("/health"));
        // Migrated and published: its own row is in the fleet (not the row
        // of a predecessor killed a moment ago, still counted as live).
        if (last.status == 200) {
            for (const QJsonValue &p : last.json()[u"processes"].toArray())
                if (p[u"program"].toString() == u"carwash-server" && p[u"pid"].toInteger() == pid()
                    && !p[u"lost"].toBool())
                    return true;
        }
        QThread::msleep(100);
    }
    if (error)
        *error = QStringLiteral("GET /health never answered 200: %1 %2")
                     .arg(last.status)
                     .arg(QString::fromUtf8(last.body));
    return false;
}

bool ServerProcess::sendTerminate()
{
    return m_process && ::kill(pid_t(m_process->processId()), SIGTERM) == 0;
}

int ServerProcess::waitForExit()
{
    // waitForFinished() is false for a process already gone (its end seen
    // while a test spun the event loop).
    if (m_process->state() != QProcess::NotRunning && !m_process->waitForFinished(TestWaits::kNoHangMs)) {
        m_process->kill();
        m_process->waitForFinished(TestWaits::kNoHangMs);
        return -1;
    }
    m_stderr += m_process->readAllStandardError();
    if (m_process->exitStatus() != QProcess::NormalExit)
        m_stderr += QByteArrayLiteral("[carwash-server crashed]");
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

int ServerProcess::terminate()
{
    if (!sendTerminate())
        return -1;
    return waitForExit();
}

qint64 ServerProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QString ServerProcess::log()
{
    if (m_process)
        m_stderr += m_process->readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

namespace {

ServerProcess::Response await(QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(TestWaits::kNoHangMs, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    ServerProcess::Response r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        r.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return r;
}

} // namespace

ServerProcess::Response ServerProcess::get(const QString &path)
{
    QNetworkAccessManager manager;
    return await(manager.get(QNetworkRequest(QUrl(baseUrl() + path))));
}

ServerProcess::Response ServerProcess::send(const QByteArray &method, const QString &path, const QByteArray &body,
                                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(baseUrl() + path));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    return await(manager.sendCustomRequest(request, method, body));
}

ServerProcess::Response ServerProcess::post(const QString &path, const QByteArray &body,
                                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(baseUrl() + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    return await(manager.post(request, body));
}
