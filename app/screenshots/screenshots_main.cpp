// carwash-screenshots: the desk window driven to one state and saved as a
// picture, for scripts/screenshots.sh. A developer's tool, so its texts are
// not translated; the window it shows speaks the language it is given.
#include "app/desk/deskapplication.h"
#include "app/screenshots/kioskscreenshotrunner.h"
#include "app/screenshots/screenshotrunner.h"
#include "app/startup/databasestartup.h"
#include "app/startup/translations.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // The same identity as carwash: the same saved settings and embedded database.
    DatabaseStartup::setApplicationIdentity();
    Translations::install(app);
    QApplication::setApplicationDisplayName(QApplication::translate("main", "CarWash Desk"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Saves a picture of the CarWash Desk window in one state."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Where to save the picture (PNG)."));
    const QCommandLineOption signInAs(QStringLiteral("sign-in"),
                                      QStringLiteral("Sign in as NAME (PIN from CARWASH_PIN) first."),
                                      QStringLiteral("NAME"));
    const QCommandLineOption show(
        QStringLiteral("show"),
        QStringLiteral("The state to show: settings, staff, setup, readers or diagnostics (a manager's window), "
                       "takings (the day's takings), "
                       "menu (the wash menu tab; the day board otherwise), walkin (a walk-in for a returning "
                       "customer), booking (a booking opened from the board), receipt (a paid booking's "
                       "receipt), card (its Card… dialog once checked), card-qr (its QR code, from a running "
                       "carwash-server), refund (its Refund… dialog), locked (--sign-in NAME with a wrong PIN), "
                       "start-failure; on an empty database first-run-site, first-run-money, first-run-hours, "
                       "first-run-manager, first-run-menu, first-run-ready or first-run-pin-error (the first run's "
                       "pages, answered for a sample car wash)."),
        QStringLiteral("STATE"));
    const QCommandLineOption booking(QStringLiteral("booking"),
                          QStringLiteral("The booking (its code, on today's board) for booking, card, card-qr "
                                         "and refund."),
                          QStringLiteral("CODE"));
    const QCommandLineOption kiosk(
        QStringLiteral("kiosk"),
        QStringLiteral("The kiosk NAME (carwash --kiosk) instead of the desk; --show attract, wash, time, plate, "
                       "idle, pay-reader, pay-phone, done (a card presented at the fake Stripe of STRIPE_API_BASE) or "
                       "out-of-service."),
        QStringLiteral("NAME"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("With --kiosk: the language touched first (en, es, de)."),
                                      QStringLiteral("CODE"));
    parser.addOptions({signInAs, show, booking, kiosk, language});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);

    // The runner quits once the kiosk has closed its connections.
    QApplication::setQuitOnLastWindowClosed(false);
    if (parser.isSet(kiosk)) {
        DeskApplication kioskApp(DeskApplication::Kiosk {parser.value(kiosk)});
        KioskScreenshotRunner::Request request;
        request.path = parser.positionalArguments().constFirst();
        request.show = parser.value(show);
        request.language = parser.value(language);
        KioskScreenshotRunner runner(kioskApp, request);
        kioskApp.start();
        return app.exec();
    }

    DeskApplication desk;
    ScreenshotRunner::Request request;
    request.path = parser.positionalArguments().constFirst();
    request.signInName = parser.value(signInAs);
    request.pin = qEnvironmentVariable("CARWASH_PIN");
    request.show = parser.value(show);
    request.bookingCode = parser.value(booking);
    ScreenshotRunner runner(desk, request);
    desk.start();
    return app.exec();
}
