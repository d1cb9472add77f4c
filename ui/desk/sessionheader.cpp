#include "ui/desk/sessionheader.h"

#include "ui/common/databasestatusindicator.h"
#include "ui/common/stafftext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>

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

    // The manager's screens live in one menu: a button each made the header
    // wider than a 1366 px laptop screen at 125 %. Alt+M opens it, and each
    // entry answers its own letter there.
    auto *manage = new QMenu(this);
    manage->setObjectName(QStringLiteral("manageMenu"));
    manage->setAccessibleName(tr("Manager screens"));
    manage->setToolTipsVisible(true);
    auto addScreen = [this, manage](const QString &text, const char *name, const QString &toolTip,
                                    void (SessionHeader::*requested)()) {
        QAction *action = manage->addAction(text);
        action->setObjectName(QString::fromLatin1(name));
        action->setToolTip(toolTip);
        action->setStatusTip(toolTip);
        connect(action, &QAction::triggered, this, requested);
        m_managerActions << action;
    };
    addScreen(tr("Site set&up…"), "siteSetupAction",
              tr("Opening hours, closures, services, prices and bays (managers)"),
              &SessionHeader::siteSetupRequested);
    addScreen(tr("S&taff…"), "staffAction", tr("Add people and reset PINs (managers)"),
              &SessionHeader::staffRequested);
    addScreen(tr("&Card readers…"), "cardReadersAction",
              tr("Stripe card readers and the desk or kiosk each serves (managers)"),
              &SessionHeader::cardReadersRequested);
    addScreen(tr("&Kiosks…"), "kiosksAction",
              tr("The self-service kiosks: language, ways of paying, card reader, running (managers)"),
              &SessionHeader::kiosksRequested);
    addScreen(tr("&Backups…"), "backupsAction",
              tr("Backups of the database: the last one, the folder, Back up now (managers)"),
              &SessionHeader::backupsRequested);
    manage->addSeparator();
    addScreen(tr("Database s&ettings…"), "settingsAction", tr("Database connection and password (managers)"),
              &SessionHeader::settingsRequested);
    addScreen(tr("&Diagnostics…"), "diagnosticsAction",
              tr("Live health of the database pool of every desk, kiosk and service (managers)"),
              &SessionHeader::diagnosticsRequested);

    m_manage = new QToolButton(this);
    m_manage->setObjectName(QStringLiteral("manageButton"));
    m_manage->setText(tr("&Manage"));
    m_manage->setAccessibleName(tr("Manage"));
    m_manage->setAccessibleDescription(
        tr("Site set-up, staff, card readers, kiosks, backups, database settings and diagnostics (managers)"));
    m_manage->setToolTip(
        tr("Site set-up, staff, card readers, kiosks, backups, database settings and diagnostics (managers)"));
    m_manage->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_manage->setPopupMode(QToolButton::InstantPopup);
    m_manage->setFocusPolicy(Qt::StrongFocus);
    m_manage->setMenu(manage);
    // As tall as its neighbours, so the header reads as one row of buttons.
    m_manage->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);

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
    layout->addWidget(m_manage);
    layout->addWidget(m_signOut);
    setTabOrder(m_walkIn, m_find);
    setTabOrder(m_find, m_takings);
    setTabOrder(m_takings, m_manage);
    setTabOrder(m_manage, m_signOut);
}

void SessionHeader::setPerson(const StaffMember &member)
{
    m_person->setText(tr("%1 (%2)").arg(member.name, StaffText::role(member.role)));
    // Hidden, not just disabled: a front-desk screen should not show what
    // this person may not use.
    // Its entries are disabled too, so nothing reaches them another way.
    m_manage->setVisible(member.isManager());
    for (QAction *action : std::as_const(m_managerActions))
        action->setEnabled(member.isManager());
}

QString SessionHeader::personText() const
{
    return m_person->text();
}
