#pragma once

#include "tests/cardpaymentfixture.h"
#include "tests/harness/fakestripe.h"
#include "tests/harness/serverprocess.h"

#include <QJsonObject>
#include <QProcessEnvironment>

// What the carwash-server payment tests share on top of the card payment
// fixture: the fake Stripe (a fresh account per test: startStripe() in
// init()), carwash-server started against both, and payment requests
// written as a desk writes them (CardPaymentRequests: the row and its
// pg_notify in one transaction). Use it from the test thread only.
class ServerPaymentFixture : public CardPaymentFixture
{
protected:
    static QString webhookSecret() { return QStringLiteral("whsec_tst_server_payments_secret"); }

    // A fresh fake Stripe, ids and idempotency keys starting afresh.
    void startStripe();
    // Stripe settings pointing at the fake (two webhook secrets, as during a
    // rotation), a fast poll and reconciler; pending payments are looked up
    // at Stripe after reconcileAfterSeconds.
    QProcessEnvironment serverEnvironment(int reconcileAfterSeconds = 3600) const;
    bool startServer(ServerProcess &server, int reconcileAfterSeconds = 3600);
    bool deliverTo(const ServerProcess &server, double duplicateRate = 0, int maxDelayMs = 0);

    // A payment_requests row (0: NULL); its id.
    qint64 askServer(const QString &kind, qint64 bookingId, qint64 paymentId, const QString &key,
                     const QString &readerId = {}, qint64 refundId = 0);
    // Waits for the server's answer: "done", "failed", or empty on a hang.
    QString answer(qint64 requestId);
    QJsonObject resultOf(qint64 requestId);
    QString statusOf(const QString &table, qint64 id);
    // The fake's last request "METHOD path" with that path ending.
    QJsonObject stripeRequest(const QString &method, const QString &pathEnd);

    FakeStripe m_stripe;
};
