#pragma once

#include <QString>

class ConnectionPool;

// The booking-style unit of work both sides of the booking comparison run:
// BEGIN; one INSERT into the real bookings table; COMMIT. Each insert takes
// the next value of a sequence as its slot: slot % bays picks the bay and
// slot / bays the minute, so the exclusion constraint (bay =, time range &&)
// checks every insert against its neighbours and none is refused. The SQL
// has no client-side values, so the pool and pgbench send the very same
// text. Rows are marked created_by 'carwash-bench' and lie in the year 2200.
class BookingWorkload
{
public:
    static constexpr int BayCount = 4;

    // Migrates the schema (Migrator, as the programs do at start-up), removes
    // what an earlier run may have left, and inserts the rows a booking
    // needs: bays, a service, a customer and a vehicle. Blocking.
    bool setUp(ConnectionPool &pool, QString *error);
    // Removes every row and the sequence setUp() made. Blocking.
    bool tearDown(ConnectionPool &pool, QString *error);

    // The INSERT, valid after setUp().
    QString insertSql() const { return m_insertSql; }
    // The same unit of work as a pgbench script.
    QString pgbenchScript() const;

private:
    QString m_insertSql;
};
