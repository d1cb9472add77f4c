#pragma once

#include "db/config/databaseconfig.h"
#include "db/demo/demoseeder.h"
#include "db/pool/dberror.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/testnames.h"

#include <QApplication>
#include <QByteArray>
#include <QElapsedTimer>
#include <QFuture>
#include <QList>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

class ConnectionPool;
class DeskWindow;
class QTreeWidget;
class QWidget;

// What the GUI tests share: bounded waits on pool futures, failure texts and
// SQL literals. Waits turn the event loop (QTest::qWait), so the window under
// test keeps working while a test waits on the database.
namespace DeskTest {

using TestWaits::kNoHangMs;

template<typename T> bool finishes(const QFuture<T> &future, int timeoutMs = kNoHangMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!future.isFinished()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(5);
    }
    return true;
}

using TestNames::describe;

// The future's result, or a Fatal "hang" error when it is not there in time
// (QFuture::result() would block the test for good).
template<typename T> DbResult<T> await(const QFuture<DbResult<T>> &future, int timeoutMs = kNoHangMs)
{
    return finishes(future, timeoutMs) ? future.result()
                                       : DbResult<T>(DbError(DbError::Kind::Fatal, QStringLiteral("hang")));
}

using TestNames::quoted;

// The GUI thread's event loop turning, counted as ticks of a 50 ms timer
// from construction (or reset()): a test that waited on the database and
// saw ticks meanwhile knows the window was never blocked.
class LoopTicks
{
public:
    LoopTicks()
    {
        m_timer.setInterval(50);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { ++m_count; });
        m_timer.start();
    }
    LoopTicks(const LoopTicks &) = delete;
    LoopTicks &operator=(const LoopTicks &) = delete;

    int count() const { return m_count; }
    void reset() { m_count = 0; }

private:
    QTimer m_timer;
    int m_count = 0;
};

// The manager's keyboard path to one of their screens: Alt+M at the focused
// widget of window opens the header's Manage menu, then letter (the entry's
// mnemonic) is typed into the menu. True once the menu showed and closed
// again; false, with a warning, when it did not show in time. The menu runs
// its own event loop while open, so the letter is typed from a timer.
bool chooseFromManageMenu(QWidget *window, Qt::Key letter);

// Waits, turning the event loop, until screen (a dialog or page with
// isBusy()) has no load or save running; false when it still has one
// after kNoHangMs.
template<typename Screen> bool waitIdle(const Screen *screen)
{
    QElapsedTimer waited;
    waited.start();
    QTest::qWait(1);
    while (screen->isBusy() && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    return !screen->isBusy();
}

// Makes the row whose first column reads text list's current row, as a
// click on it would; false, with a warning, when no row reads text.
bool selectRow(QTreeWidget *list, const QString &text);

// main() of a GUI test that must find no keychain service: a bus address
// that leads nowhere (never the tester's own session, never an autolaunched
// one), set before the application starts.
template<typename Test> int runWithoutKeychain(int argc, char *argv[])
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/carwash-test-bus");
    QApplication app(argc, argv);
    Test test;
    return QTest::qExec(&test, argc, argv);
}

} // namespace DeskTest

// The demo car wash a GUI test runs against: its own settings folder (so the
// tester's own desk settings are never read or written), a throwaway
// PostgreSQL, migrated and seeded with the demo site, and the staff PINs the
// seed made. One per test executable; use it from the test thread only.
class DeskTestSite
{
public:
    enum class Content {
        DemoSite, // migrated and seeded by DemoSeeder
        NoSchema, // the empty database, for tests that only need a server
        Migrated, // the schema and nothing in it: a new site, for the first run
    };

    DeskTestSite() = default;
    DeskTestSite(const DeskTestSite &) = delete;
    DeskTestSite &operator=(const DeskTestSite &) = delete;

    // Points QSettings at a temporary folder, names the application testName
    // (organisation "carwash-test"), starts the cluster and fills it. False
    // with *error saying which step failed.
    bool start(const QString &testName, QString *error, Content content = Content::DemoSite);

    PgTestCluster &cluster() { return m_cluster; }
    // Where this test's QSettings files are.
    QString settingsFolder() const { return m_settings.path(); }
    // True when there is at least one settings file, each can be read and
    // none holds secret; otherwise false with *why naming the file.
    bool settingsFilesLackSecret(const QByteArray &secret, QString *why) const;
    const QList<StaffPin> &pins() const { return m_pins; }
    // Empty for a name the seed did not make.
    QString pinOf(const QString &name) const;
    // The cluster's config with application_name testName, or
    // "testName-label", which is how tests count their connections.
    DatabaseConfig config(const QString &label = {}) const;

    // Shows window, waits until it is exposed and active, connects it to pool
    // (as config(label)) and waits until the sign-in list names every seeded
    // person. False, with a warning saying which step failed, otherwise.
    bool showDesk(DeskWindow &window, ConnectionPool &pool, const QString &label = {}) const;
    // The sign-in steps as staff take them: choose name in the list, type
    // the PIN into the PIN field, Enter. True once window is signed in as
    // name; false, with a warning, when the name or its PIN is missing or
    // the sign-in did not happen in time.
    bool signIn(DeskWindow &window, const QString &name) const;
    // A desk for one test function: pool made on config(label), window
    // made and shown on it (showDesk). False, with a warning, when the
    // desk did not come up; closeDesk() ends them window first.
    bool openDesk(std::unique_ptr<ConnectionPool> &pool, std::unique_ptr<DeskWindow> &window,
                  const QString &label = {}) const;
    static void closeDesk(std::unique_ptr<ConnectionPool> &pool, std::unique_ptr<DeskWindow> &window);

    // Another desk holding table locked (ACCESS EXCLUSIVE) for seconds on a
    // connection of pool, which must outlive the returned future; it ends
    // when the lock is gone. Returns once the server shows the lock granted,
    // so what the test does next really waits on it; *granted says whether
    // it was in time.
    QFuture<DbResult<Done>> holdTableLocked(ConnectionPool &pool, const QString &table, int seconds,
                                            bool *granted);

    // The first value of sql's first row in the carwash database, as the
    // test's own superuser runs it; a failure is a warning naming sql (and
    // an invalid QVariant), so the check that follows says what was wrong.
    QVariant value(const QString &sql);
    // The id of the seeded person called name (0 when there is none).
    qint64 staffId(const QString &name);

    // How many statements of this test's connections labelled label (the
    // application name config(label) gives) that contain queryPart wait on a
    // lock right now, as the server shows them.
    int waitingOnALock(const QString &label, const QString &queryPart);
    // Ends the server sessions labelled label (a locker holding a table for
    // longer than the test needs); true when exactly one was ended.
    bool endSessions(const QString &label);

private:
    QTemporaryDir m_settings;
    PgTestCluster m_cluster;
    QString m_testName;
    QList<StaffPin> m_pins;
};
