#include "bench/webhookworkload.h"

#include "bench/bookingtransaction.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {

const QString Actor = QStringLiteral("carwash-bench");
constexpr int BayCount = 10;

// Copies of StripeEventRepo's and CardPaymentUpdater's statements, kept
// verbatim so differences() can compare them with what receive() sends.
const QString InsertEventSql = QStringLiteral("INSERT INTO stripe_events (id, type, payload) "
                                              "VALUES (?, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING "
                                              "RETURNING id");
const QString FindPaymentSql
    = QStringLiteral("SELECT id FROM payments "
                     "WHERE method IN ('stripe_checkout', 'terminal') "
                     "AND (id = ? OR stripe_checkout_session_id = ? OR stripe_payment_intent_id = ?) "
                     "ORDER BY (id = ?) IS TRUE DESC, (stripe_checkout_session_id = ?) IS TRUE DESC LIMIT 1");
const QString LockBookingSql
    = QStringLiteral("SELECT b.id FROM bookings AS b JOIN payments AS p ON p.booking_id = b.id "
                     "WHERE p.id = ? FOR UPDATE OF b");
const QString LockPaymentSql
    = QStringLiteral("SELECT p.id, p.booking_id, b.code, p.method, p.status, p.amount_cents, p.gross_cents, "
                     "p.currency, p.stripe_checkout_session_id, p.stripe_payment_intent_id, "
                     "p.stripe_terminal_reader_id, p.failure_reason "
                     "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id "
                     "WHERE p.id = ? FOR UPDATE OF p");
const QString RecordIntentSql
    = QStringLiteral("UPDATE payments SET stripe_payment_intent_id = ? WHERE id = ? "
                     "AND NOT EXISTS (SELECT 1 FROM payments WHERE "
                     "stripe_payment_intent_id = ?) RETURNING id");
const QString SucceedSql = QStringLiteral("UPDATE payments SET status = 'succeeded', paid_at = now() "
                                          "WHERE id = ? "
                                          "RETURNING tax_rate_basis_points, prices_include_tax, tax_cents");
const QString AuditSql = QStringLiteral("INSERT INTO audit_log (actor, action, entity, entity_id, details) "
                                        "VALUES (?, ?, ?, ?, ?::jsonb)");
const QString OtherLiveCardSql = QStringLiteral(
    "SELECT EXISTS (SELECT 1 FROM payments WHERE booking_id = ? AND id <> ? AND status = 'pending' "
    "AND method IN ('stripe_checkout', 'terminal'))");
const QString BookingStatusSql
    = QStringLiteral("SELECT status, booking_status_now(status, hold_expires_at) FROM bookings WHERE id = ?");
const QString ConfirmSql
    = QStringLiteral("UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL WHERE id = ?");
const QString PaymentRowSql = QStringLiteral("SELECT booking_id, status FROM payments WHERE id = ?");
const QString NotifyPaymentsSql = QStringLiteral("SELECT pg_notify('payments_changed', ?)");
const QString NotifyBookingsSql = QStringLiteral("SELECT pg_notify('bookings_changed', ?)");
const QString PaymentStatusSql = QStringLiteral("SELECT status FROM payments WHERE id = ?");
const QString ProcessedSql = QStringLiteral("UPDATE stripe_events SET processed_at = now(), payment_id = ?, "
                                            "processing_error = ? WHERE id = ?");

QString fill(const QString &sql, const QStringList &values)
{
    QString out;
    qsizetype next = 0;
    for (const QChar c : sql) {
        if (c == QLatin1Char('?') && next < values.size())
            out += values[next++];
        else
            out += c;
    }
    Q_ASSERT(next == values.size());
    return out;
}

QJsonObject metadata(const WebhookWorkload::Payment &p)
{
    return {{QStringLiteral("booking_id"), QString::number(p.bookingId)},
            {QStringLiteral("payment_id"), QString::number(p.paymentId)}};
}

QByteArray event(const QString &id, const QString &type, qint64 created, const QJsonObject &object)
{
    const QJsonObject e {
        {QStringLiteral("id"), id},
        {QStringLiteral("object"), QStringLiteral("event")},
        {QStringLiteral("api_version"), QStringLiteral("2020-08-27")},
        {QStringLiteral("created"), created},
        {QStringLiteral("livemode"), false},
        {QStringLiteral("pending_webhooks"), 1},
        {QStringLiteral("type"), type},
        {QStringLiteral("data"), QJsonObject {{QStringLiteral("object"), object}}},
    };
    return QJsonDocument(e).toJson(QJsonDocument::Compact);
}

} // namespace

namespace WebhookWorkload {

QList<Payment> seed(QSqlDatabase &db, int count)
{
    Migrator::migrate(db);
    Transaction tx(db);
    Sql::exec(db,
              QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', 'UTC') "
                             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    const qint64 service = Sql::scalar(db,
                                       QStringLiteral("INSERT INTO services (name, duration_minutes, "
                                                      "sort_order) VALUES ('Bench Wash', 20, 10) "
                                                      "RETURNING id"))
                               .toLongLong();
    Sql::exec(db,
              QStringLiteral("INSERT INTO service_prices (service_id, vehicle_class, price_cents) "
                             "VALUES (?, 'car', 1500)"),
              {service});
    const qint64 firstBay
        = Sql::scalar(db,
                      QStringLiteral("INSERT INTO bays (name, kind, sort_order) "
                                     "SELECT 'Bench bay ' || i, 'tunnel', 1000 + i "
                                     "FROM generate_series(1, %1) AS i ORDER BY i RETURNING id")
                          .arg(BayCount))
              .toLongLong();
    const qint64 customer = Sql::scalar(db,
                                        QStringLiteral("INSERT INTO customers (name, phone) VALUES "
                                                       "('Bench customer', '+1 555 0000001') RETURNING id"))
                                .toLongLong();
    const qint64 vehicle
        = Sql::scalar(db,
                      QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) "
                                     "VALUES (?, 'CWBENCH1', 'car') RETURNING id"),
                      {customer})
              .toLongLong();
    // One bay in ten, 30 minutes apart, from a month ahead: no two overlap,
    // and each hold lasts the day.
    Sql::exec(
        db,
        QStringLiteral(
            "INSERT INTO bookings (code, status, bay_id, service_id, vehicle_class, customer_id, "
            "vehicle_id, plate, starts_at, ends_at, blocked_until, hold_expires_at, price_cents, "
            "currency, created_by) "
            "SELECT 'B' || lpad(upper(to_hex(g.n)), 5, '0'), 'held', ?::bigint + g.n % %1, s.id, 'car', "
            "?, ?, 'CWBENCH1', x.starts, x.starts + interval '20 minutes', "
            "x.starts + interval '25 minutes', now() + interval '1 day', p.price_cents, p.currency, ? "
            "FROM generate_series(0, ? - 1) AS g(n) "
            "CROSS JOIN LATERAL (SELECT date_trunc('day', now()) + interval '30 days' "
            "+ (g.n / %1) * interval '30 minutes' AS starts) AS x "
            "JOIN services AS s ON s.id = ? "
            "JOIN service_prices AS p ON p.service_id = s.id AND p.vehicle_class = 'car' "
            "ORDER BY g.n")
            .arg(BayCount),
        {firstBay, customer, vehicle, Actor, count, service});
    Sql::exec(
        db,
        QStringLiteral("INSERT INTO payments (booking_id, method, amount_cents, currency, "
                       "stripe_checkout_session_id, idempotency_key, created_by, tax_rate_basis_points, "
                       "prices_include_tax, net_cents, tax_cents, gross_cents) "
                       "SELECT id, 'stripe_checkout', price_cents, currency, 'cs_bench_' || id, "
                       "'bench-checkout-' || id, 'kiosk', 0, true, price_cents, 0, price_cents "
                       "FROM bookings WHERE created_by = ? ORDER BY id"),
        {Actor});
    QList<Payment> payments;
    QSqlQuery query = Sql::exec(db,
                                QStringLiteral("SELECT p.id, b.id, b.code, p.amount_cents, p.currency "
                                               "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id "
                                               "WHERE b.created_by = ? ORDER BY p.id"),
                                {Actor});
    while (query.next())
        payments.append({query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toString(),
                         query.value(3).toLongLong(), query.value(4).toString().trimmed()});
    tx.commit();
    // The pgbench script draws a payment id and finds its booking by offset.
    for (qsizetype i = 1; i < payments.size(); ++i) {
        if (payments[i].paymentId != payments[0].paymentId + i
            || payments[i].bookingId != payments[0].bookingId + i)
            throw DbException(DbError(DbError::Kind::Invalid,
                                      QStringLiteral("seeded payment and booking ids are not consecutive")));
    }
    if (payments.size() != count)
        throw DbException(
            DbError(DbError::Kind::Invalid,
                    QStringLiteral("seeded %1 payments instead of %2").arg(payments.size()).arg(count)));
    Sql::exec(db, QStringLiteral("VACUUM ANALYZE"));
    return payments;
}

void reset(QSqlDatabase &db)
{
    {
        Transaction tx(db);
        Sql::exec(db, QStringLiteral("DELETE FROM stripe_events"));
        Sql::exec(db, QStringLiteral("DELETE FROM audit_log WHERE actor = 'stripe' OR actor = ?"), {Actor});
        Sql::exec(db,
                  QStringLiteral("UPDATE payments SET status = 'pending', paid_at = NULL, "
                                 "stripe_payment_intent_id = NULL, failure_reason = NULL "
                                 "WHERE booking_id IN (SELECT id FROM bookings WHERE created_by = ?)"),
                  {Actor});
        Sql::exec(
            db,
            QStringLiteral("UPDATE bookings SET status = 'held', hold_expires_at = now() + interval '1 day' "
                           "WHERE created_by = ?"),
            {Actor});
        tx.commit();
    }
    Sql::exec(db, QStringLiteral("VACUUM ANALYZE stripe_events, audit_log, payments, bookings"));
}

QByteArray completedEvent(const QString &eventId, const Payment &p, qint64 created)
{
    const QJsonObject session {
        {QStringLiteral("id"), QStringLiteral("cs_bench_%1").arg(p.bookingId)},
        {QStringLiteral("object"), QStringLiteral("checkout.session")},
        {QStringLiteral("status"), QStringLiteral("complete")},
        {QStringLiteral("payment_status"), QStringLiteral("paid")},
        {QStringLiteral("payment_intent"), QStringLiteral("pi_bench_%1").arg(p.bookingId)},
        {QStringLiteral("client_reference_id"), p.code},
        {QStringLiteral("amount_total"), p.amountCents},
        {QStringLiteral("currency"), p.currency.toLower()},
        {QStringLiteral("mode"), QStringLiteral("payment")},
        {QStringLiteral("metadata"), metadata(p)},
    };
    return event(eventId, QStringLiteral("checkout.session.completed"), created, session);
}

QByteArray intentSucceededEvent(const QString &eventId, const Payment &p, qint64 created)
{
    const QJsonObject intent {
        {QStringLiteral("id"), QStringLiteral("pi_bench_%1").arg(p.bookingId)},
        {QStringLiteral("object"), QStringLiteral("payment_intent")},
        {QStringLiteral("status"), QStringLiteral("succeeded")},
        {QStringLiteral("amount"), p.amountCents},
        {QStringLiteral("amount_received"), p.amountCents},
        {QStringLiteral("currency"), p.currency.toLower()},
        {QStringLiteral("metadata"), metadata(p)},
    };
    return event(eventId, QStringLiteral("payment_intent.succeeded"), created, intent);
}

QStringList statementTemplates()
{
    return {InsertEventSql,
            FindPaymentSql,
            LockBookingSql,
            LockPaymentSql,
            RecordIntentSql,
            SucceedSql,
            AuditSql,
            OtherLiveCardSql,
            BookingStatusSql,
            ConfirmSql,
            PaymentRowSql,
            NotifyPaymentsSql,
            BookingTransaction::selectByIdStatement(),
            NotifyBookingsSql,
            PaymentStatusSql,
            ProcessedSql};
}

QString differences(const QStringList &recorded)
{
    const QStringList templates = statementTemplates();
    QStringList seen;
    for (const QString &sql : recorded) {
        if (!sql.contains(QLatin1Char('?')))
            continue;
        if (!templates.contains(sql))
            return QStringLiteral("StripeEventRepo::receive sends a statement the pgbench script lacks: %1")
                .arg(sql.simplified().left(300));
        seen << sql;
    }
    for (const QString &sql : templates) {
        if (!seen.contains(sql))
            return QStringLiteral("the pgbench script sends a statement StripeEventRepo::receive no longer "
                                  "does: %1")
                .arg(sql.simplified().left(300));
    }
    return {};
}

QString pgbenchScript(const QList<Payment> &payments)
{
    const Payment &first = payments.first();
    const QString event = QStringLiteral("'evt_pgbench_:key'");
    const QString session = QStringLiteral("'cs_bench_:bid'");
    const QString intent = QStringLiteral("'pi_bench_:bid'");
    // The event as the server receives it (completedEvent), written with
    // spaces after the colons so pgbench sees no variable in them.
    const QString payload
        = QStringLiteral(
              "'{\"id\": \"evt_pgbench_:key\", \"object\": \"event\", \"api_version\": \"2020-08-27\", "
              "\"created\": 1764979200, \"livemode\": false, \"pending_webhooks\": 1, "
              "\"type\": \"checkout.session.completed\", \"data\": {\"object\": {\"id\": \"cs_bench_:bid\", "
              "\"object\": \"checkout.session\", \"status\": \"complete\", \"payment_status\": \"paid\", "
              "\"payment_intent\": \"pi_bench_:bid\", \"client_reference_id\": \"B00000\", \"amount_total\": "
              "%1, "
              "\"currency\": \"%2\", \"mode\": \"payment\", \"metadata\": {\"booking_id\": \":bid\", "
              "\"payment_id\": \":pid\"}}}}'")
              .arg(first.amountCents)
              .arg(first.currency.toLower());
    const QString stripe = QStringLiteral("'stripe'");
    const QString booking = QStringLiteral("'booking'");

    QStringList s;
    s << QStringLiteral(
        "-- StripeEventRepo::receive of a checkout.session.completed, statement for statement "
        "(see webhookworkload.cpp).");
    s << QStringLiteral("\\set pid random(%1, %2)").arg(first.paymentId).arg(payments.last().paymentId);
    s << QStringLiteral("\\set bid :pid + %1").arg(first.bookingId - first.paymentId);
    s << QStringLiteral("\\set key random(1, 999999999999999)");
    s << QStringLiteral("BEGIN;");
    s << fill(InsertEventSql, {event, QStringLiteral("'checkout.session.completed'"), payload})
            + QLatin1Char(';');
    s << fill(FindPaymentSql, {QStringLiteral(":pid"), session, intent, QStringLiteral(":pid"), session})
            + QLatin1Char(';');
    s << fill(LockBookingSql, {QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(LockPaymentSql, {QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(RecordIntentSql, {intent, QStringLiteral(":pid"), intent}) + QLatin1Char(';');
    s << fill(SucceedSql, {QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(
             AuditSql,
             {stripe, QStringLiteral("'payment.succeeded'"), booking, QStringLiteral("':bid'"),
              QStringLiteral("'{\"code\": \"B00000\", \"payment_id\": :pid, \"method\": \"stripe_checkout\", "
                             "\"from\": \"pending\", \"amount_cents\": %1, \"currency\": %2, "
                             "\"tax_rate_basis_points\": 0, \"prices_include_tax\": true, \"tax_cents\": 0, "
                             "\"source\": \"webhook\", \"event_type\": \"checkout.session.completed\"}'")
                  .arg(first.amountCents)
                  .arg(QStringLiteral("\"%1\"").arg(first.currency))})
            + QLatin1Char(';');
    s << fill(OtherLiveCardSql, {QStringLiteral(":bid"), QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(BookingStatusSql, {QStringLiteral(":bid")}) + QLatin1Char(';');
    s << fill(ConfirmSql, {QStringLiteral(":bid")}) + QLatin1Char(';');
    s << fill(AuditSql,
              {stripe, QStringLiteral("'booking.status'"), booking, QStringLiteral("':bid'"),
               QStringLiteral(
                   "'{\"code\": \"B00000\", \"from\": \"held\", \"to\": \"confirmed\", "
                   "\"reason\": \"paid by card\", \"payment_id\": :pid, \"source\": \"webhook\"}'")})
            + QLatin1Char(';');
    s << fill(PaymentRowSql, {QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(NotifyPaymentsSql,
              {QStringLiteral("'{\"payment_id\": :pid, \"booking_id\": :bid, \"status\": \"succeeded\"}'")})
            + QLatin1Char(';');
    s << fill(BookingTransaction::selectByIdStatement(), {QStringLiteral(":bid")}).trimmed()
            + QLatin1Char(';');
    s << fill(NotifyBookingsSql,
              {QStringLiteral("'{\"id\": :bid, \"code\": \"B00000\", \"status\": \"confirmed\", "
                              "\"day\": \"2030-01-01\"}'")})
            + QLatin1Char(';');
    s << fill(PaymentStatusSql, {QStringLiteral(":pid")}) + QLatin1Char(';');
    s << fill(ProcessedSql, {QStringLiteral(":pid"), QStringLiteral("NULL"), event}) + QLatin1Char(';');
    s << QStringLiteral("COMMIT;");
    return s.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace WebhookWorkload
