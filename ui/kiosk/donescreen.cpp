#include "ui/kiosk/donescreen.h"

#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"
#include "ui/common/receiptdocument.h"
#include "ui/kiosk/kiosktext.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QPrinter>
#include <QPrinterInfo>
#include <QPushButton>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcKioskReceipt, "carwash.ui.kiosk.receipt", QtWarningMsg)

DoneScreen::DoneScreen(QWidget *parent)
    : KioskScreen(parent)
{
    // A kiosk with a receipt printer has it as the system's default.
    const QPrinterInfo printer = QPrinterInfo::defaultPrinter();
    if (!printer.isNull())
        m_printer = std::make_shared<QPrinter>(printer, QPrinter::HighResolution);
    setObjectName(QStringLiteral("kioskDone"));
    m_code = new QLabel(this);
    m_code->setObjectName(QStringLiteral("doneCode"));
    m_code->setAlignment(Qt::AlignCenter);
    QFont huge = m_code->font();
    huge.setPointSizeF(huge.pointSizeF() * 3.5);
    huge.setBold(true);
    m_code->setFont(huge);
    m_code->setProperty("kioskRole", QStringLiteral("display"));
    m_qr = new QLabel(this);
    m_qr->setObjectName(QStringLiteral("doneQrCode"));
    m_qr->setAlignment(Qt::AlignCenter);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("doneDetails"));
    m_details->setAlignment(Qt::AlignCenter);
    m_details->setWordWrap(true);
    m_drive = new QLabel(this);
    m_drive->setObjectName(QStringLiteral("doneDrive"));
    m_drive->setAlignment(Qt::AlignCenter);
    m_drive->setWordWrap(true);
    QFont big = m_drive->font();
    big.setPointSizeF(big.pointSizeF() * 2);
    big.setBold(true);
    m_drive->setFont(big);
    m_drive->setProperty("kioskRole", QStringLiteral("heading"));
    m_receipt = new QLabel(this);
    m_receipt->setObjectName(QStringLiteral("doneReceipt"));
    m_receipt->setAlignment(Qt::AlignCenter);
    m_receipt->setWordWrap(true);
    m_finish = bigButton(QStringLiteral("doneFinish"), this);
    makePrimary(m_finish);
    connect(m_finish, &QPushButton::clicked, this, &DoneScreen::finished);
    m_return.setSingleShot(true);
    m_return.setInterval(ReturnAfterMs);
    connect(&m_return, &QTimer::timeout, this, &DoneScreen::finished);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addWidget(m_code);
    layout->addWidget(m_qr, 1);
    layout->addWidget(m_details);
    layout->addWidget(m_drive);
    layout->addWidget(m_receipt);
    layout->addStretch(1);
    layout->addWidget(m_finish);
    retranslate();
    updateTitle();
}

QString DoneScreen::title() const
{
    return m_paid ? tr("Paid, thank you!") : tr("Booked, thank you!");
}

QString DoneScreen::describe() const
{
    return m_booking ? tr("Done, booking %1").arg(m_booking->code) : title();
}

void DoneScreen::showBooking(const Booking &booking, bool paid, ConnectionPool *pool)
{
    m_booking = booking;
    m_paid = paid;
    const quint64 generation = ++m_generation;
    m_receiptState = ReceiptState::None;
    if (pool && m_printer) {
        m_receiptState = ReceiptState::Printing;
        const qint64 id = booking.id;
        auto loaded = pool->withRetry(QStringLiteral("kiosk.receipt"), RetryPolicy::standard(),
                                      [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); });
        Async::onResult(loaded, this, [this, generation](const DbResult<Receipt> &result) {
            if (generation != m_generation)
                return;
            QString error;
            bool ok = result.ok();
            if (!ok)
                error = result.error().toLogString();
            else
                ok = ReceiptDocument(result.value()).print(m_printer.get(), &error);
            if (!ok)
                qCWarning(lcKioskReceipt).noquote() << "receipt not printed:" << error;
            m_receiptState = ok ? ReceiptState::Printed : ReceiptState::Failed;
            retranslate();
            Q_EMIT receiptPrinted(ok);
        });
    }
    m_qr->setPixmap(QPixmap::fromImage(QrCodeImage::render(booking.code, 10)));
    retranslate();
    updateTitle();
    m_finish->setFocus(Qt::OtherFocusReason);
    m_return.start();
}

void DoneScreen::clear()
{
    ++m_generation;
    m_receiptState = ReceiptState::None;
    m_return.stop();
    m_booking.reset();
    m_paid = true;
    m_qr->clear();
    retranslate();
    updateTitle();
}

QString DoneScreen::codeText() const
{
    return m_code->text();
}

QString DoneScreen::detailsText() const
{
    return m_details->text();
}

QString DoneScreen::receiptText() const
{
    return m_receipt->text();
}

QImage DoneScreen::qrImage() const
{
    return m_qr->pixmap().toImage();
}

void DoneScreen::retranslate()
{
    if (!m_booking) {
        m_code->clear();
        m_details->clear();
        m_drive->clear();
    } else {
        const Booking &b = *m_booking;
        m_code->setText(b.code);
        m_code->setAccessibleName(
            tr("Your confirmation code: %1").arg(b.code.split(QString(), Qt::SkipEmptyParts).join(u' ')));
        QString details = tr("%1 for your %2, plate %3\n%4 at %5")
                              .arg(b.serviceName, KioskText::vehicleClass(b.vehicleClass), b.plate,
                                   KioskText::time(b.start), b.bay.name);
        if (!m_paid)
            details += u'\n' + tr("Please pay %1 at the desk.").arg(Money::format(b.priceCents, b.currency));
        m_details->setText(details);
        m_drive->setText(tr("Drive to %1").arg(b.bay.name));
    }
    switch (m_receiptState) {
    case ReceiptState::None:
        m_receipt->clear();
        break;
    case ReceiptState::Printing:
        m_receipt->setText(tr("Your receipt is printing."));
        break;
    case ReceiptState::Printed:
        m_receipt->setText(tr("Please take your receipt."));
        break;
    case ReceiptState::Failed:
        m_receipt->setText(tr("Your receipt could not be printed; the desk can print it for you."));
        break;
    }
    m_qr->setAccessibleName(tr("QR code of your confirmation code"));
    setSpoken(m_finish, tr("Finish"), tr("Finish"), tr("Back to the start"));
}
