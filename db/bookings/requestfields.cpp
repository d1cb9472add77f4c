#include "db/bookings/requestfields.h"

#include "db/text/isotime.h"

namespace {

// A positive whole number, else 0.
qint64 positiveId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.trimmed().toLongLong(&ok);
    return ok && id > 0 ? id : 0;
}

} // namespace

RequestFields::RequestFields(Values values, Naming naming)
    : m_values(std::move(values))
    , m_naming(std::move(naming))
{ }

QString RequestFields::value(const QString &field) const
{
    const QStringList values = m_values(field);
    return values.isEmpty() ? QString() : values.last();
}

QList<FieldError> RequestFields::readSlot(AvailabilityRequest &request, bool withBay) const
{
    QList<FieldError> errors;
    const QString service = QStringLiteral("service");
    if (!given(service))
        errors.append({service, tr("%1 is required: the ID of a wash package.").arg(named(service))});
    else if (m_values(service).size() > 1)
        errors.append({service, tr("%1 may be given once.").arg(named(service))});
    else if (!(request.serviceId = positiveId(value(service))))
        errors.append({service, tr("%1 takes a numeric service ID, not \"%2\".").arg(named(service), value(service))});

    const QString vehicle = QStringLiteral("vehicle");
    const QStringList vehicles = m_values(vehicle);
    request.vehicleClass = vehicles.isEmpty() ? QStringLiteral("car") : vehicles.last().trimmed().toLower();
    if (vehicles.size() > 1
        || !QStringList {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")}.contains(
            request.vehicleClass))
        errors.append({vehicle, tr("%1 takes one of car, suv, truck, not \"%2\".")
                                    .arg(named(vehicle), vehicles.join(QStringLiteral(" ")))});

    const QString addon = QStringLiteral("addon");
    for (const QString &text : m_values(addon)) {
        const qint64 id = positiveId(text);
        if (!id)
            errors.append({addon, tr("%1 takes a numeric add-on ID, not \"%2\".").arg(named(addon), text)});
        else if (!request.addonIds.contains(id))
            request.addonIds.append(id);
    }

    const QString bay = QStringLiteral("bay");
    if (withBay && given(bay)) {
        request.bayId = positiveId(value(bay));
        if (m_values(bay).size() > 1)
            errors.append({bay, tr("%1 may be given once.").arg(named(bay))});
        else if (!request.bayId)
            errors.append({bay, tr("%1 takes a numeric bay ID, not \"%2\".").arg(named(bay), value(bay))});
    }
    return errors;
}

QList<FieldError> RequestFields::readDate(std::optional<QDate> &date) const
{
    const QString field = QStringLiteral("date");
    if (!given(field))
        return {{field, tr("%1 is required: a day as YYYY-MM-DD.").arg(named(field))}};
    if (m_values(field).size() > 1)
        return {{field, tr("%1 may be given once.").arg(named(field))}};
    date = IsoTime::parseDate(value(field));
    if (!date)
        return {{field,
                 tr("%1 takes YYYY-MM-DD (for example 2025-06-11), not \"%2\".").arg(named(field), value(field))}};
    return {};
}

QList<FieldError> RequestFields::readBooking(BookingRequest &request) const
{
    QList<FieldError> errors = readSlot(request.slot, true);
    const QString start = QStringLiteral("start");
    if (!given(start)) {
        errors.append({start, tr("%1 is required, for example 2025-06-11T09:30:00+02:00.").arg(named(start))});
    } else {
        request.start = IsoTime::parseDateTime(value(start), &request.startHasOffset);
        if (!request.start.isValid())
            errors.append({start, tr("%1 takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 "
                                     "(without an offset: the site's local time), not \"%2\".")
                                      .arg(named(start), value(start))});
    }
    // Given twice is ambiguous: refused rather than one picked.
    const QStringList singles = {start, QStringLiteral("plate"), QStringLiteral("name"), QStringLiteral("phone"),
                                 QStringLiteral("email")};
    for (const QString &single : singles) {
        if (m_values(single).size() > 1)
            errors.append({single, tr("%1 may be given once.").arg(named(single))});
    }
    request.plate = value(QStringLiteral("plate"));
    request.name = value(QStringLiteral("name"));
    request.phone = value(QStringLiteral("phone"));
    request.email = value(QStringLiteral("email"));
    // The fields that need no database, all at once; the start was read above.
    for (const FieldError &e : request.normalised().validate()) {
        if (e.field != start && e.field != u"idempotency_key")
            errors.append(e);
    }
    return errors;
}
