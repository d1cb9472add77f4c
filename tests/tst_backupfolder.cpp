// The backups folder's rules without a database: which files are ours, the
// newest first, a day's backup found in local time, retention deleting only
// our backups older than keep_days (never the newest, never a stranger's
// file), and when the desk calls a backup overdue.
#include "db/backup/backupfolder.h"
#include "db/backup/dailybackup.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

class TestBackupFolder : public QObject
{
    Q_OBJECT
private slots:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void namesSortByTimeAndAreOurs();
    void listingIsNewestFirstAndOnlyFinishedOnes();
    void retentionDeletesOnlyOurBackupsOlderThanKeepDays();
    void retentionKeepsTheNewestHoweverOld();
    void leftoversOfADeadRunGoAfterADay();
    void aDayIsALocalDay();
    void overdueAfterTwoDaysOrWithNone();

private:
    // A backup as BackupJob leaves it: archive plus manifest (the archive's
    // bytes matter only to a restore).
    QString writeBackup(const QDateTime &madeAt, bool withManifest = true);
    QString path(const QString &name) const { return QDir(m_dir->path()).filePath(name); }
    QStringList files() const { return QDir(m_dir->path()).entryList(QDir::Files, QDir::Name); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

QString TestBackupFolder::writeBackup(const QDateTime &madeAt, bool withManifest)
{
    const QString archive = path(BackupFolder::archiveName(madeAt));
    QFile file(archive);
    if (!file.open(QIODevice::WriteOnly) || file.write("PGDMP") != 5)
        return {};
    if (withManifest) {
        BackupManifest m;
        m.archiveFile = QFileInfo(archive).fileName();
        m.size = 5;
        m.sha256 = QString(64, u'a');
        m.schemaVersion = QStringLiteral("0008");
        m.madeAt = madeAt;
        m.madeBy = QStringLiteral("test");
        QFile manifest(BackupManifest::manifestPathFor(archive));
        if (!manifest.open(QIODevice::WriteOnly) || manifest.write(QJsonDocument(m.toJson()).toJson()) < 0)
            return {};
    }
    return archive;
}

void TestBackupFolder::namesSortByTimeAndAreOurs()
{
    const QDateTime t(QDate(2026, 12, 6), QTime(22, 30, 5, 42), Qt::UTC);
    QCOMPARE(BackupFolder::archiveName(t), QStringLiteral("carwash-backup-20261206-223005-042.dump"));
    QVERIFY(BackupFolder::archiveName(t) < BackupFolder::archiveName(t.addMSecs(1)));
    QCOMPARE(BackupFolder::resolve(QStringLiteral("  /media/usb  ")), QStringLiteral("/media/usb"));
    QCOMPARE(BackupFolder::resolve(QString()), BackupFolder::defaultPath());
    QVERIFY(BackupFolder::defaultPath().endsWith(QStringLiteral("/backups")));
}

void TestBackupFolder::listingIsNewestFirstAndOnlyFinishedOnes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString older = writeBackup(now.addDays(-3));
    const QString newer = writeBackup(now.addSecs(-60));
    writeBackup(now.addDays(-1), false); // pg_dump still running, or it died
    QFile stranger(path(QStringLiteral("carwash-backup-mine.dump")));
    QVERIFY(stranger.open(QIODevice::WriteOnly));
    const QList<BackupFile> listed = BackupFolder::list(m_dir->path());
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed[0].archivePath, newer);
    QCOMPARE(listed[1].archivePath, older);
    QCOMPARE(listed[0].manifest.schemaVersion, QStringLiteral("0008"));
}

void TestBackupFolder::retentionDeletesOnlyOurBackupsOlderThanKeepDays()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString fresh = writeBackup(now.addSecs(-3600));
    const QString thirteen = writeBackup(now.addDays(-13));
    const QString fifteen = writeBackup(now.addDays(-15));
    const QString twenty = writeBackup(now.addDays(-20));
    const QString unfinished = writeBackup(now.addDays(-30), false);
    for (const QString &name : {QStringLiteral("notes.txt"), QStringLiteral("carwash-backup-old.dump"),
                                QStringLiteral("site.dump")}) {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.setFileTime(now.addDays(-100), QFileDevice::FileModificationTime)); // old as files go
    }
    const QStringList removed = BackupFolder::prune(m_dir->path(), 14, now);
    QCOMPARE(removed, (QStringList {fifteen, twenty}));
    QStringList expected {
        QFileInfo(fresh).fileName(),      QFileInfo(fresh).fileName() + QStringLiteral(".json"),
        QFileInfo(thirteen).fileName(),   QFileInfo(thirteen).fileName() + QStringLiteral(".json"),
        QFileInfo(unfinished).fileName(), QStringLiteral("carwash-backup-old.dump"),
        QStringLiteral("notes.txt"),      QStringLiteral("site.dump")};
    expected.sort();
    QCOMPARE(files(), expected);
}

void TestBackupFolder::retentionKeepsTheNewestHoweverOld()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString newest = writeBackup(now.addDays(-40));
    writeBackup(now.addDays(-50));
    QCOMPARE(BackupFolder::prune(m_dir->path(), 14, now).size(), 1);
    const QList<BackupFile> left = BackupFolder::list(m_dir->path());
    QCOMPARE(left.size(), 1);
    QCOMPARE(left[0].archivePath, newest);
}

void TestBackupFolder::leftoversOfADeadRunGoAfterADay()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString kept = writeBackup(now.addDays(-2));
    const auto leftover = [&](const QString &name, const QDateTime &touched) {
        QFile f(path(name));
        // Flushed first: the buffered write would stamp the file again.
        if (!f.open(QIODevice::WriteOnly) || f.write("PGDMP") != 5 || !f.flush()
            || !f.setFileTime(touched, QFileDevice::FileModificationTime))
            return QString();
        return f.fileName();
    };
    const QString deadPart = leftover(BackupFolder::archiveName(now.addDays(-3)) + QStringLiteral(".part"),
                                      now.addDays(-3));
    const QString deadArchive = leftover(BackupFolder::archiveName(now.addDays(-4)), now.addDays(-4));
    // In progress: written a minute ago, whatever its name's time.
    const QString running = leftover(BackupFolder::archiveName(now.addDays(-5)) + QStringLiteral(".part"),
                                     now.addSecs(-60));
    const QString renamedJustNow = leftover(BackupFolder::archiveName(now.addSecs(-1)), now.addSecs(-1));
    // Not ours, however old.
    const QString stranger = leftover(QStringLiteral("carwash-backup-mine.dump.part"), now.addDays(-100));
    QVERIFY(!deadPart.isEmpty() && !deadArchive.isEmpty() && !running.isEmpty() && !renamedJustNow.isEmpty()
            && !stranger.isEmpty());

    QStringList removed = BackupFolder::prune(m_dir->path(), 14, now);
    removed.sort();
    QStringList expected {deadArchive, deadPart};
    expected.sort();
    QCOMPARE(removed, expected);
    for (const QString &stays : {kept, running, renamedJustNow, stranger})
        QVERIFY2(QFile::exists(stays), qPrintable(stays));
    QCOMPARE(BackupFolder::list(m_dir->path()).size(), 1);
}

void TestBackupFolder::aDayIsALocalDay()
{
    const QDateTime localNoon(QDate::currentDate(), QTime(12, 0));
    writeBackup(localNoon.addDays(-1).toUTC());
    QVERIFY(!BackupFolder::madeOn(BackupFolder::list(m_dir->path()), QDate::currentDate()));
    writeBackup(QDateTime(QDate::currentDate(), QTime(0, 0, 1)).toUTC());
    QVERIFY(BackupFolder::madeOn(BackupFolder::list(m_dir->path()), QDate::currentDate()));
}

void TestBackupFolder::overdueAfterTwoDaysOrWithNone()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    BackupListing listing;
    QVERIFY(listing.isOverdue(now));
    writeBackup(now.addDays(-2).addSecs(-60));
    listing.backups = BackupFolder::list(m_dir->path());
    QVERIFY(listing.isOverdue(now));
    writeBackup(now.addDays(-2).addSecs(60));
    listing.backups = BackupFolder::list(m_dir->path());
    QVERIFY(!listing.isOverdue(now));
}

QTEST_GUILESS_MAIN(TestBackupFolder)
#include "tst_backupfolder.moc"
