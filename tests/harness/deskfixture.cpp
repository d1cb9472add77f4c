#include "tests/harness/deskfixture.h"

#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/signinpage.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QTreeWidget>

bool DeskTest::chooseFromManageMenu(QWidget *window, Qt::Key letter)
{
    auto *menu = window->findChild<QMenu *>(QStringLiteral("manageMenu"));
    if (!menu) {
        qWarning("the window has no Manage menu");
        return false;
    }
    bool shown = false;
    QTimer typeLetter;
    typeLetter.setInterval(10);
    QObject::connect(&typeLetter, &QTimer::timeout, menu, [&] {
        if (!menu->isVisible())
            return;
        typeLetter.stop();
        shown = true;
        QTest::keyClick(menu, letter);
    });
    typeLetter.start();
    QWidget *focus = QApplication::focusWidget();
    QTest::keyClick(focus && focus->window() == window ? focus : window, Qt::Key_M, Qt::AltModifier);
    QDeadlineTimer deadline(kNoHangMs);
    while ((!shown || menu->isVisible()) && !deadline.hasExpired())
        QTest::qWait(10);
    typeLetter.stop();
    if (!shown || menu->isVisible()) {
        qWarning("Alt+M did not open the Manage menu, or the menu stayed open");
        return false;
    }
    return true;
}

bool DeskTestSite::start(const QString &testName, QString *error, Content content)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!m_settings.isValid())
        return fail(QStringLiteral("no temporary settings folder: %1").arg(m_settings.errorString()));
    m_testName = testName;
    // Settings (idle time, saved database settings) land in a folder of this
    // test, never the tester's own.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    QCoreApplication::setOrganizationName(QStringLiteral("carwash-test"));
    QCoreApplication::setApplicationName(testName);

    QString why;
    if (!m_cluster.start(&why))
        return fail(why);
    if (content == Content::NoSchema)
        return true;

    // A pool of its own, gone before the tests run, so its connection is
    // never counted against theirs.
    ConnectionPool setup(config(QStringLiteral("setup")));
    const auto migrated = DeskTest::await(setup.withConnection(
        QStringLiteral("migrate"), [](QSqlDatabase &db) { return Migrator::migrate(db); }));
    if (!migrated.ok())
        return fail(QStringLiteral("migrate: %1").arg(QString::fromUtf8(DeskTest::describe(migrated))));
    if (content == Content::Migrated)
        return true;
    const auto seeded = DeskTest::await(
        setup.withConnection(QStringLiteral("seed"), [](QSqlDatabase &db) { return DemoSeeder::seed(db); }));
    if (!seeded.ok())
        return fail(QStringLiteral("seed: %1").arg(QString::fromUtf8(DeskTest::describe(seeded))));
    m_pins = seeded->staff;
    return true;
}

bool DeskTest::selectRow(QTreeWidget *list, const QString &text)
{
    const QList<QTreeWidgetItem *> found = list->findItems(text, Qt::MatchExactly, 0);
    if (found.isEmpty()) {
        qWarning("no row reads %s", qPrintable(text));
        return false;
    }
    list->setCurrentItem(found.first());
    return true;
}

QVariant DeskTestSite::value(const QString &sql)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(sql, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
    return v;
}

qint64 DeskTestSite::staffId(const QString &name)
{
    return value(QStringLiteral("SELECT id FROM staff WHERE name = %1").arg(DeskTest::quoted(name)))
        .toLongLong();
}

bool DeskTestSite::openDesk(std::unique_ptr<ConnectionPool> &pool, std::unique_ptr<DeskWindow> &window,
                            const QString &label) const
{
    pool = std::make_unique<ConnectionPool>(config(label));
    window = std::make_unique<DeskWindow>();
    return showDesk(*window, *pool, label);
}

void DeskTestSite::closeDesk(std::unique_ptr<ConnectionPool> &pool, std::unique_ptr<DeskWindow> &window)
{
    window.reset();
    pool.reset();
}

QString DeskTestSite::pinOf(const QString &name) const
{
    for (const StaffPin &p : m_pins) {
        if (p.name == name)
            return p.pin;
    }
    return {};
}

DatabaseConfig DeskTestSite::config(const QString &label) const
{
    return m_cluster.config(label.isEmpty() ? m_testName : QStringLiteral("%1-%2").arg(m_testName, label));
}

bool DeskTestSite::showDesk(DeskWindow &window, ConnectionPool &pool, const QString &label) const
{
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        qWarning("the desk window was never exposed");
        return false;
    }
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) {
        qWarning("the desk window never became active");
        return false;
    }
    window.databaseReady(pool, config(label));
    auto *names = window.signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
    QDeadlineTimer deadline(DeskTest::kNoHangMs);
    while (names->topLevelItemCount() != m_pins.size() && !deadline.hasExpired())
        QTest::qWait(10);
    if (names->topLevelItemCount() != m_pins.size()) {
        qWarning("the sign-in list has %d names, the seed made %d", int(names->topLevelItemCount()),
                 int(m_pins.size()));
        return false;
    }
    return true;
}

bool DeskTestSite::signIn(DeskWindow &window, const QString &name) const
{
    SignInPage *page = window.signInPage();
    auto *names = page->findChild<QTreeWidget *>(QStringLiteral("staffList"));
    auto *pinField = page->findChild<QLineEdit *>(QStringLiteral("pinField"));
    const QString pin = pinOf(name);
    if (pin.isEmpty()) {
        qWarning("the seed made no PIN for %s", qPrintable(name));
        return false;
    }
    // The names arrive from the database, and a PIN typed while an earlier
    // one is still being checked would be refused.
    QDeadlineTimer deadline(DeskTest::kNoHangMs);
    QList<QTreeWidgetItem *> found = names->findItems(name, Qt::MatchExactly);
    while ((found.isEmpty() || page->isChecking()) && !deadline.hasExpired()) {
        QTest::qWait(10);
        found = names->findItems(name, Qt::MatchExactly);
    }
    if (found.isEmpty() || page->isChecking()) {
        qWarning("%s is not in the sign-in list, or the list is still busy", qPrintable(name));
        return false;
    }
    names->setCurrentItem(found.first());
    pinField->setFocus();
    QTest::keyClicks(pinField, pin);
    QTest::keyClick(pinField, Qt::Key_Return);
    while ((page->isChecking() || !window.signedIn()) && !deadline.hasExpired())
        QTest::qWait(10);
    return window.signedIn() && window.signedIn()->name == name;
}

bool DeskTestSite::settingsFilesLackSecret(const QByteArray &secret, QString *why) const
{
    QDirIterator it(m_settings.path(), QDir::Files, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly)) {
            *why = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
            return false;
        }
        if (file.readAll().contains(secret)) {
            *why = QStringLiteral("the secret is in %1").arg(file.fileName());
            return false;
        }
        ++files;
    }
    if (files == 0) {
        *why = QStringLiteral("no settings file in %1 to look in").arg(m_settings.path());
        return false;
    }
    return true;
}

QFuture<DbResult<Done>> DeskTestSite::holdTableLocked(ConnectionPool &pool, const QString &table, int seconds,
                                                      bool *granted)
{
    auto held
        = pool.withConnection(QStringLiteral("test.lock_%1").arg(table), [table, seconds](QSqlDatabase &db) {
              Transaction tx(db);
              Sql::exec(db, QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(table));
              Sql::exec(db, QStringLiteral("SELECT pg_sleep(%1)").arg(seconds));
              tx.commit();
          });
    const QString grantedLocks
        = QStringLiteral("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                         "WHERE c.relname = %1 AND l.mode = 'AccessExclusiveLock' AND l.granted")
              .arg(DeskTest::quoted(table));
    QDeadlineTimer deadline(DeskTest::kNoHangMs);
    *granted = false;
    while (!deadline.hasExpired() && !held.isFinished()) {
        if (m_cluster.queryBlocking(grantedLocks).toInt() == 1) {
            *granted = true;
            break;
        }
        QTest::qWait(10);
    }
    return held;
}

int DeskTestSite::waitingOnALock(const QString &label, const QString &queryPart)
{
    return m_cluster
        .queryBlocking(
            QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = %1 "
                           "AND wait_event_type = 'Lock' AND state = 'active' AND strpos(query, %2) > 0")
                .arg(DeskTest::quoted(config(label).applicationName), DeskTest::quoted(queryPart)))
        .toInt();
}

bool DeskTestSite::endSessions(const QString &label)
{
    return m_cluster
               .queryBlocking(QStringLiteral("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                                             "pg_stat_activity WHERE application_name = %1")
                                  .arg(DeskTest::quoted(config(label).applicationName)))
               .toInt()
        == 1;
}
