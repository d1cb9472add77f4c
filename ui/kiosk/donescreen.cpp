#include "ui/kiosk/donescreen.h"

#include "db/text/money.h"
#include "ui/common/qrcodeimage.h"
#include "ui/kiosk/kiosktext.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

DoneScreen::DoneScreen(QWidget *parent)
    : KioskScreen(parent)
{
    setObjectName(QStringLiteral("kioskDone"));
    m_code = new QLabel(this);
    m_code->setObjectName(QStringLiteral("doneCode"));
    m_code->setAlignment(Qt::AlignCenter);
    QFont huge = m_code->font();
    huge.setPointSizeF(huge.pointSizeF() * 3.5);
    huge.setBold(true);
    m_code->setFont(huge);
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
    m_finish = bigButton(QStringLiteral("doneFinish"), this);
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

void DoneScreen::showBooking(const Booking &booking, bool paid)
{
    m_booking = booking;
    m_paid = paid;
    m_qr->setPixmap(QPixmap::fromImage(QrCodeImage::render(booking.code, 10)));
    retranslate();
    updateTitle();
    m_finish->setFocus(Qt::OtherFocusReason);
    m_return.start();
}

void DoneScreen::clear()
{
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
        m_code->setAccessibleName(tr("Your confirmation code: %1").arg(b.code.split(QString(), Qt::SkipEmptyParts).join(u' ')));
        QString details = tr("%1 for your %2, plate %3\n%4 at %5")
                              .arg(b.serviceName, KioskText::vehicleClass(b.vehicleClass), b.plate,
                                   KioskText::time(b.start), b.bay.name);
        if (!m_paid)
            details += u'\n' + tr("Please pay %1 at the desk.").arg(Money::format(b.priceCents, b.currency));
        m_details->setText(details);
        m_drive->setText(tr("Drive to %1").arg(b.bay.name));
    }
    m_qr->setAccessibleName(tr("QR code of your confirmation code"));
    setSpoken(m_finish, tr("Finish"), tr("Finish"), tr("Back to the start"));
}
