#include "bench/serverchild.h"

#include "bench/benchserver.h"
#include "bench/httpconnection.h"
#include "bench/interruption.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>
#include <QUrl>

namespace {

QString encoded(const QString &text)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(text));
}

// The benchmark's database as a DATABASE_URL, password included: it goes
// into the child's environment only, never onto a command line.
QString databaseUrl(const DatabaseConfig &c)
{
    QString url = QStringLiteral("postgresql://") + encoded(c.user);
    if (!c.password.isEmpty())
        url += QLatin1Char(':') + encoded(c.password);
    url += QLatin1Char('@');
    url += c.isUnixSocket() ? encoded(c.host) : c.host + QLatin1Char(':') + QString::number(c.port);
    url += QLatin1Char('/') + encoded(c.database) + QStringLiteral("?application_name=")
        + encoded(ServerChild::ApplicationName);
    if (!c.sslMode.isEmpty())
        url += QStringLiteral("&sslmode=") + c.sslMode;
    return url;
}

} // namespace

ServerChild::~ServerChild()
{
    stop();
}

QString ServerChild::programPath()
{
    const QString beside
        = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("carwash-server"));
    return QFileInfo(beside).isExecutable() ? beside : QStringLiteral("carwash-server");
}

qint64 ServerChild::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool ServerChild::start(const BenchServer &database, const QProcessEnvironment &extra, QString *error,
                        const QByteArray &readyPath)
{
    if (!m_log.open()) {
        *error = QStringLiteral("cannot create the server's log file: ") + m_log.errorString();
        return false;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), databaseUrl(database.config()));
    env.insert(extra);
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(env);
    m_process->setStandardErrorFile(m_log.fileName());
    QElapsedTimer clock;
    clock.start();
    m_process->start(programPath(), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(programPath(), m_process->errorString());
        m_process.reset();
        return false;
    }
    static const QRegularExpression listening(QStringLiteral(R"(listening on http://127\.0\.0\.1:(\d+))"));
    QByteArray out;
    while (m_port == 0) {
        if (Interruption::requested(error))
            return false;
        if (m_process->state() == QProcess::NotRunning || clock.elapsed() > 30000) {
            *error = QStringLiteral("carwash-server did not say where it listens: %1").arg(logTail());
            return false;
        }
        m_process->waitForReadyRead(200);
        out += m_process->readAllStandardOutput();
        const QRegularExpressionMatch match = listening.match(QString::fromLocal8Bit(out));
        if (match.hasMatch())
            m_port = quint16(match.captured(1).toUInt());
    }
    // Healthy: migrated and publishing.
    HttpConnection http(m_port, 5000);
    int status = 0;
    while (status != 200) {
        if (Interruption::requested(error))
            return false;
        if (m_process->state() == QProcess::NotRunning || clock.elapsed() > 90000) {
            *error = QStringLiteral("carwash-server did not answer GET %1 with 200 (last answer %2): %3")
                         .arg(QString::fromLatin1(readyPath))
                         .arg(status)
                         .arg(logTail());
            return false;
        }
        status = http.request("GET", readyPath).status;
        if (status != 200)
            QThread::msleep(2);
    }
    m_startedToReadyMs = double(clock.nsecsElapsed()) / 1e6;
    return true;
}

int ServerChild::stop()
{
    if (!m_process)
        return -1;
    int code = -1;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(30000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        } else if (m_process->exitStatus() == QProcess::NormalExit) {
            code = m_process->exitCode();
        }
    } else if (m_process->exitStatus() == QProcess::NormalExit) {
        code = m_process->exitCode();
    }
    m_process.reset();
    return code;
}

qint64 ServerChild::statusField(const char *name) const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
    if (pid() <= 0 || !status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(name) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix)) {
            // "VmRSS:	   12345 kB"
            const QList<QByteArray> parts = line.mid(prefix.size()).simplified().split(' ');
            return parts.first().toLongLong() * 1024;
        }
    }
    return -1;
}

qint64 ServerChild::rssBytes() const
{
    return statusField("VmRSS");
}

qint64 ServerChild::peakRssBytes() const
{
    return statusField("VmHWM");
}

qint64 ServerChild::logSize() const
{
    return QFileInfo(m_log.fileName()).size();
}

QMap<int, qint64> ServerChild::loggedStatuses(const QString &path, qint64 fromOffset,
                                              const QByteArray &method) const
{
    QMap<int, qint64> statuses;
    QFile log(m_log.fileName());
    if (!log.open(QIODevice::ReadOnly) || !log.seek(fromOffset))
        return statuses;
    const QByteArray needle = ' ' + method + ' ' + path.toUtf8() + ' ';
    while (!log.atEnd()) {
        const QByteArray line = log.readLine();
        const qsizetype at = line.indexOf(needle);
        if (at >= 0)
            ++statuses[line.mid(at + needle.size(), 3).toInt()];
    }
    return statuses;
}

qint64 ServerChild::slowestLoggedMs(qint64 fromOffset) const
{
    qint64 slowest = -1;
    QFile log(m_log.fileName());
    if (!log.open(QIODevice::ReadOnly) || !log.seek(fromOffset))
        return slowest;
    // Its one line per request ends "GET /api/services 200 3 ms".
    static const QRegularExpression request(QStringLiteral("[A-Z]+ /\\S* \\d{3} (\\d+) ms$"));
    while (!log.atEnd()) {
        const QRegularExpressionMatch m = request.match(QString::fromUtf8(log.readLine().trimmed()));
        if (m.hasMatch())
            slowest = std::max(slowest, m.captured(1).toLongLong());
    }
    return slowest;
}

QString ServerChild::logTail(int lines) const
{
    QFile log(m_log.fileName());
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> all = log.readAll().trimmed().split('\n');
    return QString::fromLocal8Bit(all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n'));
}
