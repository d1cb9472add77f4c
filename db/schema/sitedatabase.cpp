#include "db/schema/sitedatabase.h"

#include "db/pool/sql.h"
#include "db/schema/migrator.h"

namespace {

// Utility statements take no bind values: PostgreSQL quotes each name
// itself (format's %I and %L), and the statement runs as it returns.
void execFormatted(QSqlDatabase &db, const QString &format, const QVariantList &names)
{
    QString placeholders;
    for (qsizetype i = 0; i < names.size(); ++i)
        placeholders += QStringLiteral(", ?::text");
    const QString statement = Sql::scalar(db, QStringLiteral("SELECT format(?::text%1)").arg(placeholders),
                                          QVariantList {format} + names)
                                  .toString();
    Sql::exec(db, statement);
}

bool roleExists(QSqlDatabase &db, const QString &role)
{
    return Sql::scalar(db, QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)"), {role})
        .toBool();
}

} // namespace

bool SiteDatabase::ensureRole(QSqlDatabase &db, const QString &role)
{
    if (roleExists(db, role))
        return false;
    execFormatted(db, QStringLiteral("CREATE ROLE %I LOGIN"), {role});
    return true;
}

bool SiteDatabase::ensureDatabase(QSqlDatabase &db, const QString &database, const QString &owner)
{
    QSqlQuery found = Sql::exec(
        db, QStringLiteral("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?"), {database});
    if (found.next()) {
        const QString current = found.value(0).toString();
        if (current != owner)
            throw DbException(
                DbError(DbError::Kind::Configuration,
                        tr("The database %1 exists already and belongs to %2, not to %3; nothing "
                           "was changed. Give it to %3 (ALTER DATABASE %1 OWNER TO %3) if it "
                           "is the site's, or choose another name.")
                            .arg(database, current, owner)));
        return false;
    }
    // CREATE DATABASE runs outside a transaction: the pool's units of work
    // are in autocommit unless they open one.
    execFormatted(db, QStringLiteral("CREATE DATABASE %I OWNER %I"), {database, owner});
    return true;
}

QStringList SiteDatabase::migrateAs(QSqlDatabase &db, const QString &role)
{
    execFormatted(db, QStringLiteral("SET ROLE %I"), {role});
    const QStringList applied = Migrator::migrate(db);
    Sql::exec(db, QStringLiteral("RESET ROLE"));
    return applied;
}

bool SiteDatabase::allowUser(QSqlDatabase &db, const QString &user, const QString &role,
                             const QString &database)
{
    bool changed = false;
    if (!roleExists(db, user)) {
        execFormatted(db, QStringLiteral("CREATE ROLE %I LOGIN"), {user});
        changed = true;
    }
    if (!Sql::scalar(db, QStringLiteral("SELECT pg_has_role(?, ?, 'MEMBER')"), {user, role}).toBool()) {
        execFormatted(db, QStringLiteral("GRANT %I TO %I"), {role, user});
        changed = true;
    }
    const bool actsAsRole
        = Sql::scalar(
              db,
              QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s "
                             "JOIN pg_roles r ON r.oid = s.setrole "
                             "JOIN pg_database d ON d.oid = s.setdatabase "
                             "WHERE r.rolname = ? AND d.datname = ? AND ('role=' || ?) = ANY (s.setconfig))"),
              {user, database, role})
              .toBool();
    if (!actsAsRole) {
        execFormatted(db, QStringLiteral("ALTER ROLE %I IN DATABASE %I SET role = %L"),
                      {user, database, role});
        changed = true;
    }
    return changed;
}
