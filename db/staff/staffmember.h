#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

// A person who signs in at a desk, as the staff table holds them (never the
// PIN hash). Plain value, copied across threads.
struct StaffMember
{
    enum class Role { Staff, Manager };

    qint64 id = 0;
    QString name;
    Role role = Role::Staff;
    bool active = true;
    int failedAttempts = 0;
    // When a lock-out ends, by the database's clock; invalid when not locked
    // at the moment the row was read.
    QDateTime lockedUntil;
    // Seconds of the lock-out left when the row was read, by the database's
    // clock (a desk's own clock may be off).
    int lockSecondsLeft = 0;

    bool isManager() const { return role == Role::Manager; }
    bool isLocked() const { return lockedUntil.isValid(); }
    // audit_log's actor form: "staff:3".
    QString actor() const { return actorFor(id); }

    static QString actorFor(qint64 staffId) { return QStringLiteral("staff:%1").arg(staffId); }
    // The staff table's spelling: "staff", "manager".
    static QString roleName(Role role);
    static std::optional<Role> roleFromName(const QString &name);
};
