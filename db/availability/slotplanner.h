#pragma once

#include "db/calendar/closure.h"
#include "db/calendar/openinghours.h"
#include "db/catalogue/bayref.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QTimeZone>

#include <functional>
#include <optional>

// A time a bay is taken: [start, end), end being the booking's blocked_until
// (its end plus the cleanup buffer in force when it was made).
struct BusyInterval
{
    qint64 bayId = 0;
    QDateTime start;
    QDateTime end;
};

// A start time with the bays free for the whole service plus buffer.
struct PlannedSlot
{
    QDateTime start; // in the site's zone, so it prints with its UTC offset
    QDateTime end; // start + service and add-on minutes (what the customer is told)
    QList<BayRef> bays; // free bays in preference order

    // {"start", "end", "bays": [{"id", "name"}]}, ISO-8601 with offsets.
    QJsonObject toJson() const;
    // {"start", "end", "bay": {"id", "name"}} with the first free bay.
    QJsonObject toFirstBayJson() const;
    // A whole day's slots as compact JSON text, the same array as toJson()
    // of each: written straight into bytes, since a busy day has a hundred
    // slots of twenty bays and QJsonObject's tree cost carwash-server more
    // than planning them.
    static QByteArray toJsonText(const QList<PlannedSlot> &planned);
};

// Everything that decides one local day's slots; plain data, so the rules
// can be tested without a database.
struct SlotPlanInput
{
    QDate date; // the site-local day asked about
    QTimeZone timeZone;
    QList<OpeningPeriod> periods; // any weekdays; the date's weekday is used
    QList<Closure> closures;
    int slotMinutes = 15;
    int durationMinutes = 0; // the service's plus its add-ons'
    int bufferMinutes = 0;
    int minNoticeMinutes = 0;
    int horizonDays = 60;
    QDateTime now;
    QList<BayRef> bays; // the bays offering the service, in preference order
    QList<BusyInterval> busy; // active bookings and unexpired holds; other bays' are ignored
};

// Turns opening hours into bookable start times for one local day. Pure and
// data-driven: no clock, no database, any thread.
//
// The rules:
// - Starts lie on a grid of slotMinutes from each period's opening time, in
//   local wall-clock time, so a day with a DST change has exactly the local
//   times the opening hours say, each with that moment's UTC offset.
// - A local time that does not exist (the spring-forward gap) is skipped. A
//   local time that exists twice (the fall-back overlap) is offered once, at
//   its first occurrence (the earlier instant, still on the old offset): the
//   day's list then reads like any other day's, and nobody is offered the
//   same wall-clock time twice.
// - The service (duration) must end by the period's closing time; the buffer
//   may run past it (cleaning after the last wash). A bay is free for a start
//   when [start, start + duration + buffer) overlaps none of its busy
//   intervals (half-open, so back-to-back bookings fit).
// - No start before now + minNoticeMinutes. Dates from today (in the site's
//   zone) up to today + horizonDays inclusive; none on a closure day.
class SlotPlanner
{
    Q_DECLARE_TR_FUNCTIONS(SlotPlanner)
public:
    enum class Verdict { Bookable, Closed, BeyondHorizon, OutsideHours, OffGrid, TooSoon };

    explicit SlotPlanner(SlotPlanInput input);

    // Starts with at least one free bay, in start order.
    QList<PlannedSlot> freeSlots() const;
    // Every start the rules allow, busy bays or not (bays: the free ones,
    // possibly none).
    QList<PlannedSlot> allSlots() const;
    // The grid itself: every start the opening hours give the input's date
    // (gaps skipped, an overlap's time once), whatever the duration, notice,
    // horizon, closures or bookings; in start order. The day board's grid.
    QList<QDateTime> gridStarts() const;
    // Whether start (any zone) is one of the allowed starts of the input's
    // date, ignoring bookings; why not otherwise.
    Verdict check(const QDateTime &start) const;
    // A sentence for people about a verdict other than Bookable.
    QString explain(Verdict verdict, const QDateTime &start) const;
    // The bays free for [start, start + duration + buffer), in preference order.
    QList<BayRef> freeBays(const QDateTime &start) const;

    // The instant the local wall-clock time date + secondOfDay (up to 86400,
    // the next midnight) names in zone: the first occurrence in a fall-back
    // overlap, nullopt in a spring-forward gap.
    static std::optional<QDateTime> localInstant(const QDate &date, int secondOfDay, const QTimeZone &zone);
    // As localInstant, but a time in a gap gives the moment of the jump (the
    // first instant whose local time is at or after it): where a period that
    // closes inside the gap really ends.
    static QDateTime localInstantAtOrAfter(const QDate &date, int secondOfDay, const QTimeZone &zone);

private:
    static QList<int> offsetsAround(const QDateTime &from, const QDateTime &to, const QTimeZone &zone);
    static std::optional<QDateTime> instantFrom(const QDateTime &wall, const QList<int> &offsets,
                                                const QTimeZone &zone);
    QList<PlannedSlot> generate(bool freeOnly) const;
    // Calls visit(start, closes) for each grid start of the date's periods.
    void walkGrid(const std::function<void(const QDateTime &, const QDateTime &)> &visit) const;
    bool dateOpen() const; // within the horizon, not a closure, not in the past
    QList<OpeningPeriod> periodsOfDay() const;

    // A busy interval in milliseconds since the epoch: freeBays() runs for
    // every slot of a day, and comparing QDateTimes costs far more than ints.
    struct BusyMs
    {
        qint64 start = 0;
        qint64 end = 0;
    };

    SlotPlanInput m_input;
    QHash<qint64, QList<BusyMs>> m_busyByBay;
};
