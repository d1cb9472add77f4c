#pragma once

#include "db/pool/dberror.h"
#include "db/staff/signinattempt.h"

#include <QCoreApplication>
#include <QFuture>

class ConnectionPool;
class QLineEdit;
class QWidget;

// A staff member's PIN checked the same wherever it is typed (the desk's
// sign-in page, the kiosk's manager PIN pad): what is refused before the
// database is asked, the check itself on the pool, and the words for a
// wrong PIN and a lock-out. What each screen does with the outcome (sign
// in, unlock, reload its names) stays with the screen.
class PinCheck
{
    Q_DECLARE_TR_FUNCTIONS(PinCheck)
public:
    // Whether the lock-out message tells the person a manager can reset the
    // PIN (at the desk, where a manager is at hand) or not (the manager's
    // own PIN at the kiosk).
    enum class LockAdvice { TryAgain, TryAgainOrReset };

    // A masked field for a PIN: digits only, at most StaffRepo::MaxPinDigits.
    static QLineEdit *field(QWidget *parent, const QString &objectName, const QString &accessibleName);
    // Empty when a new PIN typed twice is acceptable; else what is wrong
    // (StaffRepo::pinProblem, or the two differ).
    static QString newPinProblem(const QString &pin, const QString &repeat);
    // Empty when pin is long enough to send; else what to tell the person.
    static QString lengthProblem(const QString &pin);
    // StaffRepo::signIn on the pool. The check, the count and the lock-out
    // are one transaction: a retry after a lost connection cannot count a
    // PIN twice.
    static QFuture<DbResult<SignInAttempt>> start(ConnectionPool &pool, qint64 staffId, const QString &pin);
    // "That PIN is not right. 3 more wrong PINs and Morgan is locked for 15 minutes."
    static QString wrongPin(const QString &name, int attemptsLeft);
    // "Morgan is locked after 5 wrong PINs. Try again in 4 min 05 s."
    static QString locked(const QString &name, int seconds, LockAdvice advice);
};
