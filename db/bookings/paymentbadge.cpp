#include "db/bookings/paymentbadge.h"

#include "db/text/money.h"

PaymentBadge::State PaymentBadge::stateOf(qint64 paidCents, qint64 totalCents, bool cardInProgress,
                                          const QString &attention)
{
    if (!attention.isEmpty())
        return State::Attention;
    if (cardInProgress)
        return State::CardInProgress;
    if (paidCents >= totalCents)
        return State::Paid;
    return paidCents > 0 ? State::PartlyPaid : State::Unpaid;
}

QString PaymentBadge::key(State state)
{
    switch (state) {
    case State::Unpaid:
        return QStringLiteral("unpaid");
    case State::PartlyPaid:
        return QStringLiteral("partly_paid");
    case State::Paid:
        return QStringLiteral("paid");
    case State::CardInProgress:
        return QStringLiteral("card_in_progress");
    case State::Attention:
        return QStringLiteral("attention");
    }
    return {};
}

QString PaymentBadge::text(const QString &currency) const
{
    switch (state) {
    case State::Unpaid:
        return tr("Unpaid: %1 due").arg(Money::format(totalCents - paidCents, currency));
    case State::PartlyPaid:
        return tr("Partly paid: %1 of %2; %3 due")
            .arg(Money::format(paidCents, currency), Money::format(totalCents, currency),
                 Money::format(totalCents - paidCents, currency));
    case State::Paid:
        return tr("Paid in full");
    case State::CardInProgress:
        return tr("Card payment in progress");
    case State::Attention:
        return tr("Payment needs attention: %1").arg(attention);
    }
    return {};
}
