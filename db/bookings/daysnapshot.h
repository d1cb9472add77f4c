#pragma once

#include "db/bookings/booking.h"
#include "db/bookings/paymentbadge.h"
#include "db/calendar/closure.h"
#include "db/calendar/openinghours.h"
#include "db/calendar/sitesettings.h"
#include "db/catalogue/bayref.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>

// One site-local day as the front desk's board reads it, all from one
// statement (so from one snapshot of the database): the database's now, the
// site's settings and hours, the closures covering the day, the bays in use
// and the day's bookings. Plain value, copied across threads.
struct DaySnapshot
{
    QDate date; // the site-local day
    QDateTime now; // the database's now(), in the site's zone
    SiteSettings settings;
    QList<OpeningPeriod> hours; // every weekday's
    QList<Closure> closures; // those covering date
    // Active bays offering at least one active service, in the catalogue's
    // order (sort order, then id).
    QList<BayRef> bays;
    // Every booking (any status; a held one past its expiry reads as
    // expired) starting on date in the site's zone, by start and bay. The
    // fields the board shows; add-ons, phone, e-mail and author are left out.
    QList<Booking> bookings;
    // Each of those bookings' money (paid, partly, unpaid, a card payment
    // under way, needs attention), by booking id; read in the same statement.
    QHash<qint64, PaymentBadge> payments;
};
