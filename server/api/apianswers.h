#pragma once

#include "db/availability/slotplanner.h"
#include "db/bookings/booking.h"
#include "db/payments/payment.h"
#include "db/pool/dberror.h"
#include "db/pool/fielderror.h"
#include "server/requestlog.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <memory>

// How the public API answers: one error envelope for every failure,
// {"error": {"code", "message", "field"}} or with "fields": [{"field",
// "message"}] when several are wrong; code one of invalid, not_found,
// slot_taken, conflict, rate_limited, too_large, unavailable. Messages are
// for people, in the request's language (the caller holds its
// LanguageScope); never SQL, a stack trace or another customer's data.
class ApiAnswers
{
    Q_DECLARE_TR_FUNCTIONS(ApiAnswers)
public:
    using Exchange = std::shared_ptr<HttpExchange>;
    using Status = HttpExchange::Status;
    // How long a client waits before trying again after a 503.
    static constexpr int RetryAfterSeconds = 5;

    static void error(const Exchange &exchange, Status status, const QString &code, const QString &message,
                      const QString &field = {});
    // 400 naming every field that is wrong.
    static void invalid(const Exchange &exchange, const QList<FieldError> &errors);
    // 503 with Retry-After.
    static void unavailable(const Exchange &exchange, const QString &message);
    // 409 slot_taken with the free starts to offer instead.
    static void slotTaken(const Exchange &exchange, const QString &message, const QList<PlannedSlot> &alternatives);
    // A failed unit of work: not found 404, refused input 400, a taken slot
    // 409, the database away 503; anything else 500 (logged with its SQLSTATE,
    // the client told only that it failed on our side).
    static void failed(const Exchange &exchange, const DbError &error, const char *what);

    // A booking as its customer may see it: code, status (a lapsed hold
    // reads expired), service, vehicle, addons, start, end, bay (its name),
    // price_cents, currency, paid, hold_expires_at. No internal id, name,
    // phone, e-mail or plate.
    static QJsonObject publicBooking(const Booking &booking, const QList<Payment> &payments);
};
