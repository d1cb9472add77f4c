#pragma once

#include "db/staff/signinattempt.h"
#include "db/staff/staffmember.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QTimer>
#include <QWidget>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

// The desk's front door: the staff who may sign in (loaded through the
// pool), a masked PIN field and Sign in, all usable by keyboard alone
// (arrows pick a person, digits go to the PIN, Enter signs in). The PIN is
// checked on a pool thread in one transaction that also counts wrong PINs;
// a locked person is told how long the lock has left.
class SignInPage : public QWidget
{
    Q_OBJECT
public:
    SignInPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent = nullptr);

    // Loads the staff list again (after a sign-out staff may have changed).
    void reload();
    // After the database comes back: loads again if the last load failed.
    void reloadIfFailed();
    // A line above the list, e.g. why the last person was signed out.
    void setNotice(const QString &text);
    QString notice() const;
    // The line under the PIN: wrong PIN, locked, and so on.
    QString message() const;
    bool isChecking() const { return m_checking; }

Q_SIGNALS:
    void signedIn(const StaffMember &member);
    void staffLoaded();
    // The staff list has nobody at all, active or not: a new site, for the
    // first run to set up.
    void firstRunNeeded();

protected:
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct StaffListing
    {
        QList<StaffMember> active;
        bool anyone = false;
    };

    void submit();
    void showAttempt(const SignInAttempt &attempt, const QString &name);
    void personChanged();
    void refreshLocks();
    void setChecking(bool checking);
    void fitListHeight();
    std::optional<StaffMember> selectedPerson() const;

    ConnectionPool &m_pool;
    ErrorBanner &m_banner;
    QTreeWidget *m_people = nullptr;
    QLineEdit *m_pin = nullptr;
    QPushButton *m_signIn = nullptr;
    QLabel *m_notice = nullptr;
    QLabel *m_message = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<StaffMember> m_staff;
    QHash<qint64, QDeadlineTimer> m_locks; // by staff id, from the database's remaining seconds
    QTimer m_lockTick;
    bool m_checking = false;
    bool m_showingLock = false; // m_message counts a lock down
    bool m_loadFailed = false;
    int m_loadGeneration = 0;
};
