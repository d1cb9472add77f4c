#pragma once

#include "db/bookings/booking.h"
#include "db/bookings/bookingoutcome.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSqlDatabase>

// What a customer may change of their own booking without staff (the
// online API): cancel it or move it, while it is held or confirmed and its
// start is at least noticeMinutes away by the database's clock. Each is one
// transaction under the booking's row lock. Runs inside a unit of work on a
// pooled connection (blocking; throws DbException from the Sql helpers).
class CustomerChanges
{
    Q_DECLARE_TR_FUNCTIONS(CustomerChanges)
public:
    enum class Result { Done, TooLate, NotChangeable };

    struct Cancellation
    {
        Result result = Result::Done;
        QString message; // TooLate, NotChangeable: why, for the customer
        Booking booking; // Done: as it is now
        qint64 refundedCents = 0; // Done: given back (card refunds carried out by carwash-server)
    };
    struct Move
    {
        Result result = Result::Done;
        QString message; // TooLate, NotChangeable
        BookingOutcome outcome; // Done: booked at the new start, or the slot taken, or refused input
    };

    explicit CustomerChanges(QSqlDatabase &db);

    // Held: the hold released as a kiosk releases it (a live Checkout
    // session expired at Stripe). Confirmed: cancelled, and what was paid by
    // card refunded in full through carwash-server. Paid at the desk in
    // cash: NotChangeable (the money is given back at the desk).
    DbResult<Cancellation> cancel(qint64 bookingId, int noticeMinutes, const QString &actor);
    // BookingRepo::reschedule with the same rules; start without an offset
    // (startHasOffset false) is the site's local time.
    DbResult<Move> move(qint64 bookingId, const QDateTime &start, bool startHasOffset, qint64 bayId,
                        int noticeMinutes, const QString &actor);

private:
    struct Standing
    {
        Result result = Result::Done;
        QString message;
        QString status;
    };
    // Locks the booking's row and says whether the customer may change it.
    Standing standing(qint64 bookingId, int noticeMinutes, bool cancelling);

    QSqlDatabase &m_db;
};
