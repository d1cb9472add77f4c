#include "db/health/processidentity.h"

#include <QCoreApplication>
#include <QHostInfo>

ProcessIdentity ProcessIdentity::current(const QString &program, const QString &label)
{
    // Fixed once per process: every publisher of this process names the same row.
    static const QDateTime started
        = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
    ProcessIdentity id;
    id.program = program;
    id.label = label;
    id.host = hostName();
    id.pid = QCoreApplication::applicationPid();
    id.startedAt = started;
    return id;
}

QString ProcessIdentity::hostName()
{
    const QString host = QHostInfo::localHostName();
    return host.isEmpty() ? QStringLiteral("localhost") : host;
}

QString ProcessIdentity::key() const
{
    return QStringLiteral("%1:%2:%3").arg(host).arg(pid).arg(startedAt.toMSecsSinceEpoch());
}
