#pragma once

#include "db/bookings/requestfields.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QUrlQuery>

// What one request to the booking API says, read from its parts with no
// database and no connection: the query, the JSON body, the old system's
// names for fields, the route's argument, and the fields as RequestFields
// reads them. BookingApi answers from it; tests/fuzz feeds it any bytes.
// Plain value, any thread.
struct ApiRequest
{
    QUrlQuery query;
    QJsonObject body;
    QStringList arguments; // the path's {code} or {id}
    QByteArray idempotencyKey;

    // The body as a JSON object (an empty or blank body: none). False, and
    // no body, when it is anything else.
    bool readBody(const QByteArray &raw);
    // The old system's names for fields ({"serviceId", "service"}), in the
    // body and the query, also under ours (ours win in the body).
    void addAliases(const QList<QPair<QString, QString>> &aliases);
    // The route's argument from this query or body field instead of the path.
    void argumentFrom(const QString &field);
    // The request's fields (RequestFields): the query for GET, the JSON body
    // for POST; add-ons as repeated "addon" parameters or an "addons" array.
    // Named as the API names them.
    RequestFields fields() const;

    // A JSON value as the text RequestFields reads: whole numbers without a
    // needless ".0", anything that is neither text nor a number as its JSON
    // (refused as what it is, in words).
    static QString textOf(const QJsonValue &value);
};
