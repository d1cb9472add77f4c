#include "tests/bookingdetailscardfixture.h"

#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/cardpaymentdialog.h"

#include <QElapsedTimer>
#include <QTest>

using namespace DeskTest;

void BookingDetailsCardFixture::showDeskWithoutServer()
{
    sql(QStringLiteral(
        "DELETE FROM process_health WHERE program = 'carwash-server'; DELETE FROM card_readers"));
    showDesk();
}

void BookingDetailsCardFixture::serverReports()
{
    sql(QStringLiteral("INSERT INTO process_health (host, pid, started_at, program, snapshot) "
                       "VALUES ('payments-host', 4242, now(), 'carwash-server', '{}') "
                       "ON CONFLICT (host, pid, started_at) DO UPDATE SET updated_at = now()"));
}

qint64 BookingDetailsCardFixture::lastRequest(qint64 paymentId, const QString &kind)
{
    return count(
        QStringLiteral(
            "SELECT coalesce(max(id), 0) FROM payment_requests WHERE payment_id = %1 AND kind = '%2'")
            .arg(paymentId)
            .arg(kind));
}

void BookingDetailsCardFixture::answer(qint64 requestId, const QString &resultJson)
{
    sql(QStringLiteral("UPDATE payment_requests SET status = 'done', attempts = attempts + 1, result = '%1', "
                       "answered_at = now(), updated_at = now() WHERE id = %2")
            .arg(resultJson)
            .arg(requestId));
}

void BookingDetailsCardFixture::paymentSucceeded(qint64 paymentId)
{
    sql(QStringLiteral("UPDATE payments SET status = 'succeeded', paid_at = now() WHERE id = %1; "
                       "UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL "
                       "WHERE id = (SELECT booking_id FROM payments WHERE id = %1) AND status = 'held'")
            .arg(paymentId));
}

qint64 BookingDetailsCardFixture::price(qint64 bookingId)
{
    return count(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(bookingId));
}

CardPaymentDialog *BookingDetailsCardFixture::openCard(BookingDetailsDialog *dialog)
{
    CardPaymentDialog *card = dialog->openCardPayment();
    if (!card)
        return nullptr;
    QElapsedTimer waited;
    waited.start();
    while (card->page() == CardPaymentDialog::Page::Checking && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    return card;
}
