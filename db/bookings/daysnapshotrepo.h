#pragma once

#include "db/bookings/daysnapshot.h"

#include <QSqlDatabase>
#include <QTimeZone>

#include <functional>

// Reads a DaySnapshot. Runs inside a unit of work on a pooled connection
// (blocking; throws DbException from the Sql helpers). One statement
// whatever the number of bays, services or bookings, so what it returns is
// consistent: no booking can be committed between reading the bays and
// reading the bookings.
class DaySnapshotRepo
{
public:
    explicit DaySnapshotRepo(QSqlDatabase &db);

    DaySnapshot load(const QDate &date);
    // The site-local day that holds instant, the site's zone being read in
    // the same statement: the site's today for a desk that does not know
    // the zone yet (its own may differ).
    DaySnapshot loadDayOf(const QDateTime &instant);

private:
    // Reads the local days first..last (UTC dates widened by a day either
    // side cover every zone) and keeps the one dayIn picks once the zone is
    // known.
    DaySnapshot read(const QDate &first, const QDate &last,
                     const std::function<QDate(const QTimeZone &)> &dayIn);

    QSqlDatabase &m_db;
};
