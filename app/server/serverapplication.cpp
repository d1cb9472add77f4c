#include "app/server/serverapplication.h"

#include "app/server/stripesecrets.h"
#include "app/startup/databasestartup.h"
#include "app/startup/signalbridge.h"
#include "db/health/fleethealth.h"
#include "db/health/healthpublisher.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/schema/migrator.h"
#include "server/api/apilanguage.h"
#include "server/api/bookingapi.h"
#include "server/bookingpage.h"
#include "server/boundedtcpserver.h"
#include "server/mail/mailsender.h"
#include "server/paymentrequestworker.h"
#include "server/sharedhealthcheck.h"
#include "server/webhookhandler.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QThread>

#include <cstdio>

Q_LOGGING_CATEGORY(lcServer, "carwash.server", QtInfoMsg)

namespace {

void printErr(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

} // namespace

ServerApplication::ServerApplication(QObject *parent)
    : QObject(parent)
{
    m_migrationRetry.setSingleShot(true);
    m_migrationRetry.setInterval(MigrationRetryMs);
    connect(&m_migrationRetry, &QTimer::timeout, this, &ServerApplication::migrate);
    m_drainTimeout.setSingleShot(true);
    m_drainTimeout.setInterval(DrainTimeoutMs);
    connect(&m_drainTimeout, &QTimer::timeout, this, [this] {
        qCWarning(lcServer) << m_requestLog.inFlight() << "request(s) and"
                            << (m_worker ? m_worker->inFlight() : 0) << "payment request(s) unfinished after"
                            << DrainTimeoutMs << "ms; leaving anyway (a payment request is taken up again "
                            << "after its lease)";
        finishShutDown();
    });
}

ServerApplication::~ServerApplication()
{
    // Normally shutDown() has run. Otherwise the pool waits here for work
    // still running and closes each connection on its own thread.
    if (m_closeThread)
        m_closeThread->wait();
    m_publisher.reset();
    m_mail.reset();
    m_worker.reset();
    m_http.reset();
    m_webhook.reset();
    if (m_readPool)
        m_readPool->shutdown();
    if (m_pool)
        m_pool->shutdown();
}

bool ServerApplication::parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0 || colon == text.size() - 1) {
        *error = tr("The listen address \"%1\" is not ADDRESS:PORT (for example 127.0.0.1:8080).").arg(text);
        return false;
    }
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(QLatin1Char(':'))) {
        *error = tr("Write an IPv6 listen address in brackets, for example [::1]:8080.");
        return false;
    }
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535) {
        *error = tr("The listen port \"%1\" is not a number from 0 to 65535.").arg(text.mid(colon + 1));
        return false;
    }
    QHostAddress parsed;
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        parsed = QHostAddress(QHostAddress::LocalHost);
    else if (!parsed.setAddress(host)) {
        *error = tr("The listen address \"%1\" is not an IP address (host names other than localhost are not "
                    "accepted).")
                     .arg(host);
        return false;
    }
    *address = parsed;
    *port = quint16(number);
    return true;
}

int ServerApplication::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("carwash-server: Stripe webhooks, card payment requests and GET /health for CarWash Desk.\n"
           "carwash-server secrets set|show|remove keeps its Stripe secrets in this account's keychain "
           "(carwash-server secrets --help)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    tr("Where to listen for HTTP (default 127.0.0.1:%1).").arg(DefaultPort),
                                    tr("ADDRESS:PORT"));
    parser.addOption(listen);
    if (!parser.parse(arguments)) {
        printErr(parser.errorText() + QLatin1Char('\n') + parser.helpText());
        return Invalid;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        std::fflush(stdout);
        return HelpShown;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::fputs(qPrintable(DatabaseStartup::versionLine(QStringLiteral("carwash-server"))), stdout);
        std::fflush(stdout);
        return HelpShown;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printErr(tr("Unexpected argument \"%1\".").arg(parser.positionalArguments().constFirst())
                 + QLatin1Char('\n') + parser.helpText());
        return Invalid;
    }
    if (parser.isSet(listen)) {
        QString error;
        if (!parseListen(parser.value(listen), &m_address, &m_port, &error)) {
            printErr(error);
            return Invalid;
        }
    }

    const DatabaseConfigLoader::Result loaded = DatabaseStartup::loadConfig(QStringLiteral("carwash-server"));
    if (!loaded.ok()) {
        for (const QString &e : loaded.errors)
            printErr(e);
        return Invalid;
    }
    for (const QString &w : loaded.warnings)
        qCWarning(lcServer).noquote() << w;
    const DbResult<DatabaseConfig> resolved = DatabaseStartup::resolveBlocking(loaded.config);
    if (!resolved.ok()) {
        printErr(resolved.error().message());
        qCWarning(lcServer).noquote() << resolved.error().toLogString();
        return resolved.error().kind() == DbError::Kind::Configuration ? Invalid : Unavailable;
    }
    m_config = resolved.value();
    m_pool = std::make_unique<ConnectionPool>(m_config);
    m_health = std::make_unique<SharedHealthCheck>(*m_pool);
    readStripeConfig();
    m_webhook = std::make_unique<WebhookHandler>(*m_pool, m_stripe.webhookSecrets, this);
    m_api = std::make_unique<BookingApi>(
        *m_pool, m_requestLog, [this](const std::shared_ptr<HttpExchange> &exchange) { answerHealth(exchange); },
        this);
    if (!openReadPool())
        return Invalid;
    // Each API request answers in its own language (Accept-Language), above
    // the process's translator.
    m_requestTranslator = std::make_unique<RequestTranslator>();
    QCoreApplication::installTranslator(m_requestTranslator.get());

    m_signals = std::make_unique<SignalBridge>();
    if (!m_signals->install()) {
        printErr(tr("Cannot handle SIGTERM: %1").arg(m_signals->errorString()));
        return Invalid;
    }
    connect(m_signals.get(), &SignalBridge::terminationRequested, this, [this](int signalNumber) {
        qCInfo(lcServer) << "signal" << signalNumber << "received: shutting down";
        shutDown();
    });

    m_http = std::make_unique<QHttpServer>();
    setUpRoutes();
    m_tcp = new BoundedTcpServer(
        BoundedTcpServer::DefaultMaxBodyBytes,
        [this](const QByteArray &method, const QString &path, int status, qint64 elapsedMs) {
            m_requestLog.begin();
            m_requestLog.end(method, path, status, elapsedMs);
        },
        m_http.get());
    m_tcp->setBodyLimit(QStringLiteral("/api/"), BookingApi::MaxBodyBytes);
    m_tcp->setBodyLimit(QStringLiteral("/.netlify/functions/"), BookingApi::MaxBodyBytes);
    if (!m_tcp->listen(m_address, m_port)) {
        printErr(tr("carwash-server cannot listen on %1:%2: %3. Choose another address with --listen "
                    "ADDRESS:PORT, or stop the program using it.")
                     .arg(m_address.toString())
                     .arg(m_port)
                     .arg(m_tcp->errorString()));
        return CannotListen;
    }
    m_http->bind(m_tcp);
    m_port = m_tcp->serverPort();
    const QString shown = m_address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]:%2").arg(m_address.toString()).arg(m_port)
        : QStringLiteral("%1:%2").arg(m_address.toString()).arg(m_port);
    if (!readWorkerSettings(QStringLiteral("http://") + shown))
        return Invalid;
    // Not translated: scripts and the tests wait for this exact line.
    std::fputs(qPrintable(QStringLiteral("carwash-server listening on http://%1\n").arg(shown)), stdout);
    std::fflush(stdout);

    QMetaObject::invokeMethod(this, &ServerApplication::migrate, Qt::QueuedConnection);
    return Ok;
}

void ServerApplication::setUpRoutes()
{
    m_http->route(QStringLiteral("/health"), QHttpServerRequest::Method::Get,
                  [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                      answerHealth(HttpExchange::start(m_requestLog, request, std::move(responder)));
                  });
    m_http->route(QStringLiteral("/stripe/webhook"), QHttpServerRequest::Method::Post,
                  [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                      answerWebhook(request, std::move(responder));
                  });
    m_http->route(QStringLiteral("/checkout/done"), QHttpServerRequest::Method::Get,
                  [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                      answerCheckoutPage(request, std::move(responder), true);
                  });
    m_http->route(QStringLiteral("/checkout/cancelled"), QHttpServerRequest::Method::Get,
                  [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                      answerCheckoutPage(request, std::move(responder), false);
                  });
    // The booking page (GET /, GET /web/…): served from the resources
    // whatever the database's state; the page says when the API is away.
    m_page = std::make_unique<BookingPage>(m_requestLog);
    m_page->addRoutes(*m_http);
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (BookingApi::handles(request.url().path())) {
            if (m_shuttingDown)
                // Answered 503 with Retry-After as the exchange goes.
                HttpExchange::start(m_requestLog, request, std::move(responder));
            else
                m_api->answer(request, std::move(responder));
            return;
        }
        HttpExchange::start(m_requestLog, request, std::move(responder))
            ->respondError(HttpExchange::Status::NotFound, QStringLiteral("not_found"),
                           tr("There is nothing at %1 %2.")
                               .arg(QString::fromLatin1(RequestLog::methodName(request.method())),
                                    request.url().path()));
    });
}

void ServerApplication::answerHealth(const std::shared_ptr<HttpExchange> &exchange)
{
    if (m_shuttingDown)
        return; // answered 503 as the exchange goes
    if (!m_schemaReady) {
        // Until its migrations are applied the server can do none of its
        // work, and the fleet's tables may not have their columns yet.
        exchange->respond(HttpExchange::Status::ServiceUnavailable,
                          QJsonObject {{QStringLiteral("status"), QStringLiteral("starting")},
                                       {QStringLiteral("detail"),
                                        tr("carwash-server is preparing the database (applying its migrations); "
                                           "it serves once they are applied.")}});
        return;
    }
    // The fleet view, as `carwash-admin health --json` reports it: unhealthy
    // (the database unreachable, a process in trouble) is 503 so a load
    // balancer or monitor needs no JSON to tell.
    // Callers polling at once share one check (SharedHealthCheck).
    m_health->request([exchange](const FleetHealth &fleet) {
        exchange->respond(fleet.status() == FleetHealth::Status::Unhealthy
                              ? HttpExchange::Status::ServiceUnavailable
                              : HttpExchange::Status::Ok,
                          fleet.toJson());
    });
}

void ServerApplication::answerWebhook(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const auto exchange = HttpExchange::start(m_requestLog, request, std::move(responder));
    if (m_shuttingDown)
        return; // answered 503 as the exchange goes: Stripe delivers again
    if (!m_schemaReady) {
        exchange->respondError(HttpExchange::Status::ServiceUnavailable,
                               QStringLiteral("database_unavailable"),
                               tr("The database is not ready yet; Stripe will deliver this event again."));
        return;
    }
    m_webhook->handle(exchange, request);
}

void ServerApplication::answerCheckoutPage(const QHttpServerRequest &request,
                                           QHttpServerResponder &&responder, bool paid)
{
    // Where Checkout sends the customer's phone back: a page that says what
    // happened. The booking itself is confirmed by Stripe's event, not here.
    const QString text = paid
        ? tr("Thank you. Your payment was received. You can close this page.")
        : tr("The payment was not made. You can close this page and pay at the car wash.");
    const QString page
        = QStringLiteral("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                         "content=\"width=device-width\"><title>%1</title></head><body><p>%2</p>"
                         "</body></html>")
              .arg(tr("CarWash payment"), text.toHtmlEscaped());
    HttpExchange::start(m_requestLog, request, std::move(responder))
        ->respond(HttpExchange::Status::Ok, QByteArrayLiteral("text/html; charset=utf-8"), page.toUtf8());
}

bool ServerApplication::readWorkerSettings(const QString &ownUrl)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Back to the booking page, which shows the customer's booking (it
    // remembers which) or, on a phone that paid for a kiosk, a thank-you.
    m_successUrl = env.value(QStringLiteral("CARWASH_CHECKOUT_SUCCESS_URL"),
                             ownUrl + QStringLiteral("/?checkout=done&session_id={CHECKOUT_SESSION_ID}"));
    m_cancelUrl = env.value(QStringLiteral("CARWASH_CHECKOUT_CANCEL_URL"),
                            ownUrl + QStringLiteral("/?checkout=cancelled"));
    struct Setting
    {
        const char *name;
        int *value;
        int minimum;
    };
    const Setting settings[] = {{"CARWASH_REQUEST_POLL_MS", &m_pollMs, 100},
                                {"CARWASH_RECONCILE_INTERVAL_MS", &m_reconcileIntervalMs, 100},
                                {"CARWASH_RECONCILE_AFTER_SECONDS", &m_reconcileAfterSeconds, 0}};
    for (const Setting &s : settings) {
        const QString name = QLatin1String(s.name);
        if (!env.contains(name))
            continue;
        bool ok = false;
        const int value = env.value(name).toInt(&ok);
        if (!ok || value < s.minimum) {
            printErr(tr("%1 must be a whole number of at least %2, not \"%3\".")
                         .arg(name)
                         .arg(s.minimum)
                         .arg(env.value(name)));
            return false;
        }
        *s.value = value;
    }
    return true;
}

void ServerApplication::readStripeConfig()
{
    // The environment first, then the keychain for what it lacks: blocking,
    // bounded by the keychain's timeout, and before the server listens.
    const StripeSecrets::Loaded loaded
        = StripeSecrets::loadBlocking(QProcessEnvironment::systemEnvironment());
    m_stripe = loaded.config;
    for (StripeSecrets::Secret secret : StripeSecrets::All)
        qCInfo(lcServer).noquote() << loaded.logLine(secret);
    qCInfo(lcServer).noquote() << "Stripe:" << m_stripe.redacted();
    const QStringList api = m_stripe.apiProblems();
    const QStringList webhook = m_stripe.webhookProblems();
    // Said at once and plainly; GET /health serves all the same.
    for (const QString &problem : api)
        qCWarning(lcServer).noquote() << "card payments are unavailable:" << problem;
    for (const QString &problem : webhook)
        qCWarning(lcServer).noquote() << "Stripe's events cannot be accepted:" << problem;
}

void ServerApplication::migrate()
{
    if (m_shuttingDown)
        return;
    auto applied = m_pool->withRetry(QStringLiteral("migrate"), RetryPolicy::critical(),
                                     [](QSqlDatabase &db) { return Migrator::migrate(db); });
    Async::onResult(applied, this, [this](const DbResult<QStringList> &result) {
        if (m_shuttingDown)
            return;
        if (!result.ok()) {
            qCWarning(lcServer).noquote() << "the database is not ready:" << result.error().toLogString()
                                          << "- trying again in" << MigrationRetryMs << "ms";
            m_migrationRetry.start();
            return;
        }
        if (!result->isEmpty())
            qCInfo(lcServer).noquote() << "applied migrations:" << result->join(QStringLiteral(", "));
        m_schemaReady = true;
        m_api->setReady(true);
        startBackgroundWork();
        Q_EMIT schemaReady();
    });
}

void ServerApplication::startBackgroundWork()
{
    m_publisher = std::make_unique<HealthPublisher>(
        *m_pool, ProcessIdentity::current(QStringLiteral("carwash-server")));
    m_publisher->start();
    m_worker
        = std::make_unique<PaymentRequestWorker>(*m_pool, m_stripe, CheckoutUrls {m_successUrl, m_cancelUrl});
    m_worker->setPollInterval(m_pollMs);
    m_worker->reconciler().setInterval(m_reconcileIntervalMs);
    m_worker->reconciler().setPendingAfterSeconds(m_reconcileAfterSeconds);
    connect(m_worker.get(), &PaymentRequestWorker::stopped, this,
            &ServerApplication::finishShutDownIfDrained);
    m_worker->start(m_config);
    // The SMTP password only from the environment (the rest is in the site
    // settings, where every desk can read it).
    m_mail = std::make_unique<MailSender>(*m_pool, qEnvironmentVariable(MailSender::PasswordVariable));
    m_mail->setPollInterval(m_pollMs);
    connect(m_mail.get(), &MailSender::stopped, this, &ServerApplication::finishShutDownIfDrained);
    m_mail->start(m_config);
}

void ServerApplication::shutDown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_migrationRetry.stop();
    // No new connections; requests on connections already open get 503.
    if (m_tcp)
        m_tcp->close();
    connect(&m_requestLog, &RequestLog::idle, this, &ServerApplication::finishShutDownIfDrained);
    m_drainTimeout.start();
    // Stripe work under way is finished and answered; nothing new is claimed.
    if (m_worker)
        m_worker->stop();
    if (m_mail)
        m_mail->stop();
    // Nor are the API's settings read again while the pool closes.
    m_api->setReady(false);
    finishShutDownIfDrained();
}

void ServerApplication::finishShutDownIfDrained()
{
    if (!m_shuttingDown)
        return;
    const int requests = m_requestLog.inFlight();
    const int work = m_worker ? m_worker->inFlight() : 0;
    if (requests > 0 || (m_worker && !m_worker->isStopped()) || (m_mail && !m_mail->isStopped())) {
        qCInfo(lcServer) << "waiting for" << requests << "request(s) and" << work
                         << "payment request(s) in flight";
        return;
    }
    finishShutDown();
}

bool ServerApplication::openReadPool()
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    const QString url = system.value(QStringLiteral("READ_DATABASE_URL")).trimmed();
    if (url.isEmpty())
        return true;
    // Read as DATABASE_URL is, with the same environment overrides.
    QProcessEnvironment environment = system;
    environment.insert(QStringLiteral("DATABASE_URL"), url);
    const DatabaseConfigLoader::Result loaded = DatabaseConfigLoader::load(environment, nullptr);
    if (!loaded.ok()) {
        for (const QString &e : loaded.errors)
            printErr(tr("READ_DATABASE_URL: %1").arg(e));
        return false;
    }
    DatabaseConfig config = loaded.config;
    // The same user on a standby: the password the main pool found.
    if (config.password.isEmpty() && config.user == m_config.user)
        config.password = m_config.password;
    if (config.applicationName.isEmpty())
        config.applicationName = QStringLiteral("carwash-server-read");
    qCInfo(lcServer).noquote() << "availability reads through" << config.redactedUrl();
    m_readPool = std::make_unique<ConnectionPool>(config);
    m_api->setReadPool(m_readPool.get());
    return true;
}

void ServerApplication::finishShutDown()
{
    if (m_closing)
        return;
    m_closing = true;
    m_drainTimeout.stop();
    QFuture<DbResult<bool>> removed;
    if (m_publisher)
        removed = m_publisher->stop();
    ConnectionPool *pool = m_pool.get();
    ConnectionPool *readPool = m_readPool.get();
    // Signing off waits a moment at most (a dead database must not hold up
    // leaving; the row then goes stale), then the pool waits for work still
    // running and closes each connection on its own thread: off the event
    // loop, which keeps writing the last answers meanwhile.
    m_closeThread.reset(QThread::create([removed, pool, readPool] {
        const QDeadlineTimer deadline(2000);
        while (!removed.isFinished() && !deadline.hasExpired())
            QThread::msleep(5);
        if (readPool)
            readPool->shutdown();
        if (pool)
            pool->shutdown();
    }));
    m_closeThread->setObjectName(QStringLiteral("carwash-shutdown"));
    connect(m_closeThread.get(), &QThread::finished, this, [this] {
        m_closeThread->wait();
        m_publisher.reset();
        qCInfo(lcServer) << "stopped;" << m_requestLog.answered() << "request(s) answered";
        Q_EMIT shutDownFinished();
    });
    m_closeThread->start();
}
