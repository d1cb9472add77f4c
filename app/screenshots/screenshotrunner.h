#pragma once

#include <QObject>
#include <QString>

#include <functional>

class DeskApplication;
class QWidget;

// carwash-screenshots PATH: drives the real window to one state through its
// own widgets, saves a picture of it with QWidget::grab and quits. The
// sign-in screen; with --sign-in NAME and the PIN in CARWASH_PIN, the main
// window (the day board); with --show menu the wash menu, --show walkin a
// walk-in for a returning customer, --show booking a
// booking opened from the board, --show receipt a paid one's receipt
// preview; --show settings|staff|setup, that manager's dialog; --show
// diagnostics, the manager's diagnostics during a short load; --show
// readers, the manager's card readers; --show takings, the day's takings;
// with --booking CODE, --show booking opens that booking, --show card its
// Card… dialog once it has checked (the choice, or why card payment is
// unavailable), --show card-qr the QR code of its Checkout link (a running
// carwash-server must answer) and --show refund its Refund… dialog; with
// --show locked, NAME locked out by that (wrong) PIN typed five times; with
// --show start-failure, the window after start-up failed; on an empty
// database, --show first-run-PAGE, the first run answered up to that page
// (FirstRunScreens). For the
// documentation's screenshots under Xvfb; exit code 1 if it cannot get there.
class ScreenshotRunner : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString path;
        QString signInName; // empty: the sign-in screen itself
        QString pin;
        // "", "menu", "walkin", "booking", "receipt", "settings", "staff", "setup", "diagnostics",
        // "readers", "takings", "card", "card-qr", "refund", "locked" or "start-failure"
        QString show;
        QString bookingCode; // the booking to open; empty: one the board shows by its status
        int timeoutMs = 90000;
    };

    ScreenshotRunner(DeskApplication &desk, Request request, QObject *parent = nullptr);

private:
    void databaseReady();
    void staffLoaded();
    void signedIn();
    void lockOut();
    void openFromBoard(class DayBoardPage *board);
    void runLoad();
    void startWalkIn(class DayBoardPage *board);
    void openPayment(class BookingDetailsDialog *dialog);
    // Calls done() once ready() holds, checking every 100 ms.
    void whenReady(std::function<bool()> ready, std::function<void()> done);
    void grabSoon(QWidget *widget);
    void finish(int exitCode, const QString &message);

    DeskApplication &m_desk;
    Request m_request;
    bool m_signInTried = false;
    bool m_grabbing = false;
    bool m_opened = false;
    bool m_finished = false;
    int m_attempts = 0;
};
