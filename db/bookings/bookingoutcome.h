#pragma once

#include "db/availability/slotplanner.h"
#include "db/bookings/booking.h"
#include "db/pool/dberror.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QList>

// What a booking attempt came to. Expected outcomes are values, not
// errors, so the unit of work that produced them still counts as a
// success for the pool (and is never retried): booked, replayed (the same
// idempotency key and request again), refused input, or the slot taken
// with the next free starts to offer instead.
class BookingOutcome
{
    Q_DECLARE_TR_FUNCTIONS(BookingOutcome)
public:
    enum class Result { Booked, Replayed, Invalid, SlotTaken };

    Result result = Result::Invalid;
    Booking booking; // Booked, Replayed
    QList<FieldError> errors; // Invalid
    QList<PlannedSlot> alternatives; // SlotTaken

    static BookingOutcome refused(QList<FieldError> fieldErrors)
    {
        BookingOutcome outcome;
        outcome.result = Result::Invalid;
        outcome.errors = std::move(fieldErrors);
        return outcome;
    }

    bool isBooked() const { return result == Result::Booked || result == Result::Replayed; }
    // Kind::Invalid or Kind::SlotTaken with a sentence for people; Kind::None when booked.
    DbError error() const
    {
        switch (result) {
        case Result::Invalid:
            return DbError(
                DbError::Kind::Invalid,
                tr("The booking was refused: %n field(s) need attention.", nullptr, int(errors.size())));
        case Result::SlotTaken:
            return DbError(DbError::Kind::SlotTaken, tr("That time slot was just taken."), QString(),
                           QStringLiteral("23P01"));
        default:
            return DbError();
        }
    }
};
