#pragma once

#include "tests/bookingdetailsfixture.h"

#include <QString>

class CardPaymentDialog;

// What the card and refund tests of the booking details share, on top of
// BookingDetailsFixture: no carwash-server and no card reader until a test
// says so, and carwash-server's side played through plain SQL, exactly as
// the server answers a request (the payment row's Stripe fields, the request
// row's status, result and answered_at, the payment's status when Stripe
// says it succeeded). Use it from the test thread only.
class BookingDetailsCardFixture : public BookingDetailsFixture
{
protected:
    // No server reporting, no card reader; then showDesk().
    void showDeskWithoutServer();
    // carwash-server reporting in, as its health publisher does.
    void serverReports();
    qint64 lastRequest(qint64 paymentId, const QString &kind);
    void answer(qint64 requestId, const QString &resultJson = QStringLiteral("{}"));
    void paymentSucceeded(qint64 paymentId);
    qint64 price(qint64 bookingId);
    qint64 count(const QString &statement) { return sql(statement).toLongLong(); }
    // Card… of the dialog, once it has checked for a server; null if none.
    CardPaymentDialog *openCard(BookingDetailsDialog *dialog);
};
