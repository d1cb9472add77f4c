#pragma once

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QString>

// The site database in a PostgreSQL cluster of this PC (`carwash-admin site
// init`): the role that owns it, the database, and the desk users let in.
// Blocking, inside a unit of work on a superuser's pooled connection; each
// step looks before it acts, so a second run changes nothing and says so.
// Failures throw DbException through the Sql helpers.
class SiteDatabase
{
    Q_DECLARE_TR_FUNCTIONS(SiteDatabase)
public:
    // Makes role (LOGIN, no password: it logs in through peer authentication
    // on the local socket). True when made now.
    static bool ensureRole(QSqlDatabase &db, const QString &role);
    // Makes database owned by owner. True when made now; an existing one
    // owned by another role is refused (Configuration), nothing changed.
    static bool ensureDatabase(QSqlDatabase &db, const QString &database, const QString &owner);
    // On a connection to the site database: migrates it as role, so every
    // object the migrations make belongs to the site's role. The versions applied.
    static QStringList migrateAs(QSqlDatabase &db, const QString &role);
    // Lets the login role of the same name as a desk user in: made when
    // missing (LOGIN, no password), a member of role, and its sessions in
    // database act as role (ALTER ROLE … SET role), so what its programs
    // make belongs to the site too. True when anything changed.
    static bool allowUser(QSqlDatabase &db, const QString &user, const QString &role,
                          const QString &database);
};
