#pragma once

#include "db/staff/staffmember.h"

#include <QFrame>
#include <QList>

class DatabaseHealthWatcher;
class DatabaseStatusIndicator;
class QLabel;
class QAction;
class QPushButton;
class QToolButton;

// The strip across the top once someone is signed in: who it is, New
// walk-in, Find and the day's Takings, the database's health light, the
// Manage menu with the manager's screens (only for managers) and Sign out.
class SessionHeader : public QFrame
{
    Q_OBJECT
public:
    explicit SessionHeader(DatabaseHealthWatcher &health, QWidget *parent = nullptr);

    void setPerson(const StaffMember &member);
    QString personText() const;

Q_SIGNALS:
    void signOutRequested();
    void walkInRequested();
    void findRequested();
    void takingsRequested();
    void staffRequested();
    void settingsRequested();
    void siteSetupRequested();
    void diagnosticsRequested();
    void cardReadersRequested();
    void kiosksRequested();
    void backupsRequested();

private:
    QLabel *m_person = nullptr;
    QPushButton *m_walkIn = nullptr;
    QPushButton *m_find = nullptr;
    QPushButton *m_takings = nullptr;
    DatabaseStatusIndicator *m_status = nullptr;
    QToolButton *m_manage = nullptr;
    QList<QAction *> m_managerActions;
    QPushButton *m_signOut = nullptr;
};
