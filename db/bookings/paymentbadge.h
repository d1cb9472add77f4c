#pragma once

#include <QCoreApplication>
#include <QString>

// How a booking stands with its money, as the day board shows it at a
// glance: read in the board's one statement (DaySnapshotRepo) from the
// booking's payments. What is owed is the price under the tax of its latest
// succeeded payment (or the settings in force while nothing is paid), as
// PaymentRepo works it out. Plain value.
struct PaymentBadge
{
    Q_DECLARE_TR_FUNCTIONS(PaymentBadge)
public:
    enum class State {
        Unpaid,
        PartlyPaid,
        Paid, // nothing is owed (a free booking too)
        CardInProgress, // a card payment is pending or processing
        Attention, // a payment has payments.attention set
    };

    State state = State::Unpaid;
    qint64 paidCents = 0; // succeeded payments less their refunds
    qint64 totalCents = 0; // the charge with its tax
    QString attention; // why a person should look; empty otherwise

    // Attention first, then a card payment under way, then the money.
    static State stateOf(qint64 paidCents, qint64 totalCents, bool cardInProgress, const QString &attention);
    // "paid", "partly_paid", "unpaid", "card_in_progress", "attention".
    static QString key(State state);
    // In words, for tooltips and screen readers ("Paid in full", …).
    QString text(const QString &currency) const;
};
