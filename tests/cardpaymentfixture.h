#pragma once

#include "db/payments/stripeeventrepo.h"
#include "db/payments/stripeupdate.h"
#include "tests/bookingenginefixture.h"

#include <QString>

// What the card payment tests share on top of the booking engine's
// fixture: kiosk holds, card payments as a desk asks for them (a pending
// row carrying the charge, like PaymentRepo's cash), Stripe's news as
// carwash-server hands it to StripeEventRepo, and counts read back.
class CardPaymentFixture : public BookingEngineFixture
{
protected:
    // A kiosk hold on lane 1 at localTime, with the add-ons given.
    qint64 heldBooking(const QString &localTime, const QString &plate, const QList<qint64> &addons = {});
    // Sets the tax the next card payments are charged with.
    void setTax(const QString &percent, bool pricesIncludeTax);
    // A pending card payment of everything the booking costs (with the tax
    // as set), with Stripe ids "cs_<tag>" / "pi_<tag>" when tag is given.
    qint64 cardPayment(qint64 bookingId, const QString &method, const QString &tag = {});

    StripeUpdate paidSession(qint64 paymentId, const QString &tag) const;
    StripeUpdate session(qint64 paymentId, const QString &tag, const QString &status,
                         const QString &paymentStatus) const;
    StripeUpdate intent(qint64 paymentId, const QString &tag, const QString &status) const;
    StripeUpdate readerAction(qint64 paymentId, const QString &tag, const QString &actionStatus,
                              const QString &intentStatus, const QString &failure = {}) const;

    // StripeEventRepo::receive with a payload {"id", "type"}.
    StripeEventOutcome deliver(const QString &eventId, const QString &type, const StripeUpdate &update);
    StripeEventOutcome reconcile(const StripeUpdate &update);

    qint64 count(const QString &statement);
    QString text(const QString &statement);
    QString paymentStatus(qint64 paymentId);
    QString bookingStatus(qint64 bookingId);
    // Audit rows of the booking with that action.
    qint64 audits(qint64 bookingId, const QString &action);
};
