#include "payments/stripeevent.h"

#include <QJsonDocument>

StripeEvent StripeEvent::parse(const QByteArray &body)
{
    StripeEvent event;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        event.m_error = tr("The event is not JSON (%1 at byte %2).")
                            .arg(parseError.errorString())
                            .arg(parseError.offset);
        return event;
    }
    if (!document.isObject()) {
        event.m_error = tr("The event is not a JSON object.");
        return event;
    }
    const QJsonObject json = document.object();
    const QString objectType = json.value(QLatin1String("object")).toString();
    const QString id = json.value(QLatin1String("id")).toString();
    const QString type = json.value(QLatin1String("type")).toString();
    const QJsonObject object
        = json.value(QLatin1String("data")).toObject().value(QLatin1String("object")).toObject();
    if (!objectType.isEmpty() && objectType != u"event") {
        event.m_error = tr("The body is a Stripe %1, not an event.").arg(objectType);
        return event;
    }
    if (id.isEmpty() || type.isEmpty()) {
        event.m_error = tr("The event has no id or no type.");
        return event;
    }
    if (object.isEmpty()) {
        event.m_error = tr("The event %1 has no data.object.").arg(id);
        return event;
    }
    event.m_id = id;
    event.m_type = type;
    const QJsonValue created = json.value(QLatin1String("created"));
    // Whole seconds within qint64 only (a cast of 1e300 would be undefined).
    if (created.isDouble() && double(created.toInteger()) == created.toDouble())
        event.m_created = QDateTime::fromSecsSinceEpoch(created.toInteger(), Qt::UTC);
    event.m_apiVersion = json.value(QLatin1String("api_version")).toString();
    event.m_livemode = json.value(QLatin1String("livemode")).toBool();
    event.m_object = StripeObject(object);
    event.m_json = json;
    return event;
}
