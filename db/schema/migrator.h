#pragma once

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QStringList>

// Brings the schema up to date from the SQL files compiled in under
// ":/migrations/" (NNNN_description.sql, applied in order of NNNN). Blocking:
// call it inside a unit of work on a pooled connection; failures throw
// DbException through the Sql helpers. Safe to run from several processes at
// once: a PostgreSQL advisory lock lets one migrate while the others wait and
// then find nothing to do.
class Migrator
{
    Q_DECLARE_TR_FUNCTIONS(Migrator)
public:
    // The advisory lock key ("CarWashD" in ASCII), fixed so every version of
    // every program serialises on the same lock.
    static constexpr qint64 LockKey = 0x4361725761736844;

    // Applies each missing migration in its own transaction together with its
    // row in schema_migrations(version, name, applied_at). Returns the
    // versions applied ("0001", ...), empty when already up to date.
    static QStringList migrate(QSqlDatabase &db);

    // The newest version this program carries, e.g. "0001".
    static QString latestVersion();
};
