#pragma once

#include "db/staff/staffmember.h"
#include "ui/kiosk/kioskoverlay.h"

#include <QTimer>

class BusyIndicator;
class ConnectionPool;
class QButtonGroup;
class QGridLayout;
class QLabel;
class QPushButton;
struct SignInAttempt;

// The way out of a locked kiosk, after KioskGuard::exitRequested(): over
// the window, the managers' names to touch (only a manager may leave), a
// PIN pad (digits, Clear, OK; the PIN shown as dots) and Cancel. The PIN is
// checked on a pool thread by StaffRepo::signIn, as at the desk's sign-in:
// one transaction that counts wrong PINs, locks after five and writes the
// attempt to the audit log; a person no longer a manager is refused. It
// says unlocked() or cancelled() and hides; untouched for 30 s it cancels
// itself. Nothing typed outlives it.
class ManagerPinOverlay : public KioskOverlay
{
    Q_OBJECT
public:
    static constexpr int DefaultIdleMs = 30000;

    ManagerPinOverlay(ConnectionPool &pool, QWidget *window);

    // Shows it, the PIN empty, and loads the managers.
    void open();
    // Hides it without a signal and forgets what was typed.
    void close();
    void setIdleTimeout(int milliseconds);

    // The line under the pad: wrong PIN, locked, not a manager, …
    QString message() const;
    bool isChecking() const { return m_checking; }

Q_SIGNALS:
    void unlocked(const StaffMember &manager);
    void cancelled();

protected:
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void loadManagers();
    void showManagers(const QList<StaffMember> &managers);
    void typeDigit(int digit);
    void clearPin();
    void submit();
    void showAttempt(const SignInAttempt &attempt);
    void setChecking(bool checking);
    void showPin();
    void touched();
    void retranslate();
    void cancel();

    ConnectionPool &m_pool;
    QLabel *m_title = nullptr;
    QLabel *m_hint = nullptr;
    QWidget *m_names = nullptr;
    QGridLayout *m_namesLayout = nullptr;
    QGridLayout *m_pad = nullptr;
    QButtonGroup *m_nameGroup = nullptr;
    QLabel *m_dots = nullptr;
    QList<QPushButton *> m_digits;
    QPushButton *m_clear = nullptr;
    QPushButton *m_ok = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_retry = nullptr;
    QLabel *m_message = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<StaffMember> m_managers;
    QString m_pin;
    QTimer m_idle;
    bool m_checking = false;
    int m_generation = 0; // results of an earlier opening are dropped
};
