#include "ui/desk/cardpaymentdialog.h"

#include "db/health/processidentity.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/readerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "qrcode/qrcodeimage.h"
#include "ui/desk/receiptactions.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {

// What the dialog needs before it offers anything.
struct CardCheck
{
    CardPaymentAvailability availability;
    std::optional<CardReader> reader;
};

QFont scaled(QFont font, double factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

QLabel *wrapped(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QPushButton *button(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAutoDefault(false);
    return b;
}

constexpr int PollMs = 1000;

} // namespace

QString CardPaymentDialog::deskName()
{
    return ProcessIdentity::current(QStringLiteral("carwash")).host;
}

CardPaymentDialog::CardPaymentDialog(ConnectionPool &pool, const StaffMember &staff, qint64 bookingId,
                                     const QString &code, qint64 dueCents, const QString &currency,
                                     QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
    , m_bookingId(bookingId)
    , m_code(code)
    , m_dueCents(dueCents)
    , m_currency(currency)
{
    setObjectName(QStringLiteral("cardPaymentDialog"));
    setWindowTitle(tr("Card payment — %1").arg(code));
    m_pages = new QStackedWidget(this);
    const QString amount = Money::format(dueCents, currency);

    // Checking: nothing to do but wait a moment.
    auto *checking = new QWidget(m_pages);
    auto *checkingText = new QLabel(tr("Checking whether card payment is available…"), checking);
    auto *checkingLayout = new QVBoxLayout(checking);
    checkingLayout->addStretch(1);
    checkingLayout->addWidget(checkingText, 0, Qt::AlignCenter);
    checkingLayout->addStretch(1);
    m_pages->addWidget(checking);

    // Unavailable: why, and what to do.
    auto *unavailable = new QWidget(m_pages);
    unavailable->setObjectName(QStringLiteral("cardUnavailablePage"));
    m_unavailable = wrapped(unavailable, QStringLiteral("cardUnavailable"));
    m_unavailable->setAccessibleName(tr("Card payment unavailable"));
    m_unavailable->setFont(scaled(font(), 1.2, false));
    auto *unavailableLayout = new QVBoxLayout(unavailable);
    unavailableLayout->addStretch(1);
    unavailableLayout->addWidget(m_unavailable);
    unavailableLayout->addStretch(1);
    m_pages->addWidget(unavailable);

    // Choose: the reader or the customer's phone.
    auto *choose = new QWidget(m_pages);
    choose->setObjectName(QStringLiteral("cardChoosePage"));
    auto *due = new QLabel(amount, choose);
    due->setObjectName(QStringLiteral("cardDue"));
    due->setAccessibleName(tr("Amount due"));
    due->setFont(scaled(font(), 1.6, true));
    m_readerButton = button(tr("On the &reader"), QStringLiteral("cardOnReader"), choose);
    m_readerButton->setAccessibleName(tr("Pay on this desk's card reader"));
    connect(m_readerButton, &QPushButton::clicked, this, &CardPaymentDialog::payOnReader);
    m_qrButton = button(tr("Customer's &phone (QR code)"), QStringLiteral("cardByQrCode"), choose);
    m_qrButton->setAccessibleName(tr("Show a QR code the customer pays with on their phone"));
    connect(m_qrButton, &QPushButton::clicked, this, &CardPaymentDialog::payByQrCode);
    m_noReader = wrapped(choose, QStringLiteral("cardNoReader"));
    m_noReader->setText(tr("This desk (%1) has no card reader assigned; a manager assigns one with "
                           "carwash-admin reader add … --desk %1.")
                            .arg(deskName()));
    m_chooseError = wrapped(choose, QStringLiteral("cardChooseError"));
    m_chooseError->setStyleSheet(QStringLiteral("color: #b00020;"));
    auto *ways = new QHBoxLayout;
    ways->addWidget(m_readerButton);
    ways->addWidget(m_qrButton);
    ways->addStretch(1);
    auto *chooseLayout = new QVBoxLayout(choose);
    // In the middle, like the other pages (the dialog is sized for the QR code).
    chooseLayout->addStretch(1);
    chooseLayout->addWidget(new QLabel(tr("Amount due:"), choose));
    chooseLayout->addWidget(due);
    chooseLayout->addLayout(ways);
    chooseLayout->addWidget(m_noReader);
    chooseLayout->addWidget(m_chooseError);
    chooseLayout->addStretch(1);
    m_pages->addWidget(choose);

    // The reader: the cart's amount, the state, try again, cancel.
    auto *onReader = new QWidget(m_pages);
    onReader->setObjectName(QStringLiteral("cardReaderPage"));
    auto *readerAmount = new QLabel(amount, onReader);
    readerAmount->setObjectName(QStringLiteral("cardReaderAmount"));
    readerAmount->setAccessibleName(tr("Amount on the reader"));
    readerAmount->setFont(scaled(font(), 2.0, true));
    readerAmount->setAlignment(Qt::AlignCenter);
    m_readerState = wrapped(onReader, QStringLiteral("cardReaderState"));
    m_readerState->setAccessibleName(tr("Reader state"));
    m_readerState->setAlignment(Qt::AlignCenter);
    m_readerState->setFont(scaled(font(), 1.2, false));
    m_readerRetry = button(tr("&Try again"), QStringLiteral("cardReaderRetry"), onReader);
    connect(m_readerRetry, &QPushButton::clicked, this, &CardPaymentDialog::tryAgain);
    m_readerCancel = button(tr("&Cancel payment"), QStringLiteral("cardReaderCancel"), onReader);
    m_readerCancel->setAccessibleName(tr("Cancel the payment on the reader"));
    connect(m_readerCancel, &QPushButton::clicked, this, &CardPaymentDialog::cancelPayment);
    auto *readerButtons = new QHBoxLayout;
    readerButtons->addStretch(1);
    readerButtons->addWidget(m_readerRetry);
    readerButtons->addWidget(m_readerCancel);
    auto *readerLayout = new QVBoxLayout(onReader);
    readerLayout->addStretch(1);
    readerLayout->addWidget(readerAmount);
    readerLayout->addWidget(m_readerState);
    readerLayout->addStretch(1);
    readerLayout->addLayout(readerButtons);
    m_pages->addWidget(onReader);

    // The QR code: big, the link under it, the state and the time left.
    auto *qr = new QWidget(m_pages);
    qr->setObjectName(QStringLiteral("cardQrPage"));
    auto *qrAmount = new QLabel(amount, qr);
    qrAmount->setObjectName(QStringLiteral("cardQrAmount"));
    qrAmount->setAccessibleName(tr("Amount to pay"));
    qrAmount->setFont(scaled(font(), 1.6, true));
    qrAmount->setAlignment(Qt::AlignCenter);
    m_qrImage = new QLabel(qr);
    m_qrImage->setObjectName(QStringLiteral("cardQrImage"));
    m_qrImage->setAccessibleName(tr("QR code of the payment link"));
    m_qrImage->setAlignment(Qt::AlignCenter);
    m_qrImage->setMinimumSize(280, 280);
    m_qrLink = wrapped(qr, QStringLiteral("cardQrLink"));
    m_qrLink->setAccessibleName(tr("Payment link"));
    m_qrLink->setAlignment(Qt::AlignCenter);
    m_qrLink->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_qrState = wrapped(qr, QStringLiteral("cardQrState"));
    m_qrState->setAccessibleName(tr("Payment state"));
    m_qrState->setAlignment(Qt::AlignCenter);
    m_qrTimeLeft = new QLabel(qr);
    m_qrTimeLeft->setObjectName(QStringLiteral("cardQrTimeLeft"));
    m_qrTimeLeft->setAccessibleName(tr("Time left to pay"));
    m_qrTimeLeft->setAlignment(Qt::AlignCenter);
    m_qrRetry = button(tr("&New link"), QStringLiteral("cardQrRetry"), qr);
    connect(m_qrRetry, &QPushButton::clicked, this, &CardPaymentDialog::tryAgain);
    m_qrCancel = button(tr("&Cancel payment"), QStringLiteral("cardQrCancel"), qr);
    m_qrCancel->setAccessibleName(tr("Cancel the payment link"));
    connect(m_qrCancel, &QPushButton::clicked, this, &CardPaymentDialog::cancelPayment);
    auto *qrButtons = new QHBoxLayout;
    qrButtons->addStretch(1);
    qrButtons->addWidget(m_qrRetry);
    qrButtons->addWidget(m_qrCancel);
    auto *qrLayout = new QVBoxLayout(qr);
    qrLayout->addWidget(qrAmount);
    qrLayout->addWidget(m_qrImage, 1);
    qrLayout->addWidget(m_qrLink);
    qrLayout->addWidget(m_qrState);
    qrLayout->addWidget(m_qrTimeLeft);
    qrLayout->addLayout(qrButtons);
    m_pages->addWidget(qr);

    // Paid: the receipt, as after cash.
    auto *paidPage = new QWidget(m_pages);
    paidPage->setObjectName(QStringLiteral("cardPaidPage"));
    m_paidSummary = wrapped(paidPage, QStringLiteral("cardPaidSummary"));
    m_paidSummary->setFont(scaled(font(), 2.0, true));
    m_paidSummary->setAlignment(Qt::AlignCenter);
    m_receiptStatus = wrapped(paidPage, QStringLiteral("cardReceiptStatus"));
    m_receipt = new ReceiptActions(pool, this);
    auto *print = button(tr("P&rint receipt…"), QStringLiteral("cardPrintReceipt"), paidPage);
    connect(print, &QPushButton::clicked, this, [this] { m_receipt->askAndPrint(m_bookingId); });
    auto *pdf = button(tr("Save receipt P&DF…"), QStringLiteral("cardSaveReceipt"), paidPage);
    connect(pdf, &QPushButton::clicked, this, [this] { m_receipt->askAndSavePdf(m_bookingId); });
    auto *done = button(tr("Do&ne"), QStringLiteral("cardDone"), paidPage);
    connect(done, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_receipt, &ReceiptActions::started, this,
            [this] { m_receiptStatus->setText(tr("Preparing the receipt…")); });
    connect(m_receipt, &ReceiptActions::finished, this,
            [this](bool, const QString &message) { m_receiptStatus->setText(message); });
    auto *paidButtons = new QHBoxLayout;
    paidButtons->addWidget(print);
    paidButtons->addWidget(pdf);
    paidButtons->addStretch(1);
    paidButtons->addWidget(done);
    auto *paidLayout = new QVBoxLayout(paidPage);
    paidLayout->addStretch(1);
    paidLayout->addWidget(m_paidSummary);
    paidLayout->addStretch(1);
    paidLayout->addWidget(m_receiptStatus);
    paidLayout->addLayout(paidButtons);
    m_pages->addWidget(paidPage);

    m_busy = new BusyIndicator(this);
    auto *close = button(tr("C&lose"), QStringLiteral("cardClose"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_busy, 1);
    bottom->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addLayout(bottom);

    m_poll.setInterval(PollMs);
    connect(&m_poll, &QTimer::timeout, this, &CardPaymentDialog::pollNow);
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &CardPaymentDialog::updateTimeLeft);
    resize(fontMetrics().averageCharWidth() * 70, fontMetrics().height() * 30);
    check();
}

CardPaymentDialog::Page CardPaymentDialog::page() const
{
    return Page(m_pages->currentIndex());
}

void CardPaymentDialog::setPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
}

QString CardPaymentDialog::unavailableText() const
{
    return page() == Page::Unavailable ? m_unavailable->text() : QString();
}

bool CardPaymentDialog::offersReader() const
{
    return page() == Page::Choose && !m_readerButton->isHidden();
}

bool CardPaymentDialog::isBusy() const
{
    return m_checking || m_sending || m_polling || m_receipt->isBusy();
}

QString CardPaymentDialog::stateText() const
{
    if (page() == Page::Reader)
        return m_readerState->text();
    if (page() == Page::QrCode)
        return m_qrState->text();
    if (page() == Page::Paid)
        return m_paidSummary->text();
    return {};
}

QImage CardPaymentDialog::qrImage() const
{
    return m_qrImage->pixmap().toImage();
}

void CardPaymentDialog::check()
{
    m_checking = true;
    m_busy->start(tr("Checking…"));
    setPage(Page::Checking);
    const QString desk = deskName();
    auto checked
        = m_pool.withRetry(QStringLiteral("card.check"), RetryPolicy::standard(), [desk](QSqlDatabase &db) {
              CardCheck c;
              c.availability = CardPaymentRequests(db).availability();
              if (c.availability.available)
                  c.reader = ReaderRepo(db).forDevice(QStringLiteral("desk"), desk);
              return c;
          });
    Async::onResult(checked, this, [this](const DbResult<CardCheck> &result) {
        m_checking = false;
        m_busy->stop();
        if (!result.ok()) {
            m_unavailable->setText(tr("Card payment could not be checked: %1 Take cash, or try again in a "
                                      "moment.")
                                       .arg(result.error().message()));
            setPage(Page::Unavailable);
            return;
        }
        if (!result->availability.available) {
            m_unavailable->setText(
                tr("%1 Take the payment in cash instead; card payment comes back once the payment server "
                   "is running again.")
                    .arg(result->availability.reason));
            setPage(Page::Unavailable);
            return;
        }
        m_reader = result->reader;
        m_readerButton->setVisible(m_reader.has_value());
        m_noReader->setVisible(!m_reader);
        if (m_reader)
            m_readerButton->setToolTip(tr("Reader %1 (%2)").arg(m_reader->label, m_reader->id));
        setPage(Page::Choose);
        (m_reader ? m_readerButton : m_qrButton)->setFocus();
    });
}

bool CardPaymentDialog::payOnReader()
{
    if (!offersReader() || isBusy())
        return false;
    start(true);
    return true;
}

bool CardPaymentDialog::payByQrCode()
{
    if (page() != Page::Choose || isBusy())
        return false;
    start(false);
    return true;
}

void CardPaymentDialog::start(bool reader)
{
    m_sending = true;
    m_onReader = reader;
    m_chooseError->clear();
    m_busy->start(reader ? tr("Sending to the reader…") : tr("Asking for a payment link…"));
    const qint64 id = m_bookingId;
    const QString actor = m_staff.actor();
    const QString readerId = m_reader ? m_reader->id : QString();
    const qint64 retryPayment = m_paymentId; // a declined reader attempt is ended first
    const QString locale = DisplayLocale::get().name().section(u'_', 0, 0);
    auto asked = m_pool.withRetry(
        QStringLiteral("card.start"), RetryPolicy::standard(),
        [id, actor, readerId, locale, reader, retryPayment](QSqlDatabase &db) -> DbResult<CardPaymentStart> {
            // Stripe keeps a declined reader payment open; a new attempt
            // starts afresh, so the old one is cancelled.
            return CardPaymentRequests(db).startAttempt(id, reader, readerId, locale, actor, retryPayment);
        });
    Async::onResult(asked, this, [this, reader](const DbResult<CardPaymentStart> &result) {
        m_sending = false;
        m_busy->stop();
        if (!result.ok()) {
            showError(result.error().message());
            return;
        }
        started(result->paymentId, result->requestId, reader);
    });
}

void CardPaymentDialog::started(qint64 paymentId, qint64 requestId, bool reader)
{
    m_paymentId = paymentId;
    m_requestId = requestId;
    m_shownUrl.clear();
    m_qrImage->clear();
    m_qrLink->clear();
    m_qrTimeLeft->clear();
    m_progress = CardPaymentProgress();
    setPage(reader ? Page::Reader : Page::QrCode);
    (reader ? m_readerState : m_qrState)->setText(m_progress.text(reader));
    m_readerRetry->hide();
    m_qrRetry->hide();
    m_readerCancel->setEnabled(true);
    m_qrCancel->setEnabled(true);
    (reader ? m_readerCancel : m_qrCancel)->setFocus();
    m_poll.start();
    pollNow();
}

void CardPaymentDialog::showError(const QString &text)
{
    if (page() == Page::Choose) {
        m_chooseError->setText(text);
        return;
    }
    (m_onReader ? m_readerState : m_qrState)->setText(text);
}

void CardPaymentDialog::pollNow()
{
    if (!m_paymentId || m_polling)
        return;
    m_polling = true;
    const qint64 paymentId = m_paymentId;
    const qint64 requestId = m_requestId;
    auto read = m_pool.withRetry(QStringLiteral("card.progress"), RetryPolicy::standard(),
                                 [paymentId, requestId](QSqlDatabase &db) {
                                     return CardPaymentProgress::read(db, paymentId, requestId);
                                 });
    Async::onResult(read, this, [this, paymentId](const DbResult<CardPaymentProgress> &result) {
        m_polling = false;
        if (paymentId != m_paymentId)
            return; // another attempt began meanwhile
        if (!result.ok()) {
            // Shown, and the next tick tries again.
            showError(tr("The payment's state could not be read: %1").arg(result.error().message()));
            return;
        }
        show(result.value());
    });
}

void CardPaymentDialog::show(const CardPaymentProgress &progress)
{
    const bool wasPaid = m_progress.state() == CardPaymentProgress::State::Paid;
    m_progress = progress;
    const CardPaymentProgress::State state = progress.state();
    if (progress.isFinal()) {
        m_poll.stop();
        m_countdown.stop();
    }
    if (state == CardPaymentProgress::State::Paid) {
        m_paidSummary->setText(progress.text(m_onReader));
        setPage(Page::Paid);
        findChild<QPushButton *>(QStringLiteral("cardDone"))->setFocus();
        if (!wasPaid)
            Q_EMIT paid(*progress.payment);
        Q_EMIT progressChanged();
        return;
    }
    const bool again = state == CardPaymentProgress::State::Declined
        || state == CardPaymentProgress::State::Failed || state == CardPaymentProgress::State::Expired
        || state == CardPaymentProgress::State::Cancelled;
    const bool cancellable = progress.payment && progress.payment->status == u"pending";
    if (m_onReader) {
        m_readerState->setText(progress.text(true));
        m_readerRetry->setVisible(again);
        m_readerCancel->setEnabled(cancellable);
    } else {
        m_qrState->setText(progress.text(false));
        m_qrRetry->setVisible(again && state != CardPaymentProgress::State::Declined);
        m_qrCancel->setEnabled(cancellable);
        const QString url = progress.checkoutUrl();
        if (state == CardPaymentProgress::State::Waiting && url != m_shownUrl && !url.isEmpty()) {
            m_shownUrl = url;
            const QImage image = QrCodeImage::render(url, 6);
            m_qrImage->setPixmap(QPixmap::fromImage(image));
            m_qrLink->setText(url);
            m_countdown.start();
        }
        if (state != CardPaymentProgress::State::Waiting) {
            m_qrImage->clear();
            m_qrTimeLeft->clear();
        }
        updateTimeLeft();
    }
    Q_EMIT progressChanged();
}

void CardPaymentDialog::updateTimeLeft()
{
    if (m_progress.state() != CardPaymentProgress::State::Waiting || m_shownUrl.isEmpty())
        return;
    // The desk's clock counts down between polls; whether the session has
    // ended is the server's word, read with the next poll.
    QDateTime ends = m_progress.checkoutExpiresAt();
    if (m_holdExpiresAt.isValid() && (!ends.isValid() || m_holdExpiresAt < ends))
        ends = m_holdExpiresAt;
    m_qrTimeLeft->setText(CardPaymentProgress::timeLeft(ends, QDateTime::currentDateTimeUtc()));
}

bool CardPaymentDialog::tryAgain()
{
    if ((page() != Page::Reader && page() != Page::QrCode) || isBusy())
        return false;
    QPushButton *retry = m_onReader ? m_readerRetry : m_qrRetry;
    if (retry->isHidden())
        return false;
    m_poll.stop();
    start(m_onReader);
    return true;
}

bool CardPaymentDialog::cancelPayment()
{
    if ((page() != Page::Reader && page() != Page::QrCode) || m_sending || !m_paymentId)
        return false;
    m_sending = true;
    m_busy->start(tr("Cancelling…"));
    const qint64 paymentId = m_paymentId;
    const QString actor = m_staff.actor();
    auto ended = m_pool.withRetry(
        QStringLiteral("card.cancel"), RetryPolicy::standard(),
        [paymentId, actor](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(paymentId, actor); });
    Async::onResult(ended, this, [this](const DbResult<qint64> &result) {
        m_sending = false;
        m_busy->stop();
        if (!result.ok()) {
            // Most often it was paid or ended meanwhile: the next poll shows which.
            showError(result.error().message());
        } else {
            Q_EMIT cancelled();
        }
        pollNow();
    });
    return true;
}
