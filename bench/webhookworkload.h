#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

// What `carwash-bench webhooks` works on, on both sides of its comparison:
// held bookings, each with a pending Checkout payment as a kiosk asks for it
// (session id cs_bench_<booking>), and Stripe's events for them. The server
// side gets signed events over HTTP; pgbench runs the statements
// StripeEventRepo::receive sends for a checkout.session.completed (stored,
// payment and booking locked, paid, confirmed, audited twice, notified
// twice, marked processed), copied here and compared with a traced receive
// by differences(). Rows it makes are marked created_by "carwash-bench".
namespace WebhookWorkload {

struct Payment
{
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QString code;
    qint64 amountCents = 0;
    QString currency;
};

// Migrates, then makes one service, bays, one customer and `count` held
// bookings with a pending stripe_checkout payment each, ids consecutive.
// Blocking; throws DbException.
QList<Payment> seed(QSqlDatabase &db, int count);

// Every seeded payment pending and every booking held again, the events and
// Stripe's audit rows gone, the tables vacuumed: each side of each round
// starts from the same rows. Blocking; throws DbException.
void reset(QSqlDatabase &db);

// A Stripe event as Stripe sends it for a paid Checkout session:
// checkout.session.completed (data.object the session) or
// payment_intent.succeeded (the intent), with our ids in the metadata.
QByteArray completedEvent(const QString &eventId, const Payment &payment, qint64 created);
QByteArray intentSucceededEvent(const QString &eventId, const Payment &payment, qint64 created);

// The statements with bind values StripeEventRepo::receive sends for
// completedEvent() on a held booking.
QStringList statementTemplates();
// Empty when the recorded statements (Sql::StatementRecorder) with bind
// values are exactly statementTemplates(); else which one differs.
QString differences(const QStringList &recorded);

// The pgbench script: statementTemplates() with a random seeded payment
// (ids from first to last) and the event's JSON as the payload.
QString pgbenchScript(const QList<Payment> &payments);

} // namespace WebhookWorkload
