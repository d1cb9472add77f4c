// BookingApi's writes: booking, paying by Checkout, cancelling, moving.
#include "server/api/bookingapi.h"

#include "db/bookings/bookingrepo.h"
#include "db/bookings/customerchanges.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"
#include "server/api/apianswers.h"
#include "server/api/apilanguage.h"

#include <QTimer>

using Status = HttpExchange::Status;

namespace {

const QString OnlineActor = QStringLiteral("online");

// A booking and what its customer may see of it, from one unit of work.
struct Answered
{
    BookingOutcome outcome;
    QJsonObject booking;
};

} // namespace

void BookingApi::create(const Call &call)
{
    BookingRequest request;
    QList<FieldError> errors = fieldsOf(call).readBooking(request);
    // Online bookings are held until paid, as at the kiosk.
    request.hold = true;
    request.actor = OnlineActor;
    // Anyone may type a plate they know: it never rewrites its owner's details.
    request.contactFromStranger = true;
    // The request's language (Accept-Language) is the customer's: their
    // confirmation e-mail is written in it.
    request.language = call.language;
    if (!call.idempotencyKey.isNull()) {
        request.idempotencyKey = QString::fromUtf8(call.idempotencyKey);
        for (const FieldError &e : request.normalised().validate()) {
            if (e.field == u"idempotency_key")
                errors.append({QStringLiteral("Idempotency-Key"), e.message});
        }
    }
    for (FieldError &e : errors) {
        if (e.field == u"addon")
            e.field = QStringLiteral("addons"); // the body's name
    }
    if (!errors.isEmpty())
        return ApiAnswers::invalid(call.exchange, errors);
    const QString language = call.language;
    auto made = m_pool.withRetry(QStringLiteral("api.book"), RetryPolicy::standard(),
                                 [request, language](QSqlDatabase &db) {
                                     LanguageScope scope(language);
                                     Answered answered {BookingRepo(db).create(request), {}};
                                     if (answered.outcome.isBooked())
                                         answered.booking = ApiAnswers::publicBooking(
                                             answered.outcome.booking,
                                             PaymentRepo(db).forBooking(answered.outcome.booking.id));
                                     return answered;
                                 });
    const bool legacy = call.legacy;
    Async::onResult(made, this, [call, legacy](const DbResult<Answered> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "booking");
        const BookingOutcome &outcome = result->outcome;
        switch (outcome.result) {
        case BookingOutcome::Result::Invalid:
            for (const FieldError &e : outcome.errors) {
                if (e.field == u"idempotency_key")
                    return ApiAnswers::error(call.exchange, Status::UnprocessableEntity, QStringLiteral("conflict"),
                                             tr("This Idempotency-Key was already used for a different booking; "
                                                "send a new key with a new booking."),
                                             QStringLiteral("Idempotency-Key"));
            }
            return ApiAnswers::invalid(call.exchange, outcome.errors);
        case BookingOutcome::Result::SlotTaken:
            return ApiAnswers::slotTaken(call.exchange, outcome.error().message(), outcome.alternatives);
        case BookingOutcome::Result::Booked:
        case BookingOutcome::Result::Replayed:
            break;
        }
        QJsonObject booking = result->booking;
        // The old front end pays by "bookingId": it is given the code as id.
        if (legacy)
            booking.insert(QStringLiteral("id"), outcome.booking.code);
        call.exchange->addHeader("Location", "/api/bookings/" + outcome.booking.code.toLatin1());
        call.exchange->respond(outcome.result == BookingOutcome::Result::Booked ? Status::Created : Status::Ok,
                               booking);
    });
}

void BookingApi::checkout(const Call &call)
{
    const QString code = call.arguments.value(0).trimmed().toUpper();
    const QString language = call.language;
    // Paying needs only the code: whoever pays, the booking is the customer's.
    // Started, or why not: not awaiting payment is a conflict with the
    // booking's state, not an error of the request.
    struct Started
    {
        CardPaymentStart start;
        QString notAwaiting;
    };
    auto started = m_pool.withRetry(
        QStringLiteral("api.checkout"), RetryPolicy::standard(),
        [code, language](QSqlDatabase &db) -> DbResult<Started> {
            LanguageScope scope(language);
            const std::optional<Booking> booking = BookingRepo(db).findByCode(code);
            if (!booking)
                return DbError(DbError::Kind::NotFound, tr("There is no booking %1.").arg(code));
            const bool lapsed = booking->holdExpiresAt && *booking->holdExpiresAt <= QDateTime::currentDateTimeUtc();
            if (booking->status != u"held" || lapsed)
                return Started {{},
                                tr("Booking %1 is not awaiting payment (it is %2).")
                                    .arg(code, BookingWords::status(lapsed ? QStringLiteral("expired") : booking->status))};
            const DbResult<CardPaymentStart> start = CardPaymentRequests(db).startCheckout(booking->id, OnlineActor, language);
            if (!start.ok())
                return start.error();
            return Started {*start, {}};
        });
    Async::onResult(started, this, [this, call](const DbResult<Started> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "checkout");
        if (!result->notAwaiting.isEmpty())
            return ApiAnswers::error(call.exchange, Status::Conflict, QStringLiteral("conflict"), result->notAwaiting);
        waitForCheckoutUrl(call, result->start.paymentId, 0);
    });
}

void BookingApi::waitForCheckoutUrl(const Call &call, qint64 paymentId, int waitedMs)
{
    // carwash-server's own request worker makes the session at Stripe (it
    // heard the request by NOTIFY); the URL is in the payment row once made.
    auto read = m_pool.withRetry(QStringLiteral("api.checkout_url"), RetryPolicy::standard(),
                                 [paymentId](QSqlDatabase &db) { return PaymentRepo(db).byId(paymentId); });
    Async::onResult(read, this, [this, call, paymentId, waitedMs](const DbResult<std::optional<Payment>> &result) {
        LanguageScope scope(call.language);
        if (!result.ok())
            return ApiAnswers::failed(call.exchange, result.error(), "checkout url");
        const std::optional<Payment> &payment = *result;
        if (payment && !payment->checkoutUrl.isEmpty() && payment->isLive()) {
            call.exchange->respond(Status::Ok,
                                   QJsonObject {{QStringLiteral("url"), payment->checkoutUrl},
                                                {QStringLiteral("expires_at"),
                                                 payment->checkoutExpiresAt.isValid()
                                                     ? QJsonValue(IsoTime::format(payment->checkoutExpiresAt))
                                                     : QJsonValue(QJsonValue::Null)},
                                                {QStringLiteral("amount_cents"), payment->amountCents},
                                                {QStringLiteral("currency"), payment->currency}});
            return;
        }
        if (!payment || !payment->isLive() || waitedMs >= CheckoutWaitMs) {
            ApiAnswers::unavailable(call.exchange,
                                    tr("Card payment could not be started just now; please try again, or pay at the "
                                       "car wash."));
            return;
        }
        constexpr int StepMs = 200;
        QTimer::singleShot(StepMs, this,
                           [this, call, paymentId, waitedMs] { waitForCheckoutUrl(call, paymentId, waitedMs + StepMs); });
    });
}

void BookingApi::cancel(const Call &call)
{
    const QString plate = call.body.value(QStringLiteral("plate")).toString();
    const int notice = m_policy.settings().changeNoticeMinutes;
    withOwnBooking(call, plate, [this, call, notice](qint64 bookingId) {
        const QString language = call.language;
        auto cancelled = m_pool.withRetry(
            QStringLiteral("api.cancel"), RetryPolicy::standard(),
            [bookingId, notice, language](QSqlDatabase &db) -> DbResult<QPair<CustomerChanges::Cancellation, QJsonObject>> {
                LanguageScope scope(language);
                const DbResult<CustomerChanges::Cancellation> done
                    = CustomerChanges(db).cancel(bookingId, notice, OnlineActor);
                if (!done.ok())
                    return done.error();
                QJsonObject booking;
                if (done->result == CustomerChanges::Result::Done)
                    booking = ApiAnswers::publicBooking(done->booking, PaymentRepo(db).forBooking(bookingId));
                return qMakePair(*done, booking);
            });
        Async::onResult(cancelled, this,
                        [call](const DbResult<QPair<CustomerChanges::Cancellation, QJsonObject>> &result) {
                            LanguageScope scope(call.language);
                            if (!result.ok())
                                return ApiAnswers::failed(call.exchange, result.error(), "cancel");
                            const CustomerChanges::Cancellation &done = result->first;
                            if (done.result != CustomerChanges::Result::Done)
                                return ApiAnswers::error(call.exchange, Status::Conflict, QStringLiteral("conflict"),
                                                         done.message);
                            QJsonObject booking = result->second;
                            booking.insert(QStringLiteral("refunded_cents"), done.refundedCents);
                            call.exchange->respond(Status::Ok, booking);
                        });
    });
}

void BookingApi::move(const Call &call)
{
    const QString plate = call.body.value(QStringLiteral("plate")).toString();
    // The new start and bay, read as a booking's are.
    QList<FieldError> errors;
    const QString startText = call.body.value(QStringLiteral("start")).toString();
    bool hasOffset = true;
    const QDateTime start = IsoTime::parseDateTime(startText, &hasOffset);
    if (!start.isValid())
        errors.append({QStringLiteral("start"),
                       tr("start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an "
                          "offset: the site's local time), not \"%1\".")
                           .arg(startText)});
    qint64 bayId = 0;
    if (call.body.contains(QStringLiteral("bay"))) {
        bayId = qint64(call.body.value(QStringLiteral("bay")).toDouble());
        if (bayId <= 0)
            errors.append({QStringLiteral("bay"), tr("bay takes a numeric bay ID, not \"%1\".")
                                                      .arg(call.body.value(QStringLiteral("bay")).toVariant().toString())});
    }
    if (!errors.isEmpty())
        return ApiAnswers::invalid(call.exchange, errors);
    const int notice = m_policy.settings().changeNoticeMinutes;
    withOwnBooking(call, plate, [this, call, notice, start, hasOffset, bayId](qint64 bookingId) {
        const QString language = call.language;
        auto moved = m_pool.withRetry(
            QStringLiteral("api.move"), RetryPolicy::standard(),
            [=](QSqlDatabase &db) -> DbResult<QPair<CustomerChanges::Move, QJsonObject>> {
                LanguageScope scope(language);
                const DbResult<CustomerChanges::Move> done
                    = CustomerChanges(db).move(bookingId, start, hasOffset, bayId, notice, OnlineActor);
                if (!done.ok())
                    return done.error();
                QJsonObject booking;
                if (done->result == CustomerChanges::Result::Done && done->outcome.isBooked())
                    booking = ApiAnswers::publicBooking(done->outcome.booking, PaymentRepo(db).forBooking(bookingId));
                return qMakePair(*done, booking);
            });
        Async::onResult(moved, this, [call](const DbResult<QPair<CustomerChanges::Move, QJsonObject>> &result) {
            LanguageScope scope(call.language);
            if (!result.ok())
                return ApiAnswers::failed(call.exchange, result.error(), "move");
            const CustomerChanges::Move &done = result->first;
            if (done.result != CustomerChanges::Result::Done)
                return ApiAnswers::error(call.exchange, Status::Conflict, QStringLiteral("conflict"), done.message);
            switch (done.outcome.result) {
            case BookingOutcome::Result::Invalid:
                return ApiAnswers::invalid(call.exchange, done.outcome.errors);
            case BookingOutcome::Result::SlotTaken:
                return ApiAnswers::slotTaken(call.exchange, done.outcome.error().message(),
                                             done.outcome.alternatives);
            default:
                call.exchange->respond(Status::Ok, result->second);
            }
        });
    });
}
