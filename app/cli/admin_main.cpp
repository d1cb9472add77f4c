#include "app/cli/admincli.h"
#include "app/startup/databasestartup.h"
#include "app/startup/translations.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    DatabaseStartup::setApplicationIdentity();
    Translations::install(app);
    AdminCli cli;
    return cli.run(QCoreApplication::arguments());
}
