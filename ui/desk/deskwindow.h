#pragma once

#include "db/bookings/booking.h"
#include "db/catalogue/bayref.h"
#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"
#include "db/staff/staffmember.h"
#include "ui/common/startupwindow.h"

#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>

class AttendantCallBanner;
class BookingChangeListener;
class CardReadersDialog;
class KiosksDialog;
class BackupsDialog;
class DailyBackup;
class BookingDetailsDialog;
class ConnectionPool;
class DatabaseHealthWatcher;
class DayBoardPage;
class DatabaseSettingsDialog;
class DiagnosticsWindow;
class ErrorBanner;
class FindDialog;
class FirstRunWizard;
class IdleWatcher;
class QStackedWidget;
class QTabWidget;
class SessionHeader;
class SignInPage;
class SiteSetupDialog;
class StaffDialog;
class StartupPage;
class TakingsWindow;
class TodayPage;
class WalkInDialog;

// The desk's one window: the start-up page until the database is ready,
// then sign-in, then the workspace (a header with the person, the database
// light and Sign out, and two tabs: the live day board and the wash menu).
// The error banner above it all is shared by every page. Watches for
// idleness and signs out by itself. Owns the booking-change listener (its
// own connection and thread), started with the database and asked to stop,
// without waiting, when the window closes.
class DeskWindow : public QMainWindow, public StartupWindow
{
    Q_OBJECT
public:
    enum class SignOutReason { Manual, Idle, Closing };

    explicit DeskWindow(QWidget *parent = nullptr);
    ~DeskWindow() override;

    // StartupWindow: maximised (a desk PC runs little else); before the
    // database is ready, the start-up page.
    QWidget *widget() override { return this; }
    void showForStartup() override;
    void showStartupProgress(const QString &text) override;
    void showStartupFailure(const QString &message, const QString &whatToDo,
                            std::function<void()> retry) override;

    // The database is ready: builds the pages that use it. pool must outlive
    // this window; config is what it runs on (shown in the settings).
    void databaseReady(ConnectionPool &pool, const DatabaseConfig &config) override;
    // Closes as the window's close button does (signing out first), with
    // any dialog open on it closed unanswered.
    void closeForTermination() override;

    std::optional<StaffMember> signedIn() const { return m_session; }
    void signOut(SignOutReason reason = SignOutReason::Manual);

    // Manager-only; nullptr (and nothing opens) for anyone else.
    DatabaseSettingsDialog *openDatabaseSettings();
    StaffDialog *openStaffManagement();
    SiteSetupDialog *openSiteSetup();
    CardReadersDialog *openCardReaders();
    KiosksDialog *openKiosks();
    BackupsDialog *openBackups();
    // Made with the database: daily runs only on the embedded database of
    // this PC (a shared server is backed up where it runs).
    DailyBackup *backups() { return m_backups; }
    // A booking's details and actions, in the signed-in person's name; one
    // dialog per booking (opening it again raises it). nullptr when nobody
    // is signed in. Closed on sign-out.
    BookingDetailsDialog *openBooking(qint64 bookingId);
    DiagnosticsWindow *openDiagnostics();

    // Signed in only (Ctrl+N, Ctrl+F); nullptr (and nothing opens)
    // otherwise. One of each at a time: opening again brings it back (a
    // walk-in showing its confirmation starts over for the next car). A
    // bay and/or start from the day board is booked there if still free.
    WalkInDialog *openWalkIn(std::optional<BayRef> bay = {}, QDateTime start = {});
    FindDialog *openFind();
    // End of day (Ctrl+E, or Takings… in the header): the day's takings,
    // starting at the site's today. Signed in only; one at a time.
    TakingsWindow *openTakings();

    ErrorBanner &banner() { return *m_banner; }
    IdleWatcher &idleWatcher() { return *m_idle; }
    StartupPage &startupPage() { return *m_startup; }
    // nullptr until databaseReady().
    DatabaseHealthWatcher *healthWatcher() { return m_health; }
    SignInPage *signInPage() { return m_signIn; }
    // On a site with nobody on the staff list (in place of sign-in) until
    // it has set the site up; nullptr otherwise.
    FirstRunWizard *firstRunWizard() { return m_firstRun; }
    TodayPage *todayPage() { return m_today; }
    // The day board: connect its bookingActivated(id) to a booking's details
    // and freeTimeActivated(bay, start) to a new booking there. nullptr
    // until databaseReady().
    DayBoardPage *dayBoardPage() { return m_board; }
    BookingChangeListener *bookingListener() override { return m_listener; }
    // Kiosks calling for an attendant, above the workspace while signed in.
    // nullptr until databaseReady().
    AttendantCallBanner *attendantCalls() { return m_attendantCalls; }
    QTabWidget *workspaceTabs() { return m_tabs; }
    void showDayBoard();
    void showWashMenu();
    SessionHeader *sessionHeader() { return m_header; }
    QWidget *currentPage() const;

Q_SIGNALS:
    void sessionStarted(const StaffMember &member);
    void sessionEnded(DeskWindow::SignOutReason reason);
    // A walk-in was booked at this desk.
    void walkInBooked(const Booking &booking);
    // A booking was chosen in Find: show its details.
    void bookingChosen(qint64 bookingId);
    // Closed for good (signed out first): the program is leaving. The
    // listener has been asked to stop and nothing here waits for it.
    void closed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void startSession(const StaffMember &member);
    void showFirstRun();
    void leaveFirstRun();
    void databaseStateChanged();
    QFuture<DbResult<Done>> recordSignOut(const StaffMember &member, SignOutReason reason);
    void closeManagerDialogs();

    ConnectionPool *m_pool = nullptr;
    DatabaseConfig m_config;
    ErrorBanner *m_banner = nullptr;
    QStackedWidget *m_pages = nullptr;
    StartupPage *m_startup = nullptr;
    SignInPage *m_signIn = nullptr;
    FirstRunWizard *m_firstRun = nullptr;
    QWidget *m_workspace = nullptr;
    SessionHeader *m_header = nullptr;
    TodayPage *m_today = nullptr;
    DayBoardPage *m_board = nullptr;
    QTabWidget *m_tabs = nullptr;
    BookingChangeListener *m_listener = nullptr;
    AttendantCallBanner *m_attendantCalls = nullptr;
    IdleWatcher *m_idle = nullptr;
    DatabaseHealthWatcher *m_health = nullptr;
    std::optional<StaffMember> m_session;
    QPointer<DatabaseSettingsDialog> m_settingsDialog;
    QPointer<StaffDialog> m_staffDialog;
    QPointer<SiteSetupDialog> m_siteSetupDialog;
    QPointer<CardReadersDialog> m_cardReadersDialog;
    QPointer<KiosksDialog> m_kiosksDialog;
    QPointer<BackupsDialog> m_backupsDialog;
    DailyBackup *m_backups = nullptr;
    QHash<qint64, QPointer<BookingDetailsDialog>> m_bookingDialogs;
    QPointer<DiagnosticsWindow> m_diagnostics;
    QPointer<WalkInDialog> m_walkInDialog;
    QPointer<FindDialog> m_findDialog;
    QPointer<TakingsWindow> m_takingsWindow;
    bool m_closing = false;
};
