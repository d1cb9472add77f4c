#include "ui/manager/sitesetuppage.h"

#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

SiteSetupPage::SiteSetupPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                             QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_manager(manager)
    , m_banner(banner)
{
    m_busy = new BusyIndicator(this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Status"));
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(6000);
    connect(&m_statusTimer, &QTimer::timeout, m_status, &QLabel::clear);
}

QHBoxLayout *SiteSetupPage::saveRow(QPushButton *save, QPushButton *revert)
{
    auto *row = new QHBoxLayout;
    row->addWidget(save);
    row->addWidget(revert);
    row->addStretch(1);
    row->addWidget(m_busy);
    connect(this, &SiteSetupPage::busyChanged, this, [save, revert](bool busy) {
        save->setEnabled(!busy);
        revert->setEnabled(!busy);
    });
    return row;
}

QString SiteSetupPage::bannerSource() const
{
    return QStringLiteral("siteSetup.") + objectName();
}

QString SiteSetupPage::statusText() const
{
    return m_status->text();
}

QString SiteSetupPage::fieldError(const QString &field) const
{
    const QLabel *label = m_fieldErrors.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

QLabel *SiteSetupPage::fieldErrorLabel(const QString &field)
{
    auto *label = new QLabel(this);
    label->setObjectName(QStringLiteral("error_") + QString(field).replace(u'.', u'_'));
    label->setWordWrap(true);
    label->setAccessibleName(tr("Problem"));
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    label->setTextFormat(Qt::PlainText);
    label->hide();
    m_fieldErrors.insert(field, label);
    return label;
}

void SiteSetupPage::clearFieldErrors()
{
    for (QLabel *label : std::as_const(m_fieldErrors)) {
        label->clear();
        label->hide();
    }
}

void SiteSetupPage::showFieldErrors(const QList<FieldError> &errors)
{
    clearFieldErrors();
    QStringList unplaced;
    for (const FieldError &e : errors) {
        QLabel *label = m_fieldErrors.value(e.field);
        if (!label) {
            unplaced << e.message;
            continue;
        }
        label->setText(label->text().isEmpty() ? e.message : label->text() + u'\n' + e.message);
        label->show();
    }
    m_statusTimer.stop();
    m_status->setText(unplaced.isEmpty() ? tr("Nothing was saved: correct the fields marked in red.")
                                         : tr("Nothing was saved: %1").arg(unplaced.join(u'\n')));
}

void SiteSetupPage::startBusy(const QString &text)
{
    if (m_busyCount++ == 0)
        Q_EMIT busyChanged(true);
    m_busy->start(text);
}

void SiteSetupPage::stopBusy()
{
    if (m_busyCount == 0)
        return;
    if (--m_busyCount == 0) {
        m_busy->stop();
        Q_EMIT busyChanged(false);
    }
}

void SiteSetupPage::showSaved(const QString &text)
{
    m_status->setText(text.isEmpty() ? tr("Saved.") : text);
    m_statusTimer.start();
}

void SiteSetupPage::showStatus(const QString &text)
{
    m_statusTimer.stop();
    m_status->setText(text);
}

void SiteSetupPage::showFailure(const QString &what, const DbError &error, std::function<void()> retry)
{
    m_statusTimer.stop();
    m_status->setText(what);
    m_banner.showMessage(bannerSource(), tr("%1 %2").arg(what, error.message()),
                         ErrorText::whatToDoWithDetail(error), std::move(retry));
}

void SiteSetupPage::clearFailure()
{
    m_banner.clear(bannerSource());
}
