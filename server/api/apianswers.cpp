#include "server/api/apianswers.h"

#include "db/text/isotime.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcApi, "carwash.server.api", QtInfoMsg)

void ApiAnswers::error(const Exchange &exchange, Status status, const QString &code, const QString &message,
                       const QString &field)
{
    QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        error.insert(QStringLiteral("field"), field);
    exchange->respond(status, QJsonObject {{QStringLiteral("error"), error}});
}

void ApiAnswers::invalid(const Exchange &exchange, const QList<FieldError> &errors)
{
    if (errors.size() == 1) {
        error(exchange, Status::BadRequest, QStringLiteral("invalid"), errors.first().message, errors.first().field);
        return;
    }
    QJsonArray fields;
    for (const FieldError &e : errors)
        fields.append(e.toJson());
    exchange->respond(Status::BadRequest,
                      QJsonObject {{QStringLiteral("error"),
                                    QJsonObject {{QStringLiteral("code"), QStringLiteral("invalid")},
                                                 {QStringLiteral("message"),
                                                  tr("%n field(s) need attention.", nullptr, int(errors.size()))},
                                                 {QStringLiteral("fields"), fields}}}});
}

void ApiAnswers::unavailable(const Exchange &exchange, const QString &message)
{
    exchange->addHeader("Retry-After", QByteArray::number(RetryAfterSeconds));
    error(exchange, Status::ServiceUnavailable, QStringLiteral("unavailable"), message);
}

void ApiAnswers::slotTaken(const Exchange &exchange, const QString &message, const QList<PlannedSlot> &alternatives)
{
    QJsonArray offered;
    for (const PlannedSlot &slot : alternatives)
        offered.append(slot.toJson());
    exchange->respond(Status::Conflict,
                      QJsonObject {{QStringLiteral("error"),
                                    QJsonObject {{QStringLiteral("code"), QStringLiteral("slot_taken")},
                                                 {QStringLiteral("message"), message}}},
                                   {QStringLiteral("alternatives"), offered}});
}

void ApiAnswers::failed(const Exchange &exchange, const DbError &e, const char *what)
{
    switch (e.kind()) {
    case DbError::Kind::NotFound:
        error(exchange, Status::NotFound, QStringLiteral("not_found"), e.message());
        return;
    case DbError::Kind::Invalid:
        error(exchange, Status::BadRequest, QStringLiteral("invalid"), e.message());
        return;
    case DbError::Kind::SlotTaken:
        slotTaken(exchange, e.message(), {});
        return;
    case DbError::Kind::PoolTimeout:
    case DbError::Kind::Unavailable:
    case DbError::Kind::Transient:
    case DbError::Kind::ShuttingDown:
        qCWarning(lcApi).noquote() << what << "unavailable:" << e.toLogString();
        unavailable(exchange, tr("Bookings cannot be reached at the moment; please try again in a few seconds."));
        return;
    default:
        qCWarning(lcApi).noquote() << what << "failed:" << e.toLogString();
        error(exchange, Status::InternalServerError, QStringLiteral("unavailable"),
              tr("Something went wrong on our side; please try again later or call the car wash."));
        return;
    }
}

QJsonObject ApiAnswers::publicBooking(const Booking &b, const QList<Payment> &payments)
{
    QJsonArray addons;
    for (const BookedAddon &a : b.addons)
        addons.append(QJsonObject {{QStringLiteral("id"), a.id},
                                   {QStringLiteral("name"), a.name},
                                   {QStringLiteral("price_cents"), a.priceCents}});
    qint64 paidCents = 0;
    for (const Payment &p : payments) {
        if (p.status == u"succeeded" || p.status == u"refunded")
            paidCents += p.amountCents - p.refundedCents;
    }
    const bool lapsed = b.status == u"held" && b.holdExpiresAt
        && *b.holdExpiresAt <= QDateTime::currentDateTimeUtc();
    const bool holding = b.status == u"held" && !lapsed;
    return {
        {QStringLiteral("code"), b.code},
        {QStringLiteral("status"), lapsed ? QStringLiteral("expired") : b.status},
        {QStringLiteral("service"),
         QJsonObject {{QStringLiteral("id"), b.serviceId}, {QStringLiteral("name"), b.serviceName}}},
        {QStringLiteral("vehicle"), b.vehicleClass},
        {QStringLiteral("addons"), addons},
        {QStringLiteral("start"), IsoTime::format(b.start)},
        {QStringLiteral("end"), IsoTime::format(b.end)},
        {QStringLiteral("bay"), b.bay.name},
        {QStringLiteral("price_cents"), b.priceCents},
        {QStringLiteral("currency"), b.currency},
        {QStringLiteral("paid"), b.priceCents > 0 ? paidCents >= b.priceCents : true},
        {QStringLiteral("hold_expires_at"),
         holding ? QJsonValue(IsoTime::format(*b.holdExpiresAt)) : QJsonValue(QJsonValue::Null)},
    };
}
