#pragma once

// What the StripeClient tests share: the client's settings against the fake
// Stripe (tiny delays and timeouts), waiting on a call, the requests the fake
// saw, and the parameters of a typical booking.
#include "payments/stripeclient.h"
#include "tests/harness/fakestripe.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

namespace StripeClientTesting {

inline QJsonArray requestsMatching(const QJsonArray &requests, const QString &method,
                                   const QString &pathPattern)
{
    const QRegularExpression path(QRegularExpression::anchoredPattern(pathPattern));
    QJsonArray matching;
    for (const QJsonValue &request : requests) {
        if (request[QStringLiteral("method")].toString() == method
            && path.match(request[QStringLiteral("path")].toString()).hasMatch())
            matching.append(request);
    }
    return matching;
}

inline QString header(const QJsonValue &request, const char *name)
{
    return request[QStringLiteral("headers")][QLatin1String(name)].toString();
}

inline QString uniqueKey(const char *purpose)
{
    static int counter = 0; // one per test executable
    return QStringLiteral("payment-%1-%2-%3")
        .arg(QDateTime::currentMSecsSinceEpoch())
        .arg(++counter)
        .arg(QLatin1String(purpose));
}

inline CheckoutSessionParams sessionParams()
{
    CheckoutSessionParams params;
    params.currency = QStringLiteral("eur");
    params.lineItems
        = {{QStringLiteral("Full wash (SUV)"), 2500, 1}, {QStringLiteral("VAT 19% & more"), 475, 1}};
    params.successUrl = QStringLiteral("https://wash.example/paid?booking=CW-7Q2");
    params.cancelUrl = QStringLiteral("https://wash.example/cancelled");
    params.clientReferenceId = QStringLiteral("CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("17")},
                       {QStringLiteral("booking_id"), QStringLiteral("9")}};
    params.paymentIntentMetadata = params.metadata;
    params.locale = QStringLiteral("de");
    params.expiresAt = QDateTime::currentDateTimeUtc().addSecs(45 * 60);
    return params;
}

inline PaymentIntentParams intentParams(qint64 amount = 2975)
{
    PaymentIntentParams params;
    params.amountCents = amount;
    params.currency = QStringLiteral("eur");
    params.description = QStringLiteral("Booking CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("18")}};
    return params;
}

inline StripeConfig fakeConfig(const FakeStripe &fake)
{
    StripeConfig config;
    config.apiBase = fake.apiBase();
    config.secretKey = FakeStripe::secretKey();
    config.webhookSecrets = {QStringLiteral("whsec_tst_stripeclient")};
    config.requestTimeoutMs = 700; // a hang ends this quickly as a timeout
    config.maxRetries = 2;
    config.retryBaseDelayMs = 5;
    config.retryMaxDelayMs = 20;
    return config;
}

// The client works on this thread's event loop; spin it until the answer.
inline StripeResult await(QFuture<StripeResult> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return StripeResult(
            StripeError(StripeError::Kind::Timeout, QStringLiteral("the test gave up waiting")));
    return future.result();
}

} // namespace StripeClientTesting
