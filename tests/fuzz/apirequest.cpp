// A request to the online booking API as carwash-server reads it before any
// database work: Accept-Language, the client behind X-Forwarded-For, the
// Origin, the query, the JSON body with the old system's field names, the
// Idempotency-Key, and the fields of an availability, next-free or booking
// request (ApiRequest, RequestFields). Input: the query on the first line,
// then Accept-Language, X-Forwarded-For, Origin and Idempotency-Key lines,
// then the body. Properties: the language is one we speak; an untrusted
// peer cannot name another client; a request read as valid is in stored
// form already.

#include "tests/fuzz/fuzzinput.h"

#include "server/api/apilanguage.h"
#include "server/api/apipolicy.h"
#include "server/api/apirequest.h"

#include <QHostAddress>

namespace {

// The old system's field names, as the legacy routes map them.
const QList<QPair<QString, QString>> Aliases = {
    {QStringLiteral("serviceId"), QStringLiteral("service")},
    {QStringLiteral("vehicleClass"), QStringLiteral("vehicle")},
    {QStringLiteral("bayId"), QStringLiteral("bay")},
    {QStringLiteral("addonIds"), QStringLiteral("addons")},
    {QStringLiteral("bookingId"), QStringLiteral("code")},
};

const ApiPolicy &policy()
{
    static const ApiPolicy configured = [] {
        ApiPolicy p;
        p.setSettings(ApiSettings::fromValues({
            {QStringLiteral("api.trusted_proxies"), QStringLiteral("10.0.0.0/8, 2001:db8::/32 127.0.0.1")},
            {QStringLiteral("api.cors_origins"), QStringLiteral("https://wash.example https://book.example")},
        }));
        return p;
    }();
    return configured;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> parts = Fuzz::parts(data, size, 6);

    const QString language = ApiLanguage::choose(parts[1]);
    FUZZ_CHECK(ApiLanguage::supported().contains(language), language);

    const QString viaProxy = policy().clientOf(QHostAddress(QStringLiteral("10.1.2.3")), parts[2]);
    FUZZ_CHECK(!viaProxy.isEmpty(), QString::fromLatin1(parts[2]));
    const QString direct = policy().clientOf(QHostAddress(QStringLiteral("198.51.100.7")), parts[2]);
    FUZZ_CHECK(direct == QStringLiteral("198.51.100.7"), direct);
    const QString directV6 = policy().clientOf(QHostAddress(QStringLiteral("2a00:1450::1")), parts[2]);
    FUZZ_CHECK(directV6 == QStringLiteral("2a00:1450::/64"), directV6);

    const QString origin = policy().allowedOrigin(parts[3]);
    FUZZ_CHECK(origin.isEmpty() || origin == QString::fromLatin1(parts[3]).trimmed(), origin);

    ApiRequest request;
    if (!request.readBody(parts[5]))
        FUZZ_CHECK(request.body.isEmpty(), QString::fromUtf8(parts[5]));
    request.query = QUrlQuery(QString::fromUtf8(parts[0]));
    request.idempotencyKey = parts[4];
    request.addAliases(Aliases);
    request.argumentFrom(QStringLiteral("code"));
    for (auto it = request.body.constBegin(); it != request.body.constEnd(); ++it)
        ApiRequest::textOf(it.value());

    const RequestFields fields = request.fields();
    std::optional<QDate> date;
    if (fields.readDate(date).isEmpty())
        FUZZ_CHECK(date && date->isValid(), QString());
    AvailabilityRequest slot;
    if (fields.readSlot(slot, true).isEmpty())
        FUZZ_CHECK(slot.serviceId > 0 && slot.bayId >= 0 && !slot.addonIds.contains(0), QString());

    BookingRequest booking;
    booking.idempotencyKey = QString::fromUtf8(request.idempotencyKey);
    booking.language = language;
    if (fields.readBooking(booking).isEmpty()) {
        const BookingRequest stored = booking.normalised();
        FUZZ_CHECK(stored.start.isValid(), booking.start.toString());
        FUZZ_CHECK(stored.plate == BookingRequest::normalisePlate(stored.plate), stored.plate);
        // The canonical form hashes the same for the stored form as for itself.
        FUZZ_CHECK(stored.requestHash(stored.start) == stored.normalised().requestHash(stored.start),
                   stored.plate);
    }
    return 0;
}
