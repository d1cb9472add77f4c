#pragma once

#include <QObject>
#include <QString>

class DeskApplication;
class QWidget;

// carwash-screenshots PATH: drives the real window to one state through its
// own widgets, saves a picture of it with QWidget::grab and quits. The
// sign-in screen; with --sign-in NAME and the PIN in CARWASH_PIN, the main
// window (the day board); with --show menu the wash menu, --show walkin a
// walk-in for a returning customer, --show booking a
// booking opened from the board, --show receipt a paid one's receipt
// preview; --show settings|staff|setup, that manager's dialog; --show
// diagnostics, the manager's diagnostics during a short load; with
// --show locked, NAME locked out by that (wrong) PIN typed five times; with
// --show start-failure, the window after start-up failed. For the
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
        // "locked" or "start-failure"
        QString show;
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
