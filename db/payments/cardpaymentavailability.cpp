#include "db/payments/cardpaymentavailability.h"

CardPaymentAvailability CardPaymentAvailability::fromAge(double ageSeconds)
{
    CardPaymentAvailability a;
    a.silentSeconds = ageSeconds;
    if (ageSeconds < 0) {
        a.reason = tr("Card payment is unavailable: no payment server (carwash-server) is running.");
        return a;
    }
    if (ageSeconds <= FreshForSeconds) {
        a.available = true;
        return a;
    }
    const int minutes = int(ageSeconds / 60);
    if (minutes < 2)
        a.reason = tr("Card payment is unavailable: no payment server has reported for a minute.");
    else if (minutes < 120)
        a.reason
            = tr("Card payment is unavailable: no payment server has reported for %1 minutes.").arg(minutes);
    else
        a.reason = tr("Card payment is unavailable: no payment server has reported for %1 hours.")
                       .arg(minutes / 60);
    return a;
}
