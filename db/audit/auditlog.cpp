#include "db/audit/auditlog.h"

#include "db/pool/sql.h"

#include <QJsonDocument>

void AuditLog::write(QSqlDatabase &db, const QString &actor, const QString &action, const QString &entity,
                     const QString &entityId, const QJsonObject &details)
{
    Sql::exec(db,
              QStringLiteral("INSERT INTO audit_log (actor, action, entity, entity_id, details) "
                             "VALUES (?, ?, ?, ?, ?::jsonb)"),
              {actor, action, entity, entityId.isNull() ? QVariant(QMetaType::fromType<QString>()) : entityId,
               QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact))});
}
