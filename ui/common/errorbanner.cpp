#include "ui/common/errorbanner.h"

#include <QAccessible>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setAccessibleName(tr("Problem"));
    setFrameShape(QFrame::StyledPanel);
    // Amber rather than red: most of what shows here fixes itself or needs a
    // simple action, and the text says which.
    setStyleSheet(
        QStringLiteral("#errorBanner { background: #fff4e5; border: 1px solid #f0b35a; border-radius: 4px; }"
                       "#errorBanner QLabel { color: #4a2c00; background: transparent; }"));

    m_icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize) * 2;
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize, iconSize));
    m_icon->setAlignment(Qt::AlignTop);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("errorBannerMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    QFont strong = m_message->font();
    strong.setBold(true);
    m_message->setFont(strong);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_whatToDo = new QLabel(this);
    m_whatToDo->setObjectName(QStringLiteral("errorBannerWhatToDo"));
    m_whatToDo->setWordWrap(true);
    m_whatToDo->setTextFormat(Qt::PlainText);
    m_whatToDo->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_retry = new QPushButton(tr("&Retry"), this);
    m_retry->setObjectName(QStringLiteral("errorBannerRetry"));
    m_retry->setAccessibleName(tr("Retry"));
    m_retry->setAutoDefault(false);
    connect(m_retry, &QPushButton::clicked, this, &ErrorBanner::retryCurrent);

    m_dismiss = new QPushButton(tr("Dismiss"), this);
    m_dismiss->setObjectName(QStringLiteral("errorBannerDismiss"));
    m_dismiss->setAccessibleName(tr("Dismiss this message"));
    m_dismiss->setAutoDefault(false);
    connect(m_dismiss, &QPushButton::clicked, this, [this] {
        if (!m_entries.isEmpty())
            clear(m_entries.last().source);
    });

    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(m_message);
    texts->addWidget(m_whatToDo);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_icon);
    layout->addLayout(texts, 1);
    layout->addWidget(m_retry, 0, Qt::AlignVCenter);
    layout->addWidget(m_dismiss, 0, Qt::AlignVCenter);
    setTabOrder(m_retry, m_dismiss);

    hide();
}

void ErrorBanner::showMessage(const QString &source, const QString &message, const QString &whatToDo,
                              std::function<void()> retry, bool dismissable)
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].source == source) {
            m_entries.removeAt(i);
            break;
        }
    }
    m_entries.append({source, message, whatToDo, std::move(retry), dismissable});
    refresh();
    // Screen readers announce it without the focus moving.
    QAccessibleEvent alert(this, QAccessible::Alert);
    QAccessible::updateAccessibility(&alert);
}

void ErrorBanner::clear(const QString &source)
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].source == source) {
            m_entries.removeAt(i);
            refresh();
            return;
        }
    }
}

bool ErrorBanner::hasMessage(const QString &source) const
{
    return std::any_of(m_entries.cbegin(), m_entries.cend(),
                       [&](const Entry &e) { return e.source == source; });
}

QString ErrorBanner::currentSource() const
{
    return m_entries.isEmpty() ? QString() : m_entries.last().source;
}

QString ErrorBanner::message() const
{
    return m_entries.isEmpty() ? QString() : m_entries.last().message;
}

QString ErrorBanner::whatToDo() const
{
    return m_entries.isEmpty() ? QString() : m_entries.last().whatToDo;
}

void ErrorBanner::refresh()
{
    if (m_entries.isEmpty()) {
        hide();
        return;
    }
    const Entry &entry = m_entries.last();
    m_message->setText(entry.message);
    m_whatToDo->setText(entry.whatToDo);
    m_whatToDo->setVisible(!entry.whatToDo.isEmpty());
    m_retry->setVisible(bool(entry.retry));
    m_dismiss->setVisible(entry.dismissable);
    setAccessibleDescription(entry.whatToDo.isEmpty() ? entry.message
                                                      : entry.message + u'\n' + entry.whatToDo);
    show();
}

void ErrorBanner::retryCurrent()
{
    if (m_entries.isEmpty() || !m_entries.last().retry)
        return;
    // A dismissable message goes, and its owner shows it again if the retry
    // fails too; one that clears itself stays until its problem is gone.
    const Entry entry = m_entries.last();
    if (entry.dismissable) {
        m_entries.removeLast();
        refresh();
    }
    entry.retry();
}
