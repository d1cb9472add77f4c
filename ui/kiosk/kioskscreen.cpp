#include "ui/kiosk/kioskscreen.h"
#include "ui/kiosk/kioskstyle.h"

#include <QEvent>
#include <QLabel>
#include <QPushButton>

KioskScreen::KioskScreen(QWidget *parent)
    : QWidget(parent)
{
}

QPushButton *KioskScreen::bigButton(const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(parent);
    button->setObjectName(objectName);
    button->setAutoDefault(false);
    button->setFocusPolicy(Qt::StrongFocus);
    // Until the kiosk's metrics size targets from the screen's physical
    // DPI: well above 9 mm on any kiosk screen.
    button->setMinimumHeight(button->fontMetrics().height() * 3);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return button;
}

void KioskScreen::setSpoken(QPushButton *button, const QString &text, const QString &name,
                            const QString &description)
{
    button->setText(text);
    button->setAccessibleName(name);
    button->setAccessibleDescription(description);
}

QLabel *KioskScreen::titleLabel()
{
    if (!m_title) {
        m_title = new QLabel(this);
        m_title->setObjectName(QStringLiteral("kioskTitle"));
        m_title->setProperty(KioskStyle::RoleProperty, QStringLiteral("heading"));
        m_title->setWordWrap(true);
        m_title->setAlignment(Qt::AlignCenter);
        QFont font = m_title->font();
        font.setPointSizeF(font.pointSizeF() * 1.8);
        font.setBold(true);
        m_title->setFont(font);
    }
    return m_title;
}

void KioskScreen::updateTitle()
{
    setAccessibleName(title());
    if (m_title)
        m_title->setText(title());
}

void KioskScreen::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        updateTitle();
    }
    QWidget::changeEvent(event);
}
