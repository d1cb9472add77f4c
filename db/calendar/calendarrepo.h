#pragma once

#include "db/calendar/closure.h"
#include "db/calendar/openinghours.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QSqlDatabase>

// Reads and writes the weekly opening hours and the closures (holidays).
// Runs inside a unit of work on a pooled connection (blocking; throws
// DbException from the Sql helpers). Every change is logged in audit_log.
class CalendarRepo
{
    Q_DECLARE_TR_FUNCTIONS(CalendarRepo)
public:
    explicit CalendarRepo(QSqlDatabase &db);

    // Every weekday's periods, Monday first, each day's in opening order.
    QList<OpeningPeriod> hours();
    // Replaces one weekday's periods (empty = closed that day) in one
    // transaction. The periods come from OpeningHours::parse, so they are
    // sorted and do not overlap; the table's exclusion constraint checks
    // again.
    void setHours(int weekday, const QList<OpeningPeriod> &periods, const QString &actor);
    // Several weekdays (key: ISO weekday) at once, all or nothing, each with
    // its audit row.
    void setWeek(const QMap<int, QList<OpeningPeriod>> &days, const QString &actor);

    // Closures that end on or after from (all of them when from is null), in
    // date order.
    QList<Closure> closures(const QDate &from = {});
    // Invalid when to is before from, or the reason is too long.
    DbResult<Closure> addClosure(const QDate &from, const QDate &to, const QString &reason,
                                 const QString &actor);
    // NotFound when there is no closure with that id.
    DbResult<Closure> removeClosure(qint64 id, const QString &actor);

private:
    QSqlDatabase &m_db;
};
