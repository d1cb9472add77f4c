#pragma once

#include "server/api/apipolicy.h"
#include "server/api/apirequest.h"
#include "server/requestlog.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class ConnectionPool;
class QHttpServerRequest;

// The online booking API on carwash-server (docs/openapi.yaml): the
// catalogue, free times, booking (held until paid), a customer's own
// booking by code and plate, paying it by Checkout, cancelling and moving
// it; and the old system's function paths mapped onto the same work. The
// same booking engine, rules and messages as the desk, the kiosk and the
// command line, through the server's one pool.
//
// Every answer is JSON in one error envelope (ApiAnswers), in the language
// of the request's Accept-Language; wrong methods 405 with Allow; bodies
// over 64 KiB 413; writes limited per client (ApiPolicy); CORS only for the
// origins the site lists. The event loop never waits: each route's work is
// a unit of work on the pool, answered from its continuation.
class BookingApi : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 MaxBodyBytes = 64 * 1024;
    // How long POST …/checkout waits for the server's worker to have made
    // the Checkout session at Stripe before answering 503.
    static constexpr int CheckoutWaitMs = 20000;
    static constexpr int SettingsRefreshMs = 30000;

    // health answers GET /.netlify/functions/debug-health as GET /health.
    using HealthAnswer = std::function<void(const std::shared_ptr<HttpExchange> &)>;

    BookingApi(ConnectionPool &pool, RequestLog &log, HealthAnswer health, QObject *parent = nullptr);
    ~BookingApi() override;

    // Whether path is the API's: /api/… or /.netlify/functions/….
    static bool handles(const QString &path);

    // Until ready (migrations applied) every route answers 503.
    void setReady(bool ready);
    // Reads the api.* site settings now (and every SettingsRefreshMs).
    void refreshSettings();
    ApiPolicy &policy() { return m_policy; }
    // Availability and the next free start read through readPool (a
    // standby's, READ_DATABASE_URL) instead of the main pool; a booking is
    // still decided on the primary, so a slot a lagging standby shows free
    // at worst comes back as taken. Outlives this object.
    void setReadPool(ConnectionPool *readPool) { m_readPool = readPool; }

    void answer(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    // One request, as a route sees it: what it says (ApiRequest), and where
    // and in which language it is answered.
    struct Call : ApiRequest
    {
        std::shared_ptr<HttpExchange> exchange;
        QString language;
        bool legacy = false; // one of the old system's paths
    };

private:
    using Handler = void (BookingApi::*)(const Call &);
    struct Route;
    static const QList<Route> &routes();

    void services(const Call &call);
    void service(const Call &call);
    void availability(const Call &call);
    void next(const Call &call);
    void lookup(const Call &call);
    void health(const Call &call);
    // bookingchanges.cpp
    void create(const Call &call);
    void checkout(const Call &call);
    void cancel(const Call &call);
    void move(const Call &call);
    // The booking with code whose plate is plate (normalised), then then.
    void withOwnBooking(const Call &call, const QString &plate, std::function<void(qint64 bookingId)> then);
    void waitForCheckoutUrl(const Call &call, qint64 paymentId, int waitedMs);

    ConnectionPool &m_pool;
    ConnectionPool *m_readPool = nullptr;
    ConnectionPool &readPool() { return m_readPool ? *m_readPool : m_pool; }
    RequestLog &m_log;
    HealthAnswer m_health;
    ApiPolicy m_policy;
    QTimer m_settingsTimer;
    bool m_ready = false;
};
