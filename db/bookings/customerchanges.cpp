#include "db/bookings/customerchanges.h"

#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/calendar/settingsrepo.h"
#include "db/kiosk/kioskrepo.h"
#include "db/payments/amountdue.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"

CustomerChanges::CustomerChanges(QSqlDatabase &db)
    : m_db(db)
{ }

CustomerChanges::Standing CustomerChanges::standing(qint64 bookingId, int noticeMinutes, bool cancelling)
{
    QSqlQuery query = Sql::exec(m_db,
                                QStringLiteral("SELECT booking_status_now(status, hold_expires_at), "
                                               "starts_at >= now() + make_interval(mins => ?) "
                                               "FROM bookings WHERE id = ? FOR UPDATE"),
                                {noticeMinutes, bookingId});
    Standing s;
    if (!query.next()) {
        s.result = Result::NotChangeable;
        s.message = tr("There is no such booking.");
        return s;
    }
    s.status = query.value(0).toString();
    if (s.status != u"held" && s.status != u"confirmed") {
        s.result = Result::NotChangeable;
        s.message = cancelling ? tr("This booking is %1 and can no longer be cancelled.").arg(BookingWords::status(s.status))
                               : tr("This booking is %1 and can no longer be moved.").arg(BookingWords::status(s.status));
    } else if (!query.value(1).toBool()) {
        s.result = Result::TooLate;
        s.message = tr("A booking can be changed online until %n minute(s) before its start; please call or "
                       "visit the car wash.",
                       nullptr, noticeMinutes);
    }
    return s;
}

DbResult<CustomerChanges::Cancellation> CustomerChanges::cancel(qint64 bookingId, int noticeMinutes,
                                                                const QString &actor)
{
    Transaction tx(m_db);
    const Standing s = standing(bookingId, noticeMinutes, true);
    Cancellation done;
    if (s.result != Result::Done) {
        done.result = s.result;
        done.message = s.message;
        return done;
    }
    const QString why = QStringLiteral("cancelled by the customer online");
    if (s.status == u"held") {
        const DbResult<KioskRelease> released = KioskRepo(m_db).releaseHold(bookingId, actor, why);
        if (!released.ok())
            return released.error();
    } else {
        const DbResult<AmountDue> due = PaymentRepo(m_db).lockDue(bookingId);
        if (!due.ok())
            return due.error();
        for (const Payment &p : due->payments) {
            if (p.method == u"cash" && p.succeeded()) {
                done.result = Result::NotChangeable;
                done.message = tr("This booking was paid at the car wash; please see the desk to cancel it and "
                                  "have your money back.");
                return done;
            }
        }
        const DbResult<Booking> cancelled
            = BookingRepo(m_db).changeStatus(QString::number(bookingId), QStringLiteral("cancelled"), actor, why);
        if (!cancelled.ok())
            return cancelled.error();
        if (due->paidCents > 0) {
            const DbResult<RefundOutcome> refunded
                = CardPaymentRequests(m_db).refundBooking(bookingId, std::nullopt, why, actor, true);
            if (!refunded.ok())
                return refunded.error();
            done.refundedCents = due->paidCents;
        }
    }
    tx.commit();
    const std::optional<Booking> now = BookingRepo(m_db).byId(bookingId);
    if (now)
        done.booking = *now;
    return done;
}

DbResult<CustomerChanges::Move> CustomerChanges::move(qint64 bookingId, const QDateTime &start, bool startHasOffset,
                                                      qint64 bayId, int noticeMinutes, const QString &actor)
{
    Transaction tx(m_db);
    const Standing s = standing(bookingId, noticeMinutes, false);
    Move done;
    if (s.result != Result::Done) {
        done.result = s.result;
        done.message = s.message;
        return done;
    }
    QDateTime instant = start;
    if (!startHasOffset)
        instant = QDateTime(start.date(), start.time(), SettingsRepo(m_db).load().timeZone);
    const DbResult<BookingOutcome> moved
        = BookingRepo(m_db).reschedule(QString::number(bookingId), instant, bayId, actor);
    if (!moved.ok())
        return moved.error();
    done.outcome = *moved;
    if (moved->isBooked())
        tx.commit();
    return done;
}
