#include "app/desk/deskapplication.h"
#include "app/startup/databasestartup.h"
#include "app/startup/signalbridge.h"
#include "app/startup/translations.h"
#include "ui/kiosk/kioskguard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDebug>

#include <cstdio>
#include <memory>

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
    // Not addVersionOption(): that prints the name the three programs share
    // (carwash-desk), and this program is carwash.
    const QCommandLineOption version(
        {QStringLiteral("v"), QStringLiteral("version")},
        QApplication::translate("main", "Print the version of CarWash Desk and exit."));
    parser.addOption(version);
    const QCommandLineOption kiosk(
        QStringLiteral("kiosk"),
        QApplication::translate("main", "Run as the locked, full-screen self-service kiosk."));
    const QCommandLineOption kioskName(
        QStringLiteral("kiosk-name"),
        QApplication::translate("main",
                                "The kiosk's name as managers set it up (default: this computer's name)."),
        QApplication::translate("main", "NAME"));
    parser.addOption(kiosk);
    parser.addOption(kioskName);
    parser.process(app);
    if (parser.isSet(version)) {
        std::fputs(qPrintable(DatabaseStartup::versionLine(QStringLiteral("carwash"))), stdout);
        return 0;
    }
    // The menu entry each mode was started from (packaging/desktop/): its
    // icon and name in the task bar, and the Wayland app id under cage.
    QGuiApplication::setDesktopFileName(parser.isSet(kiosk) ? QStringLiteral("org.carwashdesk.Kiosk")
                                                            : QStringLiteral("org.carwashdesk.Desk"));
    if (parser.isSet(kiosk))
        // From here on nothing a kiosk logs can open a window over it.
        KioskGuard::installQuietMessageHandler();
    if (parser.isSet(kioskName) && !parser.isSet(kiosk)) {
        // Said, not ignored: a desk started by mistake where a kiosk was meant.
        qCritical().noquote() << QApplication::translate("main", "--kiosk-name is for --kiosk only.");
        return 2;
    }

    // The program ends when the desk has closed its connections, which it
    // does off the GUI thread after the window closed (never by waiting in
    // the window or after the event loop).
    QApplication::setQuitOnLastWindowClosed(false);
    std::unique_ptr<DeskApplication> program = parser.isSet(kiosk)
        ? std::make_unique<DeskApplication>(DeskApplication::Kiosk {parser.value(kioskName)})
        : std::make_unique<DeskApplication>();
    DeskApplication &desk = *program;
    QObject::connect(&desk, &DeskApplication::shutDownFinished, &app, &QApplication::quit);
    // SIGTERM (the session or the machine shutting down, a service manager)
    // and Ctrl+C end it as closing it does: nothing held or open is left.
    SignalBridge signalBridge;
    if (signalBridge.install())
        QObject::connect(&signalBridge, &SignalBridge::terminationRequested, &desk, &DeskApplication::terminate);
    else
        qWarning().noquote() << "SIGTERM will end the program abruptly:" << signalBridge.errorString();
    desk.start();
    return app.exec();
}
