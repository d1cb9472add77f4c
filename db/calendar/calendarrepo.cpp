#include "db/calendar/calendarrepo.h"

#include "db/audit/auditlog.h"
#include "db/pool/sql.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace {

// A closing time of 24:00 is stored as time '24:00', which QTime cannot
// hold; read both ends as text.
const QString HoursSql = QStringLiteral(
    "SELECT weekday, to_char(opens, 'HH24:MI'), to_char(closes, 'HH24:MI') FROM opening_hours "
    "ORDER BY weekday, opens");

constexpr int MaxReasonLength = 200;

Closure closureFrom(const QSqlQuery &query)
{
    Closure c;
    c.id = query.value(0).toLongLong();
    c.startsOn = QDate::fromString(query.value(1).toString(), Qt::ISODate);
    c.endsOn = QDate::fromString(query.value(2).toString(), Qt::ISODate);
    c.reason = query.value(3).toString();
    return c;
}

} // namespace

CalendarRepo::CalendarRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QList<OpeningPeriod> CalendarRepo::hours()
{
    QList<OpeningPeriod> periods;
    QSqlQuery query = Sql::exec(m_db, HoursSql);
    while (query.next()) {
        const std::optional<int> opens = OpeningHours::parseClock(query.value(1).toString(), false);
        const std::optional<int> closes = OpeningHours::parseClock(query.value(2).toString(), true);
        if (opens && closes)
            periods.append({query.value(0).toInt(), *opens, *closes});
    }
    return periods;
}

void CalendarRepo::setHours(int weekday, const QList<OpeningPeriod> &periods, const QString &actor)
{
    Transaction tx(m_db);
    QString previous;
    {
        QList<OpeningPeriod> old;
        for (const OpeningPeriod &p : hours()) {
            if (p.weekday == weekday)
                old.append(p);
        }
        previous = OpeningHours::format(old);
    }
    Sql::exec(m_db, QStringLiteral("DELETE FROM opening_hours WHERE weekday = ?"), {weekday});
    for (const OpeningPeriod &p : periods)
        Sql::exec(
            m_db,
            QStringLiteral("INSERT INTO opening_hours (weekday, opens, closes) VALUES (?, ?::time, ?::time)"),
            {weekday, p.opensText(), p.closesText()});
    AuditLog::write(m_db, actor, QStringLiteral("hours.set"), QStringLiteral("opening_hours"),
                    OpeningHours::weekdayName(weekday),
                    QJsonObject {{QStringLiteral("from"), previous},
                                 {QStringLiteral("to"), OpeningHours::format(periods)}});
    tx.commit();
}

void CalendarRepo::setWeek(const QMap<int, QList<OpeningPeriod>> &days, const QString &actor)
{
    Transaction tx(m_db);
    // Each setHours() nests as a savepoint of this transaction.
    for (auto it = days.cbegin(); it != days.cend(); ++it)
        setHours(it.key(), it.value(), actor);
    tx.commit();
}

QList<Closure> CalendarRepo::closures(const QDate &from)
{
    QList<Closure> result;
    const QString sql = QStringLiteral("SELECT id, starts_on::text, ends_on::text, reason FROM closures %1 "
                                       "ORDER BY starts_on, ends_on, id");
    QSqlQuery query = from.isValid()
        ? Sql::exec(m_db, sql.arg(QStringLiteral("WHERE ends_on >= ?::date")), {from.toString(Qt::ISODate)})
        : Sql::exec(m_db, sql.arg(QString()));
    while (query.next())
        result.append(closureFrom(query));
    return result;
}

DbResult<Closure> CalendarRepo::addClosure(const QDate &from, const QDate &to, const QString &reason,
                                           const QString &actor)
{
    if (!from.isValid() || !to.isValid() || to < from)
        return DbError(
            DbError::Kind::Invalid,
            tr("A closure ends on or after the day it starts (YYYY-MM-DD, --to not before the start)."));
    // Never null: a null QString binds as SQL NULL, and reason is NOT NULL.
    const QString text = reason.isNull() ? QStringLiteral("") : reason.trimmed();
    if (text.size() > MaxReasonLength)
        return DbError(DbError::Kind::Invalid,
                       tr("The reason may have at most %1 characters.").arg(MaxReasonLength));
    Transaction tx(m_db);
    Closure c;
    {
        QSqlQuery query = Sql::exec(
            m_db,
            QStringLiteral("INSERT INTO closures (starts_on, ends_on, reason) VALUES (?::date, ?::date, ?) "
                           "RETURNING id, starts_on::text, ends_on::text, reason"),
            {from.toString(Qt::ISODate), to.toString(Qt::ISODate), text});
        query.next();
        c = closureFrom(query);
    }
    AuditLog::write(m_db, actor, QStringLiteral("closure.add"), QStringLiteral("closure"),
                    QString::number(c.id), c.toJson());
    tx.commit();
    return c;
}

DbResult<Closure> CalendarRepo::removeClosure(qint64 id, const QString &actor)
{
    Transaction tx(m_db);
    Closure c;
    {
        QSqlQuery query = Sql::exec(
            m_db,
            QStringLiteral(
                "DELETE FROM closures WHERE id = ? RETURNING id, starts_on::text, ends_on::text, reason"),
            {id});
        if (!query.next())
            return DbError(DbError::Kind::NotFound, tr("There is no closure with ID %1.").arg(id));
        c = closureFrom(query);
    }
    AuditLog::write(m_db, actor, QStringLiteral("closure.remove"), QStringLiteral("closure"),
                    QString::number(c.id), c.toJson());
    tx.commit();
    return c;
}
