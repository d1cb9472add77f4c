#pragma once

#include "db/bookings/bookingrepo.h"
#include "tests/chaoskiosk.h"
#include "tests/kioskfixture.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QHash>
#include <QNetworkAccessManager>
#include <QPair>
#include <QProcessEnvironment>
#include <QSet>

#include <functional>
#include <memory>

class QNetworkReply;
class QProcess;

// The chaos tests' workload and checks (tst_chaos): real clients booking at
// once — carwash-admin processes, carwash-server taking POST /api/bookings,
// online customers who book and pay by Stripe Checkout at the fake Stripe
// (its webhooks delivered to carwash-server with duplicates and delays), a
// desk's pool in this process and a kiosk window with a pool of its own
// (ChaosKiosk) — while a fault hits the database between stretches of work;
// then what the database holds is checked against what every client was
// told. On the kiosk fixture's site (open all day, now its middle): the
// kiosk books today, the others on the days after. A plain base with no
// slots; test thread only.
class ChaosFixture : public KioskFixture
{
protected:
    enum class Client { Admin, Server, Checkout, Desk };
    static constexpr int kClients = 4;
    static inline const QString DeskName = QStringLiteral("tst_chaos-desk");
    static inline const QString KioskName = QStringLiteral("Chaos");
    static inline const QString KioskPoolName = QStringLiteral("tst_chaos-kiosk");
    static const char *clientName(Client c);

    void startChaos(const QString &testName);
    void resetChaos();
    void cleanupChaos();

    // Runs the workload through a database on port (the server, a PgBouncer
    // or the proxy), calls fault(round) between stretches of work, then lets
    // every client book again and waits for all answers; checks everything.
    void runChaos(const QString &name, int port, bool pgbouncer, int faults,
                  const std::function<bool(int)> &fault);
    // Lets the clients work for ms (events processed), answering and
    // reissuing their attempts.
    void pump(int ms);

private:
    // One booking a client wants; retried with the same key until the client
    // is told it is booked (acknowledged) or the slot is taken. An online
    // customer who pays goes on, once booked, to the payment page (retried
    // on no answer or 503 as the booking page's Pay button is) and pays.
    struct Attempt
    {
        enum class Stage { Book, Checkout };
        Client client = Client::Admin;
        Stage stage = Stage::Book;
        QString key;
        QString plate;
        QString code; // once booked
        QDateTime start;
        bool afterLastFault = false;
        int tries = 0;
        QProcess *process = nullptr;
        QNetworkReply *reply = nullptr;
        QFuture<DbResult<BookingOutcome>> job;
        QElapsedTimer running;
    };

    void issue(Attempt &a);
    // True once a is answered: acknowledged (and, paying, paid or refused)
    // or taken; reissues it otherwise.
    bool settle(Attempt &a);
    // The Checkout stage's answer: true once paid at Stripe or refused.
    bool settleCheckout(Attempt &a);
    void acknowledge(Attempt &a, const QString &code);
    Attempt next(Client client);
    void sampleConnections();
    QDateTime randomStart();
    QNetworkReply *post(const QString &path, const QJsonObject &body, const QString &idempotencyKey = {});
    // a's finished reply, read and let go: its HTTP status (0: none) and body.
    static QPair<int, QByteArray> takeReply(Attempt &a);

    // After the workload: the bookings' and the payments' checks.
    void checkBookings();
    void checkPayments();
    void checkKiosk();

    QString m_name;
    QProcessEnvironment m_adminEnv;
    ServerProcess m_server;
    std::unique_ptr<ConnectionPool> m_desk;
    std::unique_ptr<ConnectionPool> m_kioskPool;
    std::unique_ptr<KioskWindow> m_kiosk;
    std::unique_ptr<ChaosKiosk> m_customers;
    qsizetype m_kioskDoneBeforeLastFault = 0;
    int m_maxKiosk = 0;
    int m_maxKioskOpen = 0; // as the kiosk's pool counts its own (behind PgBouncer, the server sees PgBouncer's)
    QNetworkAccessManager m_http;
    QList<Attempt> m_inFlight;
    int m_next = 0;
    bool m_faultsOver = false;

    int m_attempted = 0;
    int m_retries = 0;
    int m_taken = 0;
    int m_unexpected = 0;
    QStringList m_unexpectedWhat;
    QHash<QString, QString> m_acked; // key -> code the client was told
    int m_ackedAfterFaults[kClients] = {};
    int m_maxServer = 0, m_maxDesk = 0, m_maxAdmin = 0;
    QElapsedTimer m_sampled;

    // The online customers' payments.
    int m_payAttempted = 0;  // booked, went on to pay
    int m_payRefused = 0;    // the payment page said no (the hold lapsed meanwhile)
    QHash<QString, QString> m_paidSessions; // Checkout session -> booking code, paid at Stripe
};
