#pragma once

#include "db/payments/daytakings.h"

#include <QSqlDatabase>

// The day's takings, read from payments and refunds themselves (no running
// totals to drift): equal to those tables to the cent. Runs inside a unit of
// work on a pooled connection (blocking; throws DbException from the Sql
// helpers).
class TakingsRepo
{
public:
    explicit TakingsRepo(QSqlDatabase &db);

    // date is a day in the site's time zone (site.timezone).
    DayTakings forDay(const QDate &date);

private:
    QSqlDatabase &m_db;
};
