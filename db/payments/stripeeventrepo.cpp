#include "db/payments/stripeeventrepo.h"

#include "db/payments/cardpaymentupdater.h"
#include "db/pool/sql.h"

#include <QLoggingCategory>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcCardPayments)

namespace {

// Who Stripe's news is written down as in audit_log.
const QString StripeActor = QStringLiteral("stripe");

StripeEventOutcome outcomeOf(const AppliedUpdate &applied)
{
    StripeEventOutcome outcome;
    outcome.paymentId = applied.paymentId;
    outcome.bookingId = applied.bookingId;
    outcome.paymentStatus = applied.paymentStatus;
    outcome.result = applied.paymentId == 0 ? StripeEventOutcome::Result::UnknownPayment
        : applied.changed                   ? StripeEventOutcome::Result::Applied
                                            : StripeEventOutcome::Result::Unchanged;
    return outcome;
}

} // namespace

StripeEventRepo::StripeEventRepo(QSqlDatabase &db)
    : m_db(db)
{ }

const QStringList &StripeEventRepo::handledTypes()
{
    static const QStringList types {
        QStringLiteral("checkout.session.completed"),
        QStringLiteral("checkout.session.async_payment_succeeded"),
        QStringLiteral("checkout.session.async_payment_failed"),
        QStringLiteral("checkout.session.expired"),
        QStringLiteral("payment_intent.succeeded"),
        QStringLiteral("payment_intent.payment_failed"),
        QStringLiteral("payment_intent.canceled"),
        QStringLiteral("payment_intent.processing"),
        QStringLiteral("terminal.reader.action_succeeded"),
        QStringLiteral("terminal.reader.action_failed"),
        QStringLiteral("charge.refunded"),
        QStringLiteral("charge.refund.updated"),
        QStringLiteral("refund.created"),
        QStringLiteral("refund.updated"),
        QStringLiteral("refund.failed"),
    };
    return types;
}

StripeEventOutcome StripeEventRepo::receive(const QString &eventId, const QString &type,
                                            const QByteArray &payload, const StripeUpdate &update)
{
    Transaction tx(m_db);
    {
        // A redelivery (or the same event racing in on two connections)
        // meets the primary key; ON CONFLICT waits for the other's commit
        // and then does nothing, so it is never applied twice.
        QSqlQuery stored = Sql::exec(m_db,
                                     QStringLiteral("INSERT INTO stripe_events (id, type, payload) "
                                                    "VALUES (?, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING "
                                                    "RETURNING id"),
                                     {eventId, type, QString::fromUtf8(payload)});
        if (!stored.next())
            return {StripeEventOutcome::Result::Duplicate, 0, 0, QString()};
    }
    StripeEventOutcome outcome;
    if (!handledTypes().contains(type)) {
        Sql::exec(m_db, QStringLiteral("UPDATE stripe_events SET processed_at = now() WHERE id = ?"),
                  {eventId});
        outcome.result = StripeEventOutcome::Result::Ignored;
    } else {
        StripeUpdate u = update;
        u.eventId = eventId;
        u.eventType = type;
        const AppliedUpdate applied = CardPaymentUpdater(m_db, StripeActor).apply(u);
        outcome = outcomeOf(applied);
        if (applied.paymentId == 0)
            qCWarning(lcCardPayments).noquote() << "event" << eventId << type << ":" << applied.problem;
        Sql::exec(
            m_db,
            QStringLiteral("UPDATE stripe_events SET processed_at = now(), payment_id = ?, "
                           "processing_error = ? WHERE id = ?"),
            {applied.paymentId > 0 ? QVariant(applied.paymentId) : QVariant(QMetaType::fromType<qint64>()),
             applied.problem.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(applied.problem),
             eventId});
    }
    tx.commit();
    return outcome;
}

StripeEventOutcome StripeEventRepo::applyReconciled(const StripeUpdate &update)
{
    Transaction tx(m_db);
    StripeUpdate u = update;
    u.eventId.clear();
    u.eventType.clear();
    const StripeEventOutcome outcome = outcomeOf(CardPaymentUpdater(m_db, StripeActor).apply(u));
    tx.commit();
    return outcome;
}
