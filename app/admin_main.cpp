#include "admincli.h"
#include "databasestartup.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    DatabaseStartup::setApplicationIdentity();
    AdminCli cli;
    return cli.run(QCoreApplication::arguments());
}
