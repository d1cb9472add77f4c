#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

// A request to book, as a desk, the kiosk or the command line makes it.
// Prices are not part of it: they come from the catalogue. Plain value.
class BookingRequest
{
    Q_DECLARE_TR_FUNCTIONS(BookingRequest)
public:
    AvailabilityRequest slot; // service, vehicle class, add-ons, bay (0: first free)
    // An instant (an ISO-8601 time with an offset) or, with startHasOffset
    // false, a wall-clock time in the site's zone.
    QDateTime start;
    bool startHasOffset = true;
    QString plate;
    QString name;
    QString phone; // optional
    QString email; // optional
    // The customer's language for e-mails: en, es or de; empty: the site's
    // (mail.language). Not part of requestHash: it does not shape the booking.
    QString language;
    bool hold = false; // kiosk: held until paid, for booking.hold_minutes
    // Kiosk: the customer types no name, so name only names a new customer;
    // a known plate keeps its customer's name (phone and e-mail as given).
    bool nameForNewCustomerOnly = false;
    // Online: whoever types a known plate need not be its owner. The plate's
    // customer is never changed by it; a booking given that customer's phone
    // or e-mail is theirs (blanks filled), one given other details goes to a
    // customer record of its own (the vehicle stays its owner's), so its
    // mail goes to the one who booked and the owner's details stay theirs.
    bool contactFromStranger = false;
    QString idempotencyKey; // optional
    QString actor = QStringLiteral("cli"); // audit_log's form

    // Upper case, spaces and dashes removed, NFC.
    static QString normalisePlate(const QString &plate);
    // The ASCII digits of what someone typed into a search, to match phone
    // numbers however they were written; empty when fewer than 3 (too few to
    // mean a phone number).
    static QString phoneSearchDigits(const QString &text);

    // The request with its text fields in stored form: plate normalised,
    // name, phone, email and key trimmed, add-ons sorted.
    BookingRequest normalised() const;
    // Every field that cannot be accepted, with what is accepted; checks
    // what needs no database (call on normalised()).
    QList<FieldError> validate() const;
    // SHA-256 (hex) of the canonical form: every field that shapes the
    // booking, the start as a UTC instant, in a fixed order. Equal for two
    // spellings of the same request ("+01:00" or "Z"; add-ons in any order).
    QString requestHash(const QDateTime &startInstant) const;
};
