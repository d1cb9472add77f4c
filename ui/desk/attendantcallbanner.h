#pragma once

#include "db/kiosk/attendantcall.h"

#include <QFrame>
#include <QList>
#include <QTimer>

class BookingChangeListener;
class ConnectionPool;
class ErrorBanner;
class QVBoxLayout;

// The desk's alert while a kiosk calls for an attendant: one bright row per
// open call, "Kiosk Entrance needs an attendant — Pay: card declined,
// 14:02", with "I'm going", which answers the call in the signed-in
// person's name (audited) and hides it here and, through the
// attendant_calls notification, on every other desk. Not a dialog: it sits
// above the workspace and takes no focus. Shown only while active (someone
// signed in); the open calls are read when it becomes active, on every
// notification and after the listener resubscribes, and polled while the
// listener is not listening. GUI thread; every read and write is a unit of
// work on the pool.
class AttendantCallBanner : public QFrame
{
    Q_OBJECT
public:
    static constexpr int FallbackPollMs = 10000;

    AttendantCallBanner(ConnectionPool &pool, ErrorBanner &errors, QWidget *parent = nullptr);

    void attachListener(BookingChangeListener *listener);
    // Active while someone is signed in: actor answers calls (audit_log's
    // form, "staff:3"). Inactive: hidden, nothing read.
    void setActive(bool active, const QString &actor = {});
    bool isActive() const { return m_active; }
    // Reads the open calls again (at once when active).
    void reload();

    // The calls on show, oldest first.
    QList<AttendantCall> calls() const { return m_calls; }
    // The text of one call's row, as shown.
    static QString callText(const AttendantCall &call);

Q_SIGNALS:
    // A call was answered from this desk.
    void acknowledged(qint64 callId);
    // The calls on show changed (after a read).
    void callsChanged();

private:
    void showCalls(const QList<AttendantCall> &calls);
    void acknowledge(qint64 callId);
    void updatePolling();

    ConnectionPool &m_pool;
    ErrorBanner &m_errors;
    BookingChangeListener *m_listener = nullptr;
    QVBoxLayout *m_rows = nullptr;
    QList<AttendantCall> m_calls;
    QString m_actor;
    bool m_active = false;
    // Only the latest read is shown: an older one finishing late is dropped.
    int m_generation = 0;
    QTimer m_poll;
};
