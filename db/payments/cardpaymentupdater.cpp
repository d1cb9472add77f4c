#include "db/payments/cardpaymentupdater.h"
#include "db/payments/cardpaymentupdater_p.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingrepo.h"
#include "db/payments/amountdue.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/sql.h"
#include "db/text/money.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcCardPayments, "carwash.db.payments", QtWarningMsg)

using namespace CardPayments;

namespace {

// Another card payment of the booking still live (payments_one_live_card_idx).
const QString OtherLiveCardSql = QStringLiteral(
    "SELECT EXISTS (SELECT 1 FROM payments WHERE booking_id = ? AND id <> ? AND status = 'pending' "
    "AND method IN ('stripe_checkout', 'terminal'))");

} // namespace

CardPaymentUpdater::CardPaymentUpdater(QSqlDatabase &db, QString actor)
    : m_db(db)
    , m_actor(std::move(actor))
{ }

CardPaymentUpdater::Verdict CardPaymentUpdater::verdictOf(const StripeUpdate &u)
{
    switch (u.object) {
    case StripeUpdate::Object::CheckoutSession:
        if (u.eventType == u"checkout.session.async_payment_failed")
            return Verdict::Failed;
        if (u.sessionPaymentStatus == u"paid"
            || (u.sessionStatus == u"complete" && u.sessionPaymentStatus == u"no_payment_required"))
            return Verdict::Succeeded;
        if (u.sessionStatus == u"expired")
            return Verdict::Expired;
        if (u.sessionStatus == u"complete") {
            // Completed with an asynchronous method still settling; the
            // reconciler sees a failed one by its intent.
            return u.intentStatus == u"canceled" || u.intentStatus == u"requires_payment_method"
                ? Verdict::Failed
                : Verdict::Processing;
        }
        return Verdict::None;
    case StripeUpdate::Object::PaymentIntent:
        if (u.intentStatus == u"succeeded")
            return Verdict::Succeeded;
        if (u.intentStatus == u"canceled")
            return Verdict::Cancelled;
        if (u.intentStatus == u"processing" || u.intentStatus == u"requires_capture")
            return Verdict::Processing;
        if (u.eventType == u"payment_intent.payment_failed" || !u.failureMessage.isEmpty()
            || !u.failureReason.isEmpty())
            return Verdict::AttemptFailed;
        return Verdict::None;
    case StripeUpdate::Object::ReaderAction:
        if (u.readerActionStatus == u"succeeded")
            return u.intentStatus == u"succeeded" ? Verdict::Succeeded : Verdict::Processing;
        if (u.readerActionStatus == u"failed")
            return Verdict::AttemptFailed;
        return Verdict::None;
    case StripeUpdate::Object::Refund:
    case StripeUpdate::Object::Charge:
        return Verdict::None;
    }
    return Verdict::None;
}

std::optional<CardPaymentUpdater::Row> CardPaymentUpdater::lockRow(qint64 paymentId)
{
    // Booking first, then payment: the order PaymentRepo and the desk's
    // card requests lock in, so two writers never wait on each other.
    Sql::exec(m_db,
              QStringLiteral("SELECT b.id FROM bookings AS b JOIN payments AS p ON p.booking_id = b.id "
                             "WHERE p.id = ? FOR UPDATE OF b"),
              {paymentId});
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT p.id, p.booking_id, b.code, p.method, p.status, p.amount_cents, p.gross_cents, "
            "p.currency, p.stripe_checkout_session_id, p.stripe_payment_intent_id, "
            "p.stripe_terminal_reader_id, p.failure_reason "
            "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id "
            "WHERE p.id = ? FOR UPDATE OF p"),
        {paymentId});
    if (!query.next())
        return std::nullopt;
    Row row;
    row.id = query.value(0).toLongLong();
    row.bookingId = query.value(1).toLongLong();
    row.bookingCode = query.value(2).toString();
    row.method = query.value(3).toString();
    row.status = query.value(4).toString();
    row.amountCents = query.value(5).toLongLong();
    row.grossCents = query.value(6).toLongLong();
    row.currency = query.value(7).toString();
    row.sessionId = query.value(8).toString();
    row.intentId = query.value(9).toString();
    row.readerId = query.value(10).toString();
    row.failureReason = query.value(11).toString();
    return row;
}

std::optional<CardPaymentUpdater::Row> CardPaymentUpdater::lockPayment(const StripeUpdate &u)
{
    // Our id from the metadata first, then Stripe's ids as we stored them.
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT id FROM payments "
            "WHERE method IN ('stripe_checkout', 'terminal') "
            "AND (id = ? OR stripe_checkout_session_id = ? OR stripe_payment_intent_id = ?) "
            "ORDER BY (id = ?) IS TRUE DESC, (stripe_checkout_session_id = ?) IS TRUE DESC LIMIT 1"),
        {idOrNull(u.paymentId), textOrNull(u.checkoutSessionId), textOrNull(u.paymentIntentId),
         idOrNull(u.paymentId), textOrNull(u.checkoutSessionId)});
    qint64 id = query.next() ? query.value(0).toLongLong() : 0;
    if (id == 0 && !u.refunds.isEmpty()) {
        QStringList stripeIds;
        QList<qint64> ourIds;
        for (const StripeRefundUpdate &r : u.refunds) {
            if (!r.refundId.isEmpty())
                stripeIds << r.refundId;
            if (r.ourRefundId > 0)
                ourIds << r.ourRefundId;
        }
        QSqlQuery refunds = Sql::exec(
            m_db,
            QStringLiteral("SELECT payment_id FROM refunds "
                           "WHERE stripe_refund_id = ANY(string_to_array(?, ',')) OR id = ANY(?::bigint[]) "
                           "LIMIT 1"),
            {stripeIds.join(u','), Sql::idArray(ourIds)});
        if (refunds.next())
            id = refunds.value(0).toLongLong();
    }
    if (id == 0)
        return std::nullopt;
    return lockRow(id);
}

bool CardPaymentUpdater::recordStripeIds(const Row &row, const StripeUpdate &u)
{
    // Ids Stripe made after we asked (a session's intent appears when it is
    // paid), so the reconciler and later events find the payment. Never an
    // id another payment holds.
    bool changed = false;
    auto set = [&](const char *column, const QString &have, const QString &value) {
        if (!have.isEmpty() || value.isEmpty())
            return;
        const QString c = QString::fromLatin1(column);
        QSqlQuery query = Sql::exec(m_db,
                                    QStringLiteral("UPDATE payments SET %1 = ? WHERE id = ? "
                                                   "AND NOT EXISTS (SELECT 1 FROM payments WHERE %1 = ?) "
                                                   "RETURNING id")
                                        .arg(c),
                                    {value, row.id, value});
        changed = query.next() || changed;
    };
    set("stripe_checkout_session_id", row.sessionId, u.checkoutSessionId);
    set("stripe_payment_intent_id", row.intentId, u.paymentIntentId);
    if (row.method == u"terminal" && row.readerId.isEmpty() && !u.readerId.isEmpty()) {
        Sql::exec(m_db, QStringLiteral("UPDATE payments SET stripe_terminal_reader_id = ? WHERE id = ?"),
                  {u.readerId, row.id});
        changed = true;
    }
    return changed;
}

AppliedUpdate CardPaymentUpdater::apply(const StripeUpdate &u)
{
    AppliedUpdate result;
    std::optional<Row> row = lockPayment(u);
    if (!row) {
        // Kept on the event for whoever looks: a payment made outside this
        // product (Stripe's dashboard), or one whose row is gone.
        result.problem = QStringLiteral("no card payment matches payment_id %1, booking %2 (%3), session %4, "
                                        "intent %5")
                             .arg(QString::number(u.paymentId), QString::number(u.bookingId),
                                  u.bookingCode.isEmpty() ? QStringLiteral("-") : u.bookingCode,
                                  u.checkoutSessionId.isEmpty() ? QStringLiteral("-") : u.checkoutSessionId,
                                  u.paymentIntentId.isEmpty() ? QStringLiteral("-") : u.paymentIntentId);
        return result;
    }
    result.paymentId = row->id;
    result.bookingId = row->bookingId;
    bool changed = recordStripeIds(*row, u);
    bool refundsChanged = false;
    for (const StripeRefundUpdate &refund : u.refunds)
        refundsChanged = applyRefund(*row, refund, u.source()) || refundsChanged;
    if (refundsChanged)
        row = lockRow(row->id);
    changed = changed || refundsChanged;

    const QString &status = row->status;
    const bool open = status == Pending || status == Processing;
    switch (verdictOf(u)) {
    case Verdict::None:
        break;
    case Verdict::Succeeded:
        if (status != Succeeded && status != Refunded) {
            succeed(*row, u);
            changed = true;
        }
        break;
    case Verdict::Processing:
        if (status == Pending) {
            setStatus(*row, Processing, QString(), u.source(), u.eventType);
            changed = true;
        }
        break;
    case Verdict::Failed:
    case Verdict::Cancelled:
    case Verdict::Expired: {
        if (!open)
            break;
        const Verdict v = verdictOf(u);
        const QString to = v == Verdict::Failed ? QStringLiteral("failed")
            : v == Verdict::Cancelled           ? QStringLiteral("cancelled")
                                                : QStringLiteral("expired");
        setStatus(*row, to,
                  v == Verdict::Failed ? u.failureMessage.isEmpty() ? u.failureReason : u.failureMessage
                                       : QString(),
                  u.source(), u.eventType);
        changed = true;
        break;
    }
    case Verdict::AttemptFailed: {
        // Not final: Stripe lets the customer try again on the same intent.
        const QString reason = u.failureMessage.isEmpty() ? u.failureReason : u.failureMessage;
        if (!open || reason.isEmpty() || reason == row->failureReason)
            break;
        Sql::exec(m_db, QStringLiteral("UPDATE payments SET failure_reason = ? WHERE id = ?"),
                  {reason, row->id});
        audit(row->bookingId, QStringLiteral("payment.attempt_failed"),
              {{QStringLiteral("code"), row->bookingCode},
               {QStringLiteral("payment_id"), row->id},
               {QStringLiteral("method"), row->method},
               {QStringLiteral("reason"), reason},
               {QStringLiteral("source"), u.source()},
               {QStringLiteral("event_type"), u.eventType}});
        changed = true;
        break;
    }
    }
    if (changed)
        notifyChanged(row->id);
    result.changed = changed;
    result.paymentStatus
        = Sql::scalar(m_db, QStringLiteral("SELECT status FROM payments WHERE id = ?"), {row->id}).toString();
    return result;
}

void CardPaymentUpdater::setStatus(const Row &row, const QString &to, const QString &reason,
                                   const QString &source, const QString &eventType)
{
    Sql::exec(m_db,
              QStringLiteral("UPDATE payments SET status = ?, failure_reason = COALESCE(?, failure_reason) "
                             "WHERE id = ?"),
              {to, textOrNull(reason), row.id});
    QJsonObject details {{QStringLiteral("code"), row.bookingCode},
                         {QStringLiteral("payment_id"), row.id},
                         {QStringLiteral("method"), row.method},
                         {QStringLiteral("from"), row.status},
                         {QStringLiteral("to"), to},
                         {QStringLiteral("source"), source},
                         {QStringLiteral("event_type"), eventType}};
    if (!reason.isEmpty())
        details.insert(QStringLiteral("reason"), reason);
    audit(row.bookingId, QStringLiteral("payment.%1").arg(to), details);
}

bool CardPaymentUpdater::failPayment(qint64 paymentId, const QString &reason, const QString &source)
{
    const std::optional<Row> row = lockRow(paymentId);
    if (!row || (row->status != Pending && row->status != Processing))
        return false;
    setStatus(*row, QStringLiteral("failed"), reason, source, QString());
    return true;
}

void CardPaymentUpdater::succeed(const Row &row, const StripeUpdate &u)
{
    // The charge (rate, net, tax, gross) was fixed on the row when the card
    // payment was asked for, from the booking under its lock, like cash;
    // the success makes it the booking's recorded charge.
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("UPDATE payments SET status = 'succeeded', paid_at = now() "
                                   "WHERE id = ? "
                                   "RETURNING tax_rate_basis_points, prices_include_tax, tax_cents"),
                    {row.id});
    query.next();
    QJsonObject details {{QStringLiteral("code"), row.bookingCode},
                         {QStringLiteral("payment_id"), row.id},
                         {QStringLiteral("method"), row.method},
                         {QStringLiteral("from"), row.status},
                         {QStringLiteral("amount_cents"), row.amountCents},
                         {QStringLiteral("currency"), row.currency},
                         {QStringLiteral("tax_rate_basis_points"), query.value(0).toInt()},
                         {QStringLiteral("prices_include_tax"), query.value(1).toBool()},
                         {QStringLiteral("tax_cents"), query.value(2).toLongLong()},
                         {QStringLiteral("source"), u.source()},
                         {QStringLiteral("event_type"), u.eventType}};
    if (u.amountCents && *u.amountCents != row.amountCents) {
        // Stripe charged what we asked for (line items from this row); a
        // difference is worth a look, never a reason to drop the money.
        qCWarning(lcCardPayments) << "payment" << row.id << "amount" << row.amountCents << "but Stripe says"
                                  << *u.amountCents;
        details.insert(QStringLiteral("stripe_amount_cents"), *u.amountCents);
    }
    audit(row.bookingId, QStringLiteral("payment.succeeded"), details);
    cancelOtherLiveCard(row);
    confirmBooking(row, u.source());
}

void CardPaymentUpdater::cancelOtherLiveCard(const Row &row)
{
    // Only one way of paying is live: a reader payment or Checkout link of
    // the booking still open would let the customer pay twice. Cancelled as
    // the desk cancels it (a create not yet sent never reaches Stripe; one
    // sent gets a 'cancel' request), before any automatic refund, so the
    // locks go booking, payments, refunds. Money that comes on it anyway is
    // refunded as a duplicate. Nearly every success has no other: one look
    // through the live-card index first, before reading what is owed.
    if (!Sql::scalar(m_db, OtherLiveCardSql, {row.bookingId, row.id}).toBool())
        return;
    const DbResult<AmountDue> owed = PaymentRepo(m_db).lockDue(row.bookingId);
    if (!owed.ok() || owed.value().dueCents > 0)
        return;
    const QList<qint64> cancelled = CardPaymentRequests(m_db).cancelLiveCard(
        owed.value(), m_actor, QStringLiteral("paid by card another way"));
    for (const qint64 id : cancelled)
        notifyChanged(id);
}

void CardPaymentUpdater::confirmBooking(const Row &row, const QString &source)
{
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral(
            "SELECT status, booking_status_now(status, hold_expires_at) FROM bookings WHERE id = ?"),
        {row.bookingId});
    query.next();
    const QString stored = query.value(0).toString();
    const QString now = query.value(1).toString();
    const QString money = Money::format(row.amountCents, row.currency);
    auto record = [&](const QString &reason) {
        AuditLog::write(m_db, m_actor, QStringLiteral("booking.status"), QStringLiteral("booking"),
                        QString::number(row.bookingId),
                        {{QStringLiteral("code"), row.bookingCode},
                         {QStringLiteral("from"), stored},
                         {QStringLiteral("to"), QStringLiteral("confirmed")},
                         {QStringLiteral("reason"), reason},
                         {QStringLiteral("payment_id"), row.id},
                         {QStringLiteral("source"), source}});
    };
    const QString confirm
        = QStringLiteral("UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL WHERE id = ?");
    if (now == u"held") {
        Sql::exec(m_db, confirm, {row.bookingId});
        record(QStringLiteral("paid by card"));
        return;
    }
    if (now == u"expired") {
        // The hold ended before the money came. Its slot may still be free:
        // making the booking active again meets the exclusion constraint,
        // which says whether another booking took it (23P01). A savepoint,
        // so losing leaves the transaction usable.
        Sql::exec(m_db, QStringLiteral("SAVEPOINT carwash_confirm"));
        try {
            Sql::exec(m_db, confirm, {row.bookingId});
            Sql::exec(m_db, QStringLiteral("RELEASE SAVEPOINT carwash_confirm"));
            record(QStringLiteral("paid by card after the hold ended; the slot was still free"));
        } catch (const DbException &e) {
            if (e.error().kind() != DbError::Kind::SlotTaken)
                throw;
            Sql::exec(m_db, QStringLiteral("ROLLBACK TO SAVEPOINT carwash_confirm"));
            Sql::exec(m_db, QStringLiteral("RELEASE SAVEPOINT carwash_confirm"));
            automaticRefund(row, QStringLiteral("slot_taken"), row.amountCents,
                            tr("%1 was paid by card for booking %2 after its hold ended, and another booking "
                               "had taken the slot meanwhile. The payment is being refunded automatically; "
                               "offer the customer another time.")
                                .arg(money, row.bookingCode),
                            source);
        }
        return;
    }
    if (now == u"cancelled" || now == u"no_show") {
        const QString attention = tr("%1 was paid by card for booking %2 after it was cancelled or marked a "
                                     "no-show. Refund it if the customer is not coming.")
                                      .arg(money, row.bookingCode);
        Sql::exec(m_db, QStringLiteral("UPDATE payments SET attention = ? WHERE id = ?"),
                  {attention, row.id});
        audit(row.bookingId, QStringLiteral("payment.attention"),
              {{QStringLiteral("code"), row.bookingCode},
               {QStringLiteral("payment_id"), row.id},
               {QStringLiteral("attention"), attention},
               {QStringLiteral("source"), source}});
        return;
    }
    // Confirmed or further along: paid already another way (cash, or the
    // other card payment) means this money is more than the booking costs.
    const qint64 others = Sql::scalar(m_db,
                                      QStringLiteral("SELECT COALESCE(sum(amount_cents - refunded_cents), 0) "
                                                     "FROM payments WHERE booking_id = ? AND id <> ? "
                                                     "AND status IN ('succeeded', 'refunded')"),
                                      {row.bookingId, row.id})
                              .toLongLong();
    const qint64 surplus = qMin(row.amountCents, others + row.amountCents - row.grossCents);
    if (surplus > 0) {
        automaticRefund(row, QStringLiteral("duplicate"), surplus,
                        tr("Booking %1 was paid twice. %2 of the card payment is being refunded "
                           "automatically.")
                            .arg(row.bookingCode, Money::format(surplus, row.currency)),
                        source);
    }
}

void CardPaymentUpdater::notifyChanged(qint64 paymentId)
{
    QSqlQuery query = Sql::exec(m_db, QStringLiteral("SELECT booking_id, status FROM payments WHERE id = ?"),
                                {paymentId});
    if (!query.next())
        return;
    const qint64 bookingId = query.value(0).toLongLong();
    const QJsonObject payload {{QStringLiteral("payment_id"), paymentId},
                               {QStringLiteral("booking_id"), bookingId},
                               {QStringLiteral("status"), query.value(1).toString()}};
    Sql::exec(m_db, QStringLiteral("SELECT pg_notify('payments_changed', ?)"),
              {QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact))});
    BookingRepo bookings(m_db);
    if (const std::optional<Booking> booking = bookings.byId(bookingId))
        bookings.notifyChanged(*booking);
}

void CardPaymentUpdater::audit(qint64 bookingId, const QString &action, QJsonObject details)
{
    AuditLog::write(m_db, m_actor, action, QStringLiteral("booking"), QString::number(bookingId), details);
}
