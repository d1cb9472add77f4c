#include "databasestartup.h"
#include "deskapplication.h"
#include "screenshotrunner.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>

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
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save a picture of the window to PATH and quit."),
        QStringLiteral("PATH"));
    const QCommandLineOption signInAs(
        QStringLiteral("sign-in"),
        QApplication::translate("main", "With --screenshot: sign in as NAME (PIN from CARWASH_PIN) first."),
        QStringLiteral("NAME"));
    const QCommandLineOption show(
        QStringLiteral("show"),
        QApplication::translate(
            "main",
            "With --screenshot: the state to show: settings, staff, setup or diagnostics (a manager's window), "
            "menu (the wash menu tab; the day board otherwise), walkin (a walk-in for a returning "
            "customer), booking (a booking opened from the "
            "board), receipt (a paid booking's receipt), locked (--sign-in NAME with a wrong PIN), "
            "start-failure."),
        QStringLiteral("STATE"));
    parser.addOptions({screenshot, signInAs, show});
    parser.process(app);

    DeskApplication desk;
    std::unique_ptr<ScreenshotRunner> runner;
    if (parser.isSet(screenshot)) {
        ScreenshotRunner::Request request;
        request.path = parser.value(screenshot);
        request.signInName = parser.value(signInAs);
        request.pin = qEnvironmentVariable("CARWASH_PIN");
        request.show = parser.value(show);
        runner = std::make_unique<ScreenshotRunner>(desk, request);
    }
    desk.start();
    return app.exec();
}
