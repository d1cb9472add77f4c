#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/availability/slotplanner.h"
#include "db/calendar/closure.h"
#include "db/calendar/openinghours.h"
#include "db/calendar/sitesettings.h"
#include "db/catalogue/bayref.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>

// Everything the slot rules need for a request over a few local days, as
// AvailabilityRepo loads it in one statement: the database's now(), the
// settings, the service and add-ons asked for (and whether they may be
// combined), the hours, the closures, the bays and their busy times. Plain
// value; the same snapshot serves availability, "next" and the booking
// checks.
class PlanningContext
{
    Q_DECLARE_TR_FUNCTIONS(PlanningContext)
public:
    struct ServiceInfo
    {
        qint64 id = 0;
        QString name;
        int durationMinutes = 0;
        bool active = false;
        std::optional<qint64> priceCents; // for the vehicle class asked for
        QString currency;
        QStringList vehicleClasses; // those with a price
    };
    struct AddonInfo
    {
        qint64 id = 0;
        QString name;
        qint64 priceCents = 0;
        int extraMinutes = 0;
        bool active = false;
        bool allowed = false; // may be ordered with the service
    };
    struct BayInfo
    {
        BayRef bay;
        bool active = false;
        bool offersService = false;
    };

    AvailabilityRequest request;
    QDate from; // the local days loaded, inclusive
    QDate to;
    QDateTime now; // the database's transaction time
    SiteSettings settings;
    std::optional<ServiceInfo> service; // nullopt: no such service
    QList<AddonInfo> addons; // those asked for that exist
    QList<OpeningPeriod> hours;
    QList<Closure> closures;
    QList<BayInfo> bays; // offering the service, plus the one asked for
    QList<BusyInterval> busy;

    // What is wrong with the request itself (unknown or inactive service,
    // vehicle class not offered, add-on not allowed, bay that cannot do it),
    // one entry per field; empty when it can be planned.
    QList<FieldError> problems() const;
    // Service plus add-on minutes.
    int durationMinutes() const;
    // The bays a booking may use, in preference order: the one asked for, or
    // every active bay offering the service.
    QList<BayRef> candidateBays() const;
    // The slot rules' input for one local day inside [from, to].
    SlotPlanInput inputFor(const QDate &date) const;
    // The site-local date of now.
    QDate today() const;
};
