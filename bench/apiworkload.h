#pragma once

#include "bench/availabilitydataset.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

// The online API's side of `carwash-bench server`: what wrk sends (its Lua
// scripts) and what pgbench sends against it, both made from one list of
// availability questions and one set of free starts, so the two sides ask
// the same things.
namespace ApiWorkload {

// One availability question: a booked day of the data set and a service.
struct Question
{
    QDate day;
    qint64 serviceId = 0;
    QString path() const; // /api/availability?date=…&service=…&vehicle=car
};

// Every booked day with every service (at most 30 x 4, within pgbench's 128 scripts).
QList<Question> questions(const AvailabilityDataset &set);

// The statements AvailabilityRepo::forDate sends for each question, traced
// off the wire (StatementCapture) on db, each question's as one pgbench
// script (statement for statement, values as sent). Blocking; throws
// DbException; error set when a trace came back empty or pgbench could not
// read one as it was sent.
QStringList availabilityScripts(QSqlDatabase &db, const QList<Question> &questions, QString *error);

// wrk: each request one of paths at random (the same for every thread, seeded per thread).
QString randomPathsScript(const QStringList &paths);
// wrk: the paths in turn (each thread from its own place in the list).
QString rotatingPathsScript(const QStringList &paths);

// The free starts POST /api/bookings books: days after the booked ones,
// every bay, a start every SpacingMinutes from opening (the longest wash and
// its buffer fit), so no two collide until they run out (then they wrap).
struct FreeStarts
{
    static constexpr int SpacingMinutes = 45; // on the 15-minute grid
    qint64 firstBayId = 0;
    int bays = 0;
    qint64 firstServiceId = 0;
    int services = 0;
    int customers = 0;
    QDate firstDay;
    int days = 0;
    int opensHour = 7;
    int startsPerDay = 0;
    qint64 count() const { return qint64(days) * bays * startsPerDay; }
};
FreeStarts freeStarts(const AvailabilityDataset &set);
// wrk: POST /api/bookings, each request the next free start (threads
// interleaved), 70 % a known customer's plate, the rest a new one, with an
// Idempotency-Key unique to round.
QString bookingScript(const FreeStarts &starts, const QString &round);

// The actor the API books as (server/api/bookingchanges.cpp).
inline const QString OnlineActor = QStringLiteral("online");
// Bookings the API made (created_by "online") and their audit rows; removed
// by removeOnlineBookings so every round books into the same free days.
qint64 onlineBookings(QSqlDatabase &db);
void removeOnlineBookings(QSqlDatabase &db);
// The bookings pgbench's booking transaction made (BookingTransaction::Actor).
qint64 benchBookings(QSqlDatabase &db);

// api.write_rate_per_minute = 0 in the site settings: no write limit, so
// the server's rate limiter does not throttle the booking rounds.
void turnWriteLimitOff(QSqlDatabase &db);

} // namespace ApiWorkload
