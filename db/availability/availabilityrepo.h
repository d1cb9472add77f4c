#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/availability/planningcontext.h"
#include "db/availability/slotplanner.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <optional>

// Free start times for a service, from the database. Runs inside a unit of
// work on a pooled connection (blocking; throws DbException from the Sql
// helpers). Each call loads all its inputs with one statement (settings,
// service, add-ons, hours, closures, bays, busy times) and leaves the rules
// to SlotPlanner: the number of queries never depends on the number of
// slots or bays. Busy means an active booking, or a hold that has not
// expired by the database's now(), other than request.ignoreBookingId (the
// booking being moved, whose own time is free for it).
class AvailabilityRepo
{
    Q_DECLARE_TR_FUNCTIONS(AvailabilityRepo)
public:
    explicit AvailabilityRepo(QSqlDatabase &db);

    // The inputs for the local days from..to (inclusive). problems() of the
    // result says whether the request itself makes sense.
    PlanningContext load(const AvailabilityRequest &request, const QDate &from, const QDate &to);

    // The free starts of one local day, in start order; Invalid naming the
    // field when the request cannot be planned.
    DbResult<QList<PlannedSlot>> forDate(const AvailabilityRequest &request, const QDate &date);
    // The earliest free start from now within the horizon, searching day by
    // day; nullopt when every day is full or closed. One statement for the
    // coming week; only when that week is full, one more for the rest of
    // the horizon.
    DbResult<std::optional<PlannedSlot>> next(const AvailabilityRequest &request);
    // Up to count free starts at or after from, on its local day and the
    // next; for offering alternatives when a slot was just taken.
    QList<PlannedSlot> freeStartsAfter(const AvailabilityRequest &request, const QDateTime &from,
                                       const QTimeZone &zone, int count);

    static DbError invalid(const QList<FieldError> &problems);

private:
    QSqlDatabase &m_db;
};
