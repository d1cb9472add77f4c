#pragma once

#include "db/config/databaseconfig.h"
#include "db/notify/notificationlistener.h"

#include <QDate>
#include <QObject>
#include <QString>

// Hears every booking change as it is committed anywhere (another desk, a
// kiosk, `carwash-admin book`, a card payment applied by carwash-server):
// BookingRepo's pg_notify('bookings_changed') arrives here as
// bookingChanged() on the owner's (GUI) thread; so do card payments' news
// and kiosks' calls for an attendant, on one connection.
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
    // Card payments' news from carwash-server (an answered request, an
    // applied Stripe event): {"payment_id", "booking_id"[, "request_id"],
    // "status"}.
    static QString paymentsChannel() { return QStringLiteral("payments_changed"); }
    // A kiosk's call for an attendant made or answered (KioskRepo): the
    // call's id.
    static QString attendantCallsChannel() { return QStringLiteral("attendant_calls"); }
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
    // carwash-server answered a request or applied Stripe's news about one
    // of the booking's payments (ids 0 when the payload did not say).
    void paymentChanged(qint64 bookingId, qint64 paymentId, qint64 requestId);
    // A kiosk called for an attendant, or someone answered a call (0 when
    // the payload did not say which): read the open calls again.
    void attendantCallChanged(qint64 callId);
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
