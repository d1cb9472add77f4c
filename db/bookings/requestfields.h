#pragma once

#include "db/bookings/bookingrequest.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QDate>
#include <QStringList>

#include <functional>
#include <optional>

// The fields of an availability or booking request as text from outside
// (the command line's options, the API's query parameters and JSON bodies),
// read into AvailabilityRequest and BookingRequest with one set of rules and
// one set of messages for every door. Each door names a field its own way
// in the messages ("--service" on the command line, "service" in the API);
// the field in each FieldError is the plain name. Every bad field is
// reported, not only the first.
class RequestFields
{
    Q_DECLARE_TR_FUNCTIONS(RequestFields)
public:
    // Every value given for a field, as text, in order (empty: not given).
    using Values = std::function<QStringList(const QString &field)>;
    // How the door names a field in its messages.
    using Naming = std::function<QString(const QString &field)>;

    RequestFields(Values values, Naming naming);

    // service (required, a positive ID), vehicle (car, suv or truck; car
    // when not given), addon (repeatable, positive IDs, duplicates dropped)
    // and, with withBay, bay (optional, a positive ID).
    QList<FieldError> readSlot(AvailabilityRequest &request, bool withBay) const;
    // date (required, YYYY-MM-DD).
    QList<FieldError> readDate(std::optional<QDate> &date) const;
    // The slot with its bay, start (required, ISO-8601; without an offset
    // the site's local time), plate, name, phone and email, each at most
    // once; then what BookingRequest::validate() finds without a database.
    QList<FieldError> readBooking(BookingRequest &request) const;

private:
    QString value(const QString &field) const;
    bool given(const QString &field) const { return !m_values(field).isEmpty(); }
    QString named(const QString &field) const { return m_naming(field); }

    Values m_values;
    Naming m_naming;
};
