// Moving a booking to another start (and perhaps bay): judged as the desk's
// reschedule dialog judges it, in one transaction with the row locked.
#include "db/bookings/bookingrepo.h"

#include "db/audit/auditlog.h"
#include "db/availability/availabilityrepo.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"

#include <QJsonObject>
#include <QSqlQuery>
DbResult<BookingOutcome> BookingRepo::reschedule(const QString &idOrCode, const QDateTime &newStart,
                                                 qint64 bayId, const QString &actor)
{
    if (!newStart.isValid())
        return DbError(DbError::Kind::Invalid, tr("Choose the new start time."));

    Transaction tx(m_db);
    const std::optional<qint64> id = resolve(idOrCode);
    if (!id)
        return DbError(DbError::Kind::NotFound,
                       tr("There is no booking with ID or code \"%1\".").arg(idOrCode));

    AvailabilityRequest slot;
    QString status;
    QString code;
    qint64 currentBay = 0;
    {
        // FOR UPDATE: a status change or a second move from another desk
        // waits for this one (and then sees where the booking went).
        QSqlQuery query = Sql::exec(
            m_db,
            QStringLiteral("SELECT booking_status_now(status, hold_expires_at), code, service_id, "
                           "vehicle_class, bay_id FROM bookings WHERE id = ? FOR UPDATE"),
            {*id});
        query.next();
        status = query.value(0).toString();
        code = query.value(1).toString();
        slot.serviceId = query.value(2).toLongLong();
        slot.vehicleClass = query.value(3).toString();
        currentBay = query.value(4).toLongLong();
    }
    if (status != u"held" && status != u"confirmed")
        return DbError(DbError::Kind::Invalid,
                       tr("Booking %1 cannot be moved: its status is %2. Only held or confirmed "
                          "bookings can be moved.")
                           .arg(code, BookingWords::status(status)));
    // The minutes it was booked for: the service's plus the add-ons' as booked.
    int bookedMinutes = 0;
    {
        QSqlQuery query = Sql::exec(
            m_db,
            QStringLiteral("SELECT s.duration_minutes + COALESCE((SELECT sum(ba.extra_minutes) "
                           "FROM booking_addons AS ba WHERE ba.booking_id = b.id), 0), "
                           "(SELECT string_agg(ba.addon_id::text, ',' ORDER BY ba.addon_id) "
                           "FROM booking_addons AS ba WHERE ba.booking_id = b.id) "
                           "FROM bookings AS b JOIN services AS s ON s.id = b.service_id WHERE b.id = ?"),
            {*id});
        query.next();
        bookedMinutes = query.value(0).toInt();
        const QStringList addonIds = query.value(1).toString().split(u',', Qt::SkipEmptyParts);
        for (const QString &addon : addonIds)
            slot.addonIds.append(addon.toLongLong());
    }
    slot.bayId = bayId;
    // Its own time is not in its way (moving by a quarter of an hour, or
    // earlier into its own slot, is fine): the same request the reschedule
    // dialog lists free starts with, so what it offers is accepted here.
    slot.ignoreBookingId = *id;
    const Booking before = select(QStringLiteral("b.id = ?"), {*id}, siteZone()).value(0);

    const QDate around = newStart.toUTC().date();
    PlanningContext ctx = AvailabilityRepo(m_db).load(slot, around.addDays(-1), around.addDays(1));
    const QTimeZone zone = ctx.settings.timeZone;
    const QDate day = newStart.toTimeZone(zone).date();
    SlotPlanInput input = ctx.inputFor(day);
    input.durationMinutes = bookedMinutes;
    const SlotPlanner planner(input);
    const QList<FieldError> errors = slotProblems(ctx, planner, newStart);
    if (!errors.isEmpty())
        return BookingOutcome::refused(errors);

    QList<BayRef> free = planner.freeBays(newStart);
    if (newStart == before.start) {
        // At its own start, staying on its bay is no move: only another bay will do.
        const bool ownBayFree
            = free.removeIf([currentBay](const BayRef &b) { return b.id == currentBay; }) > 0;
        if (free.isEmpty() && ownBayFree)
            return DbError(DbError::Kind::Invalid,
                           tr("Booking %1 is already at that time on %2.").arg(code, before.bay.name));
    } else if (bayId == 0) {
        // Staying on its bay when it can is least surprising for the crew.
        for (qsizetype i = 1; i < free.size(); ++i) {
            if (free.at(i).id == currentBay)
                free.move(i, 0);
        }
    }

    bool moved = false;
    for (const BayRef &bay : std::as_const(free)) {
        // An UPDATE has no ON CONFLICT: a savepoint keeps the transaction
        // alive when the exclusion constraint refuses this bay.
        Sql::exec(m_db, QStringLiteral("SAVEPOINT reschedule_move"));
        try {
            // Values written in (numbers and our own UTC timestamp, never
            // user text): an unprepared statement, so a refused one leaves
            // no prepared statement to free inside the aborted savepoint.
            Sql::exec(m_db,
                      QStringLiteral("UPDATE bookings SET bay_id = %1, starts_at = '%2'::timestamptz, "
                                     "ends_at = '%2'::timestamptz + %3 * interval '1 minute', "
                                     "blocked_until = '%2'::timestamptz + %4 * interval '1 minute' WHERE id = %5")
                          .arg(bay.id)
                          .arg(IsoTime::toSql(newStart))
                          .arg(bookedMinutes)
                          .arg(bookedMinutes + ctx.settings.bufferMinutes)
                          .arg(*id));
            Sql::exec(m_db, QStringLiteral("RELEASE SAVEPOINT reschedule_move"));
            moved = true;
            break;
        } catch (const DbException &e) {
            if (e.error().kind() != DbError::Kind::SlotTaken)
                throw;
            Sql::exec(m_db, QStringLiteral("ROLLBACK TO SAVEPOINT reschedule_move"));
        }
    }
    if (!moved)
        return slotTaken(slot, newStart, zone);

    BookingOutcome outcome;
    outcome.result = BookingOutcome::Result::Booked;
    outcome.booking = select(QStringLiteral("b.id = ?"), {*id}, zone).value(0);
    const Booking &after = outcome.booking;
    auto place = [](const Booking &b) {
        return QJsonObject {{QStringLiteral("start"), IsoTime::format(b.start)},
                            {QStringLiteral("end"), IsoTime::format(b.end)},
                            {QStringLiteral("bay_id"), b.bay.id},
                            {QStringLiteral("bay"), b.bay.name}};
    };
    AuditLog::write(m_db, actor, QStringLiteral("booking.reschedule"), QStringLiteral("booking"),
                    QString::number(*id),
                    {{QStringLiteral("code"), code},
                     {QStringLiteral("from"), place(before)},
                     {QStringLiteral("to"), place(after)}});
    // Both days' boards change when it moves to another day.
    Booking leaving = after;
    leaving.start = before.start.toTimeZone(zone);
    if (leaving.start.date() != after.start.date())
        notifyChanged(leaving);
    notifyChanged(after);
    tx.commit();
    return outcome;
}
