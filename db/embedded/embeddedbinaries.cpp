#include "db/embedded/embeddedserver.h"

#include "db/embedded/embeddedposix_p.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QVersionNumber>

#include <algorithm>
#include <functional>

// Finding the PostgreSQL server binaries for the embedded cluster: the
// version that created it, an override, pg_config, or the newest installed.

using namespace EmbeddedPosix;

namespace {

const QString BinDirectoryVariable = QStringLiteral("CARWASH_PG_BINDIR");
const QStringList RequiredTools = {QStringLiteral("initdb"), QStringLiteral("pg_ctl"),
                                   QStringLiteral("postgres"), QStringLiteral("pg_isready")};

bool isPostgresInstallation(const QString &binDirectory)
{
    if (binDirectory.isEmpty())
        return false;
    for (const QString &tool : RequiredTools) {
        if (!QFileInfo(binDirectory + QLatin1Char('/') + tool).isExecutable())
            return false;
    }
    return true;
}

} // namespace

DbError EmbeddedServer::findBinaries()
{
    // A cluster can only be opened by its own major version: after an upgrade
    // that version's binaries, if still installed, win over the newest.
    const QString clusterVersion = firstLine(dataDirectory() + QStringLiteral("/PG_VERSION"));
    QStringList candidates;
    const QString overridden = qEnvironmentVariable(qPrintable(BinDirectoryVariable));
    if (!overridden.isEmpty()) {
        candidates << overridden;
    } else {
        if (!clusterVersion.isEmpty())
            candidates << QStringLiteral("/usr/lib/postgresql/%1/bin").arg(clusterVersion);
        const QString pgConfig = QStandardPaths::findExecutable(QStringLiteral("pg_config"));
        if (!pgConfig.isEmpty()) {
            QProcess process;
            process.start(pgConfig, {QStringLiteral("--bindir")});
            if (process.waitForFinished(10000) && process.exitStatus() == QProcess::NormalExit
                && process.exitCode() == 0)
                candidates << QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
        }
        QList<QVersionNumber> versions;
        const QStringList installed
            = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &name : installed) {
            const QVersionNumber version = QVersionNumber::fromString(name);
            if (!version.isNull())
                versions << version;
        }
        std::sort(versions.begin(), versions.end(), std::greater<>());
        for (const QVersionNumber &version : std::as_const(versions))
            candidates << QStringLiteral("/usr/lib/postgresql/%1/bin").arg(version.toString());
    }
    candidates.removeDuplicates();

    m_binDirectory.clear();
    for (const QString &candidate : std::as_const(candidates)) {
        if (isPostgresInstallation(candidate)) {
            m_binDirectory = candidate;
            break;
        }
    }
    if (m_binDirectory.isEmpty()) {
        return DbError(DbError::Kind::Configuration,
                       tr("PostgreSQL server binaries not found; install them with: "
                          "apt-get install postgresql postgresql-contrib"),
                       QStringLiteral("looked for %1 in: %2")
                           .arg(RequiredTools.join(QStringLiteral(", ")),
                                candidates.isEmpty() ? QStringLiteral("(no candidate folder)")
                                                     : candidates.join(QStringLiteral(", "))));
    }

    if (!clusterVersion.isEmpty()) {
        const ToolResult version
            = runTool(QStringLiteral("postgres"), {QStringLiteral("--version")}, false, 10000);
        static const QRegularExpression pattern(QStringLiteral("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?"));
        const QRegularExpressionMatch match = pattern.match(version.output);
        if (match.hasMatch()) {
            // Before PostgreSQL 10 the major version had two parts ("9.6").
            const int first = match.captured(1).toInt();
            const QString major
                = first >= 10 ? match.captured(1) : match.captured(1) + QLatin1Char('.') + match.captured(2);
            if (major != clusterVersion) {
                return DbError(
                    DbError::Kind::Configuration,
                    tr("The private database was created by PostgreSQL %1, but the installed server is "
                       "PostgreSQL %2; install the matching server with: apt-get install postgresql-%1")
                        .arg(clusterVersion, major),
                    QStringLiteral("data %1, binaries %2").arg(dataDirectory(), m_binDirectory));
            }
        }
    }

    if (m_runAsPostgres) {
        if (!lookUpAccount(ServerUserName)) {
            return DbError(
                DbError::Kind::Configuration,
                tr("PostgreSQL refuses to run as root and the postgres system user does not exist; "
                   "install the server with: apt-get install postgresql postgresql-contrib, "
                   "or run the program as an ordinary user."));
        }
        if (runuserProgram().isEmpty()) {
            return DbError(DbError::Kind::Configuration,
                           tr("PostgreSQL refuses to run as root, and runuser, needed to start it as the "
                              "postgres user, is missing; install it with: apt-get install util-linux"));
        }
    }
    return {};
}
