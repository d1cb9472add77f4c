#include "ui/desk/startuppage.h"

#include "ui/common/busyindicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

StartupPage::StartupPage(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("startupPage"));
    auto *title = new QLabel(tr("CarWash Desk"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);

    m_busy = new BusyIndicator(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("startupStatus"));
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setAccessibleName(tr("Start-up status"));

    auto *statusRow = new QHBoxLayout;
    statusRow->addStretch();
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_status);
    statusRow->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(title);
    layout->addSpacing(title->fontMetrics().height());
    layout->addLayout(statusRow);
    layout->addStretch(3);
}

void StartupPage::showProgress(const QString &text)
{
    m_status->setText(text);
    m_busy->start();
}

void StartupPage::showFailure(const QString &text)
{
    m_busy->stop();
    m_status->setText(text);
}

QString StartupPage::statusText() const
{
    return m_status->text();
}
