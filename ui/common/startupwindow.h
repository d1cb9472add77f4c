#pragma once

#include "db/config/databaseconfig.h"

#include <QString>

#include <functional>

class BookingChangeListener;
class ConnectionPool;
class QWidget;

// What the carwash program's application object (app/desk) asks of its
// window while it brings the database up, so the desk and the kiosk share
// one start-up: show it, say what is happening or what failed (with a way
// to try again), and take the pool once it is ready. GUI thread only; the
// window owns the booking-change listener it starts in databaseReady().
class StartupWindow
{
public:
    virtual ~StartupWindow() = default;

    virtual QWidget *widget() = 0;
    // Shows the window the way this program runs (maximised, full screen).
    virtual void showForStartup() = 0;
    virtual void showStartupProgress(const QString &text) = 0;
    // Start-up stopped; retry() starts it again (a button, or by itself).
    virtual void showStartupFailure(const QString &message, const QString &whatToDo,
                                    std::function<void()> retry)
        = 0;
    // pool must outlive the window.
    virtual void databaseReady(ConnectionPool &pool, const DatabaseConfig &config) = 0;
    // nullptr until databaseReady() started it.
    virtual BookingChangeListener *bookingListener() = 0;
    // The system asks the program to end (SIGTERM at shutdown or from a
    // service manager, Ctrl+C): nothing is asked of anyone; what must not
    // be lost is finished (a desk's sign-out, a kiosk's holds released),
    // then the window closes for good as if its user had closed it.
    virtual void closeForTermination() = 0;
};
