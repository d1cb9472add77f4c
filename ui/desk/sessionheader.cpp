#include "ui/desk/sessionheader.h"

#include "ui/common/databasestatusindicator.h"
#include "ui/common/stafftext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

SessionHeader::SessionHeader(DatabaseHealthWatcher &health, QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("sessionHeader"));
    setFrameShape(QFrame::NoFrame);
    setAutoFillBackground(true);
    QPalette shaded = palette();
    shaded.setColor(QPalette::Window, shaded.color(QPalette::Window).darker(106));
    setPalette(shaded);

    auto *product = new QLabel(tr("CarWash Desk"), this);
    QFont productFont = product->font();
    productFont.setBold(true);
    productFont.setPointSizeF(productFont.pointSizeF() * 1.2);
    product->setFont(productFont);

    m_person = new QLabel(this);
    m_person->setObjectName(QStringLiteral("signedInPerson"));
    m_person->setAccessibleName(tr("Signed in"));

    m_status = new DatabaseStatusIndicator(health, this);

    m_walkIn = new QPushButton(tr("&New walk-in"), this);
    m_walkIn->setObjectName(QStringLiteral("newWalkInButton"));
    m_walkIn->setAccessibleName(tr("New walk-in"));
    m_walkIn->setToolTip(tr("Book a walk-in: wash, plate, Enter (Ctrl+N)"));
    connect(m_walkIn, &QPushButton::clicked, this, &SessionHeader::walkInRequested);

    m_find = new QPushButton(tr("&Find…"), this);
    m_find->setObjectName(QStringLiteral("findButton"));
    m_find->setAccessibleName(tr("Find a booking"));
    m_find->setToolTip(tr("Find a booking by plate, phone, name or code (Ctrl+F)"));
    connect(m_find, &QPushButton::clicked, this, &SessionHeader::findRequested);

    m_takings = new QPushButton(tr("Ta&kings…"), this);
    m_takings->setObjectName(QStringLiteral("takingsButton"));
    m_takings->setAccessibleName(tr("The day's takings"));
    m_takings->setToolTip(tr("End of day: the day's takings by method, to print or save as CSV (Ctrl+E)"));
    connect(m_takings, &QPushButton::clicked, this, &SessionHeader::takingsRequested);

    m_staff = new QPushButton(tr("S&taff…"), this);
    m_staff->setObjectName(QStringLiteral("staffButton"));
    m_staff->setAccessibleName(tr("Manage staff"));
    m_staff->setToolTip(tr("Add people and reset PINs (managers)"));
    connect(m_staff, &QPushButton::clicked, this, &SessionHeader::staffRequested);

    m_settings = new QPushButton(tr("S&ettings…"), this);
    m_settings->setObjectName(QStringLiteral("settingsButton"));
    m_settings->setAccessibleName(tr("Database settings"));
    m_settings->setToolTip(tr("Database connection and password (managers)"));
    connect(m_settings, &QPushButton::clicked, this, &SessionHeader::settingsRequested);

    m_siteSetup = new QPushButton(tr("Site set&up…"), this);
    m_siteSetup->setObjectName(QStringLiteral("siteSetupButton"));
    m_siteSetup->setAccessibleName(tr("Site setup"));
    m_siteSetup->setToolTip(tr("Opening hours, closures, services, prices and bays (managers)"));
    connect(m_siteSetup, &QPushButton::clicked, this, &SessionHeader::siteSetupRequested);
    m_cardReaders = new QPushButton(tr("&Card readers…"), this);
    m_cardReaders->setObjectName(QStringLiteral("cardReadersButton"));
    m_cardReaders->setAccessibleName(tr("Card readers"));
    m_cardReaders->setToolTip(tr("Stripe card readers and the desk or kiosk each serves (managers)"));
    connect(m_cardReaders, &QPushButton::clicked, this, &SessionHeader::cardReadersRequested);
    m_diagnostics = new QPushButton(tr("&Diagnostics…"), this);
    m_diagnostics->setObjectName(QStringLiteral("diagnosticsButton"));
    m_diagnostics->setAccessibleName(tr("Diagnostics"));
    m_diagnostics->setToolTip(tr("Live health of the database pool of every desk, kiosk and service (managers)"));
    connect(m_diagnostics, &QPushButton::clicked, this, &SessionHeader::diagnosticsRequested);

    m_signOut = new QPushButton(tr("Sign &out"), this);
    m_signOut->setObjectName(QStringLiteral("signOutButton"));
    m_signOut->setAccessibleName(tr("Sign out"));
    m_signOut->setToolTip(tr("Sign out (Ctrl+Shift+L)"));
    connect(m_signOut, &QPushButton::clicked, this, &SessionHeader::signOutRequested);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(product);
    layout->addSpacing(fontMetrics().averageCharWidth() * 3);
    layout->addWidget(m_person);
    layout->addSpacing(fontMetrics().averageCharWidth() * 3);
    layout->addWidget(m_walkIn);
    layout->addWidget(m_find);
    layout->addWidget(m_takings);
    layout->addStretch(1);
    layout->addWidget(m_status);
    layout->addSpacing(fontMetrics().averageCharWidth() * 2);
    layout->addWidget(m_siteSetup);
    layout->addWidget(m_staff);
    layout->addWidget(m_cardReaders);
    layout->addWidget(m_settings);
    layout->addWidget(m_diagnostics);
    layout->addWidget(m_signOut);
    setTabOrder(m_walkIn, m_find);
    setTabOrder(m_find, m_takings);
    setTabOrder(m_takings, m_siteSetup);
    setTabOrder(m_siteSetup, m_staff);
    setTabOrder(m_staff, m_cardReaders);
    setTabOrder(m_cardReaders, m_settings);
    setTabOrder(m_settings, m_diagnostics);
    setTabOrder(m_diagnostics, m_signOut);
}

void SessionHeader::setPerson(const StaffMember &member)
{
    m_person->setText(tr("%1 (%2)").arg(member.name, StaffText::role(member.role)));
    // Hidden, not just disabled: a front-desk screen should not show what
    // this person may not use.
    m_staff->setVisible(member.isManager());
    m_settings->setVisible(member.isManager());
    m_siteSetup->setVisible(member.isManager());
    m_diagnostics->setVisible(member.isManager());
    m_cardReaders->setVisible(member.isManager());
}

QString SessionHeader::personText() const
{
    return m_person->text();
}
