#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"
#include "payments/stripeconfig.h"
#include "server/requestlog.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>
#include <QTimer>

#include <memory>

class BookingApi;
class BookingPage;
class BoundedTcpServer;
class RequestTranslator;
class ConnectionPool;
class HealthPublisher;
class QThread;
class SignalBridge;
class PaymentRequestWorker;
class MailSender;
class SharedHealthCheck;
class WebhookHandler;

// carwash-server's application object: the same database start-up as the
// other programs (configuration, embedded default, its own pool, migrations
// through the pool), the HTTP server and its routes, this process's health
// in process_health, and a graceful shutdown on SIGTERM or SIGINT: stop
// accepting, answer every request in flight, sign off from process_health,
// close every connection, then shutDownFinished(). The event loop never waits
// on the database: every route's work runs on the pool and is answered from
// its continuation. Lives on the main thread.
class ServerApplication : public QObject
{
    Q_OBJECT
public:
    // The exit codes a service manager or script sees.
    enum ExitCode {
        Ok = 0,
        CannotListen = 1, // the address is in use, or not this machine's
        Invalid = 2, // bad arguments or configuration
        Unavailable = 4, // the database could not be prepared (embedded server)
        HelpShown = -1 // --help or --version: printed; leave with 0
    };

    static constexpr int DefaultPort = 8080;
    static constexpr int MigrationRetryMs = 5000;
    // A request still unanswered after this long does not hold up leaving.
    static constexpr int DrainTimeoutMs = 30000;

    explicit ServerApplication(QObject *parent = nullptr);
    ~ServerApplication() override;

    // Parses the listen address "ADDRESS:PORT" ("127.0.0.1:8080",
    // "[::1]:8080", "0.0.0.0:0" for any free port; "localhost" is the
    // loopback). False with a message that says what is wrong.
    static bool parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error);

    // Blocking start-up before the event loop runs: arguments, database
    // configuration (starting the embedded server when nothing is
    // configured), the signal bridge, listening. Ok, or an exit code after
    // the problem was printed on stderr. Migration and health publishing
    // start from the event loop; the database may come later.
    int start(const QStringList &arguments);

    // Graceful shutdown, from the event loop; idempotent.
    void shutDown();

    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }
    bool isSchemaReady() const { return m_schemaReady; }
    bool isShuttingDown() const { return m_shuttingDown; }
    ConnectionPool *pool() { return m_pool.get(); }
    RequestLog &requestLog() { return m_requestLog; }
    const StripeConfig &stripeConfig() const { return m_stripe; }
    PaymentRequestWorker *worker() { return m_worker.get(); }
    MailSender *mailSender() { return m_mail.get(); }

Q_SIGNALS:
    // Migrations done; webhooks are accepted from now on.
    void schemaReady();
    // Every connection of ours is closed: leave the event loop now.
    void shutDownFinished();

private:
    void printUsage() const;
    void setUpRoutes();
    void migrate();
    void startBackgroundWork();
    void answerHealth(const std::shared_ptr<HttpExchange> &exchange);
    void answerWebhook(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    // The Stripe settings: the environment, the keychain for a secret it
    // lacks (StripeSecrets); logged, redacted, with where each came from.
    void readStripeConfig();
    // A second pool from READ_DATABASE_URL for the API's availability reads;
    // false (said why) when it is set but wrong.
    bool openReadPool();
    bool readWorkerSettings(const QString &ownUrl);
    void answerCheckoutPage(const QHttpServerRequest &request, QHttpServerResponder &&responder, bool paid);
    void finishShutDownIfDrained();
    void finishShutDown();

    RequestLog m_requestLog;
    DatabaseConfig m_config;
    StripeConfig m_stripe;
    std::unique_ptr<ConnectionPool> m_pool;
    // READ_DATABASE_URL's (a standby, target_session_attrs=prefer-standby):
    // availability and the next free start; null when it is not set.
    std::unique_ptr<ConnectionPool> m_readPool;
    std::unique_ptr<SharedHealthCheck> m_health; // GET /health's, on m_pool
    std::unique_ptr<QHttpServer> m_http;
    BoundedTcpServer *m_tcp = nullptr; // owned by m_http
    std::unique_ptr<WebhookHandler> m_webhook;
    std::unique_ptr<BookingApi> m_api;
    std::unique_ptr<BookingPage> m_page;
    std::unique_ptr<RequestTranslator> m_requestTranslator;
    std::unique_ptr<PaymentRequestWorker> m_worker;
    std::unique_ptr<MailSender> m_mail; // confirmation e-mails
    std::unique_ptr<HealthPublisher> m_publisher;
    std::unique_ptr<SignalBridge> m_signals;
    QTimer m_migrationRetry;
    // Where Checkout returns the customer; how often the queue is polled and
    // reconciled (CARWASH_CHECKOUT_SUCCESS_URL, CARWASH_CHECKOUT_CANCEL_URL,
    // CARWASH_REQUEST_POLL_MS, CARWASH_RECONCILE_INTERVAL_MS,
    // CARWASH_RECONCILE_AFTER_SECONDS).
    QString m_successUrl;
    QString m_cancelUrl;
    int m_pollMs = 5000;
    int m_reconcileIntervalMs = 60000;
    int m_reconcileAfterSeconds = 180;
    QTimer m_drainTimeout;
    std::unique_ptr<QThread> m_closeThread;
    QHostAddress m_address = QHostAddress(QHostAddress::LocalHost);
    quint16 m_port = DefaultPort;
    bool m_schemaReady = false;
    bool m_shuttingDown = false;
    bool m_closing = false;
};
