#include "app/server/secretscommand.h"
#include "app/server/serverapplication.h"
#include "app/startup/databasestartup.h"
#include "app/startup/translations.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    DatabaseStartup::setApplicationIdentity();
    Translations::install(app);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.value(1) == u"secrets")
        return SecretsCommand::run(arguments.mid(2));
    // One line per message with its time and area, for the service's log.
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddTHH:mm:ss.zzz} %{type} %{category}: %{message}"));
    ServerApplication server;
    const int started = server.start(arguments);
    if (started == ServerApplication::HelpShown)
        return 0;
    if (started != ServerApplication::Ok)
        return started;
    QObject::connect(&server, &ServerApplication::shutDownFinished, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
