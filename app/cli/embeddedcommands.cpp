#include "app/cli/embeddedcommands.h"

#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "db/embedded/embeddedserver.h"

#include <QJsonObject>

int EmbeddedCommands::run(const QStringList &args)
{
    const QString action = args.value(0);
    if (args.size() != 1 || (action != u"start" && action != u"stop" && action != u"status")) {
        m_cli.err() << AdminCli::tr("Usage: carwash-admin db start|stop|status") << '\n' << Qt::flush;
        return Invalid;
    }
    const auto loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash-admin"));
    if (loaded.ok() && !loaded.config.embedded) {
        m_cli.err() << AdminCli::tr("This program is configured for an external database (%1); "
                                    "db %2 only manages the embedded one.")
                           .arg(loaded.config.redactedUrl(), action)
                    << '\n'
                    << Qt::flush;
        return Invalid;
    }
    EmbeddedServer server;
    if (action == u"stop") {
        const DbResult<Done> stopped = server.stopBlocking();
        if (!stopped.ok())
            return m_cli.failWith(stopped.error());
        m_cli.out() << (m_cli.json() ? CliContext::jsonText(QJsonObject {{QStringLiteral("running"), false}})
                                     : AdminCli::tr("The embedded database is stopped."))
                    << '\n'
                    << Qt::flush;
        return Ok;
    }
    if (action == u"start") {
        const DbResult<EmbeddedConnection> running = server.ensureRunningBlocking();
        if (!running.ok())
            return m_cli.failWith(running.error());
    }
    const bool running = server.isRunningBlocking();
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("running"), running},
                         {QStringLiteral("data_directory"), server.dataDirectory()},
                         {QStringLiteral("socket_directory"), server.socketDirectory()},
                         {QStringLiteral("log_file"), server.logFile()}});
    else
        m_cli.out() << (running ? AdminCli::tr("The embedded database is running (data in %1).")
                                      .arg(server.dataDirectory())
                                : AdminCli::tr("The embedded database is not running (data in %1).")
                                      .arg(server.dataDirectory()));
    m_cli.out() << '\n' << Qt::flush;
    return action == u"status" && !running ? Failure : Ok;
}
