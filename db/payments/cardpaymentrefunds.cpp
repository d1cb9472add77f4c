// CardPaymentRequests' refunds: cash given back at once, card refunds asked
// of carwash-server. The rest of the class is in cardpaymentrequests.cpp.
#include "db/payments/cardpaymentrequests.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/sql.h"
#include "db/text/money.h"

#include <QHash>
#include <QSqlQuery>

#include <algorithm>

namespace {

// A payment money can still go back to, and how much.
struct Refundable
{
    Payment payment;
    qint64 leftCents = 0;
};

bool refundableMethod(const QString &method)
{
    return method == u"cash" || method == u"stripe_checkout" || method == u"terminal";
}

} // namespace

DbResult<RefundOutcome> CardPaymentRequests::refundBooking(qint64 bookingId,
                                                           std::optional<qint64> amountCents,
                                                           const QString &reason, const QString &actor,
                                                           bool cardAllowed)
{
    Transaction tx(m_db);
    const DbResult<AmountDue> locked = PaymentRepo(m_db).lockDue(bookingId);
    if (!locked.ok())
        return locked.error();
    DbResult<RefundOutcome> outcome = refund(locked.value(), 0, amountCents, reason, actor, cardAllowed);
    if (outcome.ok() && !outcome->blockedForCard)
        tx.commit();
    return outcome;
}

DbResult<RefundOutcome> CardPaymentRequests::refundPayment(qint64 paymentId,
                                                           std::optional<qint64> amountCents,
                                                           const QString &reason, const QString &actor,
                                                           bool cardAllowed)
{
    Transaction tx(m_db);
    QSqlQuery owner
        = Sql::exec(m_db, QStringLiteral("SELECT booking_id FROM payments WHERE id = ?"), {paymentId});
    if (!owner.next())
        return DbError(DbError::Kind::NotFound, tr("There is no payment with ID %1.").arg(paymentId));
    const DbResult<AmountDue> locked = PaymentRepo(m_db).lockDue(owner.value(0).toLongLong());
    if (!locked.ok())
        return locked.error();
    DbResult<RefundOutcome> outcome
        = refund(locked.value(), paymentId, amountCents, reason, actor, cardAllowed);
    if (outcome.ok() && !outcome->blockedForCard)
        tx.commit();
    return outcome;
}

DbResult<RefundOutcome> CardPaymentRequests::refund(const AmountDue &owed, qint64 onlyPaymentId,
                                                    std::optional<qint64> amountCents, const QString &reason,
                                                    const QString &actor, bool cardAllowed)
{
    if (amountCents && *amountCents <= 0)
        return DbError(DbError::Kind::Invalid, tr("A refund must be more than nothing."));

    // Refunds still with the server count as given back already.
    QHash<qint64, qint64> pending;
    {
        QSqlQuery q
            = Sql::exec(m_db,
                        QStringLiteral("SELECT r.payment_id, sum(r.amount_cents)::bigint FROM refunds AS r "
                                       "JOIN payments AS p ON p.id = r.payment_id "
                                       "WHERE p.booking_id = ? AND r.status = 'pending' GROUP BY 1"),
                        {owed.bookingId});
        while (q.next())
            pending.insert(q.value(0).toLongLong(), q.value(1).toLongLong());
    }
    QList<Refundable> sources;
    for (const Payment &p : owed.payments) {
        if (onlyPaymentId && p.id != onlyPaymentId)
            continue;
        if (!p.succeeded() || !refundableMethod(p.method))
            continue;
        const qint64 left = p.amountCents - p.refundedCents - pending.value(p.id);
        if (left > 0)
            sources.append({p, left});
    }
    // The newest card payment first, then cash, newest first.
    std::sort(sources.begin(), sources.end(), [](const Refundable &a, const Refundable &b) {
        if (a.payment.isCard() != b.payment.isCard())
            return a.payment.isCard();
        if (a.payment.paidAt != b.payment.paidAt)
            return a.payment.paidAt > b.payment.paidAt;
        return a.payment.id > b.payment.id;
    });
    qint64 leftCents = 0;
    for (const Refundable &s : sources)
        leftCents += s.leftCents;
    if (leftCents == 0) {
        const bool anythingPaid
            = std::any_of(owed.payments.cbegin(), owed.payments.cend(),
                          [](const Payment &p) { return p.succeeded() || p.status == u"refunded"; });
        if (!anythingPaid)
            return DbError(
                DbError::Kind::Invalid,
                tr("Nothing was paid for booking %1, so there is nothing to refund.").arg(owed.code));
        if (onlyPaymentId)
            return DbError(DbError::Kind::Invalid,
                           tr("Nothing is left to refund of payment %1.").arg(onlyPaymentId));
        return DbError(DbError::Kind::Invalid, tr("Nothing is left to refund on booking %1.").arg(owed.code));
    }
    const QString currency = sources.first().payment.currency;
    const qint64 wanted = amountCents.value_or(leftCents);
    if (wanted > leftCents)
        return DbError(
            DbError::Kind::Invalid,
            tr("%1 is more than is left to refund on booking %2: at most %3.")
                .arg(Money::format(wanted, currency), owed.code, Money::format(leftCents, currency)));

    RefundOutcome outcome;
    outcome.currency = currency;
    qint64 toGo = wanted;
    for (const Refundable &s : std::as_const(sources)) {
        if (toGo == 0)
            break;
        RefundPart part;
        part.paymentId = s.payment.id;
        part.method = s.payment.isCard() ? QStringLiteral("card") : QStringLiteral("cash");
        part.amountCents = std::min(toGo, s.leftCents);
        part.currency = s.payment.currency;
        toGo -= part.amountCents;
        outcome.parts.append(part);
        outcome.totalCents += part.amountCents;
    }
    for (const RefundPart &p : std::as_const(outcome.parts)) {
        if (p.method == u"card" && !cardAllowed) {
            RefundOutcome blocked;
            blocked.blockedForCard = true;
            blocked.currency = currency;
            return blocked;
        }
    }

    for (RefundPart &part : outcome.parts) {
        const bool cash = part.method == u"cash";
        part.refundId = nextId(QStringLiteral("refunds"));
        part.status = cash ? QStringLiteral("succeeded") : QStringLiteral("pending");
        const QString key = QStringLiteral("refund-%1").arg(part.refundId);
        Sql::exec(
            m_db,
            QStringLiteral("INSERT INTO refunds (id, payment_id, method, status, amount_cents, currency, "
                           "reason, idempotency_key, created_by, succeeded_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)"),
            {part.refundId, part.paymentId, part.method, part.status, part.amountCents, part.currency, reason,
             key, actor, cash});
        if (cash) {
            // Handed back over the counter: done now, as the card's is once
            // Stripe confirms it.
            PaymentRepo(m_db).recomputeRefunded(part.paymentId);
        } else {
            part.requestId = insertRequest(QStringLiteral("refund"), owed.bookingId, part.paymentId,
                                           part.refundId, {}, {}, key, actor);
        }
        AuditLog::write(m_db, actor, QStringLiteral("payment.refund"), QStringLiteral("booking"),
                        QString::number(owed.bookingId),
                        {{QStringLiteral("code"), owed.code},
                         {QStringLiteral("payment_id"), part.paymentId},
                         {QStringLiteral("refund_id"), part.refundId},
                         {QStringLiteral("method"), part.method},
                         {QStringLiteral("status"), part.status},
                         {QStringLiteral("amount_cents"), part.amountCents},
                         {QStringLiteral("currency"), part.currency},
                         {QStringLiteral("reason"), reason},
                         {QStringLiteral("request_id"), part.requestId}});
    }
    BookingRepo bookings(m_db);
    bookings.notifyChanged(*bookings.byId(owed.bookingId));
    return outcome;
}

std::optional<RefundPart> CardPaymentRequests::refundById(qint64 refundId)
{
    QSqlQuery q = Sql::exec(
        m_db,
        QStringLiteral("SELECT r.id, r.payment_id, r.method, r.status, r.amount_cents, r.currency, "
                       "(SELECT max(id) FROM payment_requests WHERE refund_id = r.id) "
                       "FROM refunds AS r WHERE r.id = ?"),
        {refundId});
    if (!q.next())
        return std::nullopt;
    return RefundPart {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
                       q.value(3).toString(),   q.value(4).toLongLong(), q.value(5).toString(),
                       q.value(6).toLongLong()};
}
