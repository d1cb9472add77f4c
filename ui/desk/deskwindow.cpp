#include "ui/desk/deskwindow.h"

#include "db/backup/dailybackup.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "db/text/displaylocale.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/errorbanner.h"
#include "ui/common/idlewatcher.h"
#include "ui/desk/attendantcallbanner.h"
#include "ui/desk/backupalert.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/dayboardview.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/startuppage.h"
#include "ui/desk/takingswindow.h"
#include "ui/desk/todaypage.h"
#include "ui/desk/walkindialog.h"
#include "ui/manager/backupsdialog.h"
#include "ui/manager/cardreadersdialog.h"
#include "ui/manager/databasesettingsdialog.h"
#include "ui/manager/diagnosticswindow.h"
#include "ui/manager/firstrunwizard.h"
#include "ui/manager/kiosksdialog.h"
#include "ui/manager/sitesetupdialog.h"
#include "ui/manager/staffdialog.h"

#include <QCloseEvent>
#include <QLocale>
#include <QLoggingCategory>
#include <QScreen>
#include <QShortcut>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcDesk, "carwash.ui", QtWarningMsg)

namespace {

const QString DatabaseSource = QStringLiteral("database");
const QString StartupSource = QStringLiteral("startup");

QString reasonName(DeskWindow::SignOutReason reason)
{
    switch (reason) {
    case DeskWindow::SignOutReason::Manual:
        return QStringLiteral("manual");
    case DeskWindow::SignOutReason::Idle:
        return QStringLiteral("idle");
    case DeskWindow::SignOutReason::Closing:
        return QStringLiteral("closing");
    }
    return {};
}

} // namespace

DeskWindow::DeskWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("deskWindow"));
    setWindowTitle(tr("CarWash Desk"));
    m_banner = new ErrorBanner(this);
    m_pages = new QStackedWidget(this);
    m_startup = new StartupPage(m_pages);
    m_pages->addWidget(m_startup);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *bannerRow = new QVBoxLayout;
    bannerRow->setContentsMargins(8, 8, 8, 0);
    bannerRow->addWidget(m_banner);
    layout->addLayout(bannerRow);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_idle = new IdleWatcher(this);
    connect(m_idle, &IdleWatcher::idle, this, [this] { signOut(SignOutReason::Idle); });

    auto *signOutKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), this);
    connect(signOutKey, &QShortcut::activated, this, [this] { signOut(SignOutReason::Manual); });
    // Both do nothing unless someone is signed in (see openWalkIn/openFind).
    auto *walkInKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_N), this);
    connect(walkInKey, &QShortcut::activated, this, [this] { openWalkIn(); });
    auto *findKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_F), this);
    connect(findKey, &QShortcut::activated, this, [this] { openFind(); });
    auto *takingsKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_E), this);
    connect(takingsKey, &QShortcut::activated, this, [this] { openTakings(); });

    // Room for the wash menu, within the screen (a 1366x768 desk screen at
    // 125 % has 1093x614 to offer).
    resize(QSize(1280, 800).boundedTo(screen()->availableGeometry().size()));
}

DeskWindow::~DeskWindow() = default;

void DeskWindow::showForStartup()
{
    if (!isVisible())
        showMaximized();
}

void DeskWindow::showStartupProgress(const QString &text)
{
    m_banner->clear(StartupSource);
    m_startup->showProgress(text);
    m_pages->setCurrentWidget(m_startup);
}

void DeskWindow::showStartupFailure(const QString &message, const QString &whatToDo,
                                    std::function<void()> retry)
{
    // The banner above says what and what to do; the page only the state.
    m_startup->showFailure(tr("Not connected to the database."));
    m_banner->showMessage(StartupSource, message, whatToDo, std::move(retry), false);
    m_pages->setCurrentWidget(m_startup);
}

void DeskWindow::databaseReady(ConnectionPool &pool, const DatabaseConfig &config)
{
    if (m_pool)
        return;
    m_pool = &pool;
    m_config = config;
    m_banner->clear(StartupSource);

    m_health = new DatabaseHealthWatcher(pool, this);
    connect(m_health, &DatabaseHealthWatcher::stateChanged, this, &DeskWindow::databaseStateChanged);

    m_signIn = new SignInPage(pool, *m_banner, m_pages);
    m_pages->addWidget(m_signIn);
    connect(m_signIn, &SignInPage::signedIn, this, &DeskWindow::startSession);
    connect(m_signIn, &SignInPage::firstRunNeeded, this, &DeskWindow::showFirstRun);

    m_workspace = new QWidget(m_pages);
    m_workspace->setObjectName(QStringLiteral("workspace"));
    m_header = new SessionHeader(*m_health, m_workspace);
    m_tabs = new QTabWidget(m_workspace);
    m_tabs->setObjectName(QStringLiteral("workspaceTabs"));
    m_tabs->setAccessibleName(tr("Workspace"));
    m_tabs->setDocumentMode(true);
    m_board = new DayBoardPage(pool, *m_banner, m_tabs);
    m_today = new TodayPage(pool, *m_banner, m_tabs);
    m_tabs->addTab(m_board, tr("Day &board"));
    m_tabs->setTabToolTip(0, tr("Bookings per bay over the day (Ctrl+1)"));
    m_tabs->addTab(m_today, tr("&Wash menu"));
    m_tabs->setTabToolTip(1, tr("Wash packages and prices (Ctrl+2)"));
    auto *boardKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_1), m_workspace);
    connect(boardKey, &QShortcut::activated, this, &DeskWindow::showDayBoard);
    auto *menuKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_2), m_workspace);
    connect(menuKey, &QShortcut::activated, this, &DeskWindow::showWashMenu);
    m_attendantCalls = new AttendantCallBanner(pool, *m_banner, m_workspace);
    m_backups = new DailyBackup(pool, config, QStringLiteral("carwash"), this);
    if (config.embedded) {
        new BackupAlert(*m_backups, *m_banner, m_backups);
        m_backups->startDaily();
    }
    auto *workspaceLayout = new QVBoxLayout(m_workspace);
    workspaceLayout->setContentsMargins(0, 0, 0, 0);
    auto *callsRow = new QVBoxLayout;
    callsRow->setContentsMargins(8, 8, 8, 0);
    callsRow->addWidget(m_attendantCalls);
    workspaceLayout->addLayout(callsRow);
    workspaceLayout->addWidget(m_header);
    workspaceLayout->addWidget(m_tabs, 1);

    // Live news of bookings for the board, on a connection of its own.
    m_listener = new BookingChangeListener(this);
    m_board->attachListener(m_listener);
    m_attendantCalls->attachListener(m_listener);
    m_listener->start(config);
    connect(m_board, &DayBoardPage::bookingActivated, this, &DeskWindow::openBooking);
    connect(m_board, &DayBoardPage::freeTimeActivated, this,
            [this](const BayRef &bay, const QDateTime &start) { openWalkIn(bay, start); });
    connect(this, &DeskWindow::bookingChosen, this, &DeskWindow::openBooking);
    // A walk-in shows on the board at once, whatever the news is doing.
    connect(this, &DeskWindow::walkInBooked, m_board, &DayBoardPage::reload);
    m_pages->addWidget(m_workspace);
    connect(m_header, &SessionHeader::signOutRequested, this, [this] { signOut(SignOutReason::Manual); });
    connect(m_header, &SessionHeader::settingsRequested, this, &DeskWindow::openDatabaseSettings);
    connect(m_header, &SessionHeader::staffRequested, this, &DeskWindow::openStaffManagement);
    connect(m_header, &SessionHeader::siteSetupRequested, this, &DeskWindow::openSiteSetup);
    connect(m_header, &SessionHeader::diagnosticsRequested, this, &DeskWindow::openDiagnostics);
    connect(m_header, &SessionHeader::cardReadersRequested, this, &DeskWindow::openCardReaders);
    connect(m_header, &SessionHeader::kiosksRequested, this, &DeskWindow::openKiosks);
    connect(m_header, &SessionHeader::backupsRequested, this, &DeskWindow::openBackups);
    connect(m_header, &SessionHeader::walkInRequested, this, [this] { openWalkIn(); });
    connect(m_header, &SessionHeader::findRequested, this, &DeskWindow::openFind);
    connect(m_header, &SessionHeader::takingsRequested, this, &DeskWindow::openTakings);

    m_pages->setCurrentWidget(m_signIn);
    m_signIn->reload();
    m_health->start();
}

void DeskWindow::showDayBoard()
{
    if (!m_tabs)
        return;
    m_tabs->setCurrentWidget(m_board);
    m_board->view().setFocus(Qt::ShortcutFocusReason);
}

void DeskWindow::showWashMenu()
{
    if (!m_tabs)
        return;
    m_tabs->setCurrentWidget(m_today);
    m_today->setFocus(Qt::ShortcutFocusReason);
}

QWidget *DeskWindow::currentPage() const
{
    return m_pages->currentWidget();
}

void DeskWindow::databaseStateChanged()
{
    if (m_health->state() == DatabaseHealthWatcher::State::Unavailable) {
        // The last board stays on screen, but nothing on it can be acted on.
        m_board->setReadOnly(true);
        m_banner->showMessage(
            DatabaseSource, tr("Database unavailable — retrying"),
            tr("CarWash Desk checks again every few seconds and carries on by itself when the "
               "database is back; what is on screen stays as it was. If this lasts, check that "
               "the database server is running and this computer is on the network."),
            [this] { m_health->checkNow(); }, false);
        return;
    }
    if (m_banner->hasMessage(DatabaseSource)) {
        m_banner->clear(DatabaseSource);
        // Back again: whatever failed meanwhile loads by itself.
        m_signIn->reloadIfFailed();
        m_today->reloadIfFailed();
    }
    // Leaving read-only reloads the board: changes made meanwhile show.
    if (m_board->isReadOnly())
        m_board->setReadOnly(false);
    else
        m_board->reloadIfFailed();
}

void DeskWindow::startSession(const StaffMember &member)
{
    m_session = member;
    m_header->setPerson(member);
    m_signIn->setNotice(QString());
    setWindowTitle(tr("CarWash Desk — %1").arg(member.name));
    m_pages->setCurrentWidget(m_workspace);
    m_today->reload();
    m_board->startUpdating();
    // Calls made before this sign-in show too: they are read now.
    m_attendantCalls->setActive(true, member.actor());
    m_tabs->setCurrentWidget(m_board);
    m_board->setFocus(Qt::OtherFocusReason);
    m_idle->setTimeout(IdleWatcher::timeoutFromSettings());
    m_idle->setActive(true);
    qCInfo(lcDesk) << "signed in: staff" << member.id;
    Q_EMIT sessionStarted(member);
}

void DeskWindow::showFirstRun()
{
    if (m_firstRun || m_session)
        return;
    m_firstRun = new FirstRunWizard(*m_pool, *m_banner, m_pages);
    m_pages->addWidget(m_firstRun);
    connect(m_firstRun, &FirstRunWizard::setUp, this, [this](const StaffMember &manager) {
        leaveFirstRun();
        m_signIn->reload(); // for whoever signs in after this manager
        startSession(manager);
    });
    connect(m_firstRun, &FirstRunWizard::alreadySetUp, this, [this] {
        leaveFirstRun();
        m_signIn->setNotice(tr("This car wash was set up at another desk meanwhile, so nothing was written "
                               "here. Sign in with the name and PIN given there."));
        m_pages->setCurrentWidget(m_signIn);
        m_signIn->reload();
    });
    m_pages->setCurrentWidget(m_firstRun);
}

void DeskWindow::leaveFirstRun()
{
    m_pages->removeWidget(m_firstRun);
    m_firstRun->deleteLater();
    m_firstRun = nullptr;
}

QFuture<DbResult<Done>> DeskWindow::recordSignOut(const StaffMember &member, SignOutReason reason)
{
    const qint64 id = member.id;
    const QString why = reasonName(reason);
    QFuture<DbResult<Done>> recorded
        = m_pool->withRetry(QStringLiteral("staff.sign_out"), RetryPolicy::standard(),
                            [id, why](QSqlDatabase &db) { StaffRepo(db).recordSignOut(id, why); });
    // Signing out never waits for the database; a lost audit row is logged.
    Async::onResult(recorded, this, [id](const DbResult<Done> &result) {
        if (!result.ok())
            qCWarning(lcDesk).noquote() << "sign-out of staff" << id
                                        << "not written to the audit log:" << result.error().toLogString();
    });
    return recorded;
}

void DeskWindow::signOut(SignOutReason reason)
{
    if (!m_session)
        return;
    const StaffMember member = *m_session;
    m_session.reset();
    m_idle->setActive(false);
    m_board->stopUpdating();
    m_attendantCalls->setActive(false);
    closeManagerDialogs();
    recordSignOut(member, reason);
    setWindowTitle(tr("CarWash Desk"));
    if (reason == SignOutReason::Idle) {
        const double minutes = m_idle->timeout() / 60000.0;
        m_signIn->setNotice(tr("%1 was signed out after %2 min without activity.")
                                .arg(member.name, DisplayLocale::get().toString(minutes, 'g', 3)));
    } else {
        m_signIn->setNotice(QString());
    }
    m_pages->setCurrentWidget(m_signIn);
    m_signIn->reload();
    Q_EMIT sessionEnded(reason);
}

void DeskWindow::closeManagerDialogs()
{
    // What a manager opened must not stay open for whoever comes next.
    if (m_settingsDialog)
        m_settingsDialog->close();
    if (m_staffDialog)
        m_staffDialog->close();
    if (m_diagnostics)
        m_diagnostics->close();
    if (m_siteSetupDialog)
        m_siteSetupDialog->close();
    if (m_cardReadersDialog)
        m_cardReadersDialog->close();
    if (m_kiosksDialog)
        m_kiosksDialog->close();
    if (m_backupsDialog)
        m_backupsDialog->close();
    if (m_takingsWindow)
        m_takingsWindow->close();
    // Nor a booking opened in someone else's name.
    const QList<QPointer<BookingDetailsDialog>> bookings = m_bookingDialogs.values();
    m_bookingDialogs.clear();
    for (const QPointer<BookingDetailsDialog> &dialog : bookings) {
        if (dialog)
            dialog->close();
    }
}

BookingDetailsDialog *DeskWindow::openBooking(qint64 bookingId)
{
    if (!m_session || !m_pool)
        return nullptr;
    QPointer<BookingDetailsDialog> &dialog = m_bookingDialogs[bookingId];
    if (!dialog) {
        dialog = new BookingDetailsDialog(*m_pool, *m_session, bookingId, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        // At once, rather than when the news comes round (or the next poll).
        connect(dialog, &BookingDetailsDialog::bookingChanged, m_board, &DayBoardPage::reload);
        // The server's answers reach an open Card… or Refund… at once.
        if (m_listener)
            connect(m_listener, &BookingChangeListener::paymentChanged, dialog,
                [dialog = dialog.data()](qint64 booking, qint64, qint64) { dialog->paymentNews(booking); });
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

DatabaseSettingsDialog *DeskWindow::openDatabaseSettings()
{
    if (!m_session || !m_session->isManager())
        return nullptr;
    if (!m_settingsDialog) {
        m_settingsDialog = new DatabaseSettingsDialog(m_config, this);
        m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_settingsDialog->open();
    m_settingsDialog->raise();
    return m_settingsDialog;
}

StaffDialog *DeskWindow::openStaffManagement()
{
    if (!m_session || !m_session->isManager())
        return nullptr;
    if (!m_staffDialog) {
        m_staffDialog = new StaffDialog(*m_pool, *m_session, this);
        m_staffDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_staffDialog->open();
    m_staffDialog->raise();
    return m_staffDialog;
}

SiteSetupDialog *DeskWindow::openSiteSetup()
{
    if (!m_session || !m_session->isManager())
        return nullptr;
    if (!m_siteSetupDialog) {
        m_siteSetupDialog = new SiteSetupDialog(*m_pool, *m_session, this);
        m_siteSetupDialog->setAttribute(Qt::WA_DeleteOnClose);
        // Hours, bays and prices may have changed: show them as they are now.
        connect(m_siteSetupDialog, &QDialog::finished, this, [this] {
            m_today->reload();
            m_board->reload();
        });
    }
    m_siteSetupDialog->open();
    m_siteSetupDialog->raise();
    return m_siteSetupDialog;
}

CardReadersDialog *DeskWindow::openCardReaders()
{
    if (!m_session || !m_session->isManager() || !m_pool)
        return nullptr;
    if (!m_cardReadersDialog) {
        m_cardReadersDialog = new CardReadersDialog(*m_pool, *m_session, this);
        m_cardReadersDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_cardReadersDialog->open();
    m_cardReadersDialog->raise();
    return m_cardReadersDialog;
}

KiosksDialog *DeskWindow::openKiosks()
{
    if (!m_session || !m_session->isManager() || !m_pool)
        return nullptr;
    if (!m_kiosksDialog) {
        m_kiosksDialog = new KiosksDialog(*m_pool, *m_session, this);
        m_kiosksDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_kiosksDialog->open();
    m_kiosksDialog->raise();
    return m_kiosksDialog;
}

BackupsDialog *DeskWindow::openBackups()
{
    if (!m_session || !m_session->isManager() || !m_pool)
        return nullptr;
    if (!m_backupsDialog) {
        m_backupsDialog = new BackupsDialog(*m_pool, *m_backups, *m_session, this);
        m_backupsDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_backupsDialog->open();
    m_backupsDialog->raise();
    return m_backupsDialog;
}

DiagnosticsWindow *DeskWindow::openDiagnostics()
{
    if (!m_session || !m_session->isManager() || !m_pool)
        return nullptr;
    if (!m_diagnostics) {
        m_diagnostics = new DiagnosticsWindow(*m_pool, ProcessIdentity::current(QStringLiteral("carwash")), this);
        m_diagnostics->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_diagnostics->show();
    m_diagnostics->raise();
    m_diagnostics->activateWindow();
    return m_diagnostics;
}

WalkInDialog *DeskWindow::openWalkIn(std::optional<BayRef> bay, QDateTime start)
{
    if (!m_session || !m_pool || m_pages->currentWidget() != m_workspace)
        return nullptr;
    if (!m_walkInDialog) {
        m_walkInDialog = new WalkInDialog(*m_pool, *m_session, this);
        m_walkInDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_walkInDialog, &WalkInDialog::booked, this, &DeskWindow::walkInBooked);
        // Whoever comes to the desk next must not find this customer on screen.
        connect(this, &DeskWindow::sessionEnded, m_walkInDialog, &QDialog::close);
        // Closed means gone (deleted later): the next Ctrl+N makes a new one.
        connect(m_walkInDialog, &QDialog::finished, this, [this, dialog = m_walkInDialog.data()] {
            if (m_walkInDialog == dialog)
                m_walkInDialog = nullptr;
        });
    } else if (m_walkInDialog->lastBooking()) {
        m_walkInDialog->reset();
    }
    if (bay || start.isValid())
        m_walkInDialog->setPreset(bay, start);
    m_walkInDialog->open();
    m_walkInDialog->raise();
    m_walkInDialog->activateWindow();
    return m_walkInDialog;
}

FindDialog *DeskWindow::openFind()
{
    if (!m_session || !m_pool || m_pages->currentWidget() != m_workspace)
        return nullptr;
    if (!m_findDialog) {
        m_findDialog = new FindDialog(*m_pool, this);
        m_findDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_findDialog, &FindDialog::bookingChosen, this, &DeskWindow::bookingChosen);
        connect(this, &DeskWindow::sessionEnded, m_findDialog, &QDialog::close);
        connect(m_findDialog, &QDialog::finished, this, [this, dialog = m_findDialog.data()] {
            if (m_findDialog == dialog)
                m_findDialog = nullptr;
        });
    }
    m_findDialog->open();
    m_findDialog->raise();
    m_findDialog->activateWindow();
    return m_findDialog;
}

TakingsWindow *DeskWindow::openTakings()
{
    if (!m_session || !m_pool || m_pages->currentWidget() != m_workspace)
        return nullptr;
    if (!m_takingsWindow) {
        m_takingsWindow = new TakingsWindow(*m_pool, m_board->siteToday(), this);
        m_takingsWindow->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_takingsWindow->show();
    m_takingsWindow->raise();
    m_takingsWindow->activateWindow();
    return m_takingsWindow;
}

void DeskWindow::closeForTermination()
{
    // The desk's dialogs are its children, none modal by exec(): closing the
    // window closes them, unanswered, and signs out first (closeEvent).
    close();
}

void DeskWindow::closeEvent(QCloseEvent *event)
{
    if (!m_session || m_closing || !m_pool) {
        // Closing for good: the listener's connection goes now, on its own
        // thread, rather than whenever the window object is destroyed; the
        // GUI thread does not wait for it (a connect may be under way).
        if (m_listener)
            m_listener->requestStop();
        QMainWindow::closeEvent(event);
        if (event->isAccepted())
            Q_EMIT closed();
        return;
    }
    // Sign out first so the audit log shows who was at the desk until when;
    // the window goes at once and closes for good once that is written, or
    // after a few seconds.
    event->ignore();
    hide();
    m_closing = true;
    const StaffMember member = *m_session;
    m_session.reset();
    m_idle->setActive(false);
    m_board->stopUpdating();
    closeManagerDialogs();
    Async::onResult(recordSignOut(member, SignOutReason::Closing), this,
                    [this](const DbResult<Done> &) { close(); });
    QTimer::singleShot(3000, this, [this] { close(); });
}
