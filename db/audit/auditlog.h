#pragma once

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

// Writes audit_log rows inside the caller's transaction, so a change and its
// record commit or roll back together. Blocking; throws DbException.
class AuditLog
{
public:
    // actor in audit_log's form ('staff:3', 'kiosk', 'cli', 'system').
    static void write(QSqlDatabase &db, const QString &actor, const QString &action, const QString &entity,
                      const QString &entityId, const QJsonObject &details = {});
};
