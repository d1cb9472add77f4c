#include "tests/harness/smtpsink.h"

#include "tests/harness/pgtestcluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

namespace {

// Debian's interpreter, where python3-aiosmtpd is installed, before any
// other python3 on PATH (pyenv and the like do not see Debian's modules).
QString python()
{
    if (QFileInfo::exists(QStringLiteral("/usr/bin/python3")))
        return QStringLiteral("/usr/bin/python3");
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

} // namespace

SmtpSink::SmtpSink()
    : m_port(PgTestCluster::freePort())
{ }

SmtpSink::~SmtpSink()
{
    stop();
}

bool SmtpSink::start(QString *error, const Options &options)
{
    stop();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    QStringList arguments {QStringLiteral(CARWASH_SMTP_SINK_SCRIPT), QStringLiteral("--port"),
                           QString::number(m_port), QStringLiteral("--dir"), m_folder.path()};
    if (!options.reject.isEmpty())
        arguments << QStringLiteral("--reject") << options.reject;
    if (!options.auth.isEmpty())
        arguments << QStringLiteral("--auth") << options.auth;
    if (options.loginOnly)
        arguments << QStringLiteral("--login-only");
    if (!options.tls.isEmpty())
        arguments << QStringLiteral("--tls") << options.tls << QStringLiteral("--tls-dir")
                  << m_tlsFolder.path();
    m_process->start(python(), arguments);
    const QDeadlineTimer deadline(20000);
    QByteArray out;
    while (!deadline.hasExpired() && m_process->state() != QProcess::NotRunning) {
        m_process->waitForReadyRead(200);
        out += m_process->readAllStandardOutput();
        if (out.contains("LISTENING"))
            return true;
    }
    if (error)
        *error = QStringLiteral("the SMTP sink did not start: %1 %2")
                     .arg(QString::fromUtf8(out), QString::fromUtf8(m_process->readAllStandardError()));
    stop();
    return false;
}

QString SmtpSink::certificatePath() const
{
    return QDir(m_tlsFolder.path()).filePath(QStringLiteral("cert.pem"));
}

void SmtpSink::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
}

bool SmtpSink::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QList<QJsonObject> SmtpSink::messages() const
{
    QList<QJsonObject> found;
    const QDir folder(m_folder.path());
    for (const QString &name : folder.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile file(folder.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            found.append(QJsonDocument::fromJson(file.readAll()).object());
    }
    return found;
}

QStringList SmtpSink::authMechanisms() const
{
    QFile file(QDir(m_folder.path()).filePath(QStringLiteral("auth.log")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void SmtpSink::clear()
{
    QDir folder(m_folder.path());
    for (const QString &name : folder.entryList(QDir::Files))
        folder.remove(name);
}
