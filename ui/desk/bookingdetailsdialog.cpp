#include "ui/desk/bookingdetailsdialog.h"

#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/cardpaymentdialog.h"
#include "ui/desk/cashpaymentdialog.h"
#include "ui/desk/receiptactions.h"
#include "ui/desk/refunddialog.h"
#include "ui/desk/rescheduledialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

const QString LoadSource = QStringLiteral("booking");

// The lifecycle steps a desk takes, in the order their buttons stand.
// held -> confirmed happens by paying; expiry by the clock: neither is a
// button.
struct Step
{
    QString status;
    const char *label; // with its mnemonic
    const char *accessibleName;
};
const Step Steps[] = {
    {QStringLiteral("checked_in"), QT_TRANSLATE_NOOP("BookingDetailsDialog", "&Check in"),
     QT_TRANSLATE_NOOP("BookingDetailsDialog", "Check the customer in")},
    {QStringLiteral("in_progress"), QT_TRANSLATE_NOOP("BookingDetailsDialog", "&Start"),
     QT_TRANSLATE_NOOP("BookingDetailsDialog", "Start the wash")},
    {QStringLiteral("completed"), QT_TRANSLATE_NOOP("BookingDetailsDialog", "Co&mplete"),
     QT_TRANSLATE_NOOP("BookingDetailsDialog", "Mark the wash complete")},
    {QStringLiteral("no_show"), QT_TRANSLATE_NOOP("BookingDetailsDialog", "&No-show"),
     QT_TRANSLATE_NOOP("BookingDetailsDialog", "Mark as not shown up")},
    {QStringLiteral("cancelled"), QT_TRANSLATE_NOOP("BookingDetailsDialog", "C&ancel booking…"),
     QT_TRANSLATE_NOOP("BookingDetailsDialog", "Cancel the booking, with a reason")},
};

// The payments list's last column: the state in words, what was given
// back, and why a person should look at it.
QString paymentState(const Payment &p)
{
    QString state = p.succeeded() ? BookingDetailsDialog::tr("Succeeded") : BookingWords::paymentStatus(p.status);
    if (p.refundedCents > 0)
        state = BookingDetailsDialog::tr("%1; %2 refunded").arg(state, Money::format(p.refundedCents, p.currency));
    if (!p.attention.isEmpty())
        state = BookingDetailsDialog::tr("%1 — needs attention: %2").arg(state, p.attention);
    return state;
}

QString actorText(const QString &actor, const QString &name)
{
    return name.isEmpty() ? actor : name;
}

} // namespace

BookingDetailsDialog::BookingDetailsDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId,
                                           QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
    , m_bookingId(bookingId)
{
    setObjectName(QStringLiteral("bookingDetailsDialog"));
    setWindowTitle(tr("Booking"));
    m_banner = new ErrorBanner(this);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("bookingTitle"));
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_form = new QFormLayout;
    const QList<QPair<QString, QString>> fields = {
        {QStringLiteral("status"), tr("Status:")},     {QStringLiteral("when"), tr("When:")},
        {QStringLiteral("bay"), tr("Bay:")},           {QStringLiteral("service"), tr("Service:")},
        {QStringLiteral("vehicle"), tr("Vehicle:")},   {QStringLiteral("addons"), tr("Add-ons:")},
        {QStringLiteral("price"), tr("Price:")},       {QStringLiteral("payment"), tr("Payment:")},
        {QStringLiteral("customer"), tr("Customer:")}, {QStringLiteral("phone"), tr("Phone:")},
        {QStringLiteral("email"), tr("Email:")},
    };
    for (const auto &[key, label] : fields) {
        auto *value = new QLabel(this);
        value->setObjectName(QStringLiteral("bookingField_%1").arg(key));
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setAccessibleName(QString(label).remove(u':'));
        m_form->addRow(label, value);
        m_fields.insert(key, value);
    }

    m_payments = new QTreeWidget(this);
    m_payments->setObjectName(QStringLiteral("bookingPayments"));
    m_payments->setAccessibleName(tr("Payments"));
    m_payments->setHeaderLabels(
        {tr("When"), tr("Method"), tr("Amount"), tr("Tendered"), tr("Change"), tr("Taken by"), tr("State")});
    m_payments->setRootIsDecorated(false);
    m_payments->header()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_history = new QTreeWidget(this);
    m_history->setObjectName(QStringLiteral("bookingHistory"));
    m_history->setAccessibleName(tr("History"));
    m_history->setHeaderLabels({tr("When"), tr("Who"), tr("What")});
    m_history->setRootIsDecorated(false);
    m_history->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_history->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    // The lifecycle buttons.
    auto *actions = new QHBoxLayout;
    for (const Step &step : Steps) {
        auto *button = new QPushButton(tr(step.label), this);
        button->setObjectName(QStringLiteral("bookingAction_%1").arg(step.status));
        button->setAccessibleName(tr(step.accessibleName));
        button->setAutoDefault(false);
        const QString status = step.status;
        connect(button, &QPushButton::clicked, this, [this, status] { changeStatus(status); });
        actions->addWidget(button);
        m_transitionButtons.insert(step.status, button);
    }
    actions->addStretch(1);

    // Time and money.
    m_reschedule = new QPushButton(tr("&Reschedule…"), this);
    m_reschedule->setObjectName(QStringLiteral("bookingReschedule"));
    m_reschedule->setAccessibleName(tr("Move the booking to another time"));
    m_reschedule->setAutoDefault(false);
    connect(m_reschedule, &QPushButton::clicked, this, &BookingDetailsDialog::openReschedule);
    m_cash = new QPushButton(tr("Take cas&h…"), this);
    m_cash->setObjectName(QStringLiteral("bookingTakeCash"));
    m_cash->setAccessibleName(tr("Take a cash payment"));
    m_cash->setAutoDefault(false);
    connect(m_cash, &QPushButton::clicked, this, &BookingDetailsDialog::openCashPayment);
    // Card payments next to Take cash, shown under the same acceptsPayment() rule.
    m_card = new QPushButton(tr("Car&d…"), this);
    m_card->setObjectName(QStringLiteral("bookingTakeCard"));
    m_card->setAccessibleName(tr("Take a card payment"));
    m_card->setAutoDefault(false);
    connect(m_card, &QPushButton::clicked, this, &BookingDetailsDialog::openCardPayment);
    m_refund = new QPushButton(tr("Ref&und…"), this);
    m_refund->setObjectName(QStringLiteral("bookingRefund"));
    m_refund->setAccessibleName(tr("Give money back"));
    m_refund->setAutoDefault(false);
    connect(m_refund, &QPushButton::clicked, this, &BookingDetailsDialog::openRefund);
    m_receipt = new ReceiptActions(pool, this);
    m_printReceipt = new QPushButton(tr("&Print receipt…"), this);
    m_printReceipt->setObjectName(QStringLiteral("bookingPrintReceipt"));
    m_printReceipt->setAutoDefault(false);
    connect(m_printReceipt, &QPushButton::clicked, this, [this] { m_receipt->askAndPrint(m_bookingId); });
    m_saveReceipt = new QPushButton(tr("Save receipt P&DF…"), this);
    m_saveReceipt->setObjectName(QStringLiteral("bookingSaveReceipt"));
    m_saveReceipt->setAutoDefault(false);
    connect(m_saveReceipt, &QPushButton::clicked, this, [this] { m_receipt->askAndSavePdf(m_bookingId); });
    connect(m_receipt, &ReceiptActions::started, this, [this] {
        m_busy->start(tr("Preparing the receipt…"));
        updateButtons();
    });
    connect(m_receipt, &ReceiptActions::finished, this, [this](bool ok, const QString &message) {
        if (!isBusy())
            m_busy->stop();
        showMessage(message, !ok);
        updateButtons();
    });
    auto *money = new QHBoxLayout;
    money->addWidget(m_reschedule);
    money->addWidget(m_cash);
    money->addWidget(m_card);
    money->addWidget(m_refund);
    money->addWidget(m_printReceipt);
    money->addWidget(m_saveReceipt);
    money->addStretch(1);

    // Cancelling needs a reason: a small form in place, not another window.
    m_cancelForm = new QWidget(this);
    m_cancelForm->setObjectName(QStringLiteral("cancelForm"));
    m_cancelReason = new QLineEdit(m_cancelForm);
    m_cancelReason->setObjectName(QStringLiteral("cancelReason"));
    m_cancelReason->setAccessibleName(tr("Reason for the cancellation"));
    m_cancelReason->setMaxLength(500);
    m_cancelReason->setPlaceholderText(tr("e.g. customer called, car broke down"));
    auto *reasonLabel = new QLabel(tr("Cancellation r&eason:"), m_cancelForm);
    reasonLabel->setBuddy(m_cancelReason);
    auto *confirm = new QPushButton(tr("C&onfirm cancellation"), m_cancelForm);
    confirm->setObjectName(QStringLiteral("confirmCancel"));
    confirm->setAutoDefault(false);
    connect(confirm, &QPushButton::clicked, this, [this] { confirmCancel(m_cancelReason->text()); });
    connect(m_cancelReason, &QLineEdit::returnPressed, this,
            [this] { confirmCancel(m_cancelReason->text()); });
    auto *back = new QPushButton(tr("&Keep booking"), m_cancelForm);
    back->setObjectName(QStringLiteral("keepBooking"));
    back->setAutoDefault(false);
    connect(back, &QPushButton::clicked, this, [this] {
        m_cancelForm->hide();
        showMessage(QString(), false);
    });
    auto *cancelLayout = new QHBoxLayout(m_cancelForm);
    cancelLayout->setContentsMargins(0, 0, 0, 0);
    cancelLayout->addWidget(reasonLabel);
    cancelLayout->addWidget(m_cancelReason, 1);
    cancelLayout->addWidget(confirm);
    cancelLayout->addWidget(back);
    m_cancelForm->hide();

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("bookingMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy = new BusyIndicator(this);

    m_refresh = new QPushButton(tr("Re&fresh"), this);
    m_refresh->setObjectName(QStringLiteral("bookingRefresh"));
    m_refresh->setAutoDefault(false);
    connect(m_refresh, &QPushButton::clicked, this, &BookingDetailsDialog::reload);
    auto *refreshKey = new QShortcut(QKeySequence::Refresh, this);
    connect(refreshKey, &QShortcut::activated, this, &BookingDetailsDialog::reload);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter belongs to the field it is typed in (the cancellation reason);
    // it must never close the booking by falling through to Close.
    close->button(QDialogButtonBox::Close)->setAutoDefault(false);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_busy);
    bottom->addWidget(m_message, 1);
    bottom->addWidget(m_refresh);
    bottom->addWidget(close);

    auto *columns = new QHBoxLayout;
    columns->addLayout(m_form, 1);
    auto *lists = new QVBoxLayout;
    auto *paymentsLabel = new QLabel(tr("Pa&yments"), this);
    paymentsLabel->setBuddy(m_payments);
    auto *historyLabel = new QLabel(tr("His&tory"), this);
    historyLabel->setBuddy(m_history);
    lists->addWidget(paymentsLabel);
    lists->addWidget(m_payments, 1);
    lists->addWidget(historyLabel);
    lists->addWidget(m_history, 2);
    columns->addLayout(lists, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_title);
    layout->addLayout(columns, 1);
    layout->addLayout(actions);
    layout->addWidget(m_cancelForm);
    layout->addLayout(money);
    layout->addLayout(bottom);
    resize(fontMetrics().averageCharWidth() * 142, fontMetrics().height() * 30);
    updateButtons();
    reload();
}

bool BookingDetailsDialog::isBusy() const
{
    return m_loading || m_acting || m_receipt->isBusy();
}

QString BookingDetailsDialog::messageText() const
{
    return m_message->text();
}

void BookingDetailsDialog::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void BookingDetailsDialog::reload()
{
    const quint64 serial = ++m_loadSerial;
    const qint64 id = m_bookingId;
    m_loading = true;
    m_busy->start(tr("Loading…"));
    updateButtons();
    auto details = m_pool.withRetry(QStringLiteral("booking.details"), RetryPolicy::standard(),
                                    [id](QSqlDatabase &db) { return PaymentRepo(db).details(id); });
    Async::onResult(details, this, [this, serial](const DbResult<BookingDetails> &result) {
        if (serial != m_loadSerial)
            return; // a newer load is under way
        m_loading = false;
        if (!isBusy())
            m_busy->stop();
        if (!result.ok()) {
            m_banner->showMessage(LoadSource,
                                  tr("The booking could not be loaded. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { reload(); });
            updateButtons();
            Q_EMIT loaded();
            return;
        }
        m_banner->clear(LoadSource);
        display(result.value());
        Q_EMIT loaded();
    });
}

void BookingDetailsDialog::display(const BookingDetails &details)
{
    m_details = details;
    const Booking &b = details.booking;
    const QLocale locale = DisplayLocale::get();
    setWindowTitle(tr("Booking %1").arg(b.code));
    m_title->setText(tr("%1 — %2").arg(b.code, BookingWords::status(b.status)));
    m_fields[QStringLiteral("status")]->setText(BookingWords::status(b.status));
    m_fields[QStringLiteral("when")]->setText(tr("%1, %2–%3")
                                                  .arg(locale.toString(b.start.date(), QLocale::LongFormat),
                                                       locale.toString(b.start.time(), QLocale::ShortFormat),
                                                       locale.toString(b.end.time(), QLocale::ShortFormat)));
    m_fields[QStringLiteral("bay")]->setText(b.bay.name);
    m_fields[QStringLiteral("service")]->setText(b.serviceName);
    m_fields[QStringLiteral("vehicle")]->setText(
        tr("%1, plate %2").arg(BookingWords::vehicleClass(b.vehicleClass), b.plate));
    QStringList addons;
    for (const BookedAddon &a : b.addons)
        addons << tr("%1 (%2)").arg(a.name, Money::format(a.priceCents, b.currency));
    m_fields[QStringLiteral("addons")]->setText(addons.isEmpty() ? tr("None") : addons.join(u'\n'));
    const QString rate = BookingWords::taxRate(details.taxRateBasisPoints);
    m_fields[QStringLiteral("price")]->setText(
        details.pricesIncludeTax ? tr("%1 (includes %2 tax: %3)")
                                       .arg(Money::format(details.amounts.totalCents, b.currency), rate,
                                            Money::format(details.amounts.taxCents, b.currency))
                                 : tr("%1 + %2 tax %3 = %4")
                                       .arg(Money::format(details.amounts.netCents, b.currency), rate,
                                            Money::format(details.amounts.taxCents, b.currency),
                                            Money::format(details.amounts.totalCents, b.currency)));
    m_fields[QStringLiteral("payment")]->setText(
        details.isPaid() ? tr("Paid") : tr("Due: %1").arg(Money::format(details.dueCents(), b.currency)));
    m_fields[QStringLiteral("customer")]->setText(BookingWords::customerName(b.customerName));
    m_fields[QStringLiteral("phone")]->setText(b.phone.isEmpty() ? tr("—") : b.phone);
    m_fields[QStringLiteral("email")]->setText(b.email.isEmpty() ? tr("—") : b.email);

    m_payments->clear();
    for (const Payment &p : details.payments) {
        const QDateTime when = p.paidAt.isValid() ? p.paidAt : p.createdAt;
        new QTreeWidgetItem(m_payments,
                            {locale.toString(when, QLocale::ShortFormat),
                             BookingWords::paymentMethod(p.method), Money::format(p.amountCents, p.currency),
                             p.tenderedCents ? Money::format(*p.tenderedCents, p.currency) : QString(),
                             p.tenderedCents ? Money::format(p.changeCents(), p.currency) : QString(),
                             actorText(p.createdBy, p.createdByName),
                             paymentState(p)});
    }
    m_history->clear();
    for (const AuditEntry &e : details.history) {
        new QTreeWidgetItem(m_history,
                            {locale.toString(e.at, QLocale::ShortFormat), actorText(e.actor, e.actorName),
                             BookingWords::auditAction(e.action, e.details)});
    }
    if (m_history->topLevelItemCount() > 0)
        m_history->scrollToItem(m_history->topLevelItem(m_history->topLevelItemCount() - 1));
    if (!BookingStatus::canChange(b.status, QStringLiteral("cancelled")))
        m_cancelForm->hide();
    updateButtons();
}

QStringList BookingDetailsDialog::offeredTransitions() const
{
    QStringList offered;
    for (const Step &step : Steps) {
        if (!m_transitionButtons.value(step.status)->isHidden())
            offered << step.status;
    }
    return offered;
}

void BookingDetailsDialog::updateButtons()
{
    const bool idle = !isBusy();
    const QString status = m_details ? m_details->booking.status : QString();
    const QStringList allowed = BookingStatus::allowedFrom(status);
    for (auto it = m_transitionButtons.cbegin(); it != m_transitionButtons.cend(); ++it) {
        it.value()->setVisible(allowed.contains(it.key()));
        it.value()->setEnabled(idle);
    }
    const bool movable = status == u"held" || status == u"confirmed";
    m_reschedule->setVisible(movable);
    m_reschedule->setEnabled(idle);
    const bool payable = m_details && m_details->acceptsPayment();
    m_cash->setVisible(payable);
    m_cash->setEnabled(idle);
    m_card->setVisible(payable);
    m_card->setEnabled(idle);
    const bool refundable = m_staff.isManager() && m_details
        && std::any_of(m_details->payments.cbegin(), m_details->payments.cend(),
                       [](const Payment &p) { return p.succeeded() && RefundDialog::leftOf(p) > 0; });
    m_refund->setVisible(refundable);
    m_refund->setEnabled(idle);
    const bool receipt = m_details && m_details->isPaid();
    m_printReceipt->setVisible(receipt);
    m_saveReceipt->setVisible(receipt);
    m_printReceipt->setEnabled(idle);
    m_saveReceipt->setEnabled(idle);
    m_refresh->setEnabled(!m_loading);
}

bool BookingDetailsDialog::changeStatus(const QString &status)
{
    if (status == u"cancelled")
        return startCancel();
    const QPushButton *button = m_transitionButtons.value(status);
    if (!button || button->isHidden() || isBusy())
        return false;
    runStatusChange(status, QString());
    return true;
}

bool BookingDetailsDialog::startCancel()
{
    const QPushButton *button = m_transitionButtons.value(QStringLiteral("cancelled"));
    if (!button || button->isHidden() || isBusy())
        return false;
    m_cancelForm->show();
    m_cancelReason->setFocus();
    showMessage(tr("Why is the booking cancelled?"), false);
    return true;
}

bool BookingDetailsDialog::confirmCancel(const QString &reason)
{
    const QPushButton *button = m_transitionButtons.value(QStringLiteral("cancelled"));
    if (!button || button->isHidden() || isBusy())
        return false;
    if (reason.trimmed().isEmpty()) {
        m_cancelForm->show();
        m_cancelReason->setFocus();
        showMessage(tr("Give a reason for the cancellation; it is kept in the booking's history."), true);
        return false;
    }
    runStatusChange(QStringLiteral("cancelled"), reason.trimmed());
    return true;
}

void BookingDetailsDialog::runStatusChange(const QString &status, const QString &reason)
{
    const QString id = QString::number(m_bookingId);
    const QString actor = m_staff.actor();
    m_acting = true;
    m_busy->start(tr("Saving…"));
    updateButtons();
    auto changed = m_pool.withRetry(QStringLiteral("booking.status"), RetryPolicy::standard(),
                                    [id, status, actor, reason](QSqlDatabase &db) {
                                        return BookingRepo(db).changeStatus(id, status, actor, reason);
                                    });
    Async::onResult(changed, this, [this, status](const DbResult<Booking> &result) {
        m_acting = false;
        if (result.ok()) {
            m_cancelForm->hide();
            m_cancelReason->clear();
            showMessage(
                tr("Booking %1 is now %2.").arg(result->code, BookingWords::status(result->status)),
                false);
            Q_EMIT bookingChanged(m_bookingId);
        } else {
            // Most often another desk moved it on meanwhile: say so and show
            // what the database holds now.
            showMessage(tr("%1 The booking is shown as it is now.").arg(result.error().message()), true);
        }
        Q_EMIT actionFinished(result.ok());
        reload();
    });
}

RescheduleDialog *BookingDetailsDialog::openReschedule()
{
    if (!m_details || m_reschedule->isHidden() || isBusy())
        return nullptr;
    if (!m_rescheduleDialog) {
        m_rescheduleDialog = new RescheduleDialog(m_pool, m_staff, m_details->booking, this);
        m_rescheduleDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_rescheduleDialog, &RescheduleDialog::moved, this, [this](const Booking &b) {
            const QLocale locale = DisplayLocale::get();
            showMessage(tr("Booking %1 moved to %2 on %3.")
                            .arg(b.code, locale.toString(b.start, QLocale::ShortFormat), b.bay.name),
                        false);
            Q_EMIT bookingChanged(m_bookingId);
            reload();
        });
    }
    m_rescheduleDialog->open();
    return m_rescheduleDialog;
}

CashPaymentDialog *BookingDetailsDialog::openCashPayment()
{
    if (!m_details || m_cash->isHidden() || isBusy())
        return nullptr;
    if (!m_cashDialog) {
        const Booking &b = m_details->booking;
        m_cashDialog
            = new CashPaymentDialog(m_pool, m_staff, b.id, b.code, m_details->dueCents(), b.currency, this);
        m_cashDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_cashDialog, &CashPaymentDialog::paid, this, [this](const Payment &p) {
            showMessage(tr("%1 paid in cash.").arg(Money::format(p.amountCents, p.currency)), false);
            Q_EMIT bookingChanged(m_bookingId);
            reload();
        });
    }
    m_cashDialog->open();
    return m_cashDialog;
}

CardPaymentDialog *BookingDetailsDialog::openCardPayment()
{
    if (!m_details || m_card->isHidden() || isBusy())
        return nullptr;
    if (!m_cardDialog) {
        const Booking &b = m_details->booking;
        m_cardDialog
            = new CardPaymentDialog(m_pool, m_staff, b.id, b.code, m_details->dueCents(), b.currency, this);
        m_cardDialog->setAttribute(Qt::WA_DeleteOnClose);
        if (b.status == u"held" && b.holdExpiresAt)
            m_cardDialog->setHoldExpiresAt(*b.holdExpiresAt);
        connect(m_cardDialog, &CardPaymentDialog::paid, this, [this](const Payment &p) {
            showMessage(tr("%1 paid by card.").arg(Money::format(p.amountCents, p.currency)), false);
            Q_EMIT bookingChanged(m_bookingId);
            reload();
        });
        connect(m_cardDialog, &CardPaymentDialog::cancelled, this, [this] {
            Q_EMIT bookingChanged(m_bookingId);
            reload();
        });
    }
    m_cardDialog->open();
    return m_cardDialog;
}

RefundDialog *BookingDetailsDialog::openRefund()
{
    if (!m_details || m_refund->isHidden() || isBusy())
        return nullptr;
    if (!m_refundDialog) {
        m_refundDialog = new RefundDialog(m_pool, m_staff, *m_details, this);
        m_refundDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_refundDialog, &RefundDialog::refunded, this, [this] {
            Q_EMIT bookingChanged(m_bookingId);
            reload();
        });
    }
    m_refundDialog->open();
    return m_refundDialog;
}

void BookingDetailsDialog::paymentNews(qint64 bookingId)
{
    // A payload without the booking (0) is news for every open booking.
    if (bookingId != 0 && bookingId != m_bookingId)
        return;
    if (m_cardDialog)
        m_cardDialog->pollNow();
    if (m_refundDialog)
        m_refundDialog->pollNow();
}
