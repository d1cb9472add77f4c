// KioskRepo: a kiosk's calls for an attendant, which the desks LISTEN for
// on attendant_calls.
#include "db/kiosk/kioskrepo.h"

#include "db/audit/auditlog.h"
#include "db/pool/sql.h"

#include <QSqlQuery>
#include <QTimeZone>

namespace {

const QString CallSelectSql
    = QStringLiteral("SELECT id, kiosk, screen, (extract(epoch FROM created_at) * 1000)::bigint, "
                     "(extract(epoch FROM acknowledged_at) * 1000)::bigint, coalesce(acknowledged_by, '') "
                     "FROM attendant_calls %1 ORDER BY created_at, id");

} // namespace

QList<AttendantCall> KioskRepo::selectCalls(const QString &where, const QVariantList &binds)
{
    QSqlQuery q = Sql::exec(m_db, CallSelectSql.arg(where), binds);
    QList<AttendantCall> calls;
    while (q.next()) {
        AttendantCall c;
        c.id = q.value(0).toLongLong();
        c.kiosk = q.value(1).toString();
        c.screen = q.value(2).toString();
        c.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), QTimeZone::utc());
        if (!q.value(4).isNull())
            c.acknowledgedAt = QDateTime::fromMSecsSinceEpoch(q.value(4).toLongLong(), QTimeZone::utc());
        c.acknowledgedBy = q.value(5).toString();
        calls.append(c);
    }
    return calls;
}

DbResult<AttendantCall> KioskRepo::callAttendant(const QString &kioskName, const QString &screenText)
{
    if (const QString problem = nameProblem(kioskName); !problem.isEmpty())
        return DbError(DbError::Kind::Invalid, problem);
    const QString screen = screenText.simplified();
    if (screen.size() > MaxScreenTextLength)
        return DbError(DbError::Kind::Invalid,
                       tr("What the kiosk shows may have at most %1 characters.").arg(MaxScreenTextLength));
    Transaction tx(m_db);
    insertIfMissing(kioskName);
    const qint64 id = Sql::scalar(m_db,
                                  QStringLiteral("INSERT INTO attendant_calls (kiosk, screen) VALUES (?, ?) "
                                                 "RETURNING id"),
                                  {kioskName, screen})
                          .toLongLong();
    AuditLog::write(m_db, actorFor(kioskName), QStringLiteral("kiosk.attendant_called"),
                    QStringLiteral("attendant_call"), QString::number(id),
                    {{QStringLiteral("kiosk"), kioskName}, {QStringLiteral("screen"), screen}});
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('attendant_calls', ?)"), {QString::number(id)});
    const AttendantCall made = *call(id);
    tx.commit();
    return made;
}

QList<AttendantCall> KioskRepo::openCalls()
{
    return selectCalls(QStringLiteral("WHERE acknowledged_at IS NULL"), {});
}

std::optional<AttendantCall> KioskRepo::call(qint64 callId)
{
    const QList<AttendantCall> found = selectCalls(QStringLiteral("WHERE id = ?"), {callId});
    return found.isEmpty() ? std::nullopt : std::optional<AttendantCall>(found.first());
}

DbResult<AttendantCall> KioskRepo::acknowledge(qint64 callId, const QString &actor)
{
    Transaction tx(m_db);
    QSqlQuery answered
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE attendant_calls SET acknowledged_at = now(), "
                                   "acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL "
                                   "RETURNING kiosk"),
                    {actor, callId});
    if (answered.next()) {
        AuditLog::write(m_db, actor, QStringLiteral("kiosk.attendant_acknowledged"),
                        QStringLiteral("attendant_call"), QString::number(callId),
                        {{QStringLiteral("kiosk"), answered.value(0).toString()}});
        Sql::exec(m_db, QStringLiteral("SELECT pg_notify('attendant_calls', ?)"), {QString::number(callId)});
    }
    const std::optional<AttendantCall> found = call(callId);
    if (!found)
        return DbError(DbError::Kind::NotFound, tr("There is no attendant call %1.").arg(callId));
    tx.commit();
    return *found;
}
