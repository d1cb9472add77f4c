#pragma once

#include "db/bookings/booking.h"

#include <QString>
#include <QTimeZone>

// One message of mail_outbox as claimed for sending, with what it tells:
// the booking as it is now, its start, end and bay as they were when the
// change happened (booking.start, .end, .bay), and the site's details. Plain
// value, copied across threads.
struct OutgoingMail
{
    qint64 id = 0;
    QString kind; // confirmed, moved or cancelled
    QString recipient;
    QString language; // en, es or de: the booking's, else the site's mail.language
    int sequence = 0; // the .ics SEQUENCE: messages this booking had before
    int attempts = 0; // counting this one
    Booking booking;
    qint64 paidCents = 0; // what was paid for the booking (cancelled: to be refunded)
    QString siteName;
    QString siteAddress;
    QTimeZone timeZone;
    QString fromAddress; // mail.from
};
