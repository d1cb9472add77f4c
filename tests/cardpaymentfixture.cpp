#include "tests/cardpaymentfixture.h"

#include "db/calendar/settingsrepo.h"
#include "db/payments/taxamounts.h"
#include "db/pool/sql.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

qint64 CardPaymentFixture::heldBooking(const QString &localTime, const QString &plate,
                                       const QList<qint64> &addons)
{
    BookingRequest r = request(m_f.wash, localTime, plate);
    r.slot.bayId = m_f.lane1;
    r.slot.addonIds = addons;
    r.hold = true;
    r.actor = QStringLiteral("kiosk");
    const BookingOutcome outcome = book(r);
    if (outcome.booking.status != u"held")
        qWarning("no hold at %s", qPrintable(localTime));
    return outcome.booking.id;
}

void CardPaymentFixture::setTax(const QString &percent, bool pricesIncludeTax)
{
    sql(QStringLiteral(
            "INSERT INTO site_settings (key, value) VALUES ('billing.tax_rate_percent', '%1'), "
            "('billing.prices_include_tax', '%2') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
            .arg(percent, pricesIncludeTax ? QStringLiteral("true") : QStringLiteral("false")));
}

qint64 CardPaymentFixture::cardPayment(qint64 bookingId, const QString &method, const QString &tag)
{
    auto id = run(QStringLiteral("test.card_payment"), [=](QSqlDatabase &db) {
        const SiteSettings settings = SettingsRepo(db).load();
        QSqlQuery query = Sql::exec(
            db, QStringLiteral("SELECT price_cents, currency FROM bookings WHERE id = ?"), {bookingId});
        query.next();
        const TaxAmounts charge = TaxAmounts::compute(query.value(0).toLongLong(),
                                                      settings.taxRateBasisPoints, settings.pricesIncludeTax);
        const QVariant none(QMetaType::fromType<QString>());
        return Sql::scalar(
                   db,
                   QStringLiteral("INSERT INTO payments (booking_id, method, amount_cents, currency, "
                                  "stripe_checkout_session_id, stripe_payment_intent_id, idempotency_key, "
                                  "created_by, tax_rate_basis_points, prices_include_tax, net_cents, "
                                  "tax_cents, gross_cents) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, 'kiosk', ?, ?, ?, ?, ?) RETURNING id"),
                   {bookingId, method, charge.totalCents, query.value(1).toString(),
                    tag.isEmpty() || method != u"stripe_checkout" ? none
                                                                  : QVariant(QStringLiteral("cs_") + tag),
                    tag.isEmpty() ? none : QVariant(QStringLiteral("pi_") + tag),
                    QStringLiteral("payment-%1-%2-%3").arg(bookingId).arg(method, tag),
                    settings.taxRateBasisPoints, settings.pricesIncludeTax, charge.netCents, charge.taxCents,
                    charge.totalCents})
            .toLongLong();
    });
    if (!id.ok())
        qWarning("%s", describe(id).constData());
    return id.ok() ? id.value() : 0;
}

StripeUpdate CardPaymentFixture::session(qint64 paymentId, const QString &tag, const QString &status,
                                         const QString &paymentStatus) const
{
    StripeUpdate u;
    u.object = StripeUpdate::Object::CheckoutSession;
    u.paymentId = paymentId;
    u.checkoutSessionId = QStringLiteral("cs_") + tag;
    if (paymentStatus == u"paid")
        u.paymentIntentId = QStringLiteral("pi_") + tag;
    u.sessionStatus = status;
    u.sessionPaymentStatus = paymentStatus;
    return u;
}

StripeUpdate CardPaymentFixture::paidSession(qint64 paymentId, const QString &tag) const
{
    return session(paymentId, tag, QStringLiteral("complete"), QStringLiteral("paid"));
}

StripeUpdate CardPaymentFixture::intent(qint64 paymentId, const QString &tag, const QString &status) const
{
    StripeUpdate u;
    u.object = StripeUpdate::Object::PaymentIntent;
    u.paymentId = paymentId;
    u.paymentIntentId = QStringLiteral("pi_") + tag;
    u.intentStatus = status;
    return u;
}

StripeUpdate CardPaymentFixture::readerAction(qint64 paymentId, const QString &tag,
                                              const QString &actionStatus, const QString &intentStatus,
                                              const QString &failure) const
{
    StripeUpdate u;
    u.object = StripeUpdate::Object::ReaderAction;
    u.paymentId = paymentId;
    u.paymentIntentId = QStringLiteral("pi_") + tag;
    u.readerId = QStringLiteral("tmr_") + tag;
    u.readerActionStatus = actionStatus;
    u.intentStatus = intentStatus;
    u.failureMessage = failure;
    return u;
}

StripeEventOutcome CardPaymentFixture::deliver(const QString &eventId, const QString &type,
                                               const StripeUpdate &update)
{
    const QByteArray payload = QJsonDocument(QJsonObject {{QStringLiteral("id"), eventId},
                                                          {QStringLiteral("object"), QStringLiteral("event")},
                                                          {QStringLiteral("type"), type}})
                                   .toJson(QJsonDocument::Compact);
    auto outcome = run(QStringLiteral("stripe.event"), [=](QSqlDatabase &db) {
        return StripeEventRepo(db).receive(eventId, type, payload, update);
    });
    if (!outcome.ok())
        qWarning("%s", describe(outcome).constData());
    return outcome.ok() ? outcome.value() : StripeEventOutcome {};
}

StripeEventOutcome CardPaymentFixture::reconcile(const StripeUpdate &update)
{
    auto outcome = run(QStringLiteral("stripe.reconcile"),
                       [=](QSqlDatabase &db) { return StripeEventRepo(db).applyReconciled(update); });
    if (!outcome.ok())
        qWarning("%s", describe(outcome).constData());
    return outcome.ok() ? outcome.value() : StripeEventOutcome {};
}

qint64 CardPaymentFixture::count(const QString &statement)
{
    return value(statement).toLongLong();
}

QString CardPaymentFixture::text(const QString &statement)
{
    return value(statement).toString();
}

QString CardPaymentFixture::paymentStatus(qint64 paymentId)
{
    return text(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(paymentId));
}

QString CardPaymentFixture::bookingStatus(qint64 bookingId)
{
    return text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(bookingId));
}

qint64 CardPaymentFixture::audits(qint64 bookingId, const QString &action)
{
    return count(
        QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                       "AND action = '%2'")
            .arg(bookingId)
            .arg(action));
}
