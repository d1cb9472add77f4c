// The manager's backups as a manager meets them: the real desk window on the
// offscreen platform and a real PostgreSQL with the demo seed. Back up now
// makes a real pg_dump archive and the dialog shows its time and size; the
// daily run makes at most one a day, however many programs try; the folder
// chosen is saved in the manager's name; the desk's banner says when the
// last backup is more than two days old and clears once one is made.
#include "app/startup/translations.h"
#include "db/backup/backupfolder.h"
#include "db/backup/backupjob.h"
#include "db/backup/dailybackup.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/backupalert.h"
#include "ui/desk/deskwindow.h"
#include "ui/manager/backupsdialog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace DeskTest;

class TestBackupsDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void aManagerSeesTheLastBackupAndBacksUpNow();
    void theDailyRunMakesOneADayHoweverManyPrograms();
    void aManagerChoosesAnotherFolderAuditedInTheirName();
    void theDeskAlertsWhenTheLastBackupIsOlderThanTwoDays();
    void aBackupDeletesOurBackupsOlderThanKeepDaysOnly();

private:
    BackupsDialog *openAsManager();
    // Rewrites backup's manifest as if it was made days ago; false on failure.
    static bool age(const BackupFile &backup, int days);
    // Runs the daily check of backups once and returns what it did.
    static DbResult<BackupRun> runDaily(DailyBackup &backups);

    DeskTestSite m_site;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
    std::unique_ptr<QTemporaryDir> m_folder;
    qint64 m_managerId = 0;
};

void TestBackupsDialog::initTestCase()
{
    Translations::install(*qApp, QStringLiteral("en")); // as the desk does: "2 days", never "2 day(s)"
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_backupsdialog"), &error), qPrintable(error));
    m_managerId = m_site.staffId(QStringLiteral("Morgan Lee"));
    QVERIFY(m_managerId > 0);
}

void TestBackupsDialog::init()
{
    QSettings().clear();
    m_folder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_folder->isValid());
    m_site.value(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'backup.%'; "
                                "DELETE FROM audit_log WHERE entity_id LIKE 'backup.%'; "
                                "INSERT INTO site_settings (key, value) VALUES ('backup.folder', '%1')")
                     .arg(m_folder->path()));
    QVERIFY(m_site.openDesk(m_pool, m_window));
}

void TestBackupsDialog::cleanup()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

BackupsDialog *TestBackupsDialog::openAsManager()
{
    if (!m_site.signIn(*m_window, QStringLiteral("Morgan Lee")))
        return nullptr;
    if (!chooseFromManageMenu(m_window.get(), Qt::Key_B))
        return nullptr;
    auto *dialog = m_window->findChild<BackupsDialog *>();
    if (!dialog || !waitIdle(dialog))
        return nullptr;
    return dialog;
}

DbResult<BackupRun> TestBackupsDialog::runDaily(DailyBackup &backups)
{
    QSignalSpy finished(&backups, &DailyBackup::finished);
    backups.startDaily();
    if (!finished.wait(kNoHangMs))
        return DbError(DbError::Kind::Fatal, QStringLiteral("no result in time"));
    return finished.at(0).at(0).value<DbResult<BackupRun>>();
}

bool TestBackupsDialog::age(const BackupFile &backup, int days)
{
    QFile manifest(backup.manifestPath());
    if (!manifest.open(QIODevice::ReadWrite))
        return false;
    QJsonObject o = QJsonDocument::fromJson(manifest.readAll()).object();
    o[QStringLiteral("made_at")] = QDateTime::currentDateTimeUtc().addDays(-days).toString(Qt::ISODateWithMs);
    return manifest.resize(0) && manifest.write(QJsonDocument(o).toJson()) > 0;
}

void TestBackupsDialog::aManagerSeesTheLastBackupAndBacksUpNow()
{
    BackupsDialog *dialog = openAsManager();
    QVERIFY(dialog);
    auto *last = dialog->findChild<QLabel *>(QStringLiteral("lastBackupLabel"));
    QCOMPARE(last->text(), QStringLiteral("none yet"));
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
    QCOMPARE(dialog->list()->topLevelItemCount(), 0);
    QVERIFY(
        dialog->findChild<QLabel *>(QStringLiteral("backupFolderLabel"))->text().contains(m_folder->path()));
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("backupKeepLabel"))->text(),
             QStringLiteral("14 days; change it in Site set-up"));

    auto *now = dialog->findChild<QPushButton *>(QStringLiteral("backUpNowButton"));
    QVERIFY(now->isEnabled());
    now->click();
    QVERIFY(!now->isEnabled()); // busy while pg_dump runs, the window still answering
    QTRY_COMPARE_WITH_TIMEOUT(dialog->list()->topLevelItemCount(), 1, kNoHangMs);
    QVERIFY(waitIdle(dialog));
    QVERIFY(now->isEnabled());

    // The one file there is a whole, restorable backup, and the dialog shows
    // its time and size.
    const QList<BackupFile> onDisk = BackupFolder::list(m_folder->path());
    QCOMPARE(onDisk.size(), 1);
    const DbResult<BackupFile> verified = BackupJob::verifyBlocking(onDisk[0].archivePath);
    QVERIFY2(verified.ok(), qPrintable(verified.error().toLogString()));
    QCOMPARE(verified->manifest.size, QFileInfo(onDisk[0].archivePath).size());
    QCOMPARE(verified->manifest.madeBy, QStringLiteral("carwash"));
    const QString expected = QStringLiteral("%1, %2").arg(
        QLocale().toString(onDisk[0].manifest.madeAt.toLocalTime(), QLocale::ShortFormat),
        QLocale().formattedDataSize(onDisk[0].manifest.size));
    QCOMPARE(dialog->lastBackupText(), expected);
    QCOMPARE(dialog->list()->topLevelItem(0)->text(1), QLocale().formattedDataSize(onDisk[0].manifest.size));
    QCOMPARE(dialog->list()->topLevelItem(0)->text(2),
             m_site.value(QStringLiteral("SELECT max(version) FROM schema_migrations")).toString());
    QCOMPARE(dialog->statusText(), QStringLiteral("Backed up: %1.").arg(expected));
}

void TestBackupsDialog::theDailyRunMakesOneADayHoweverManyPrograms()
{
    DailyBackup *desk = m_window->backups();
    QVERIFY(desk);
    const DbResult<BackupRun> first = runDaily(*desk);
    QVERIFY2(first.ok(), qPrintable(first.error().toLogString()));
    QVERIFY(!first->skipped);
    QCOMPARE(first->listing.backups.size(), 1);

    // Later the same day, this desk and another program on the same PC.
    ConnectionPool otherPool(m_site.config(QStringLiteral("other")));
    DailyBackup other(otherPool, m_site.config(QStringLiteral("other")), QStringLiteral("carwash"));
    const DbResult<BackupRun> again = runDaily(*desk);
    const DbResult<BackupRun> another = runDaily(other);
    QVERIFY(again.ok() && another.ok());
    QVERIFY(again->skipped);
    QVERIFY(another->skipped);
    QCOMPARE(BackupFolder::list(m_folder->path()).size(), 1);
    QCOMPARE(QDir(m_folder->path()).entryList({QStringLiteral("*.dump")}, QDir::Files).size(), 1);
}

void TestBackupsDialog::aManagerChoosesAnotherFolderAuditedInTheirName()
{
    BackupsDialog *dialog = openAsManager();
    QVERIFY(dialog);
    QTemporaryDir usb;
    const QString chosen = QDir(usb.path()).filePath(QStringLiteral("carwash"));
    dialog->setFolder(chosen);
    QVERIFY(waitIdle(dialog));
    QTRY_COMPARE_WITH_TIMEOUT(dialog->listing().folder, chosen, kNoHangMs);
    QCOMPARE(dialog->statusText(), QStringLiteral("Backups now go to %1.").arg(chosen));
    QCOMPARE(m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'backup.folder'"))
                 .toString(),
             chosen);
    QCOMPARE(m_site
                 .value(QStringLiteral("SELECT actor FROM audit_log WHERE entity_id = 'backup.folder' "
                                       "ORDER BY id DESC LIMIT 1"))
                 .toString(),
             QStringLiteral("staff:%1").arg(m_managerId));

    dialog->backUpNow();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->list()->topLevelItemCount(), 1, kNoHangMs);
    QCOMPARE(BackupFolder::list(chosen).size(), 1);
    QCOMPARE(BackupFolder::list(m_folder->path()).size(), 0);

    // Back to the data folder's backups/.
    auto *useDefault = dialog->findChild<QPushButton *>(QStringLiteral("defaultBackupFolderButton"));
    QVERIFY(waitIdle(dialog));
    QVERIFY(useDefault->isEnabled());
    useDefault->click();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->listing().folder, BackupFolder::defaultPath(), kNoHangMs);
    QCOMPARE(m_site.value(QStringLiteral("SELECT value FROM site_settings WHERE key = 'backup.folder'"))
                 .toString(),
             QString());
}

void TestBackupsDialog::theDeskAlertsWhenTheLastBackupIsOlderThanTwoDays()
{
    // A backup made three days ago, then a run that fails (its server gone).
    DailyBackup *desk = m_window->backups();
    QSignalSpy made(desk, &DailyBackup::finished);
    desk->backUpNow();
    QVERIFY(made.wait(kNoHangMs));
    const QList<BackupFile> backups = BackupFolder::list(m_folder->path());
    QCOMPARE(backups.size(), 1);
    QVERIFY(age(backups[0], 3));
    DatabaseConfig gone = m_site.config(QStringLiteral("gone"));
    gone.port = PgTestCluster::freePort();
    gone.connectTimeoutS = 2;
    ErrorBanner banner;
    DailyBackup failing(*m_pool, gone, QStringLiteral("carwash"));
    BackupAlert failingAlert(failing, banner);
    failing.backUpNow();
    QTRY_VERIFY_WITH_TIMEOUT(banner.hasMessage(QString::fromLatin1(BackupAlert::Source)), kNoHangMs);
    QVERIFY2(banner.message().contains(QStringLiteral("more than 2 days ago")), qPrintable(banner.message()));
    QVERIFY2(banner.whatToDo().contains(QStringLiteral("pg_dump failed")), qPrintable(banner.whatToDo()));
    QVERIFY2(banner.whatToDo().contains(QStringLiteral("Back up now")), qPrintable(banner.whatToDo()));

    // A backup made clears it.
    DailyBackup working(*m_pool, m_site.config(QStringLiteral("working")), QStringLiteral("carwash"));
    BackupAlert workingAlert(working, banner);
    working.backUpNow();
    QTRY_VERIFY_WITH_TIMEOUT(!banner.hasMessage(QString::fromLatin1(BackupAlert::Source)), kNoHangMs);
    QCOMPARE(BackupFolder::list(m_folder->path()).size(), 2);
}

void TestBackupsDialog::aBackupDeletesOurBackupsOlderThanKeepDaysOnly()
{
    m_site.value(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('backup.keep_days', '7')"));
    DailyBackup *desk = m_window->backups();
    QSignalSpy finished(desk, &DailyBackup::finished);
    desk->backUpNow();
    QVERIFY(finished.wait(kNoHangMs));
    desk->backUpNow();
    QVERIFY(finished.wait(kNoHangMs));
    QList<BackupFile> backups = BackupFolder::list(m_folder->path());
    QCOMPARE(backups.size(), 2);
    QVERIFY(age(backups[0], 6));
    QVERIFY(age(backups[1], 8));
    QFile mine(QDir(m_folder->path()).filePath(QStringLiteral("carwash-backup-by-hand.dump")));
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.close();

    desk->backUpNow();
    QVERIFY(finished.wait(kNoHangMs));
    const DbResult<BackupRun> run = finished.last().at(0).value<DbResult<BackupRun>>();
    QVERIFY2(run.ok(), qPrintable(run.error().toLogString()));
    QCOMPARE(run->removed, QStringList {backups[1].archivePath});
    QCOMPARE(run->listing.keepDays, 7);
    QCOMPARE(run->listing.backups.size(), 2); // the new one and the six-day-old one
    QVERIFY(QFile::exists(backups[0].archivePath));
    QVERIFY(!QFile::exists(backups[1].archivePath));
    QVERIFY(!QFile::exists(backups[1].manifestPath()));
    QVERIFY(mine.exists());
}

QTEST_MAIN(TestBackupsDialog)
#include "tst_backupsdialog.moc"
