#include "ui/manager/backupsdialog.h"

#include "db/calendar/settingsrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>

namespace {

enum Column { MadeColumn, SizeColumn, SchemaColumn, MadeByColumn };

} // namespace

BackupsDialog::BackupsDialog(ConnectionPool &pool, DailyBackup &backups, const StaffMember &manager,
                             QWidget *parent)
    : ManagerListDialog(QStringLiteral("backups"), parent)
    , m_pool(pool)
    , m_backups(backups)
    , m_manager(manager)
{
    setObjectName(QStringLiteral("backupsDialog"));
    setWindowTitle(tr("Backups"));
    list()->setObjectName(QStringLiteral("backupList"));
    list()->setAccessibleName(tr("Backups"));
    list()->setHeaderLabels({tr("Made"), tr("Size"), tr("Schema"), tr("Made by")});
    list()->header()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_last = new QLabel(this);
    m_last->setObjectName(QStringLiteral("lastBackupLabel"));
    m_last->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder = new QLabel(this);
    m_folder->setObjectName(QStringLiteral("backupFolderLabel"));
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder->setWordWrap(true);
    m_keep = new QLabel(this);
    m_keep->setObjectName(QStringLiteral("backupKeepLabel"));

    m_backUpNow = new QPushButton(tr("Back up &now"), this);
    m_backUpNow->setObjectName(QStringLiteral("backUpNowButton"));
    m_backUpNow->setAccessibleName(tr("Back up the database now"));
    m_backUpNow->setAutoDefault(false);
    connect(m_backUpNow, &QPushButton::clicked, this, &BackupsDialog::backUpNow);
    m_choose = new QPushButton(tr("C&hoose folder…"), this);
    m_choose->setObjectName(QStringLiteral("chooseBackupFolderButton"));
    m_choose->setAccessibleName(tr("Choose the backup folder"));
    m_choose->setToolTip(tr("Another folder for the backups, such as a USB disk"));
    m_choose->setAutoDefault(false);
    connect(m_choose, &QPushButton::clicked, this, &BackupsDialog::chooseFolder);
    m_default = new QPushButton(tr("Use the &data folder"), this);
    m_default->setObjectName(QStringLiteral("defaultBackupFolderButton"));
    m_default->setAutoDefault(false);
    connect(m_default, &QPushButton::clicked, this, [this] { setFolder(QString()); });

    auto *form = new QFormLayout;
    form->addRow(tr("Last backup:"), m_last);
    form->addRow(tr("Folder:"), m_folder);
    form->addRow(tr("Kept:"), m_keep);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_choose);
    buttons->addWidget(m_default);
    buttons->addStretch(1);
    buttons->addWidget(m_backUpNow);

    connect(&m_backups, &DailyBackup::started, this, &BackupsDialog::updateButtons);
    connect(&m_backups, &DailyBackup::finished, this, [this](const DbResult<BackupRun> &run) {
        if (!m_backingUp) { // the daily run finished while the dialog was open
            if (run.ok())
                show(run->listing);
            updateButtons();
            return;
        }
        m_backingUp = false;
        if (!saveFinished(run, tr("No backup was made.")))
            return;
        if (run->skipped)
            showSaved(tr("Another program is making a backup right now; try again in a minute."));
        else
            showSaved(tr("Backed up: %1.").arg(describe(run->made)));
    });

    status()->setObjectName(QStringLiteral("backupsStatus"));
    layOut(tr("Backups of this computer's database, made every day the desk runs and kept for the days "
              "below. Keep the folder on another disk, such as a USB disk, so a dead disk loses nothing. "
              "To restore one: carwash-admin restore FILE."),
           new QLabel(tr("&Backups:"), this), {form, buttons}, 90);
    updateButtons();
    reload();
}

QString BackupsDialog::describe(const BackupFile &backup)
{
    const QLocale locale;
    return tr("%1, %2").arg(locale.toString(backup.manifest.madeAt.toLocalTime(), QLocale::ShortFormat),
                            locale.formattedDataSize(backup.manifest.size));
}

QString BackupsDialog::lastBackupText() const
{
    return m_last->text();
}

void BackupsDialog::reload()
{
    loadStarted();
    Async::onResult(m_backups.listing(), this, [this](const DbResult<BackupListing> &result) {
        if (!loadFinished(result, tr("The backups could not be listed.")))
            return;
        show(result.value());
    });
}

void BackupsDialog::show(const BackupListing &listing)
{
    m_listing = listing;
    const BackupFile *newest = listing.newest();
    m_last->setText(newest ? describe(*newest) : tr("none yet"));
    m_folder->setText(listing.folderSetting.isEmpty()
                          ? tr("%1 (the data folder)").arg(QDir::toNativeSeparators(listing.folder))
                          : QDir::toNativeSeparators(listing.folder));
    m_keep->setText(tr("%n day(s); change it in Site set-up", nullptr, listing.keepDays));
    list()->clear();
    const QLocale locale;
    for (const BackupFile &b : listing.backups) {
        auto *item = new QTreeWidgetItem(list());
        item->setText(MadeColumn, locale.toString(b.manifest.madeAt.toLocalTime(), QLocale::ShortFormat));
        item->setText(SizeColumn, locale.formattedDataSize(b.manifest.size));
        item->setText(SchemaColumn, b.manifest.schemaVersion);
        item->setText(MadeByColumn, b.manifest.madeBy);
        item->setToolTip(MadeColumn, QDir::toNativeSeparators(b.archivePath));
    }
    updateButtons();
    Q_EMIT loaded();
}

void BackupsDialog::backUpNow()
{
    if (isBusy() || m_backups.isRunning())
        return;
    m_backingUp = true;
    saveStarted();
    status()->setText(tr("Backing up…"));
    m_backups.backUpNow();
}

void BackupsDialog::chooseFolder()
{
    const QString chosen
        = QFileDialog::getExistingDirectory(this, tr("Folder for the backups"), m_listing.folder);
    if (!chosen.isEmpty())
        setFolder(chosen);
}

void BackupsDialog::setFolder(const QString &folder)
{
    if (isBusy())
        return;
    saveStarted();
    const QString actor = m_manager.actor();
    auto saved = m_pool.withRetry(
        QStringLiteral("backup.folder.set"), RetryPolicy::standard(), [folder, actor](QSqlDatabase &db) {
            return SettingsRepo(db).set(QStringLiteral("backup.folder"), folder, actor);
        });
    Async::onResult(saved, this, [this, folder](const auto &result) {
        if (!saveFinished(result, tr("The backup folder was not changed.")))
            return;
        showSaved(folder.isEmpty() ? tr("Backups now go to the data folder.")
                                   : tr("Backups now go to %1.").arg(QDir::toNativeSeparators(folder)));
    });
}

void BackupsDialog::updateButtons()
{
    const bool idle = !isBusy() && !m_backups.isRunning();
    m_backUpNow->setEnabled(idle);
    m_choose->setEnabled(idle);
    m_default->setEnabled(idle && !m_listing.folderSetting.isEmpty());
}
