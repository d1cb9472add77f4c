#include "ui/desk/cashpaymentdialog.h"

#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/desk/receiptactions.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <cmath>

namespace {

// Above this a typing slip is likelier than a banknote.
constexpr qint64 MaxTenderedCents = 100000000;

QFont scaled(QFont font, double factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

} // namespace

CashPaymentDialog::CashPaymentDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId,
                                     const QString &code, qint64 dueCents, const QString &currency,
                                     QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
    , m_bookingId(bookingId)
    , m_dueCents(dueCents)
    , m_currency(currency)
{
    setObjectName(QStringLiteral("cashPaymentDialog"));
    setWindowTitle(tr("Cash payment — %1").arg(code));
    m_pages = new QStackedWidget(this);

    // Page 1: what is due, what is handed over, the change.
    auto *entry = new QWidget(m_pages);
    auto *due = new QLabel(Money::format(dueCents, currency), entry);
    due->setObjectName(QStringLiteral("cashDue"));
    due->setFont(scaled(font(), 1.6, true));
    due->setAccessibleName(tr("Amount due"));

    m_tendered = new QLineEdit(entry);
    m_tendered->setObjectName(QStringLiteral("cashTendered"));
    m_tendered->setAccessibleName(tr("Amount tendered"));
    m_tendered->setPlaceholderText(DisplayLocale::get().toString(double(dueCents) / 100.0, 'f', 2));
    m_tendered->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    m_tendered->setFont(scaled(font(), 1.4, false));
    connect(m_tendered, &QLineEdit::textChanged, this, &CashPaymentDialog::updateChange);
    // Enter takes the payment, or says why it cannot yet.
    connect(m_tendered, &QLineEdit::returnPressed, this, &CashPaymentDialog::takePayment);
    auto *tenderedLabel = new QLabel(tr("&Tendered (%1):").arg(currency), entry);
    tenderedLabel->setBuddy(m_tendered);

    auto *quick = new QHBoxLayout;
    const QList<qint64> amounts = quickAmounts(dueCents);
    for (qsizetype i = 0; i < amounts.size(); ++i) {
        const qint64 amount = amounts.at(i);
        const QString text = i == 0 ? tr("E&xact %1").arg(Money::format(amount, currency))
                                    : tr("&%1: %2").arg(i + 1).arg(Money::format(amount, currency));
        auto *button = new QPushButton(text, entry);
        button->setObjectName(QStringLiteral("cashQuick%1").arg(i));
        button->setAccessibleName(tr("Tendered %1").arg(Money::format(amount, currency)));
        button->setAutoDefault(false);
        connect(button, &QPushButton::clicked, this, [this, amount] {
            setTendered(amount);
            m_take->setFocus();
        });
        quick->addWidget(button);
    }
    quick->addStretch(1);

    m_change = new QLabel(entry);
    m_change->setObjectName(QStringLiteral("cashChange"));
    m_change->setFont(scaled(font(), 1.4, true));
    m_change->setAccessibleName(tr("Change"));

    m_message = new QLabel(entry);
    m_message->setObjectName(QStringLiteral("cashMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Amount due:"), due);
    form->addRow(tenderedLabel, m_tendered);
    form->addRow(QString(), quick);
    form->addRow(tr("Change:"), m_change);

    m_take = new QPushButton(tr("Take &payment"), entry);
    m_take->setObjectName(QStringLiteral("takePaymentButton"));
    m_take->setDefault(true);
    connect(m_take, &QPushButton::clicked, this, &CashPaymentDialog::takePayment);
    auto *cancel = new QPushButton(tr("Cancel"), entry);
    cancel->setAutoDefault(false);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    m_busy = new BusyIndicator(entry);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_busy);
    buttons->addStretch(1);
    buttons->addWidget(m_take);
    buttons->addWidget(cancel);

    auto *entryLayout = new QVBoxLayout(entry);
    entryLayout->addLayout(form);
    entryLayout->addWidget(m_message);
    entryLayout->addStretch(1);
    entryLayout->addLayout(buttons);
    m_pages->addWidget(entry);

    // Page 2: the change to hand back, big, and the receipt.
    auto *done = new QWidget(m_pages);
    done->setObjectName(QStringLiteral("cashDonePage"));
    m_doneChange = new QLabel(done);
    m_doneChange->setObjectName(QStringLiteral("cashDoneChange"));
    m_doneChange->setFont(scaled(font(), 2.4, true));
    m_doneChange->setAlignment(Qt::AlignCenter);
    m_doneSummary = new QLabel(done);
    m_doneSummary->setObjectName(QStringLiteral("cashDoneSummary"));
    m_doneSummary->setAlignment(Qt::AlignCenter);
    m_doneSummary->setWordWrap(true);
    m_receiptStatus = new QLabel(done);
    m_receiptStatus->setObjectName(QStringLiteral("cashReceiptStatus"));
    m_receiptStatus->setWordWrap(true);
    m_receipt = new ReceiptActions(pool, this);
    auto *print = new QPushButton(tr("P&rint receipt…"), done);
    print->setObjectName(QStringLiteral("cashPrintReceipt"));
    print->setAutoDefault(false);
    connect(print, &QPushButton::clicked, this, [this] { m_receipt->askAndPrint(m_bookingId); });
    auto *pdf = new QPushButton(tr("Save receipt P&DF…"), done);
    pdf->setObjectName(QStringLiteral("cashSaveReceipt"));
    pdf->setAutoDefault(false);
    connect(pdf, &QPushButton::clicked, this, [this] { m_receipt->askAndSavePdf(m_bookingId); });
    auto *close = new QPushButton(tr("Do&ne"), done);
    close->setObjectName(QStringLiteral("cashDone"));
    close->setAutoDefault(false); // the default once the payment is taken
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_receipt, &ReceiptActions::started, this,
            [this] { m_receiptStatus->setText(tr("Preparing the receipt…")); });
    connect(m_receipt, &ReceiptActions::finished, this,
            [this](bool, const QString &message) { m_receiptStatus->setText(message); });
    auto *doneButtons = new QHBoxLayout;
    doneButtons->addWidget(print);
    doneButtons->addWidget(pdf);
    doneButtons->addStretch(1);
    doneButtons->addWidget(close);
    auto *doneLayout = new QVBoxLayout(done);
    doneLayout->addStretch(1);
    doneLayout->addWidget(m_doneChange);
    doneLayout->addWidget(m_doneSummary);
    doneLayout->addStretch(1);
    doneLayout->addWidget(m_receiptStatus);
    doneLayout->addLayout(doneButtons);
    m_pages->addWidget(done);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    m_tendered->setFocus();
    updateChange();
}

QList<qint64> CashPaymentDialog::quickAmounts(qint64 dueCents)
{
    QList<qint64> amounts {dueCents};
    for (const qint64 step : {500, 1000, 2000}) {
        const qint64 next = (dueCents / step + 1) * step; // strictly above: "exact" covers the rest
        if (!amounts.contains(next))
            amounts.append(next);
    }
    return amounts;
}

std::optional<qint64> CashPaymentDialog::parseAmount(const QString &text, const QLocale &locale)
{
    // Exact cents in the locale, then as C reads them ("20.5" at a German desk).
    const DecimalInput::Result result = DecimalInput::parse(text, locale);
    if (!result.ok() || result.units > MaxTenderedCents)
        return std::nullopt;
    return result.units;
}

std::optional<qint64> CashPaymentDialog::tenderedCents() const
{
    return parseAmount(m_tendered->text(), DisplayLocale::get());
}

void CashPaymentDialog::setTendered(qint64 cents)
{
    m_tendered->setText(DisplayLocale::get().toString(double(cents) / 100.0, 'f', 2));
}

bool CashPaymentDialog::isBusy() const
{
    return m_sending || m_receipt->isBusy();
}

QString CashPaymentDialog::messageText() const
{
    return m_message->isVisible() || !m_message->text().isEmpty() ? m_message->text() : QString();
}

void CashPaymentDialog::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void CashPaymentDialog::updateChange()
{
    const std::optional<qint64> tendered = tenderedCents();
    if (!tendered) {
        m_change->setText(m_tendered->text().trimmed().isEmpty() ? QString() : tr("Not an amount"));
        m_take->setEnabled(false);
        return;
    }
    if (*tendered < m_dueCents) {
        m_change->setText(tr("%1 short").arg(Money::format(m_dueCents - *tendered, m_currency)));
        m_take->setEnabled(false);
        return;
    }
    m_change->setText(Money::format(*tendered - m_dueCents, m_currency));
    m_take->setEnabled(!m_sending);
}

bool CashPaymentDialog::takePayment()
{
    if (m_sending)
        return false;
    if (m_payment)
        return false; // taken already: this dialog shows the change now
    const std::optional<qint64> tendered = tenderedCents();
    if (!tendered) {
        const DecimalInput::Result read = DecimalInput::parse(m_tendered->text(), DisplayLocale::get());
        showMessage(read.problem == DecimalInput::Problem::Empty
                        ? tr("Type the amount handed over, for example %1.")
                              .arg(DecimalInput::text(2000, DisplayLocale::get()))
                        : read.ok() ? tr("That is more than a desk takes in cash; check the amount.")
                                    : DecimalInput::problemText(read.problem, m_tendered->text(),
                                                                DisplayLocale::get(), 2, 2000));
        m_tendered->setFocus();
        return false;
    }
    if (*tendered < m_dueCents) {
        showMessage(tr("%1 is less than the %2 due.")
                        .arg(Money::format(*tendered, m_currency), Money::format(m_dueCents, m_currency)));
        m_tendered->setFocus();
        return false;
    }
    showMessage(QString());
    m_sending = true;
    m_take->setEnabled(false);
    m_tendered->setReadOnly(true);
    m_busy->start(tr("Recording payment…"));
    const qint64 bookingId = m_bookingId;
    const qint64 cents = *tendered;
    const QString actor = m_staff.actor();
    auto recorded = m_pool.withRetry(QStringLiteral("payment.cash"), RetryPolicy::standard(),
                                     [bookingId, cents, actor](QSqlDatabase &db) {
                                         return PaymentRepo(db).recordCash(bookingId, cents, actor);
                                     });
    Async::onResult(recorded, this, [this](const DbResult<Payment> &result) {
        m_sending = false;
        m_busy->stop();
        m_tendered->setReadOnly(false);
        if (!result.ok()) {
            showMessage(result.error().message());
            updateChange();
            return;
        }
        m_payment = result.value();
        const Payment &p = result.value();
        m_doneChange->setText(tr("Change: %1").arg(Money::format(p.changeCents(), p.currency)));
        m_doneSummary->setText(tr("%1 paid in cash; %2 tendered.")
                                   .arg(Money::format(p.amountCents, p.currency),
                                        Money::format(p.tenderedCents.value_or(p.amountCents), p.currency)));
        m_pages->setCurrentIndex(1);
        auto *done = findChild<QPushButton *>(QStringLiteral("cashDone"));
        m_take->setDefault(false);
        done->setDefault(true);
        done->setFocus();
        Q_EMIT paid(p);
    });
    return true;
}
