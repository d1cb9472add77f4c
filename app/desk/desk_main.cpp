#include "app/desk/deskapplication.h"
#include "app/startup/databasestartup.h"
#include "app/startup/translations.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    DatabaseStartup::setApplicationIdentity();
    Translations::install(app);
    QApplication::setApplicationDisplayName(QApplication::translate("main", "CarWash Desk"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main",
                                "The front desk of a car wash. Database: DATABASE_URL, the saved settings, "
                                "or the private database on this computer."));
    parser.addHelpOption();
    parser.process(app);

    // The program ends when the desk has closed its connections, which it
    // does off the GUI thread after the window closed (never by waiting in
    // the window or after the event loop).
    QApplication::setQuitOnLastWindowClosed(false);
    DeskApplication desk;
    QObject::connect(&desk, &DeskApplication::shutDownFinished, &app, &QApplication::quit);
    desk.start();
    return app.exec();
}
