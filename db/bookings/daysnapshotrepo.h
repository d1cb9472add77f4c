#pragma once

#include "db/bookings/daysnapshot.h"

#include <QSqlDatabase>

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

private:
    QSqlDatabase &m_db;
};
