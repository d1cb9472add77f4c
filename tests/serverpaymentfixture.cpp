#include "tests/serverpaymentfixture.h"

#include "db/pool/sql.h"
#include "tests/harness/nohang.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

void ServerPaymentFixture::startStripe()
{
    m_stripe.stop();
    QString error;
    QVERIFY2(m_stripe.start(&error), qPrintable(error));
}

QProcessEnvironment ServerPaymentFixture::serverEnvironment(int reconcileAfterSeconds) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=3&pool_timeout=5")
                   .arg(m_cluster.port()));
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    env.insert(QStringLiteral("STRIPE_SECRET_KEY"), FakeStripe::secretKey());
    env.insert(QStringLiteral("STRIPE_WEBHOOK_SECRET"), QStringLiteral("whsec_old_one,") + webhookSecret());
    env.insert(QStringLiteral("STRIPE_API_BASE"), m_stripe.apiBase().toString());
    env.insert(QStringLiteral("CARWASH_REQUEST_POLL_MS"), QStringLiteral("500"));
    env.insert(QStringLiteral("CARWASH_RECONCILE_INTERVAL_MS"), QStringLiteral("300"));
    env.insert(QStringLiteral("CARWASH_RECONCILE_AFTER_SECONDS"), QString::number(reconcileAfterSeconds));
    return env;
}

bool ServerPaymentFixture::startServer(ServerProcess &server, int reconcileAfterSeconds)
{
    QString error;
    if (!server.start(serverEnvironment(reconcileAfterSeconds), {}, &error)
        || !server.waitUntilHealthy(&error)) {
        qWarning("%s", qPrintable(error + server.log()));
        return false;
    }
    return true;
}

bool ServerPaymentFixture::deliverTo(const ServerProcess &server, double duplicateRate, int maxDelayMs)
{
    return m_stripe.configureWebhook(QUrl(server.baseUrl() + QStringLiteral("/stripe/webhook")),
                                     {webhookSecret()}, duplicateRate, maxDelayMs);
}

qint64 ServerPaymentFixture::askServer(const QString &kind, qint64 bookingId, qint64 paymentId,
                                       const QString &key, const QString &readerId, qint64 refundId)
{
    auto id = run(QStringLiteral("test.request"), [=](QSqlDatabase &db) {
        const QVariant none(QMetaType::fromType<qint64>());
        const QVariant noText(QMetaType::fromType<QString>());
        Transaction tx(db);
        const qint64 made
            = Sql::scalar(
                  db,
                  QStringLiteral("INSERT INTO payment_requests (kind, booking_id, payment_id, refund_id, "
                                 "reader_id, locale, idempotency_key, requested_by) "
                                 "VALUES (?, ?, ?, ?, ?, 'de', ?, 'desk:test') RETURNING id"),
                  {kind, bookingId ? QVariant(bookingId) : none, paymentId ? QVariant(paymentId) : none,
                   refundId ? QVariant(refundId) : none, readerId.isEmpty() ? noText : QVariant(readerId),
                   key})
                  .toLongLong();
        Sql::exec(db, QStringLiteral("SELECT pg_notify('payment_requests', ?)"), {QString::number(made)});
        tx.commit();
        return made;
    });
    if (!id.ok())
        qWarning("%s", describe(id).constData());
    return id.ok() ? id.value() : 0;
}

QString ServerPaymentFixture::answer(qint64 requestId)
{
    const QString status = QStringLiteral("SELECT status FROM payment_requests WHERE id = %1").arg(requestId);
    if (!QTest::qWaitFor([&] { return text(status) == u"done" || text(status) == u"failed"; },
                         TestWaits::kNoHangMs))
        return {};
    if (text(status) == u"failed")
        qWarning(
            "request %lld failed: %s", requestId,
            qPrintable(text(QStringLiteral("SELECT error_code || ': ' || error_message FROM payment_requests "
                                           "WHERE id = %1")
                                .arg(requestId))));
    return text(status);
}

QJsonObject ServerPaymentFixture::resultOf(qint64 requestId)
{
    return QJsonDocument::fromJson(
               text(QStringLiteral("SELECT result::text FROM payment_requests WHERE id = %1").arg(requestId))
                   .toUtf8())
        .object();
}

QString ServerPaymentFixture::statusOf(const QString &table, qint64 id)
{
    return text(QStringLiteral("SELECT status FROM %1 WHERE id = %2").arg(table).arg(id));
}

QJsonObject ServerPaymentFixture::stripeRequest(const QString &method, const QString &pathEnd)
{
    QJsonObject found;
    for (const QJsonValue &r : m_stripe.requests())
        if (r[u"method"].toString() == method && r[u"path"].toString().endsWith(pathEnd))
            found = r.toObject();
    return found;
}
