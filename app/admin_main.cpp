#include "admincli.h"
#include "databasestartup.h"
#include "translations.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    DatabaseStartup::setApplicationIdentity();
    Translations::install(app);
    AdminCli cli;
    return cli.run(QCoreApplication::arguments());
}
