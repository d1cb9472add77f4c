#pragma once

#include "db/availability/planningcontext.h"
#include "db/bookings/booking.h"
#include "db/bookings/bookingoutcome.h"
#include "db/bookings/bookingrequest.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>

// Creates, reads and moves bookings through their lifecycle. Runs inside a
// unit of work on a pooled connection (blocking; throws DbException from
// the Sql helpers for transient failures, which the pool retries). Each
// change is one transaction with its audit_log row and a
// pg_notify('bookings_changed', {"id", "code", "status", "day"}) that
// desks LISTEN for; "day" is the site-local date of the start.
class BookingRepo
{
    Q_DECLARE_TR_FUNCTIONS(BookingRepo)
public:
    // How many free starts to offer when a slot was taken.
    static constexpr int AlternativeCount = 3;

    explicit BookingRepo(QSqlDatabase &db);

    // Books in one transaction:
    // - each field validated (every bad one reported, with what is accepted);
    //   the service, vehicle class, add-ons and bay checked against the
    //   catalogue; the start checked against the slot rules (hours, grid,
    //   closures, notice, horizon);
    // - the price and end computed in SQL from the catalogue, never taken
    //   from the request;
    // - the bay asked for, or else each free bay offering the service in
    //   order until one is won; the exclusion constraint decides every race
    //   (INSERT … ON CONFLICT DO NOTHING, so a lost race is an answer, not
    //   an aborted transaction); none won: SlotTaken with the next free
    //   starts;
    // - with an idempotency key, requests with the same key are serialised
    //   (a transaction-scoped advisory lock); the same key and request
    //   return the first booking (Replayed), the same key with other details
    //   is refused;
    // - a confirmation code unique among active bookings, drawn again on a
    //   clash; customer and vehicle upserted by plate; --hold: status held
    //   until now + booking.hold_minutes.
    BookingOutcome create(const BookingRequest &request);

    // By numeric id, or by confirmation code (an active booking first, else
    // the newest with that code). nullopt when none.
    std::optional<Booking> find(const QString &idOrCode);
    // By confirmation code only (an all-digit code is a code here, never an
    // id): an active booking first, else the newest. For customers, who
    // know their code and nothing internal.
    std::optional<Booking> findByCode(const QString &code);
    std::optional<Booking> byId(qint64 id);
    // Every booking (any status) starting on that site-local day, by start
    // and bay.
    QList<Booking> forDay(const QDate &date);

    // Moves a booking to status if the lifecycle allows it, with the actor
    // and reason in audit_log. NotFound, or Invalid naming the allowed next
    // statuses. A hold past its expiry is expired first (and stays so).
    DbResult<Booking> changeStatus(const QString &idOrCode, const QString &status, const QString &actor,
                                   const QString &reason);

    // Moves a held or confirmed booking to another start (and bay; 0: the
    // bay it has if free there, else the first free bay offering the
    // service; at its own start, another bay) in one transaction. The start
    // is judged by the same rules as create() (hours, grid, notice, horizon,
    // closures) and against the same busy times as AvailabilityRepo with
    // ignoreBookingId = the booking: its own time does not count as busy, so
    // it may move onto times overlapping where it is now, and every start
    // the reschedule dialog lists is accepted here barring a race. The end
    // and blocked_until are computed again from the service's minutes, the
    // booked add-ons' minutes and the buffer in force. The exclusion
    // constraint decides races with other bookings: a lost one is SlotTaken
    // with the next free starts (for this move), and the booking stays as it
    // was.
    // An audit row 'booking.reschedule' with from/to and the
    // bookings_changed notification (for the old day too when it changes).
    // NotFound, or Invalid for a booking in another status.
    DbResult<BookingOutcome> reschedule(const QString &idOrCode, const QDateTime &newStart, qint64 bayId,
                                        const QString &actor);

    // pg_notify('bookings_changed', …) for booking inside the caller's
    // transaction, for other repositories changing a booking (payments).
    void notifyChanged(const Booking &booking);

private:
    QList<Booking> select(const QString &where, const QVariantList &binds, const QTimeZone &zone);
    QTimeZone siteZone();
    std::optional<qint64> resolve(const QString &idOrCode);
    std::optional<qint64> resolveCode(const QString &code);
    // The slot rules' objections to start, shared by create and reschedule:
    // what is wrong with the request itself, and (when the service is known)
    // why start is not one of the day's allowed starts.
    static QList<FieldError> slotProblems(const PlanningContext &ctx, const SlotPlanner &planner,
                                          const QDateTime &start);
    // SlotTaken with up to AlternativeCount free starts after start, any bay.
    BookingOutcome slotTaken(AvailabilityRequest slot, const QDateTime &start, const QTimeZone &zone);
    // The customer and vehicle for a plate: updated when the plate is known,
    // created otherwise. Returns {customer id, vehicle id}.
    QPair<qint64, qint64> upsertCustomer(const BookingRequest &request);

    QSqlDatabase &m_db;
};
