#include "db/payments/paymentrepo.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace {

// Rows of the payments list and the receipt, with the name of the staff
// member who took each.
const QString PaymentSelectSql = QStringLiteral(R"(
SELECT p.id, p.booking_id, p.method, p.status, p.amount_cents, p.refunded_cents, p.tendered_cents,
       p.currency, p.created_by, s.name,
       (extract(epoch FROM p.paid_at) * 1000)::bigint,
       (extract(epoch FROM p.created_at) * 1000)::bigint,
       p.tax_rate_basis_points, p.prices_include_tax, p.net_cents, p.tax_cents, p.gross_cents,
       p.stripe_checkout_session_id, p.stripe_payment_intent_id, p.stripe_terminal_reader_id,
       p.checkout_url, (extract(epoch FROM p.checkout_expires_at) * 1000)::bigint, p.failure_reason,
       p.attention
  FROM payments AS p
  LEFT JOIN staff AS s ON p.created_by = 'staff:' || s.id
 WHERE %1
 ORDER BY p.created_at, p.id)");

// Amounts in messages as the person reading them writes amounts ("$12.50",
// "12,50 €"), like every other amount on their screen.
QString amountText(qint64 cents, const QString &currency)
{
    return Money::format(cents, currency);
}

QList<Payment> readPayments(QSqlQuery &query, const QTimeZone &zone)
{
    QList<Payment> payments;
    while (query.next()) {
        Payment p;
        p.id = query.value(0).toLongLong();
        p.bookingId = query.value(1).toLongLong();
        p.method = query.value(2).toString();
        p.status = query.value(3).toString();
        p.amountCents = query.value(4).toLongLong();
        p.refundedCents = query.value(5).toLongLong();
        if (!query.value(6).isNull())
            p.tenderedCents = query.value(6).toLongLong();
        p.currency = query.value(7).toString();
        p.createdBy = query.value(8).toString();
        p.createdByName = query.value(9).toString();
        if (!query.value(10).isNull())
            p.paidAt = IsoTime::fromEpochMs(query.value(10).toLongLong(), zone);
        p.createdAt = IsoTime::fromEpochMs(query.value(11).toLongLong(), zone);
        p.taxRateBasisPoints = query.value(12).toInt();
        p.pricesIncludeTax = query.value(13).toBool();
        p.charged.netCents = query.value(14).toLongLong();
        p.charged.taxCents = query.value(15).toLongLong();
        p.charged.totalCents = query.value(16).toLongLong();
        p.stripeCheckoutSessionId = query.value(17).toString();
        p.stripePaymentIntentId = query.value(18).toString();
        p.stripeReaderId = query.value(19).toString();
        p.checkoutUrl = query.value(20).toString();
        if (!query.value(21).isNull())
            p.checkoutExpiresAt = IsoTime::fromEpochMs(query.value(21).toLongLong(), zone);
        p.failureReason = query.value(22).toString();
        p.attention = query.value(23).toString();
        payments.append(p);
    }
    return payments;
}

// What a booking is charged, with the tax in it.
struct Charge
{
    int taxRateBasisPoints = 0;
    bool pricesIncludeTax = true;
    TaxAmounts amounts;
    bool recorded = false; // from a payment rather than the settings in force
};

// Once money has been taken, the booking's charge is what its latest
// succeeded payment recorded: changing the tax settings afterwards must not
// change what the customer paid. Before that (or when every payment was
// refunded or failed), its price under the settings in force. payments in
// the order PaymentSelectSql gives them.
Charge chargeOf(qint64 priceCents, const QList<Payment> &payments, const SiteSettings &settings)
{
    for (auto p = payments.crbegin(); p != payments.crend(); ++p) {
        if (!p->succeeded())
            continue;
        // The price the charge was worked out from: the gross when prices
        // include the tax, the net when it is added on top.
        const qint64 chargedPrice = p->pricesIncludeTax ? p->charged.totalCents : p->charged.netCents;
        if (chargedPrice == priceCents)
            return {p->taxRateBasisPoints, p->pricesIncludeTax, p->charged, true};
        // Nothing changes a paid booking's price today; should something,
        // the new price is owed with the tax the booking was paid under,
        // rather than the difference going unnoticed.
        return {p->taxRateBasisPoints, p->pricesIncludeTax,
                TaxAmounts::compute(priceCents, p->taxRateBasisPoints, p->pricesIncludeTax), true};
    }
    return {settings.taxRateBasisPoints, settings.pricesIncludeTax,
            TaxAmounts::compute(priceCents, settings.taxRateBasisPoints, settings.pricesIncludeTax), false};
}

qint64 paidCents(const QList<Payment> &payments)
{
    qint64 paid = 0;
    for (const Payment &p : payments) {
        if (p.succeeded())
            paid += p.amountCents - p.refundedCents;
    }
    return paid;
}

} // namespace

PaymentRepo::PaymentRepo(QSqlDatabase &db)
    : m_db(db)
{ }

DbResult<AmountDue> PaymentRepo::lockDue(qint64 bookingId)
{
    AmountDue due;
    due.bookingId = bookingId;
    {
        // FOR UPDATE: a second desk (or a double click) paying the same
        // booking waits here, then finds it paid.
        QSqlQuery query = Sql::exec(
            m_db,
            QStringLiteral("SELECT booking_status_now(status, hold_expires_at), code, price_cents, currency "
                           "FROM bookings WHERE id = ? FOR UPDATE"),
            {bookingId});
        if (!query.next())
            return DbError(DbError::Kind::NotFound, tr("There is no booking with ID %1.").arg(bookingId));
        due.status = query.value(0).toString();
        due.code = query.value(1).toString();
        due.priceCents = query.value(2).toLongLong();
        due.currency = query.value(3).toString();
    }
    const SiteSettings settings = SettingsRepo(m_db).load();
    {
        QSqlQuery query
            = Sql::exec(m_db, PaymentSelectSql.arg(QStringLiteral("p.booking_id = ?")), {bookingId});
        due.payments = readPayments(query, settings.timeZone);
    }
    // The tax is fixed here, under the booking's row lock, and written with
    // the payment: the receipt prints it from there ever after.
    const Charge charge = chargeOf(due.priceCents, due.payments, settings);
    due.taxRateBasisPoints = charge.taxRateBasisPoints;
    due.pricesIncludeTax = charge.pricesIncludeTax;
    due.charge = charge.amounts;
    due.paidCents = paidCents(due.payments);
    due.dueCents = charge.amounts.totalCents - due.paidCents;
    return due;
}

std::optional<Payment> PaymentRepo::byId(qint64 paymentId)
{
    const QTimeZone zone = SettingsRepo(m_db).load().timeZone;
    QSqlQuery query = Sql::exec(m_db, PaymentSelectSql.arg(QStringLiteral("p.id = ?")), {paymentId});
    const QList<Payment> payments = readPayments(query, zone);
    if (payments.isEmpty())
        return std::nullopt;
    return payments.first();
}

DbResult<Payment> PaymentRepo::recordCash(qint64 bookingId, qint64 tenderedCents, const QString &actor)
{
    if (tenderedCents < 0)
        return DbError(DbError::Kind::Invalid, tr("The amount tendered cannot be negative."));

    Transaction tx(m_db);
    const DbResult<AmountDue> locked = lockDue(bookingId);
    if (!locked.ok())
        return locked.error();
    const AmountDue &owed = locked.value();
    const QString &status = owed.status;
    const QString &code = owed.code;
    const QString &currency = owed.currency;
    if (!BookingDetails::acceptsPayment(status))
        return DbError(
            DbError::Kind::Invalid,
            tr("Booking %1 cannot be paid: its status is %2.").arg(code, BookingWords::status(status)));
    const Charge charge {owed.taxRateBasisPoints, owed.pricesIncludeTax, owed.charge, false};
    const qint64 due = owed.dueCents;
    if (due <= 0)
        return DbError(DbError::Kind::Invalid, tr("Booking %1 is already paid; nothing is due.").arg(code));
    if (tenderedCents < due)
        return DbError(DbError::Kind::Invalid,
                       tr("%1 was tendered, but %2 is due for booking %3.")
                           .arg(amountText(tenderedCents, currency), amountText(due, currency), code));

    // Only one way of paying is live: a Checkout link or reader payment still
    // waiting is cancelled (at Stripe too, by carwash-server), so the
    // customer cannot pay twice.
    CardPaymentRequests(m_db).cancelLiveCard(owed, actor, QStringLiteral("paid in cash"));

    const qint64 paymentId
        = Sql::scalar(m_db,
                      QStringLiteral("INSERT INTO payments (booking_id, method, status, amount_cents, "
                                     "tendered_cents, currency, created_by, paid_at, tax_rate_basis_points, "
                                     "prices_include_tax, net_cents, tax_cents, gross_cents) "
                                     "VALUES (?, 'cash', 'succeeded', ?, ?, ?, ?, now(), ?, ?, ?, ?, ?) "
                                     "RETURNING id"),
                      {bookingId, due, tenderedCents, currency, actor, charge.taxRateBasisPoints,
                       charge.pricesIncludeTax, charge.amounts.netCents, charge.amounts.taxCents,
                       charge.amounts.totalCents})
              .toLongLong();
    if (status == u"held") {
        // Paid at the desk: the kiosk's hold is what it was waiting for.
        Sql::exec(m_db, QStringLiteral("UPDATE bookings SET status = 'confirmed' WHERE id = ?"), {bookingId});
        AuditLog::write(m_db, actor, QStringLiteral("booking.status"), QStringLiteral("booking"),
                        QString::number(bookingId),
                        {{QStringLiteral("code"), code},
                         {QStringLiteral("from"), QStringLiteral("held")},
                         {QStringLiteral("to"), QStringLiteral("confirmed")},
                         {QStringLiteral("reason"), QStringLiteral("paid in cash")}});
    }
    AuditLog::write(m_db, actor, QStringLiteral("payment.cash"), QStringLiteral("booking"),
                    QString::number(bookingId),
                    {{QStringLiteral("code"), code},
                     {QStringLiteral("payment_id"), paymentId},
                     {QStringLiteral("amount_cents"), due},
                     {QStringLiteral("tendered_cents"), tenderedCents},
                     {QStringLiteral("change_cents"), tenderedCents - due},
                     {QStringLiteral("currency"), currency},
                     {QStringLiteral("tax_rate_basis_points"), charge.taxRateBasisPoints},
                     {QStringLiteral("prices_include_tax"), charge.pricesIncludeTax},
                     {QStringLiteral("tax_cents"), charge.amounts.taxCents}});

    BookingRepo bookings(m_db);
    const std::optional<Booking> booking = bookings.byId(bookingId);
    bookings.notifyChanged(*booking);
    const Payment payment = *byId(paymentId);
    tx.commit();
    return payment;
}

QList<Payment> PaymentRepo::forBooking(qint64 bookingId)
{
    const QTimeZone zone = SettingsRepo(m_db).load().timeZone;
    QSqlQuery query = Sql::exec(m_db, PaymentSelectSql.arg(QStringLiteral("p.booking_id = ?")), {bookingId});
    return readPayments(query, zone);
}

DbResult<BookingDetails> PaymentRepo::details(qint64 bookingId)
{
    // Read only, statement by statement: a change committing in between
    // shows on the next reload, which its notification triggers.
    const SiteSettings settings = SettingsRepo(m_db).load();
    const std::optional<Booking> booking = BookingRepo(m_db).byId(bookingId);
    if (!booking)
        return DbError(DbError::Kind::NotFound, tr("There is no booking with ID %1.").arg(bookingId));
    BookingDetails details;
    details.booking = *booking;
    {
        QSqlQuery query
            = Sql::exec(m_db, PaymentSelectSql.arg(QStringLiteral("p.booking_id = ?")), {bookingId});
        details.payments = readPayments(query, settings.timeZone);
    }
    const Charge charge = chargeOf(booking->priceCents, details.payments, settings);
    details.taxRateBasisPoints = charge.taxRateBasisPoints;
    details.pricesIncludeTax = charge.pricesIncludeTax;
    details.amounts = charge.amounts;
    details.chargeRecorded = charge.recorded;
    details.paidCents = paidCents(details.payments);
    QSqlQuery query = Sql::exec(m_db,
                                QStringLiteral("SELECT (extract(epoch FROM a.at) * 1000)::bigint, a.actor, "
                                               "s.name, a.action, a.details::text "
                                               "FROM audit_log AS a "
                                               "LEFT JOIN staff AS s ON a.actor = 'staff:' || s.id "
                                               "WHERE a.entity = 'booking' AND a.entity_id = ? "
                                               "ORDER BY a.at, a.id"),
                                {QString::number(bookingId)});
    while (query.next()) {
        AuditEntry entry;
        entry.at = IsoTime::fromEpochMs(query.value(0).toLongLong(), settings.timeZone);
        entry.actor = query.value(1).toString();
        entry.actorName = query.value(2).toString();
        entry.action = query.value(3).toString();
        entry.details = QJsonDocument::fromJson(query.value(4).toString().toUtf8()).object();
        details.history.append(entry);
    }
    return details;
}

DbResult<Receipt> PaymentRepo::receipt(qint64 bookingId)
{
    const DbResult<BookingDetails> loaded = details(bookingId);
    if (!loaded.ok())
        return loaded.error();
    const BookingDetails &d = loaded.value();
    const SiteSettings settings = SettingsRepo(m_db).load();
    Receipt r;
    r.siteName = settings.siteName;
    r.siteAddress = settings.siteAddress;
    r.timeZone = settings.timeZone;
    r.issuedAt = IsoTime::fromEpochMs(
        Sql::scalar(m_db, QStringLiteral("SELECT (extract(epoch FROM now()) * 1000)::bigint")).toLongLong(),
        settings.timeZone);
    const Booking &b = d.booking;
    r.bookingId = b.id;
    r.code = b.code;
    r.status = b.status;
    r.start = b.start;
    r.end = b.end;
    r.bayName = b.bay.name;
    r.vehicleClass = b.vehicleClass;
    r.plate = b.plate;
    r.customerName = b.customerName;
    qint64 addonCents = 0;
    for (const BookedAddon &a : b.addons) {
        r.addons.append({a.name, a.priceCents});
        addonCents += a.priceCents;
    }
    // The booking's price is the service's price then plus the add-ons'.
    r.service = {b.serviceName, b.priceCents - addonCents};
    r.currency = b.currency;
    r.taxRateBasisPoints = d.taxRateBasisPoints;
    r.pricesIncludeTax = d.pricesIncludeTax;
    r.amounts = d.amounts;
    r.chargeRecorded = d.chargeRecorded;
    for (const Payment &p : d.payments) {
        if (p.succeeded())
            r.payments.append(p);
    }
    // Printed in the currency the customer paid in.
    if (r.chargeRecorded)
        r.currency = r.payments.constLast().currency;
    r.paidCents = d.paidCents;
    if (!r.payments.isEmpty() && !r.payments.last().createdByName.isEmpty()) {
        r.servedBy = r.payments.last().createdByName;
    } else {
        QSqlQuery query = Sql::exec(m_db, QStringLiteral("SELECT name FROM staff WHERE 'staff:' || id = ?"),
                                    {b.createdBy});
        if (query.next())
            r.servedBy = query.value(0).toString();
    }
    return r;
}

QString PaymentRepo::recomputeRefunded(qint64 paymentId)
{
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "UPDATE payments AS p SET refunded_cents = LEAST(p.amount_cents, s.total), "
            "status = CASE WHEN p.status NOT IN ('succeeded', 'refunded') THEN p.status "
            "WHEN s.total >= p.amount_cents AND p.amount_cents > 0 THEN 'refunded' ELSE 'succeeded' END "
            "FROM (SELECT COALESCE(sum(amount_cents), 0) AS total FROM refunds "
            "WHERE payment_id = ? AND status = 'succeeded') AS s "
            "WHERE p.id = ? RETURNING p.status"),
        {paymentId, paymentId});
    query.next();
    return query.value(0).toString();
}
