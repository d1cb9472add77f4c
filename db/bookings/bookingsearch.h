#pragma once

#include "db/bookings/bookingmatch.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>

// The desk's Find: bookings by confirmation code, plate, phone or customer
// name, in one statement. Runs inside a unit of work on a pooled connection
// (blocking; throws DbException from the Sql helpers). What people type is
// only ever a bound value, and LIKE wildcards in it are escaped, so "%" or
// "_" match themselves.
class BookingSearch
{
    Q_DECLARE_TR_FUNCTIONS(BookingSearch)
public:
    static constexpr int DefaultLimit = 50;
    static constexpr int MaxTextLength = 100;

    explicit BookingSearch(QSqlDatabase &db);

    // Bookings (any status) whose code is the text, whose plate starts with
    // it (normalised like a plate), whose customer's phone digits contain
    // its digits (three or more), or whose customer's name contains it (any
    // case); the nearest to now first, at most limit (1..200). Invalid for
    // empty or over-long text.
    DbResult<QList<BookingMatch>> find(const QString &text, int limit = DefaultLimit);

    // text with \, % and _ escaped for LIKE/ILIKE … ESCAPE '\'.
    static QString escapeLike(const QString &text);

private:
    QSqlDatabase &m_db;
};
