#include "db/staff/staffrepo.h"

#include "db/audit/auditlog.h"
#include "db/pool/sql.h"
#include "db/staff/pinhash.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlQuery>

namespace {

const QString ListSql = QStringLiteral(R"(
SELECT id, name, role, active, failed_attempts,
       CASE WHEN locked_until > now() THEN locked_until END,
       CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int ELSE 0 END
  FROM staff
 WHERE %1
 ORDER BY lower(name), id)");

StaffMember memberFrom(const QSqlQuery &query)
{
    StaffMember m;
    m.id = query.value(0).toLongLong();
    m.name = query.value(1).toString();
    m.role = StaffMember::roleFromName(query.value(2).toString()).value_or(StaffMember::Role::Staff);
    m.active = query.value(3).toBool();
    m.failedAttempts = query.value(4).toInt();
    if (!query.value(5).isNull())
        m.lockedUntil = query.value(5).toDateTime();
    m.lockSecondsLeft = query.value(6).toInt();
    return m;
}

DbException invalid(const QString &message)
{
    return DbException(DbError(DbError::Kind::Invalid, message));
}

} // namespace

StaffRepo::StaffRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QList<StaffMember> StaffRepo::active()
{
    return list(QStringLiteral("active"));
}

QList<StaffMember> StaffRepo::all()
{
    return list(QStringLiteral("true"));
}

std::optional<StaffMember> StaffRepo::byId(qint64 staffId)
{
    const QList<StaffMember> found = list(QStringLiteral("id = %1").arg(staffId));
    if (found.isEmpty())
        return std::nullopt;
    return found.constFirst();
}

QList<StaffMember> StaffRepo::list(const QString &filter)
{
    QList<StaffMember> people;
    QSqlQuery query = Sql::exec(m_db, ListSql.arg(filter));
    while (query.next())
        people.append(memberFrom(query));
    return people;
}

QString StaffRepo::pinProblem(const QString &pin)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (pin.size() < MinPinDigits || pin.size() > MaxPinDigits || !digits.match(pin).hasMatch())
        return tr("A PIN is %1 to %2 digits, nothing else.").arg(MinPinDigits).arg(MaxPinDigits);
    return {};
}

SignInAttempt StaffRepo::signIn(qint64 staffId, const QString &pin)
{
    SignInAttempt attempt;
    Transaction tx(m_db);
    // FOR UPDATE: a second desk trying the same person waits here and then
    // sees this attempt's count, so parallel guesses cannot dodge the lock.
    // Times are the database's, one clock for every desk.
    QSqlQuery row = Sql::exec(m_db, QStringLiteral(R"(
SELECT name, role, active, pin_hash, failed_attempts,
       locked_until IS NOT NULL AND locked_until <= now() AS lock_expired,
       CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END,
       CASE WHEN locked_until > now() THEN locked_until END
  FROM staff WHERE id = ? FOR UPDATE)"),
                              {staffId});
    if (!row.next() || !row.value(2).toBool())
        return attempt; // NotFound; nothing to record
    attempt.member.id = staffId;
    attempt.member.name = row.value(0).toString();
    attempt.member.role
        = StaffMember::roleFromName(row.value(1).toString()).value_or(StaffMember::Role::Staff);
    const QString storedHash = row.value(3).toString();
    // A lock that has run out gives a fresh set of attempts.
    const int failedBefore = row.value(5).toBool() ? 0 : row.value(4).toInt();
    const bool locked = !row.value(6).isNull();
    const int lockedSeconds = row.value(6).toInt();
    const QDateTime lockedUntil = row.value(7).toDateTime();
    row.finish();

    const QString actor = StaffMember::actorFor(staffId);
    const QString entityId = QString::number(staffId);
    if (locked) {
        attempt.outcome = SignInAttempt::Outcome::Locked;
        attempt.lockedSeconds = lockedSeconds;
        attempt.member.lockedUntil = lockedUntil;
        attempt.member.lockSecondsLeft = lockedSeconds;
        AuditLog::write(m_db, actor, QStringLiteral("staff.sign_in_refused"), QStringLiteral("staff"),
                        entityId,
                        {{QStringLiteral("reason"), QStringLiteral("locked")},
                         {QStringLiteral("remaining_seconds"), lockedSeconds}});
        tx.commit();
        return attempt;
    }

    if (PinHash::verify(pin, storedHash)) {
        Sql::exec(m_db,
                  QStringLiteral("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?"),
                  {staffId});
        AuditLog::write(m_db, actor, QStringLiteral("staff.sign_in"), QStringLiteral("staff"), entityId,
                        {{QStringLiteral("failed_attempts_before"), failedBefore}});
        tx.commit();
        attempt.outcome = SignInAttempt::Outcome::SignedIn;
        return attempt;
    }

    const int failed = failedBefore + 1;
    if (failed >= MaxFailedAttempts) {
        QSqlQuery lock = Sql::exec(m_db,
                                   QStringLiteral("UPDATE staff SET failed_attempts = ?, "
                                                  "locked_until = now() + make_interval(mins => ?) "
                                                  "WHERE id = ? RETURNING locked_until"),
                                   {failed, LockMinutes, staffId});
        if (lock.next())
            attempt.member.lockedUntil = lock.value(0).toDateTime();
        lock.finish();
        AuditLog::write(
            m_db, actor, QStringLiteral("staff.locked"), QStringLiteral("staff"), entityId,
            {{QStringLiteral("failed_attempts"), failed}, {QStringLiteral("minutes"), LockMinutes}});
        attempt.outcome = SignInAttempt::Outcome::Locked;
        attempt.lockedNow = true;
        attempt.lockedSeconds = LockMinutes * 60;
        attempt.member.lockSecondsLeft = attempt.lockedSeconds;
    } else {
        Sql::exec(m_db,
                  QStringLiteral("UPDATE staff SET failed_attempts = ?, locked_until = NULL WHERE id = ?"),
                  {failed, staffId});
        AuditLog::write(m_db, actor, QStringLiteral("staff.sign_in_failed"), QStringLiteral("staff"),
                        entityId, {{QStringLiteral("failed_attempts"), failed}});
        attempt.outcome = SignInAttempt::Outcome::WrongPin;
        attempt.attemptsLeft = MaxFailedAttempts - failed;
    }
    attempt.member.failedAttempts = failed;
    tx.commit();
    return attempt;
}

void StaffRepo::requireManager(qint64 managerId)
{
    QSqlQuery row = Sql::exec(
        m_db, QStringLiteral("SELECT role = 'manager' AND active FROM staff WHERE id = ?"), {managerId});
    if (!row.next() || !row.value(0).toBool())
        throw invalid(tr("Only a manager who is still active can change staff."));
}

StaffMember StaffRepo::add(const QString &name, StaffMember::Role role, const QString &pin, qint64 managerId)
{
    const QString trimmed = name.simplified();
    if (trimmed.isEmpty() || trimmed.size() > 100)
        throw invalid(tr("A name is 1 to 100 characters."));
    if (const QString problem = pinProblem(pin); !problem.isEmpty())
        throw invalid(problem);
    // Stretch before the transaction: no lock is held for those 150 ms.
    const QString pinHash = PinHash::hash(pin);

    Transaction tx(m_db);
    requireManager(managerId);
    StaffMember member;
    member.name = trimmed;
    member.role = role;
    member.id
        = Sql::scalar(
              m_db, QStringLiteral("INSERT INTO staff (name, role, pin_hash) VALUES (?, ?, ?) RETURNING id"),
              {trimmed, StaffMember::roleName(role), pinHash})
              .toLongLong();
    AuditLog::write(
        m_db, StaffMember::actorFor(managerId), QStringLiteral("staff.added"), QStringLiteral("staff"),
        QString::number(member.id),
        {{QStringLiteral("name"), trimmed}, {QStringLiteral("role"), StaffMember::roleName(role)}});
    tx.commit();
    return member;
}

std::optional<StaffMember> StaffRepo::addFirstManager(const QString &name, const QString &pin)
{
    const QString trimmed = name.simplified();
    if (trimmed.isEmpty() || trimmed.size() > 100)
        throw invalid(tr("A name is 1 to 100 characters."));
    if (const QString problem = pinProblem(pin); !problem.isEmpty())
        throw invalid(problem);
    const QString pinHash = PinHash::hash(pin);

    Transaction tx(m_db);
    // Plain reads of staff go on meanwhile; a second first run waits here,
    // then finds this one's manager.
    Sql::exec(m_db, QStringLiteral("LOCK TABLE staff IN SHARE ROW EXCLUSIVE MODE"));
    if (hasAnyone())
        return std::nullopt;
    StaffMember member;
    member.name = trimmed;
    member.role = StaffMember::Role::Manager;
    member.id = Sql::scalar(m_db,
                            QStringLiteral("INSERT INTO staff (name, role, pin_hash) VALUES (?, 'manager', ?) "
                                           "RETURNING id"),
                            {trimmed, pinHash})
                    .toLongLong();
    AuditLog::write(m_db, member.actor(), QStringLiteral("staff.added"), QStringLiteral("staff"),
                    QString::number(member.id),
                    {{QStringLiteral("name"), trimmed}, {QStringLiteral("role"), QStringLiteral("manager")},
                     {QStringLiteral("first_run"), true}});
    tx.commit();
    return member;
}

bool StaffRepo::hasAnyone()
{
    return Sql::scalar(m_db, QStringLiteral("SELECT EXISTS (SELECT 1 FROM staff)")).toBool();
}

void StaffRepo::resetPin(qint64 staffId, const QString &pin, qint64 managerId)
{
    if (const QString problem = pinProblem(pin); !problem.isEmpty())
        throw invalid(problem);
    const QString pinHash = PinHash::hash(pin);

    Transaction tx(m_db);
    requireManager(managerId);
    writePinHash(staffId, pinHash, StaffMember::actorFor(managerId));
    tx.commit();
}

void StaffRepo::resetPinAsOperator(qint64 staffId, const QString &pin, const QString &actor)
{
    if (const QString problem = pinProblem(pin); !problem.isEmpty())
        throw invalid(problem);
    const QString pinHash = PinHash::hash(pin);

    Transaction tx(m_db);
    writePinHash(staffId, pinHash, actor);
    tx.commit();
}

void StaffRepo::writePinHash(qint64 staffId, const QString &pinHash, const QString &actor)
{
    QSqlQuery updated = Sql::exec(m_db,
                                  QStringLiteral("UPDATE staff SET pin_hash = ?, failed_attempts = 0, "
                                                 "locked_until = NULL WHERE id = ? RETURNING name"),
                                  {pinHash, staffId});
    if (!updated.next())
        throw DbException(
            DbError(DbError::Kind::NotFound, tr("That person is no longer on the staff list.")));
    const QString name = updated.value(0).toString();
    updated.finish();
    AuditLog::write(m_db, actor, QStringLiteral("staff.pin_reset"), QStringLiteral("staff"),
                    QString::number(staffId), {{QStringLiteral("name"), name}});
}

StaffMember StaffRepo::setActive(qint64 staffId, bool active, qint64 managerId)
{
    Transaction tx(m_db);
    const StaffMember changed = change(staffId, active, std::nullopt, managerId);
    tx.commit();
    return changed;
}

StaffMember StaffRepo::setRole(qint64 staffId, StaffMember::Role role, qint64 managerId)
{
    Transaction tx(m_db);
    const StaffMember changed = change(staffId, std::nullopt, role, managerId);
    tx.commit();
    return changed;
}

StaffMember StaffRepo::change(qint64 staffId, std::optional<bool> active,
                              std::optional<StaffMember::Role> role, qint64 managerId)
{
    // Every active manager's row, in id order (no deadlock between two
    // desks): a second change waits here and then reads this one's result,
    // so "one manager must remain" holds however many managers act at once.
    QList<qint64> managers;
    QSqlQuery locked = Sql::exec(
        m_db,
        QStringLiteral("SELECT id FROM staff WHERE role = 'manager' AND active ORDER BY id FOR UPDATE"));
    while (locked.next())
        managers.append(locked.value(0).toLongLong());
    locked.finish();
    if (!managers.contains(managerId))
        throw invalid(tr("Only a manager who is still active can change staff."));

    QSqlQuery row
        = Sql::exec(m_db, QStringLiteral("SELECT name, role, active FROM staff WHERE id = ? FOR UPDATE"), {staffId});
    if (!row.next())
        throw DbException(
            DbError(DbError::Kind::NotFound, tr("That person is no longer on the staff list.")));
    StaffMember before;
    before.id = staffId;
    before.name = row.value(0).toString();
    before.role = StaffMember::roleFromName(row.value(1).toString()).value_or(StaffMember::Role::Staff);
    before.active = row.value(2).toBool();
    row.finish();

    StaffMember after = before;
    after.active = active.value_or(before.active);
    after.role = role.value_or(before.role);
    const bool wasActiveManager = before.active && before.isManager();
    const bool staysActiveManager = after.active && after.isManager();
    if (wasActiveManager && !staysActiveManager && managers.size() <= 1)
        throw invalid(tr("%1 is the last active manager. Make someone else a manager first.").arg(before.name));
    if (after.active == before.active && after.role == before.role)
        return after;

    Sql::exec(m_db, QStringLiteral("UPDATE staff SET active = ?, role = ? WHERE id = ?"),
              {after.active, StaffMember::roleName(after.role), staffId});
    const QString actor = StaffMember::actorFor(managerId);
    const QString entityId = QString::number(staffId);
    if (after.active != before.active)
        AuditLog::write(m_db, actor,
                        after.active ? QStringLiteral("staff.reactivated")
                                     : QStringLiteral("staff.deactivated"),
                        QStringLiteral("staff"), entityId, {{QStringLiteral("name"), before.name}});
    if (after.role != before.role)
        AuditLog::write(m_db, actor, QStringLiteral("staff.role_changed"), QStringLiteral("staff"), entityId,
                        {{QStringLiteral("name"), before.name},
                         {QStringLiteral("from"), StaffMember::roleName(before.role)},
                         {QStringLiteral("to"), StaffMember::roleName(after.role)}});
    return after;
}

QList<StaffMember> StaffRepo::findByName(const QString &text)
{
    const QString wanted = text.simplified();
    if (wanted.isEmpty())
        return {};
    QList<StaffMember> exact;
    QList<StaffMember> partial;
    for (const StaffMember &m : all()) {
        if (m.name.compare(wanted, Qt::CaseInsensitive) == 0)
            exact.append(m);
        else if (m.name.contains(wanted, Qt::CaseInsensitive))
            partial.append(m);
    }
    return exact.isEmpty() ? partial : exact;
}

QString StaffRepo::randomPin()
{
    QString pin;
    for (int i = 0; i < MinPinDigits + 2; ++i)
        pin.append(QChar(u'0' + QRandomGenerator::system()->bounded(10)));
    return pin;
}

void StaffRepo::recordSignOut(qint64 staffId, const QString &reason)
{
    AuditLog::write(m_db, StaffMember::actorFor(staffId), QStringLiteral("staff.sign_out"),
                    QStringLiteral("staff"), QString::number(staffId), {{QStringLiteral("reason"), reason}});
}
