#include "db/health/processhealthrepo.h"

#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QJsonDocument>

ProcessHealthRepo::ProcessHealthRepo(QSqlDatabase &db)
    : m_db(db)
{ }

void ProcessHealthRepo::publish(const ProcessIdentity &process, const QJsonObject &snapshot)
{
    Sql::exec(m_db,
              QStringLiteral(
                  "INSERT INTO process_health (host, pid, started_at, program, label, snapshot, updated_at) "
                  "VALUES (?, ?, ?::timestamptz, ?, ?, ?::jsonb, now()) "
                  "ON CONFLICT (host, pid, started_at) DO UPDATE "
                  "SET program = EXCLUDED.program, label = EXCLUDED.label, snapshot = EXCLUDED.snapshot, "
                  "updated_at = now()"),
              {process.host, process.pid, IsoTime::toSql(process.startedAt), process.program,
               process.label.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(process.label),
               QString::fromUtf8(QJsonDocument(snapshot).toJson(QJsonDocument::Compact))});
}

QList<ProcessHealthEntry> ProcessHealthRepo::list(int staleAfterSeconds, int dropAfterSeconds)
{
    QSqlQuery q = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT host, pid, (extract(epoch FROM started_at) * 1000)::bigint, program, snapshot::text, "
            "(extract(epoch FROM updated_at) * 1000)::bigint, "
            "extract(epoch FROM now() - updated_at)::float8, coalesce(label, '') "
            "FROM process_health WHERE updated_at > now() - make_interval(secs => ?) "
            "ORDER BY program, host, started_at"),
        {dropAfterSeconds});
    QList<ProcessHealthEntry> entries;
    while (q.next()) {
        ProcessHealthEntry e;
        e.process.host = q.value(0).toString();
        e.process.pid = q.value(1).toLongLong();
        e.process.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
        e.process.program = q.value(3).toString();
        e.snapshot = QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object();
        e.updatedAt = QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong(), Qt::UTC);
        e.ageSeconds = std::max(0.0, q.value(6).toDouble());
        e.process.label = q.value(7).toString();
        e.stale = e.ageSeconds > staleAfterSeconds;
        entries.append(e);
    }
    return entries;
}

bool ProcessHealthRepo::remove(const ProcessIdentity &process)
{
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("DELETE FROM process_health WHERE host = ? AND pid = ? "
                                           "AND started_at = ?::timestamptz"),
                            {process.host, process.pid, IsoTime::toSql(process.startedAt)});
    return q.numRowsAffected() > 0;
}

ServerConnectionBudget ProcessHealthRepo::connectionBudget()
{
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("SELECT current_setting('max_connections')::int, "
                                           "current_setting('superuser_reserved_connections')::int, "
                                           "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                                           "'client backend')::int"));
    ServerConnectionBudget b;
    if (q.next()) {
        b.maxConnections = q.value(0).toInt();
        b.superuserReserved = q.value(1).toInt();
        b.inUse = q.value(2).toInt();
    }
    return b;
}
