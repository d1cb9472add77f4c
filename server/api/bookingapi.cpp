#include "server/api/bookingapi.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/requestfields.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "server/api/apianswers.h"
#include "server/api/apilanguage.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBookingApi, "carwash.server.api", QtInfoMsg)

using Method = QHttpServerRequest::Method;
using Status = HttpExchange::Status;

struct BookingApi::Route
{
    Method method;
    QStringList segments; // "{}" stands for one path segment, the route's argument
    Handler handler;
    // The old system's names for fields, mapped onto ours ({"serviceId", "service"}).
    QList<QPair<QString, QString>> aliases = {};
    // The route's argument from this query or body field instead of the path.
    QString argumentField = {};
};

namespace {

QStringList segmentsOf(const QString &path)
{
    return path.split(u'/', Qt::SkipEmptyParts);
}

const QString Netlify = QStringLiteral(".netlify");

} // namespace

const QList<BookingApi::Route> &BookingApi::routes()
{
    auto api = [](const char *path) { return segmentsOf(QLatin1String(path)); };
    auto old = [](const char *function) {
        return QStringList {Netlify, QStringLiteral("functions"), QLatin1String(function)};
    };
    static const QList<Route> all = {
        {Method::Get, api("/api/services"), &BookingApi::services},
        {Method::Get, api("/api/services/{}"), &BookingApi::service},
        {Method::Get, api("/api/availability"), &BookingApi::availability},
        {Method::Get, api("/api/next"), &BookingApi::next},
        {Method::Post, api("/api/bookings"), &BookingApi::create},
        {Method::Get, api("/api/bookings/{}"), &BookingApi::lookup},
        {Method::Post, api("/api/bookings/{}/checkout"), &BookingApi::checkout},
        {Method::Post, api("/api/bookings/{}/cancel"), &BookingApi::cancel},
        {Method::Post, api("/api/bookings/{}/move"), &BookingApi::move},
        // The old system's functions, at their old paths (README: "The old system's API").
        {Method::Get, old("services-index"), &BookingApi::services},
        {Method::Get, old("services-id"), &BookingApi::service, {}, QStringLiteral("id")},
        {Method::Get, old("bookings-availability"), &BookingApi::availability,
         {{QStringLiteral("serviceId"), QStringLiteral("service")},
          {QStringLiteral("service_id"), QStringLiteral("service")},
          {QStringLiteral("vehicleClass"), QStringLiteral("vehicle")},
          {QStringLiteral("vehicle_class"), QStringLiteral("vehicle")},
          {QStringLiteral("bayId"), QStringLiteral("bay")}}},
        {Method::Post, old("bookings-create"), &BookingApi::create,
         {{QStringLiteral("serviceId"), QStringLiteral("service")},
          {QStringLiteral("vehicleClass"), QStringLiteral("vehicle")},
          {QStringLiteral("bayId"), QStringLiteral("bay")},
          {QStringLiteral("addonIds"), QStringLiteral("addons")}}},
        {Method::Post, old("payment-create-session"), &BookingApi::checkout,
         {{QStringLiteral("bookingId"), QStringLiteral("code")}}, QStringLiteral("code")},
        {Method::Get, old("debug-health"), &BookingApi::health},
    };
    return all;
}

BookingApi::BookingApi(ConnectionPool &pool, RequestLog &log, HealthAnswer health, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_log(log)
    , m_health(std::move(health))
{
    m_settingsTimer.setInterval(SettingsRefreshMs);
    connect(&m_settingsTimer, &QTimer::timeout, this, &BookingApi::refreshSettings);
}

BookingApi::~BookingApi() = default;

bool BookingApi::handles(const QString &path)
{
    return path == u"/api" || path.startsWith(QStringLiteral("/api/"))
        || path.startsWith(QStringLiteral("/.netlify/functions/"));
}

void BookingApi::setReady(bool ready)
{
    m_ready = ready;
    if (ready) {
        refreshSettings();
        m_settingsTimer.start();
    } else {
        m_settingsTimer.stop();
    }
}

void BookingApi::refreshSettings()
{
    auto stored = m_pool.withRetry(QStringLiteral("api.settings"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return SettingsRepo(db).stored(); });
    Async::onResult(stored, this, [this](const DbResult<QMap<QString, QString>> &values) {
        if (values.ok())
            m_policy.setSettings(ApiSettings::fromValues(*values));
        else
            qCWarning(lcBookingApi).noquote() << "API settings not read (the last ones stay):"
                                              << values.error().toLogString();
    });
}

void BookingApi::answer(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    Call call;
    call.exchange = HttpExchange::start(m_log, request, std::move(responder));
    const auto &exchange = call.exchange;
    call.language = ApiLanguage::choose(request.value("Accept-Language"));
    LanguageScope scope(call.language);
    exchange->addHeader("Content-Language", call.language.toLatin1());
    exchange->addHeader("Cache-Control", "no-store");
    exchange->addHeader("X-Content-Type-Options", "nosniff");
    exchange->addHeader("Referrer-Policy", "no-referrer");
    exchange->addHeader("Vary", "Origin, Accept-Language");
    const QByteArray origin = request.value("Origin");
    const QString allowed = origin.isEmpty() ? QString() : m_policy.allowedOrigin(origin);
    if (!allowed.isEmpty())
        exchange->addHeader("Access-Control-Allow-Origin", allowed.toLatin1());

    const QStringList path = segmentsOf(request.url().path());
    const Route *found = nullptr;
    QStringList methods;
    for (const Route &route : routes()) {
        if (route.segments.size() != path.size())
            continue;
        QStringList arguments;
        bool matches = true;
        for (qsizetype i = 0; i < path.size() && matches; ++i) {
            if (route.segments[i] == u"{}")
                arguments << path[i];
            else
                matches = route.segments[i] == path[i];
        }
        if (!matches)
            continue;
        methods << QString::fromLatin1(RequestLog::methodName(route.method));
        if (route.method == request.method()) {
            found = &route;
            call.arguments = arguments;
        }
    }
    if (methods.isEmpty()) {
        ApiAnswers::error(exchange, Status::NotFound, QStringLiteral("not_found"),
                          tr("There is no %1 in this API; see docs/openapi.yaml.").arg(request.url().path()));
        return;
    }
    if (request.method() == Method::Options) {
        // A browser's preflight: what may be sent, when the origin is listed.
        exchange->addHeader("Allow", (methods.join(QStringLiteral(", ")) + QStringLiteral(", OPTIONS")).toLatin1());
        if (!allowed.isEmpty()) {
            exchange->addHeader("Access-Control-Allow-Methods", methods.join(QStringLiteral(", ")).toLatin1());
            exchange->addHeader("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, Accept-Language");
            exchange->addHeader("Access-Control-Max-Age", "600");
        }
        exchange->respond(Status::NoContent, QByteArrayLiteral("application/json"), QByteArray());
        return;
    }
    if (!found) {
        exchange->addHeader("Allow", methods.join(QStringLiteral(", ")).toLatin1());
        ApiAnswers::error(exchange, Status::MethodNotAllowed, QStringLiteral("invalid"),
                          tr("%1 takes %2 only.").arg(request.url().path(), methods.join(QStringLiteral(", "))));
        return;
    }
    if (!m_ready) {
        ApiAnswers::unavailable(exchange, tr("The booking service is starting; please try again in a few seconds."));
        return;
    }
    // Later requests on a kept-alive connection were not screened before
    // their body was read (BoundedTcpServer): checked here.
    const QByteArray body = request.body();
    if (body.size() > MaxBodyBytes) {
        ApiAnswers::error(exchange, Status::PayloadTooLarge, QStringLiteral("too_large"),
                          tr("The request body is larger than %1 bytes.").arg(MaxBodyBytes));
        return;
    }
    if (found->method == Method::Post) {
        const ApiPolicy::Verdict verdict = m_policy.takeWrite(m_policy.clientOf(request));
        if (!verdict.allowed) {
            exchange->addHeader("Retry-After", QByteArray::number(verdict.retryAfterSeconds));
            ApiAnswers::error(exchange, Status::TooManyRequests, QStringLiteral("rate_limited"),
                              tr("Too many bookings and changes from your address; please wait %n second(s).",
                                 nullptr, verdict.retryAfterSeconds));
            return;
        }
        if (!call.readBody(body)) {
            ApiAnswers::error(exchange, Status::BadRequest, QStringLiteral("invalid"),
                              tr("The body must be a JSON object, such as {\"plate\": \"AB123\"}."),
                              QStringLiteral("body"));
            return;
        }
        call.idempotencyKey = request.value("Idempotency-Key");
    }
    call.query = QUrlQuery(request.url());
    call.addAliases(found->aliases);
    if (!found->argumentField.isEmpty())
        call.argumentFrom(found->argumentField);
    call.legacy = found->segments.value(0) == Netlify;
    (this->*found->handler)(call);
}

void BookingApi::services(const Call &call)
{
    auto listed = m_pool.withRetry(QStringLiteral("api.services"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return ServiceRepo(db).all(true); });
    Async::onResult(listed, this, [call](const DbResult<QList<Service>> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "services");
        QJsonArray array;
        for (const Service &s : *result)
            array.append(s.toJson());
        call.exchange->respond(Status::Ok, QByteArrayLiteral("application/json"),
                               QJsonDocument(array).toJson(QJsonDocument::Compact));
    });
}

void BookingApi::service(const Call &call)
{
    bool ok = false;
    const qint64 id = call.arguments.value(0).toLongLong(&ok);
    if (!ok || id <= 0) {
        ApiAnswers::error(call.exchange, Status::NotFound, QStringLiteral("not_found"),
                          tr("There is no wash package %1.").arg(call.arguments.value(0)));
        return;
    }
    auto found = m_pool.withRetry(QStringLiteral("api.service"), RetryPolicy::standard(),
                                  [id](QSqlDatabase &db) { return ServiceRepo(db).byId(id); });
    Async::onResult(found, this, [call, id](const DbResult<std::optional<Service>> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "service");
        // One no longer on offer is as unknown to customers as one never made.
        if (!result->has_value() || !(*result)->active)
            return ApiAnswers::error(call.exchange, Status::NotFound, QStringLiteral("not_found"),
                                     tr("There is no wash package %1.").arg(id));
        call.exchange->respond(Status::Ok, (*result)->toJson());
    });
}

void BookingApi::availability(const Call &call)
{
    AvailabilityRequest request;
    std::optional<QDate> date;
    const RequestFields fields = call.fields();
    QList<FieldError> errors = fields.readDate(date);
    errors += fields.readSlot(request, true);
    if (!errors.isEmpty())
        return ApiAnswers::invalid(call.exchange, errors);
    const QDate day = *date;
    const QString language = call.language;
    // The JSON is written on the pool's thread, beside the planning: the
    // server's one thread only sends it.
    auto answer = readPool().withRetry(QStringLiteral("api.availability"), RetryPolicy::standard(),
                                       [request, day, language](QSqlDatabase &db) -> DbResult<QByteArray> {
                                           LanguageScope scope(language);
                                           const DbResult<QList<PlannedSlot>> planned
                                               = AvailabilityRepo(db).forDate(request, day);
                                           if (!planned.ok())
                                               return planned.error();
                                           return PlannedSlot::toJsonText(*planned);
                                       });
    Async::onResult(answer, this, [call](const DbResult<QByteArray> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "availability");
        call.exchange->respond(Status::Ok, QByteArrayLiteral("application/json"), *result);
    });
}

void BookingApi::next(const Call &call)
{
    AvailabilityRequest request;
    const QList<FieldError> errors = call.fields().readSlot(request, true);
    if (!errors.isEmpty())
        return ApiAnswers::invalid(call.exchange, errors);
    const QString language = call.language;
    auto next = readPool().withRetry(QStringLiteral("api.next"), RetryPolicy::standard(),
                                     [request, language](QSqlDatabase &db) {
                                         LanguageScope scope(language);
                                         return AvailabilityRepo(db).next(request);
                                     });
    Async::onResult(next, this, [call](const DbResult<std::optional<PlannedSlot>> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "next");
        if (!result->has_value())
            return ApiAnswers::error(call.exchange, Status::NotFound, QStringLiteral("not_found"),
                                     tr("No free start within the booking horizon (closed, fully booked, or no "
                                        "bay offers this wash)."));
        // As `carwash-admin next --json`: the start with its first free bay.
        call.exchange->respond(Status::Ok, (*result)->toFirstBayJson());
    });
}

void BookingApi::lookup(const Call &call)
{
    const QString plate = call.query.queryItemValue(QStringLiteral("plate"), QUrl::FullyDecoded);
    withOwnBooking(call, plate, [this, call](qint64 bookingId) {
        auto read = m_pool.withRetry(QStringLiteral("api.booking"), RetryPolicy::standard(),
                                     [bookingId](QSqlDatabase &db) -> DbResult<QJsonObject> {
                                         const std::optional<Booking> booking = BookingRepo(db).byId(bookingId);
                                         if (!booking)
                                             return DbError(DbError::Kind::NotFound, QString());
                                         return ApiAnswers::publicBooking(*booking,
                                                                          PaymentRepo(db).forBooking(bookingId));
                                     });
        Async::onResult(read, this, [call](const DbResult<QJsonObject> &result) {
            LanguageScope scope(call.language);
            if (!result.ok())
                return ApiAnswers::failed(call.exchange, result.error(), "booking");
            call.exchange->respond(Status::Ok, *result);
        });
    });
}

void BookingApi::withOwnBooking(const Call &call, const QString &plate, std::function<void(qint64)> then)
{
    // The code and the plate together, or nothing: a wrong plate is
    // answered exactly as an unknown code, so neither can be guessed apart.
    const QString code = call.arguments.value(0).trimmed().toUpper();
    const QString normalised = BookingRequest::normalisePlate(plate);
    if (normalised.isEmpty()) {
        ApiAnswers::error(call.exchange, Status::BadRequest, QStringLiteral("invalid"),
                          tr("plate is required: the licence plate the booking was made for."),
                          QStringLiteral("plate"));
        return;
    }
    auto found = m_pool.withRetry(QStringLiteral("api.own_booking"), RetryPolicy::standard(),
                                  [code, normalised](QSqlDatabase &db) -> std::optional<qint64> {
                                      const std::optional<Booking> booking = BookingRepo(db).findByCode(code);
                                      if (!booking || booking->plate != normalised)
                                          return std::nullopt;
                                      return booking->id;
                                  });
    Async::onResult(found, this, [call, code, then](const DbResult<std::optional<qint64>> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "own booking");
        if (!result->has_value())
            return ApiAnswers::error(call.exchange, Status::NotFound, QStringLiteral("not_found"),
                                     tr("No booking %1 for that plate. Check the code in your confirmation and "
                                        "the plate as you gave it.")
                                         .arg(code));
        then(**result);
    });
}

void BookingApi::health(const Call &call)
{
    m_health(call.exchange);
}
