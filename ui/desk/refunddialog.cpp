#include "ui/desk/refunddialog.h"

#include "db/payments/cardpaymentrequests.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/desk/cashpaymentdialog.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

RefundDialog::RefundDialog(ConnectionPool &pool, const StaffMember &staff, const BookingDetails &details,
                           QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
    , m_details(details)
    , m_currency(details.booking.currency)
{
    setObjectName(QStringLiteral("refundDialog"));
    setWindowTitle(tr("Refund — %1").arg(details.booking.code));
    const QLocale locale = DisplayLocale::get();

    m_payment = new QComboBox(this);
    m_payment->setObjectName(QStringLiteral("refundPayment"));
    m_payment->setAccessibleName(tr("Payment to refund"));
    // Newest first: the card payment H3's rules refund first comes first too.
    for (auto p = details.payments.crbegin(); p != details.payments.crend(); ++p) {
        if (!p->succeeded() || leftOf(*p) <= 0)
            continue;
        m_refundable.append(*p);
        const QDateTime when = p->paidAt.isValid() ? p->paidAt : p->createdAt;
        m_payment->addItem(
            tr("%1, %2: %3 (%4 left)")
                .arg(BookingWords::paymentMethod(p->method), locale.toString(when, QLocale::ShortFormat),
                     Money::format(p->amountCents, p->currency), Money::format(leftOf(*p), p->currency)),
            p->id);
    }
    connect(m_payment, &QComboBox::currentIndexChanged, this, &RefundDialog::paymentChosen);
    auto *paymentLabel = new QLabel(tr("&Payment:"), this);
    paymentLabel->setBuddy(m_payment);

    m_method = new QLabel(this);
    m_method->setObjectName(QStringLiteral("refundMethod"));
    m_method->setWordWrap(true);
    m_method->setAccessibleName(tr("How the money goes back"));

    m_amount = new QLineEdit(this);
    m_amount->setObjectName(QStringLiteral("refundAmount"));
    m_amount->setAccessibleName(tr("Amount to refund"));
    m_amount->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    auto *amountLabel = new QLabel(tr("&Amount (%1):").arg(m_currency), this);
    amountLabel->setBuddy(m_amount);

    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("refundReason"));
    m_reason->setAccessibleName(tr("Reason for the refund"));
    m_reason->setMaxLength(500);
    m_reason->setPlaceholderText(tr("e.g. wash not finished, charged twice"));
    auto *reasonLabel = new QLabel(tr("R&eason:"), this);
    reasonLabel->setBuddy(m_reason);
    connect(m_reason, &QLineEdit::returnPressed, this, &RefundDialog::refund);

    auto *form = new QFormLayout;
    form->addRow(paymentLabel, m_payment);
    form->addRow(tr("Method:"), m_method);
    form->addRow(amountLabel, m_amount);
    form->addRow(reasonLabel, m_reason);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("refundMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_refund = new QPushButton(tr("&Refund"), this);
    m_refund->setObjectName(QStringLiteral("refundButton"));
    m_refund->setAutoDefault(false);
    connect(m_refund, &QPushButton::clicked, this, &RefundDialog::refund);
    auto *close = new QPushButton(tr("C&lose"), this);
    close->setObjectName(QStringLiteral("refundClose"));
    close->setAutoDefault(false);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    m_busy = new BusyIndicator(this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_busy, 1);
    buttons->addWidget(m_refund);
    buttons->addWidget(close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addLayout(buttons);

    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, &RefundDialog::pollNow);
    paymentChosen();
    m_reason->setFocus();
}

QList<qint64> RefundDialog::refundablePaymentIds() const
{
    QList<qint64> ids;
    for (const Payment &p : m_refundable)
        ids.append(p.id);
    return ids;
}

void RefundDialog::choosePayment(qint64 paymentId)
{
    const int index = m_payment->findData(paymentId);
    if (index >= 0)
        m_payment->setCurrentIndex(index);
}

qint64 RefundDialog::chosenPaymentId() const
{
    return m_payment->currentData().toLongLong();
}

QString RefundDialog::methodText() const
{
    return m_method->text();
}

void RefundDialog::paymentChosen()
{
    const int index = m_payment->currentIndex();
    if (index < 0 || index >= m_refundable.size()) {
        m_method->setText(tr("Nothing paid is left to refund."));
        m_refund->setEnabled(false);
        return;
    }
    const Payment &p = m_refundable.at(index);
    m_method->setText(p.isCard()
                          ? tr("Card: back to the customer's card through Stripe (a few days to show on "
                               "their statement).")
                          : tr("Cash: hand the money back from the till."));
    m_amount->setText(DecimalInput::text(leftOf(p), DisplayLocale::get()));
    m_refund->setEnabled(!m_sending && !m_done);
}

std::optional<qint64> RefundDialog::amountCents() const
{
    return CashPaymentDialog::parseAmount(m_amount->text(), DisplayLocale::get());
}

void RefundDialog::setAmountText(const QString &text)
{
    m_amount->setText(text);
}

void RefundDialog::setReason(const QString &reason)
{
    m_reason->setText(reason);
}

bool RefundDialog::isBusy() const
{
    return m_sending || m_polling || m_poll.isActive();
}

QString RefundDialog::messageText() const
{
    return m_message->text();
}

void RefundDialog::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

bool RefundDialog::refund()
{
    if (m_sending || m_done || m_poll.isActive() || m_refundable.isEmpty())
        return false;
    const Payment p = m_refundable.at(m_payment->currentIndex());
    const std::optional<qint64> amount = amountCents();
    if (!amount || *amount <= 0) {
        showMessage(tr("Type the amount to refund, for example %1.")
                        .arg(DecimalInput::text(leftOf(p), DisplayLocale::get())),
                    true);
        m_amount->setFocus();
        return false;
    }
    if (*amount > leftOf(p)) {
        showMessage(tr("%1 is more than is left of this payment: at most %2.")
                        .arg(Money::format(*amount, p.currency), Money::format(leftOf(p), p.currency)),
                    true);
        m_amount->setFocus();
        return false;
    }
    const QString reason = m_reason->text().trimmed();
    if (reason.isEmpty()) {
        showMessage(tr("Give a reason for the refund; it is kept in the booking's history."), true);
        m_reason->setFocus();
        return false;
    }
    m_sending = true;
    m_askedCents = *amount;
    m_refund->setEnabled(false);
    m_busy->start(tr("Recording the refund…"));
    showMessage(QString(), false);
    const qint64 paymentId = p.id;
    const qint64 cents = *amount;
    const QString actor = m_staff.actor();
    auto asked = m_pool.withRetry(
        QStringLiteral("payment.refund"), RetryPolicy::standard(),
        [paymentId, cents, reason, actor](QSqlDatabase &db) -> DbResult<RefundOutcome> {
            CardPaymentRequests requests(db);
            const CardPaymentAvailability card = requests.availability();
            DbResult<RefundOutcome> outcome
                = requests.refundPayment(paymentId, cents, reason, actor, card.available);
            if (outcome.ok() && outcome->blockedForCard)
                return DbError(DbError::Kind::Invalid,
                               tr("%1 A card refund needs it; refund later, or give cash back instead.")
                                   .arg(card.reason));
            return outcome;
        });
    Async::onResult(asked, this, [this, p](const DbResult<RefundOutcome> &result) {
        m_sending = false;
        if (!result.ok()) {
            m_busy->stop();
            finish(false, result.error().message());
            return;
        }
        Q_EMIT refunded(); // the booking changed (a refund row at least)
        m_waitingFor = result->requestIds();
        if (m_waitingFor.isEmpty()) {
            m_busy->stop();
            finish(true,
                   tr("%1 refunded in cash: hand it back to the customer.")
                       .arg(Money::format(result->totalCents, result->currency)));
            return;
        }
        m_busy->start(tr("Refunding to the card…"));
        showMessage(tr("Asking Stripe to refund %1 to the card…")
                        .arg(Money::format(result->totalCents, result->currency)),
                    false);
        m_poll.start();
        pollNow();
    });
    return true;
}

void RefundDialog::pollNow()
{
    if (m_waitingFor.isEmpty() || m_polling)
        return;
    m_polling = true;
    const QList<qint64> ids = m_waitingFor;
    auto read = m_pool.withRetry(QStringLiteral("payment.refund_progress"), RetryPolicy::standard(),
                                 [ids](QSqlDatabase &db) {
                                     QList<PaymentRequestState> requests;
                                     CardPaymentRequests r(db);
                                     for (const qint64 id : ids) {
                                         if (const std::optional<PaymentRequestState> one = r.request(id))
                                             requests.append(*one);
                                     }
                                     return requests;
                                 });
    Async::onResult(read, this, [this](const DbResult<QList<PaymentRequestState>> &result) {
        m_polling = false;
        if (!result.ok()) {
            showMessage(tr("The refund's progress could not be read: %1").arg(result.error().message()),
                        true);
            return; // the next tick tries again
        }
        QStringList failures;
        for (const PaymentRequestState &r : result.value()) {
            if (!r.isAnswered())
                return; // still with the server
            if (r.failed())
                failures << (r.errorMessage.isEmpty() ? r.errorCode : r.errorMessage);
        }
        m_poll.stop();
        m_waitingFor.clear();
        m_busy->stop();
        Q_EMIT refunded();
        if (!failures.isEmpty()) {
            finish(false, tr("Stripe refused the card refund: %1").arg(failures.join(u' ')));
            return;
        }
        finish(true, tr("%1 refunded to the card.").arg(Money::format(m_askedCents, m_currency)));
    });
}

void RefundDialog::finish(bool ok, const QString &text)
{
    showMessage(text, !ok);
    m_done = ok;
    m_refund->setEnabled(!ok);
    Q_EMIT finishedRefund(ok);
}
