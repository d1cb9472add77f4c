#include "db/schema/migrator.h"

#include "db/pool/jobcontext_p.h"
#include "db/pool/pgconnection_p.h"
#include "db/pool/sql.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>

#include <optional>

Q_LOGGING_CATEGORY(lcMigrations, "carwash.db.migrations", QtWarningMsg)

namespace {

const QString MigrationsDir = QStringLiteral(":/migrations");

struct MigrationFile
{
    QString version; // "0001"
    QString name; // "initial"
    QString path;
};

// The compiled-in migrations in version order. A badly named or duplicated
// file is a packaging mistake: migrate() refuses to run on it (problem says
// why) rather than skip a step of the schema.
QList<MigrationFile> migrationFiles(DbError *problem = nullptr)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    QList<MigrationFile> files;
    const QStringList names
        = QDir(MigrationsDir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &fileName : names) {
        const QRegularExpressionMatch match = pattern.match(fileName);
        if (!match.hasMatch()) {
            if (problem && !problem->isError())
                *problem = DbError(
                    DbError::Kind::Configuration,
                    Migrator::tr("The program carries a badly named migration file (%1).").arg(fileName),
                    QStringLiteral("migration file names must be NNNN_description.sql"));
            continue;
        }
        if (!files.isEmpty() && files.last().version == match.captured(1)) {
            if (problem && !problem->isError())
                *problem = DbError(
                    DbError::Kind::Configuration,
                    Migrator::tr("The program carries two migrations numbered %1.").arg(match.captured(1)),
                    fileName);
            continue;
        }
        files.append({match.captured(1), match.captured(2), MigrationsDir + QLatin1Char('/') + fileName});
    }
    if (files.isEmpty() && problem && !problem->isError())
        *problem = DbError(DbError::Kind::Configuration,
                           Migrator::tr("The program carries no database migrations."), MigrationsDir);
    return files;
}

QString readScript(const MigrationFile &file)
{
    QFile in(file.path);
    if (!in.open(QIODevice::ReadOnly))
        throw DbException(DbError(DbError::Kind::Configuration,
                                  Migrator::tr("The migration %1 could not be read.").arg(file.version),
                                  in.errorString()));
    return QString::fromUtf8(in.readAll());
}

// Holds the session-level advisory lock for its scope and releases it on
// every path out, exceptions included, so a failed migration never leaves
// other processes waiting on this connection.
class SessionAdvisoryLock
{
public:
    explicit SessionAdvisoryLock(QSqlDatabase &db)
        : m_db(db)
    {
        // Another process's migration may hold the lock for longer than
        // statement_timeout. A session lock taken inside a transaction
        // outlives its commit; the SET LOCAL that lets it wait does not.
        Transaction wait(m_db);
        Sql::setLocalStatementTimeout(m_db, 0);
        Sql::exec(m_db, QStringLiteral("SELECT pg_advisory_lock(%1)").arg(Migrator::LockKey));
        wait.commit();
    }
    ~SessionAdvisoryLock()
    {
        // Not Sql::exec: a destructor must not throw. On a dead connection the
        // server has dropped the lock with the session already.
        QSqlQuery query(m_db);
        StatementWatch watch;
        if (!query.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(Migrator::LockKey)))
            qCWarning(lcMigrations) << "could not release the migration lock:" << query.lastError().text();
    }
    SessionAdvisoryLock(const SessionAdvisoryLock &) = delete;
    SessionAdvisoryLock &operator=(const SessionAdvisoryLock &) = delete;

private:
    QSqlDatabase &m_db;
};

} // namespace

QStringList Migrator::migrate(QSqlDatabase &db)
{
    DbError problem;
    const QList<MigrationFile> files = migrationFiles(&problem);
    if (problem.isError())
        throw DbException(problem);

    // In PgBouncer mode the pool already runs this unit of work in one
    // transaction, and a session lock could outlive it on a server connection
    // PgBouncer hands to someone else; the transaction-level lock ends with
    // that transaction instead.
    std::optional<SessionAdvisoryLock> sessionLock;
    if (pgInTransaction(db)) {
        Sql::setLocalStatementTimeout(db, 0); // a migration may take longer than statement_timeout
        Sql::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(LockKey));
    } else
        sessionLock.emplace(db);

    // Under the lock: two processes creating it at once would collide in the
    // catalogue even with IF NOT EXISTS. Looked up first so a routine start
    // does not print the server's "already exists, skipping" notice.
    if (Sql::scalar(db, QStringLiteral("SELECT to_regclass('schema_migrations') IS NULL")).toBool())
        Sql::exec(db,
                  QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 " version text PRIMARY KEY,"
                                 " name text NOT NULL DEFAULT '',"
                                 " applied_at timestamptz NOT NULL DEFAULT now())"));

    QSet<QString> applied;
    {
        QSqlQuery query = Sql::exec(db, QStringLiteral("SELECT version FROM schema_migrations"));
        while (query.next())
            applied.insert(query.value(0).toString());
    }

    QStringList done;
    for (const MigrationFile &file : files) {
        if (applied.remove(file.version))
            continue;
        const QString script = readScript(file);
        Transaction tx(db);
        // Building an index on a large table may take longer than the
        // statement_timeout meant for the desk's queries.
        Sql::setLocalStatementTimeout(db, 0);
        // Notices such as "extension already exists, skipping" are expected
        // (the embedded server creates btree_gist) and only clutter stderr.
        Sql::exec(db, QStringLiteral("SET LOCAL client_min_messages = warning"));
        Sql::execScript(db, script, QStringLiteral("migration %1_%2").arg(file.version, file.name));
        Sql::exec(db, QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"),
                  {file.version, file.name});
        tx.commit();
        qCInfo(lcMigrations) << "applied migration" << file.version << file.name;
        done << file.version;
    }

    // Left over: versions a newer program applied. Its schema is a superset of
    // ours as long as migrations only add, so carry on, but say so.
    if (!applied.isEmpty()) {
        QStringList newer(applied.cbegin(), applied.cend());
        newer.sort();
        qCWarning(lcMigrations) << "the database has migrations this program does not know:"
                                << newer.join(u',') << "- a newer version of CarWash Desk has used it";
    }
    return done;
}

QString Migrator::latestVersion()
{
    const QList<MigrationFile> files = migrationFiles();
    return files.isEmpty() ? QString() : files.last().version;
}
