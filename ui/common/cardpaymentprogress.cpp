#include "ui/common/cardpaymentprogress.h"

#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/text/money.h"

CardPaymentProgress::State CardPaymentProgress::state() const
{
    if (payment) {
        const QString &s = payment->status;
        if (s == u"succeeded" || s == u"refunded")
            return State::Paid;
        if (s == u"processing")
            return State::Processing;
        if (s == u"cancelled")
            return State::Cancelled;
        if (s == u"expired")
            return State::Expired;
        if (s == u"failed")
            return State::Failed;
    }
    if (request && request->failed())
        return State::Failed;
    if (!request || !request->isAnswered())
        return State::Sending;
    // Pending and answered: a reader's decline is not final (Stripe lets
    // the customer try another card); the server keeps the reason on the
    // payment row.
    if (payment && payment->method == u"terminal" && !payment->failureReason.isEmpty())
        return State::Declined;
    return State::Waiting;
}

bool CardPaymentProgress::isFinal() const
{
    switch (state()) {
    case State::Paid:
    case State::Failed:
    case State::Cancelled:
    case State::Expired:
        return true;
    default:
        return false;
    }
}

QString CardPaymentProgress::checkoutUrl() const
{
    if (payment && !payment->checkoutUrl.isEmpty())
        return payment->checkoutUrl;
    if (request && request->kind == u"checkout" && request->status == u"done")
        return request->result.value(QStringLiteral("url")).toString();
    return {};
}

QDateTime CardPaymentProgress::checkoutExpiresAt() const
{
    return payment ? payment->checkoutExpiresAt : QDateTime();
}

QString CardPaymentProgress::text(bool reader) const
{
    switch (state()) {
    case State::Sending:
        return reader ? tr("Sending the amount to the reader…") : tr("Asking Stripe for a payment link…");
    case State::Waiting:
        return reader ? tr("Waiting for the card: the customer taps, inserts or swipes it on the reader.")
                      : tr("Waiting for the customer to pay on their phone.");
    case State::Processing:
        return tr("The bank is processing the payment…");
    case State::Declined:
        return tr("Declined: %1 Try again with another card, or take cash.").arg(payment->failureReason);
    case State::Failed: {
        QString why;
        if (request && request->failed() && !request->errorMessage.isEmpty())
            why = request->errorMessage;
        else if (payment && !payment->failureReason.isEmpty())
            why = payment->failureReason;
        return why.isEmpty() ? tr("The card payment failed. Try again, or take cash.")
                             : tr("The card payment failed: %1 Try again, or take cash.").arg(why);
    }
    case State::Cancelled:
        return tr("The card payment was cancelled; nothing was charged.");
    case State::Expired:
        return tr("The payment link expired unpaid. Start again for a new one, or take cash.");
    case State::Paid:
        return tr("Paid: %1 by card.").arg(Money::format(payment->amountCents, payment->currency));
    }
    return {};
}

QString CardPaymentProgress::timeLeft(const QDateTime &expiresAt, const QDateTime &now)
{
    if (!expiresAt.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, now.secsTo(expiresAt));
    return tr("%1:%2 left").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

CardPaymentProgress CardPaymentProgress::read(QSqlDatabase &db, qint64 paymentId, qint64 requestId)
{
    CardPaymentProgress p;
    p.payment = PaymentRepo(db).byId(paymentId);
    if (requestId)
        p.request = CardPaymentRequests(db).request(requestId);
    return p;
}
