#include "app/cli/backupcommands.h"

#include "app/cli/admincli.h"
#include "db/audit/auditlog.h"
#include "db/backup/backupfolder.h"
#include "db/backup/backupjob.h"
#include "db/backup/dailybackup.h"
#include "db/config/databaseconfig.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <cstdio>

namespace {

QJsonObject backupJson(const BackupFile &b)
{
    QJsonObject o = b.manifest.toJson();
    o.insert(QStringLiteral("archive_path"), b.archivePath);
    o.insert(QStringLiteral("manifest_path"), b.manifestPath());
    return o;
}

} // namespace

int BackupCommands::backup(const QStringList &args)
{
    const QString usageLine = QStringLiteral("backup [--to FILE] [--json]");
    QCommandLineParser parser;
    const QCommandLineOption toOption(QStringLiteral("to"), AdminCli::tr("the archive to write"),
                                      QStringLiteral("file"));
    parser.addOption(toOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("backup"), args, usageLine))
        return Invalid;
    if (!parser.positionalArguments().isEmpty())
        return m_cli.invalid(AdminCli::tr("backup takes no file name of its own; name it with --to FILE. "
                                          "Usage: carwash-admin %1")
                                 .arg(usageLine));
    if (parser.isSet(toOption) && parser.value(toOption).trimmed().isEmpty())
        return m_cli.invalid(AdminCli::tr("--to needs a file name."));
    // Backed up as it is: a backup changes nothing, not even the schema
    // (this program's migrations run at the next start of any program).
    if (const int rc = m_cli.openPool(false); rc != Ok)
        return rc;
    QString archive = parser.value(toOption);
    if (archive.isEmpty()) {
        auto folder = m_cli.pool()
                          .withRetry(QStringLiteral("backup.folder"), RetryPolicy::standard(),
                                     [](QSqlDatabase &db) { return BackupListing::fromSettings(db).folder; })
                          .result();
        if (!folder.ok())
            return m_cli.failWith(folder.error());
        archive = QDir(folder.value()).filePath(BackupFolder::archiveName(QDateTime::currentDateTimeUtc()));
    } else if (QFileInfo::exists(archive)) {
        return m_cli.invalid(AdminCli::tr("--to: %1 exists already; choose another file name.").arg(archive));
    }
    const DbResult<BackupFile> made
        = BackupJob::makeBlocking(m_cli.config(), archive, QStringLiteral("carwash-admin"));
    if (!made.ok())
        return m_cli.failWith(made.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(backupJson(made.value())) << '\n';
    else
        m_cli.out() << AdminCli::tr("Backed up %1 (schema %2) to %3 (%4, SHA-256 %5).")
                           .arg(made->manifest.database, made->manifest.schemaVersion, made->archivePath,
                                QLocale::c().formattedDataSize(made->manifest.size), made->manifest.sha256)
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

qint64 BackupCommands::bookingsInDatabase(int *rc)
{
    if (const int opened = m_cli.openPool(false); opened != Ok) {
        *rc = opened;
        return -1;
    }
    auto counted
        = m_cli.pool()
              .withRetry(
                  QStringLiteral("restore.bookings"), RetryPolicy::standard(),
                  [](QSqlDatabase &db) -> qint64 {
                      if (Sql::scalar(db, QStringLiteral("SELECT to_regclass('bookings') IS NULL")).toBool())
                          return 0;
                      return Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings")).toLongLong();
                  })
              .result();
    if (!counted.ok()) {
        *rc = m_cli.failWith(counted.error());
        return -1;
    }
    return counted.value();
}

bool BackupCommands::confirmReplace(qint64 bookings)
{
    m_cli.err() << AdminCli::tr("The database %1 holds %n booking(s); restoring replaces everything in it.",
                                nullptr, int(bookings))
                       .arg(m_cli.config().database)
                << '\n'
                << AdminCli::tr("Type yes to replace it: ") << Qt::flush;
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed();
    return answer.compare(QStringLiteral("yes"), Qt::CaseInsensitive) == 0
        || answer.compare(AdminCli::tr("yes"), Qt::CaseInsensitive) == 0;
}

int BackupCommands::restore(const QStringList &args)
{
    const QString usageLine = QStringLiteral("restore FILE [--replace] [--yes] [--json]");
    QCommandLineParser parser;
    const QCommandLineOption replaceOption(QStringLiteral("replace"),
                                           AdminCli::tr("replace a database that holds bookings"));
    const QCommandLineOption yesOption(QStringLiteral("yes"), AdminCli::tr("do not ask before replacing"));
    parser.addOption(replaceOption);
    parser.addOption(yesOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("restore"), args, usageLine))
        return Invalid;
    if (parser.positionalArguments().size() != 1)
        return m_cli.invalid(
            AdminCli::tr("restore needs one backup file. Usage: carwash-admin %1").arg(usageLine));
    if (parser.isSet(yesOption) && !parser.isSet(replaceOption))
        return m_cli.invalid(
            AdminCli::tr("--yes goes with --replace. Usage: carwash-admin %1").arg(usageLine));

    // The archive first: a damaged or foreign one is refused before the
    // database is even opened.
    const DbResult<BackupFile> checked = BackupJob::verifyBlocking(parser.positionalArguments().constFirst());
    if (!checked.ok()) {
        m_cli.failWith(checked.error());
        return checked.error().kind() == DbError::Kind::NotFound ? NotFound : Invalid;
    }
    const BackupFile backup = checked.value();
    if (backup.manifest.schemaVersion > Migrator::latestVersion())
        return m_cli.invalid(
            AdminCli::tr("The backup was made by a newer version of CarWash Desk (schema %1; "
                         "this program knows up to %2). Install that version or a newer "
                         "one and restore with its carwash-admin; nothing was changed.")
                .arg(backup.manifest.schemaVersion, Migrator::latestVersion()));

    int rc = Ok;
    const qint64 bookings = bookingsInDatabase(&rc);
    if (bookings < 0)
        return rc;
    if (bookings > 0) {
        if (!parser.isSet(replaceOption))
            return m_cli.refused(
                AdminCli::tr("The database %1 holds %n booking(s); nothing was changed. To replace "
                             "it with the backup, run again with --replace.",
                             nullptr, int(bookings))
                    .arg(m_cli.config().database));
        if (!parser.isSet(yesOption) && !confirmReplace(bookings))
            return m_cli.refused(AdminCli::tr("Not confirmed; nothing was changed. (--yes confirms in a script.)"));
    }

    // No connection of ours may hold the schema while it is replaced.
    const DatabaseConfig config = m_cli.config();
    m_cli.closePool();
    const DbResult<Done> restored = BackupJob::restoreBlocking(config, backup);
    if (!restored.ok())
        return m_cli.failWith(restored.error());

    if (const int opened = m_cli.openPool(false); opened != Ok)
        return opened;
    const QJsonObject details {
        {QStringLiteral("archive"), backup.archivePath},
        {QStringLiteral("sha256"), backup.manifest.sha256},
        {QStringLiteral("made_at"), backup.manifest.madeAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("schema_version"), backup.manifest.schemaVersion},
        {QStringLiteral("bookings_replaced"), bookings}};
    auto migrated
        = m_cli.pool()
              .withRetry(QStringLiteral("restore.migrate"), RetryPolicy::critical(),
                         [details, database = config.database](QSqlDatabase &db) {
                             const QStringList applied = Migrator::migrate(db);
                             Transaction tx(db);
                             QJsonObject withMigrations = details;
                             withMigrations.insert(QStringLiteral("migrations_applied"),
                                                   QJsonArray::fromStringList(applied));
                             AuditLog::write(db, QStringLiteral("cli"), QStringLiteral("database.restored"),
                                             QStringLiteral("database"), database, withMigrations);
                             tx.commit();
                             return applied;
                         })
              .result();
    if (!migrated.ok())
        return m_cli.failWith(migrated.error());
    if (m_cli.json()) {
        QJsonObject out = details;
        out.insert(QStringLiteral("database"), config.database);
        out.insert(QStringLiteral("migrations_applied"), QJsonArray::fromStringList(migrated.value()));
        m_cli.out() << CliContext::jsonText(out) << '\n';
    } else {
        m_cli.out() << AdminCli::tr("Restored %1 (made %2, schema %3) into %4.")
                           .arg(backup.archivePath,
                                backup.manifest.madeAt.toLocalTime().toString(Qt::ISODate),
                                backup.manifest.schemaVersion, config.database)
                    << '\n';
        if (!migrated->isEmpty())
            m_cli.out()
                << AdminCli::tr("Migrations applied afterwards: %1").arg(migrated->join(QStringLiteral(", ")))
                << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}
