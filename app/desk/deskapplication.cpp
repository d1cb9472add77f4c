#include "app/desk/deskapplication.h"

#include "app/startup/databasestartup.h"
#include "app/startup/translations.h"
#include "db/health/healthpublisher.h"
#include "db/kiosk/kioskrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/schema/maintenance.h"
#include "db/schema/migrator.h"
#include "keychain/keychainrequest.h"
#include "ui/common/errortext.h"
#include "ui/desk/deskwindow.h"
#include "ui/kiosk/kioskshell.h"
#include "ui/kiosk/kioskwindow.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcDeskApp, "carwash.ui.startup", QtWarningMsg)
// How the program ended, for the operator: on by default.
Q_LOGGING_CATEGORY(lcLifecycle, "carwash.lifecycle", QtInfoMsg)

DeskApplication::DeskApplication(QObject *parent)
    : QObject(parent)
    , m_program(QStringLiteral("carwash"))
{
    auto desk = std::make_unique<DeskWindow>();
    m_desk = desk.get();
    m_window = m_desk;
    connect(m_desk, &DeskWindow::closed, this, &DeskApplication::shutDown);
    m_windowWidget = std::move(desk);
}

DeskApplication::DeskApplication(const Kiosk &kiosk, QObject *parent)
    : QObject(parent)
    , m_program(KioskRepo::program())
{
    auto window = std::make_unique<KioskWindow>(kiosk.name);
    m_kiosk = window.get();
    m_window = m_kiosk;
    connect(m_kiosk, &KioskWindow::closed, this, &DeskApplication::shutDown);
    // The customer's language buttons: our translators replaced, every
    // widget retranslating on QEvent::LanguageChange.
    connect(m_kiosk, &KioskWindow::languageChosen, this, [](const QString &language) {
        Translations::install(*QCoreApplication::instance(), language);
    });
    // After the translators' connection: speech reads the new language's texts.
    m_shell = new KioskShell(m_kiosk);
    m_windowWidget = std::move(window);
}

DeskApplication::~DeskApplication()
{
    // Normally shutDown() has finished by now. Otherwise (the program quit
    // some other way) this is past the event loop, with no window to keep
    // answering: widgets and their watchers go first, then the pool waits
    // for work still running and closes each connection on its own thread.
    if (m_shutDownThread)
        m_shutDownThread->wait();
    m_windowWidget.reset();
    stopBackgroundWork();
    if (m_pool)
        m_pool->shutdown();
    m_pool.reset();
}

void DeskApplication::terminate(int signalNumber)
{
    if (m_terminating || m_shuttingDown) {
        qCInfo(lcLifecycle) << "signal" << signalNumber << "received again: already shutting down";
        return;
    }
    m_terminating = true;
    qCInfo(lcLifecycle).noquote() << "signal" << signalNumber << "received:" << m_program << "shutting down";
    m_window->closeForTermination();
}

void DeskApplication::shutDown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    ++m_run; // a start-up step still under way has nobody to report to
    // A maintenance batch in flight finishes on its own; no more follow.
    m_maintenance.reset();
    QFuture<DbResult<bool>> removed;
    if (m_publisher)
        removed = m_publisher->stop();
    BookingChangeListener *listener = m_window->bookingListener();
    if (listener) {
        connect(listener, &BookingChangeListener::stopped, this, [this] {
            m_listenerClosed = true;
            finishShutDownIfDone();
        });
        listener->requestStop();
    } else {
        m_listenerClosed = true;
    }
    ConnectionPool *pool = m_pool.get();
    m_shutDownThread.reset(QThread::create([removed, pool] {
        // Take this desk off the diagnostics list, waiting a moment at
        // most: a dead database must not hold up leaving (the row then goes
        // stale). Then the pool waits for work still running (a statement
        // stuck holds this thread, never the window) and closes each
        // connection on its own thread.
        const QDeadlineTimer deadline(2000);
        while (!removed.isFinished() && !deadline.hasExpired())
            QThread::msleep(5);
        if (pool)
            pool->shutdown();
    }));
    m_shutDownThread->setObjectName(QStringLiteral("carwash-shutdown"));
    connect(m_shutDownThread.get(), &QThread::finished, this, [this] {
        m_poolClosed = true;
        finishShutDownIfDone();
    });
    m_shutDownThread->start();
}

void DeskApplication::finishShutDownIfDone()
{
    if (!m_poolClosed || !m_listenerClosed || m_shutDown)
        return;
    m_shutDown = true;
    m_shutDownThread->wait(); // has returned: finished() came from its end
    m_publisher.reset();
    Q_EMIT shutDownFinished();
}

void DeskApplication::start()
{
    if (m_shuttingDown)
        return;
    ++m_run;
    m_window->showForStartup();
    if (m_pool) {
        // A retry after a failed start: a fresh pool for a fresh config.
        // Nothing runs on it any more, so this does not wait.
        stopBackgroundWork();
        m_pool->shutdown();
        m_pool.reset();
    }
    m_stage = Stage::Configuring;
    m_window->showStartupProgress(tr("Reading the settings…"));
    const DatabaseConfigLoader::Result loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash"));
    if (!loaded.ok()) {
        fail(tr("The database settings are not valid: %1").arg(loaded.errors.join(QLatin1Char(' '))),
             tr("Correct DATABASE_URL or the variables named above, then press Retry."));
        return;
    }
    m_config = loaded.config;
    if (DatabaseStartup::wantsKeychainPassword(m_config))
        readPassword();
    else
        resolveServer();
}

void DeskApplication::readPassword()
{
    m_stage = Stage::ReadingPassword;
    m_window->showStartupProgress(tr("Reading the database password from the keychain…"));
    const int run = m_run;
    KeychainRequest *request = DatabaseStartup::passwordRequest(m_config, this);
    connect(request, &KeychainRequest::finished, this, [this, request, run] {
        request->deleteLater();
        if (run != m_run)
            return;
        if (request->error() == KeychainRequest::Error::None)
            m_config.password = request->secret();
        else if (request->error() != KeychainRequest::Error::NotFound)
            // Not fatal: the server may not want a password. If it does,
            // the connection error says so.
            qCWarning(lcDeskApp).noquote()
                << "no database password from the keychain:" << request->errorString();
        resolveServer();
    });
    request->start();
}

void DeskApplication::resolveServer()
{
    m_stage = Stage::StartingServer;
    m_window->showStartupProgress(m_config.embedded
                                      ? tr("Starting the database…")
                                      : tr("Connecting to the database at %1…").arg(serverText()));
    const int run = m_run;
    // The embedded server's initdb and pg_ctl take seconds: a worker thread.
    Async::onResult(QtConcurrent::run(&DatabaseStartup::resolveBlocking, m_config,
                                      DatabaseStartup::KeychainLookup::AlreadyDone),
                    this, [this, run](const DbResult<DatabaseConfig> &resolved) {
                        if (run != m_run)
                            return;
                        if (!resolved.ok()) {
                            failOn(resolved.error());
                            return;
                        }
                        m_config = resolved.value();
                        m_pool = std::make_unique<ConnectionPool>(m_config);
                        migrate();
                    });
}

void DeskApplication::migrate()
{
    m_stage = Stage::Migrating;
    m_window->showStartupProgress(tr("Preparing the database…"));
    const int run = m_run;
    auto applied = m_pool->withRetry(QStringLiteral("migrate"), RetryPolicy::critical(),
                                     [](QSqlDatabase &db) { return Migrator::migrate(db); });
    Async::onResult(applied, this, [this, run](const DbResult<QStringList> &result) {
        if (run != m_run)
            return;
        if (!result.ok()) {
            failOn(result.error());
            return;
        }
        m_stage = Stage::Ready;
        m_window->databaseReady(*m_pool, m_config);
        startBackgroundWork();
        Q_EMIT ready();
    });
}

void DeskApplication::startBackgroundWork()
{
    // A kiosk is named on the diagnostics' process list.
    const ProcessIdentity self
        = ProcessIdentity::current(m_program, m_kiosk ? m_kiosk->kioskName() : QString());
    m_publisher = std::make_unique<HealthPublisher>(*m_pool, self);
    m_publisher->start();
    m_maintenance = std::make_unique<MaintenanceRunner>(
        *m_pool, QStringLiteral("%1@%2:%3").arg(m_program, self.host).arg(self.pid));
    m_maintenance->startDaily();
}

void DeskApplication::stopBackgroundWork()
{
    // A maintenance batch in flight finishes on its own; no more follow.
    m_maintenance.reset();
    if (!m_publisher)
        return;
    // Take this desk off the diagnostics list, waiting a moment at most: a
    // dead database must not hold up quitting (the row then goes stale).
    const QFuture<DbResult<bool>> removed = m_publisher->stop();
    const QDeadlineTimer deadline(2000);
    while (!removed.isFinished() && !deadline.hasExpired())
        QThread::msleep(5);
    m_publisher.reset();
}

QString DeskApplication::serverText() const
{
    if (m_config.embedded)
        return tr("the database on this computer");
    return m_config.serverText();
}

void DeskApplication::failOn(const DbError &error)
{
    const bool unreachable
        = error.kind() == DbError::Kind::Unavailable || error.kind() == DbError::Kind::PoolTimeout;
    // Said about this start, not as the pool says it ("keeps retrying"):
    // start-up has stopped and waits for Retry.
    fail(unreachable ? tr("CarWash Desk cannot reach its database (%1).").arg(serverText()) : error.message(),
         ErrorText::whatToDoWithDetail(error));
}

void DeskApplication::fail(const QString &message, const QString &whatToDo)
{
    m_stage = Stage::Failed;
    qCWarning(lcDeskApp).noquote() << "start-up failed:" << message;
    m_window->showStartupFailure(message, whatToDo, [this] { start(); });
    Q_EMIT failed(message);
}
