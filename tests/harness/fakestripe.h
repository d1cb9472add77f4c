#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

// The fake Stripe (tests/harness/fakestripe/fake-stripe.mjs, run by the
// `node` found on PATH) as a child process for Qt tests: its Stripe API at
// apiBase() with secretKey(), and blocking helpers over its control API
// (/_fake) to pay sessions, present cards, inject faults and read what
// happened. Every helper is for the test thread, runs a local event loop
// and gives up after kTimeoutMs; on failure it returns false or an empty
// value and lastError() says why. The destructor stops the process.
class FakeStripe
{
public:
    struct Reply
    {
        int status = 0; // HTTP status; 0 when no answer came
        QByteArray body;
        QString error; // transport error or timeout, empty when answered
    };
    using Form = QList<QPair<QString, QString>>;

    FakeStripe();
    ~FakeStripe();
    FakeStripe(const FakeStripe &) = delete;
    FakeStripe &operator=(const FakeStripe &) = delete;

    // Starts node on the script and waits (bounded) for its
    // FAKE_STRIPE_LISTENING line. `seed` makes ids and random delivery
    // choices repeatable; -1 lets the fake choose.
    bool start(QString *error = nullptr, int seed = -1);
    // SIGTERM, then a kill if it has not ended within a few seconds.
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    int port() const { return m_port; }
    // http://127.0.0.1:<port>: what STRIPE_API_BASE points at.
    QUrl apiBase() const;
    // A fixed sk_test_ key the fake accepts (it accepts any sk_test_ key).
    static QString secretKey();

    // Webhook delivery: signed with every secret (one v1 each), POSTed to
    // url; each event sent twice with probability duplicateRate, after a
    // random delay up to maxDelayMs; dropTypes never sent.
    bool configureWebhook(const QUrl &url, const QStringList &secrets, double duplicateRate = 0,
                          int maxDelayMs = 0, const QStringList &dropTypes = {});
    bool disableWebhook();

    // The customer pays the session on the hosted page: outcome "paid",
    // "async_succeeded" or "async_failed".
    bool pay(const QString &sessionId, const QString &outcome = QStringLiteral("paid"));
    // The next `times` /v1 requests whose "METHOD /path" matches the JS
    // regular expression get the fault: "500", "429", "429_no_retry",
    // "hang", "reset" (no answer, socket destroyed) or "reset_after"
    // (executed, then the socket destroyed before the answer).
    bool addFault(const QString &match, const QString &kind, int times = 1);
    // Registers a simulated reader (Stripe's API); its tmr_ id, or empty.
    QString registerReader(const QString &label);
    // The customer taps a card on the reader that is collecting:
    // 4242424242424242 approves, 4000000000000002 declines. True when the
    // fake took it (the reader's action then succeeded or failed).
    bool presentCard(const QString &readerId, const QString &number = QStringLiteral("4242424242424242"));
    // Clears the request log, the faults and the deliveries (pending ones
    // stop); objects and events stay.
    bool reset();

    // Each {method, path, query, headers (lower-case names), body, form
    // (flat key -> value), status (0: no answer), fault?, replayed?}.
    QJsonArray requests();
    // Every event created, in order (Stripe's event objects).
    QJsonArray events();
    // Each delivery attempt: {eventId, type, copy, attempt, status (0: no
    // answer), error?}.
    QJsonArray deliveries();
    // Any stored object (session, intent, charge, refund, reader); empty
    // when there is none.
    QJsonObject object(const QString &id);

    // One blocking request to the fake. Stripe API calls (/v1/...) carry
    // the secret key; a form body is sent form-encoded.
    Reply call(const QByteArray &method, const QString &path, const Form &form = {});

    QString lastError() const { return m_lastError; }

    static constexpr int kTimeoutMs = 10000;
    static constexpr int kStartTimeoutMs = 15000;

private:
    Reply control(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body,
               const QByteArray &contentType, bool stripeAuth);
    bool ok(const Reply &reply, const QString &what);
    QJsonArray array(const QString &path);

    QProcess m_process;
    std::unique_ptr<QNetworkAccessManager> m_network; // made on the first request, in the test thread
    int m_port = 0;
    QString m_lastError;
};
