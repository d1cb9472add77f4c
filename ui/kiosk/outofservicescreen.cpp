#include "ui/kiosk/outofservicescreen.h"

#include "ui/kiosk/kiosktext.h"
#include "ui/kiosk/kioskstyle.h"

#include <QLabel>
#include <QVBoxLayout>

OutOfServiceScreen::OutOfServiceScreen(QWidget *parent)
    : KioskScreen(parent)
{
    setObjectName(QStringLiteral("kioskOutOfService"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("outOfServiceMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_clock = new QLabel(this);
    m_clock->setObjectName(QStringLiteral("outOfServiceClock"));
    m_clock->setProperty(KioskStyle::RoleProperty, QStringLiteral("heading"));
    m_clock->setAlignment(Qt::AlignCenter);
    QFont big = m_clock->font();
    big.setPointSizeF(big.pointSizeF() * 3);
    big.setBold(true);
    m_clock->setFont(big);
    m_clock->setProperty("kioskRole", QStringLiteral("display"));
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(titleLabel());
    layout->addWidget(m_message);
    layout->addWidget(m_clock);
    layout->addStretch(1);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] { retranslate(); });
    retranslate();
    updateTitle();
}

QString OutOfServiceScreen::title() const
{
    return tr("Out of service - please see the desk");
}

QString OutOfServiceScreen::clockText() const
{
    return m_clock->text();
}

void OutOfServiceScreen::retranslate()
{
    m_message->setText(tr("We are sorry: this kiosk cannot book right now. It will be back by itself."));
    m_clock->setText(KioskText::time(QDateTime::currentDateTime()));
}

void OutOfServiceScreen::showEvent(QShowEvent *event)
{
    retranslate();
    m_tick.start();
    KioskScreen::showEvent(event);
}

void OutOfServiceScreen::hideEvent(QHideEvent *event)
{
    m_tick.stop();
    KioskScreen::hideEvent(event);
}
