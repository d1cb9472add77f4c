#include "db/availability/planningcontext.h"

#include "db/text/bookingwords.h"

#include <algorithm>

QList<FieldError> PlanningContext::problems() const
{
    QList<FieldError> errors;
    const QString serviceField = QStringLiteral("service");
    if (!service) {
        errors.append(
            {serviceField,
             tr("There is no service with ID %1 (see: carwash-admin services).").arg(request.serviceId)});
        return errors;
    }
    if (!service->active)
        errors.append({serviceField, tr("%1 is not offered at the moment.").arg(service->name)});
    if (!service->priceCents) {
        errors.append({QStringLiteral("vehicle"),
                       service->vehicleClasses.isEmpty()
                           ? tr("%1 has no prices yet, so it cannot be booked.").arg(service->name)
                           : tr("%1 is not offered for the vehicle class %2; it is offered for: %3.")
                                 .arg(service->name, BookingWords::vehicleClass(request.vehicleClass),
                                      BookingWords::vehicleClasses(service->vehicleClasses))});
    }
    for (const qint64 id : request.addonIds) {
        const auto found
            = std::find_if(addons.cbegin(), addons.cend(), [id](const AddonInfo &a) { return a.id == id; });
        if (found == addons.cend())
            errors.append({QStringLiteral("addon"), tr("There is no add-on with ID %1.").arg(id)});
        else if (!found->active)
            errors.append({QStringLiteral("addon"), tr("%1 is not offered at the moment.").arg(found->name)});
        else if (!found->allowed)
            errors.append({QStringLiteral("addon"),
                           tr("%1 cannot be added to %2 (see: carwash-admin service %3).")
                               .arg(found->name, service->name)
                               .arg(service->id)});
    }
    if (request.bayId != 0) {
        const auto found = std::find_if(bays.cbegin(), bays.cend(),
                                        [this](const BayInfo &b) { return b.bay.id == request.bayId; });
        if (found == bays.cend())
            errors.append({QStringLiteral("bay"), tr("There is no bay with ID %1.").arg(request.bayId)});
        else if (!found->active)
            errors.append({QStringLiteral("bay"), tr("%1 is closed at the moment.").arg(found->bay.name)});
        else if (!found->offersService)
            errors.append(
                {QStringLiteral("bay"), tr("%1 does not offer %2.").arg(found->bay.name, service->name)});
    }
    return errors;
}

int PlanningContext::durationMinutes() const
{
    int minutes = service ? service->durationMinutes : 0;
    for (const AddonInfo &a : addons)
        minutes += a.extraMinutes;
    return minutes;
}

QList<BayRef> PlanningContext::candidateBays() const
{
    QList<BayRef> result;
    for (const BayInfo &b : bays) {
        if (b.active && b.offersService && (request.bayId == 0 || b.bay.id == request.bayId))
            result.append(b.bay);
    }
    return result;
}

SlotPlanInput PlanningContext::inputFor(const QDate &date) const
{
    SlotPlanInput in;
    in.date = date;
    in.timeZone = settings.timeZone;
    in.periods = hours;
    in.closures = closures;
    in.slotMinutes = settings.slotMinutes;
    in.durationMinutes = durationMinutes();
    in.bufferMinutes = settings.bufferMinutes;
    in.minNoticeMinutes = settings.minNoticeMinutes;
    in.horizonDays = settings.horizonDays;
    in.now = now;
    in.bays = candidateBays();
    in.busy = busy;
    return in;
}

QDate PlanningContext::today() const
{
    return now.toTimeZone(settings.timeZone).date();
}
