#include "tests/customerforgetfixture.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTimeZone>

bool CustomerForgetFixture::startSite(const QString &testName, QString *error)
{
    if (!QFileInfo::exists(AdminProcess::path())) {
        *error = AdminProcess::path() + QStringLiteral(" is missing");
        return false;
    }
    if (!m_cluster.start(error))
        return false;
    m_env = AdminProcess::environmentFor(m_cluster.port());
    const AdminProcess::Run migrated = admin({QStringLiteral("migrate")});
    if (migrated.exitCode != 0) {
        *error = QString::fromUtf8(migrated.err);
        return false;
    }
    m_day = QDateTime::currentDateTimeUtc().toTimeZone(QTimeZone(Zone.toLatin1())).date().addDays(3);
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(testName));
    return true;
}

void CustomerForgetFixture::resetSite()
{
    // Service 1 "Wash" (20 min) on lanes 1 and 2, 08:00-18:00 daily.
    sql(QStringLiteral(
        "TRUNCATE stripe_events, refunds, payment_requests, payments, booking_addons, bookings, "
        "vehicles, customers, bay_services, service_addons, service_prices, addons, services, bays, "
        "opening_hours, closures, audit_log RESTART IDENTITY CASCADE"));
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'site.%' OR key LIKE 'booking.%'"));
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', '%1'), "
                       "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                       "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                       "('booking.hold_minutes', '10')")
            .arg(Zone));
    sql(QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES ('Wash', 20)"));
    sql(QStringLiteral("INSERT INTO service_prices VALUES (1, 'car', 1000, 'EUR'), (1, 'suv', 1500, 'EUR')"));
    sql(QStringLiteral("INSERT INTO bays (name, kind, sort_order) VALUES ('Lane 1', 'tunnel', 1), "
                       "('Lane 2', 'tunnel', 2)"));
    sql(QStringLiteral("INSERT INTO bay_services VALUES (1, 1), (2, 1)"));
    sql(QStringLiteral(
        "INSERT INTO opening_hours SELECT d, '08:00', '18:00' FROM generate_series(1, 7) AS d"));
}

QVariant CustomerForgetFixture::sql(const QString &statement)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(statement, QStringLiteral("carwash"), &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(statement), qPrintable(error));
    return v;
}

QJsonObject CustomerForgetFixture::book(const QString &localTime, const QString &plate, const QString &name,
                                        const QString &phone, const QString &email)
{
    QStringList args {QStringLiteral("book"),
                      QStringLiteral("--service"),
                      QStringLiteral("1"),
                      QStringLiteral("--start"),
                      at(localTime),
                      QStringLiteral("--plate"),
                      plate,
                      QStringLiteral("--name"),
                      name,
                      QStringLiteral("--json")};
    if (!phone.isEmpty())
        args << QStringLiteral("--phone") << phone;
    if (!email.isEmpty())
        args << QStringLiteral("--email") << email;
    const AdminProcess::Run r = admin(args);
    if (r.exitCode != 0)
        qWarning("book failed: %s", r.err.constData());
    return r.json().object();
}

qint64 CustomerForgetFixture::customerOf(qint64 bookingId)
{
    return sql(QStringLiteral("SELECT customer_id FROM bookings WHERE id = %1").arg(bookingId)).toLongLong();
}

int CustomerForgetFixture::rowsMentioning(const QStringList &needles)
{
    QStringList conditions;
    for (const QString &n : needles)
        conditions << QStringLiteral("strpos(lower(j), lower('%1')) > 0").arg(n);
    return sql(QStringLiteral("SELECT count(*) FROM ("
                              "SELECT to_jsonb(t)::text AS j FROM customers AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM vehicles AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM bookings AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payments AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM refunds AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payment_requests AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM stripe_events AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM audit_log AS t) AS rows WHERE %1")
                   .arg(conditions.join(QStringLiteral(" OR "))))
        .toInt();
}

QString CustomerForgetFixture::everything()
{
    return sql(QStringLiteral("SELECT md5(string_agg(j, '|' ORDER BY j)) FROM ("
                              "SELECT to_jsonb(t)::text AS j FROM customers AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM vehicles AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM bookings AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM payments AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM refunds AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM stripe_events AS t UNION ALL "
                              "SELECT to_jsonb(t)::text FROM audit_log AS t) AS rows"))
        .toString();
}

qint64 CustomerForgetFixture::giveAnnAHistory(qint64 paidBookingId, qint64 cancelledBookingId)
{
    const qint64 paymentId = sql(QStringLiteral("INSERT INTO payments (booking_id, method, status, "
                                                "amount_cents, currency, created_by, paid_at, "
                                                "stripe_checkout_session_id, tax_rate_basis_points, "
                                                "prices_include_tax, net_cents, tax_cents, "
                                                "gross_cents) VALUES (%1, 'stripe_checkout', 'succeeded', "
                                                "1000, 'EUR', 'kiosk:Entrance', now(), "
                                                "'cs_test_ann', 1900, true, 840, 160, 1000) RETURNING id")
                                     .arg(paidBookingId))
                                 .toLongLong();
    // What Stripe sends once Checkout is paid: the payer's details as
    // typed on Stripe's page.
    const QJsonObject details {{QStringLiteral("email"), QStringLiteral("ann.lee@example.com")},
                               {QStringLiteral("name"), AnnName},
                               {QStringLiteral("phone"), QStringLiteral("+49301234567")}};
    const QJsonObject session {{QStringLiteral("id"), QStringLiteral("cs_test_ann")},
                               {QStringLiteral("object"), QStringLiteral("checkout.session")},
                               {QStringLiteral("amount_total"), 1000},
                               {QStringLiteral("customer_details"), details},
                               {QStringLiteral("customer_email"), QStringLiteral("ann.lee@example.com")}};
    const QJsonObject charge {{QStringLiteral("id"), QStringLiteral("ch_ann")},
                              {QStringLiteral("amount"), 1000},
                              {QStringLiteral("billing_details"), details}};
    auto insertEvent = [&](const QString &id, const QString &type, const QJsonObject &object) {
        const QJsonObject payload {
            {QStringLiteral("id"), id},
            {QStringLiteral("type"), type},
            {QStringLiteral("data"), QJsonObject {{QStringLiteral("object"), object}}}};
        sql(QStringLiteral("INSERT INTO stripe_events (id, type, payload, payment_id, processed_at) "
                           "VALUES ('%1', '%2', '%3'::jsonb, %4, now())")
                .arg(id, type, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)))
                .arg(paymentId));
    };
    insertEvent(QStringLiteral("evt_ann_session"), QStringLiteral("checkout.session.completed"), session);
    insertEvent(QStringLiteral("evt_ann_charge"), QStringLiteral("charge.succeeded"), charge);
    sql(QStringLiteral(
            "INSERT INTO refunds (payment_id, method, status, amount_cents, currency, reason, "
            "idempotency_key, created_by, succeeded_at) VALUES (%1, 'card', 'succeeded', 300, 'EUR', "
            "'ann lee: door of AB123 scratched', 'refund-ann-1', 'staff:1', now())")
            .arg(paymentId));
    const AdminProcess::Run cancelled
        = admin({QStringLiteral("booking"), QStringLiteral("status"), QString::number(cancelledBookingId),
                 QStringLiteral("cancelled"), QStringLiteral("--reason"),
                 QStringLiteral("Ann Lee rang from %1 (%2), not coming").arg(AnnPhone, AnnEmail)});
    if (cancelled.exitCode != 0)
        qWarning("cancel failed: %s", cancelled.err.constData());
    return paymentId;
}
