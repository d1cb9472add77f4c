// What a customer gives at the desk, the kiosk, the command line and the
// online booking page: the plate, name, phone and e-mail, their language and
// an idempotency key (BookingRequest's normalisation and validation, and the
// phone digits a search matches). Input: one field a line, in that order.
// Properties: a normalised plate normalises to itself; the stored form of a
// request is its own stored form, and validates the same; search digits
// are digits.

#include "tests/fuzz/fuzzinput.h"

#include "db/bookings/bookingrequest.h"

namespace {

QString fieldsOf(const BookingRequest &r)
{
    return QStringList {r.plate, r.name, r.phone, r.email, r.language, r.idempotencyKey}.join(u'|');
}

QString errorsOf(const QList<FieldError> &errors)
{
    QStringList fields;
    for (const FieldError &e : errors)
        fields << e.field;
    return fields.join(u',');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> parts = Fuzz::parts(data, size, 6);
    BookingRequest request;
    request.plate = QString::fromUtf8(parts[0]);
    request.name = QString::fromUtf8(parts[1]);
    request.phone = QString::fromUtf8(parts[2]);
    request.email = QString::fromUtf8(parts[3]);
    request.language = QString::fromUtf8(parts[4]);
    request.idempotencyKey = QString::fromUtf8(parts[5]);

    const QString plate = BookingRequest::normalisePlate(request.plate);
    FUZZ_CHECK(BookingRequest::normalisePlate(plate) == plate,
               request.plate + QStringLiteral(" -> ") + plate);

    const BookingRequest stored = request.normalised();
    const BookingRequest again = stored.normalised();
    FUZZ_CHECK(fieldsOf(again) == fieldsOf(stored),
               fieldsOf(stored) + QStringLiteral(" -> ") + fieldsOf(again));
    const QList<FieldError> errors = stored.validate();
    FUZZ_CHECK(errorsOf(again.validate()) == errorsOf(errors), fieldsOf(stored));

    const QString digits = BookingRequest::phoneSearchDigits(request.phone);
    FUZZ_CHECK(digits.isEmpty()
                   || (digits.size() >= 3 && BookingRequest::phoneSearchDigits(digits) == digits),
               request.phone);
    return 0;
}
