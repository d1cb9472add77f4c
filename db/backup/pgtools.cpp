#include "db/backup/pgtools.h"

#include "db/config/databaseconfig.h"

#include <QFileInfo>
#include <QProcess>

DbResult<QString> PgTools::find(const QString &tool)
{
    const QString path = QStringLiteral("/usr/lib/postgresql/%1/bin/%2").arg(MajorVersion).arg(tool);
    if (!QFileInfo(path).isExecutable())
        return DbError(
            DbError::Kind::Configuration,
            tr("%1 of PostgreSQL %2 is missing; install it with: apt-get install postgresql-client-%2")
                .arg(tool)
                .arg(MajorVersion),
            path);
    const Run version
        = runBlocking(path, {QStringLiteral("--version")}, QProcessEnvironment::systemEnvironment());
    const QString said = QString::fromLocal8Bit(version.out).trimmed();
    if (!version.ok() || !said.contains(QStringLiteral("PostgreSQL) %1.").arg(MajorVersion)))
        return DbError(
            DbError::Kind::Configuration,
            tr("%1 is not the PostgreSQL %2 version this program needs.").arg(path).arg(MajorVersion),
            said + version.err);
    return path;
}

QProcessEnvironment PgTools::environmentFor(const DatabaseConfig &config)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Nothing of the caller's own libpq settings may redirect the tools.
    for (const QString &name : env.keys()) {
        if (name.startsWith(QLatin1String("PG")))
            env.remove(name);
    }
    // Several servers as libpq's lists: pg_dump and pg_restore find the
    // primary the way the programs do.
    env.insert(QStringLiteral("PGHOST"), config.libpqHosts());
    env.insert(QStringLiteral("PGPORT"), config.libpqPorts());
    if (!config.targetSessionAttrs.isEmpty())
        env.insert(QStringLiteral("PGTARGETSESSIONATTRS"), config.targetSessionAttrs);
    env.insert(QStringLiteral("PGDATABASE"), config.database);
    env.insert(QStringLiteral("PGUSER"), config.user);
    if (!config.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), config.password);
    if (!config.sslMode.isEmpty())
        env.insert(QStringLiteral("PGSSLMODE"), config.sslMode);
    env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QString::number(config.connectTimeoutS));
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("carwash-backup"));
    return env;
}

PgTools::Run PgTools::runBlocking(const QString &program, const QStringList &arguments,
                                  const QProcessEnvironment &environment)
{
    Run run;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    run.started = process.waitForStarted(30000);
    if (!run.started) {
        run.err = process.errorString();
        return run;
    }
    process.waitForFinished(-1);
    run.out = process.readAllStandardOutput();
    run.err = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}
