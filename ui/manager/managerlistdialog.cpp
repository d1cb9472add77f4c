#include "ui/manager/managerlistdialog.h"

#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

ManagerListDialog::ManagerListDialog(const QString &source, QWidget *parent)
    : QDialog(parent)
    , m_loadSource(source)
    , m_changeSource(source + QStringLiteral(".change"))
{
    m_banner = new ErrorBanner(this);
    m_list = new QTreeWidget(this);
    m_list->setRootIsDecorated(false);
    m_list->setAllColumnsShowFocus(true);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_busy = new BusyIndicator(this);
}

void ManagerListDialog::layOut(const QString &intro, QLabel *listLabel, const QList<QLayout *> &editing,
                               int widthChars)
{
    auto *introLabel = new QLabel(intro, this);
    introLabel->setWordWrap(true);
    listLabel->setBuddy(m_list);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter in the fields saves; it must not close the dialog too.
    close->button(QDialogButtonBox::Close)->setAutoDefault(false);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_busy);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(introLabel);
    layout->addWidget(listLabel);
    layout->addWidget(m_list, 1);
    for (QLayout *part : editing)
        layout->addLayout(part);
    layout->addLayout(bottom);
    layout->addWidget(close);
    resize(fontMetrics().averageCharWidth() * widthChars, fontMetrics().height() * 26);
}

bool ManagerListDialog::isBusy() const
{
    return m_loading || m_saving;
}

QString ManagerListDialog::statusText() const
{
    return m_status->text();
}

void ManagerListDialog::loadStarted()
{
    m_loading = true;
    m_busy->start(tr("Loading…"));
    updateButtons();
}

bool ManagerListDialog::loadFinished(const DbError *error, const QString &failedWords)
{
    m_loading = false;
    if (!m_saving)
        m_busy->stop();
    if (error) {
        m_banner->showMessage(m_loadSource, tr("%1 %2").arg(failedWords, error->message()),
                              ErrorText::whatToDo(*error), [this] { reload(); });
        updateButtons();
        return false;
    }
    m_banner->clear(m_loadSource);
    return true;
}

void ManagerListDialog::saveStarted()
{
    m_saving = true;
    updateButtons();
    m_busy->start(tr("Saving…"));
}

bool ManagerListDialog::saveFinished(const DbError *error, const QString &failedWords)
{
    m_saving = false;
    m_busy->stop();
    if (error) {
        m_banner->showMessage(m_changeSource, tr("%1 %2").arg(failedWords, error->message()),
                              ErrorText::whatToDo(*error));
        updateButtons();
        return false;
    }
    m_banner->clear(m_changeSource);
    return true;
}

void ManagerListDialog::refuse(const QString &failedWords, const QString &why)
{
    m_banner->showMessage(m_changeSource, failedWords, why);
}

void ManagerListDialog::showSaved(const QString &status)
{
    m_status->setText(status);
    m_list->setFocus(Qt::OtherFocusReason);
    reload();
}
