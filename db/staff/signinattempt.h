#pragma once

#include "db/staff/staffmember.h"

// The answer to one PIN typed at a desk (StaffRepo::signIn). Expected
// outcomes, not errors: a failure of the database is a DbError instead.
struct SignInAttempt
{
    enum class Outcome {
        SignedIn, // member holds the person, their count reset
        WrongPin, // attemptsLeft more wrong PINs before the lock-out
        Locked, // locked now or already; lockedSeconds until it ends
        NotFound, // no such person, or no longer active
    };

    Outcome outcome = Outcome::NotFound;
    StaffMember member;
    int attemptsLeft = 0;
    int lockedSeconds = 0;
    // True when this very attempt caused the lock-out.
    bool lockedNow = false;
};
