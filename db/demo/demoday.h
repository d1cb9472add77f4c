#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QSqlDatabase>

// What DemoDay::fill did.
struct DemoDayResult
{
    QDate date;
    int created = 0; // bookings written
    bool alreadyFilled = false; // the day had demo bookings: nothing written
    bool closed = false; // the site is closed that day: nothing written
};

// Fills one site-local day of the demo car wash with believable traffic so
// the day board has something to show: most of each bay's opening hours
// taken by bookings of the services it offers, with gaps; statuses follow
// the clock (finished ones completed and paid, one no-show and one
// cancellation, the current one in progress, the next checked in, the rest
// confirmed, one kiosk hold). Prices come from the catalogue. Written
// directly (a demo day includes the past, which the booking engine rightly
// refuses), in one transaction, still under the exclusion constraint.
// Deterministic for a date; a no-op when the day already has demo bookings.
// Blocking: run it inside a unit of work on a pooled connection.
class DemoDay
{
    Q_DECLARE_TR_FUNCTIONS(DemoDay)
public:
    static constexpr const char *Actor = "demo";

    // An invalid date means today in the site's time zone.
    static DemoDayResult fill(QSqlDatabase &db, const QDate &date, const QDateTime &now);
};
