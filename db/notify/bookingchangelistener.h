#pragma once

#include "db/config/databaseconfig.h"
#include "db/notify/notificationlistener.h"

#include <QDate>
#include <QObject>
#include <QString>

// Hears every booking change as it is committed anywhere (another desk, a
// kiosk, `carwash-admin book`, a card payment applied by carwash-server):
// BookingRepo's pg_notify('bookings_changed') arrives here as
// bookingChanged() on the owner's (GUI) thread.
//
// A NotificationListener on the one channel does the listening: its own
// connection and thread, reconnects with backoff, resyncNeeded() after each
// (re)subscription, nothing opened in PgBouncer mode (isSupported() false,
// callers poll); stop() and the destructor leave no backend behind. This
// class reads the payload.
class BookingChangeListener : public QObject
{
    Q_OBJECT
public:
    static QString channel() { return QStringLiteral("bookings_changed"); }
    static QString applicationNameSuffix() { return NotificationListener::applicationNameSuffix(); }

    explicit BookingChangeListener(QObject *parent = nullptr);
    ~BookingChangeListener() override;

    // As NotificationListener's.
    void setReconnectDelays(int initialMs, int maxMs);
    void setHealthCheckInterval(int milliseconds);
    void start(const DatabaseConfig &config);
    void stop();
    void requestStop();

    bool isRunning() const;
    bool isSupported() const;
    bool isListening() const;

Q_SIGNALS:
    // One committed change. day: the booking's site-local start date. A
    // payload that cannot be read still signals, with id 0 and an invalid
    // day: "something changed, reload".
    void bookingChanged(qint64 id, const QString &code, const QString &status, const QDate &day);
    void listeningChanged(bool listening);
    // Subscribed (again): notifications sent while not listening are lost,
    // so whatever is shown should be loaded again.
    void resyncNeeded();
    // After requestStop(): the connection is closed and the thread gone.
    void stopped();

private:
    void notified(const QString &channel, const QString &payload);

    NotificationListener *m_listener;
};
