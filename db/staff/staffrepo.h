#pragma once

#include "db/staff/signinattempt.h"
#include "db/staff/staffmember.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <optional>

// The staff table: who may sign in, PIN checks with the lock-out, and the
// managers' changes, each written to audit_log in the same transaction.
// Runs inside a unit of work on a pooled connection (blocking; throws
// DbException through the Sql helpers). PIN stretching takes ~150 ms on
// purpose: these calls belong on the pool's threads, never the GUI thread.
class StaffRepo
{
    Q_DECLARE_TR_FUNCTIONS(StaffRepo)
public:
    // Five wrong PINs in a row lock a person for five minutes. The lock is a
    // column, so every desk and kiosk sees it.
    static constexpr int MaxFailedAttempts = 5;
    static constexpr int LockMinutes = 5;
    static constexpr int MinPinDigits = 4;
    static constexpr int MaxPinDigits = 8;

    explicit StaffRepo(QSqlDatabase &db);

    // People who may sign in, by name, with any lock in force now.
    QList<StaffMember> active();
    // Everyone, active or not, by name: the managers' list.
    QList<StaffMember> all();

    // Checks a PIN in one transaction that holds the person's row, so two
    // desks guessing at once are counted one after the other: a wrong PIN
    // counts, the fifth locks, a right one resets the count. Refused while
    // locked, whatever the PIN.
    SignInAttempt signIn(qint64 staffId, const QString &pin);

    // Adds a person (the PIN is stretched with PinHash). managerId must be
    // an active manager. Throws Invalid for a bad PIN or name,
    // UniqueViolation for a name in use.
    StaffMember add(const QString &name, StaffMember::Role role, const QString &pin, qint64 managerId);
    // The first run of an empty site: its first manager, audited as done by
    // that manager. nullopt (nothing written) when the staff table has
    // anyone at all, active or not: another desk set the site up first (the
    // table is locked while it looks, so two first runs go one after the
    // other). Throws Invalid for a bad PIN or name.
    std::optional<StaffMember> addFirstManager(const QString &name, const QString &pin);
    // One person, active or not; nullopt for an unknown id.
    std::optional<StaffMember> byId(qint64 staffId);
    // Whether the staff table has anyone at all, active or not.
    bool hasAnyone();
    // Gives a person a new PIN and lifts any lock-out.
    void resetPin(qint64 staffId, const QString &pin, qint64 managerId);
    // The same from a shell (carwash-admin): audited as done by actor
    // ("cli"), with no manager to sign in, for a manager who forgot the PIN.
    void resetPinAsOperator(qint64 staffId, const QString &pin, const QString &actor);
    // Deactivates (their PIN no longer signs in) or reactivates a person,
    // and changes a role. Refused (Invalid) when it would leave no active
    // manager: the active managers' rows are locked first, so two managers
    // removing each other at once are decided one after the other. Returns
    // the person as changed; NotFound for an unknown id.
    StaffMember setActive(qint64 staffId, bool active, qint64 managerId);
    StaffMember setRole(qint64 staffId, StaffMember::Role role, qint64 managerId);

    // People whose name is text (ignoring case), else whose name contains
    // it; everyone, active or not, by name.
    QList<StaffMember> findByName(const QString &text);
    // A new random PIN of MinPinDigits + 2 digits.
    static QString randomPin();
    // reason: "manual" or "idle".
    void recordSignOut(qint64 staffId, const QString &reason);

    // Empty when pin is acceptable (4 to 8 digits), else what is wrong.
    static QString pinProblem(const QString &pin);

private:
    QList<StaffMember> list(const QString &filter);
    void requireManager(qint64 managerId);
    void writePinHash(qint64 staffId, const QString &pinHash, const QString &actor);
    // In the caller's transaction: locks the active managers' rows, checks
    // that the change leaves one, applies it and audits it.
    StaffMember change(qint64 staffId, std::optional<bool> active, std::optional<StaffMember::Role> role,
                       qint64 managerId);

    QSqlDatabase &m_db;
};
