#include "server/api/apirequest.h"

#include <QJsonArray>
#include <QJsonDocument>

bool ApiRequest::readBody(const QByteArray &raw)
{
    body = {};
    if (raw.trimmed().isEmpty())
        return true;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(raw, &parseError);
    if (!document.isObject())
        return false;
    body = document.object();
    return true;
}

void ApiRequest::addAliases(const QList<QPair<QString, QString>> &aliases)
{
    for (const auto &[theirs, ours] : aliases) {
        if (body.contains(theirs) && !body.contains(ours))
            body.insert(ours, body.value(theirs));
        for (const QString &value : query.allQueryItemValues(theirs, QUrl::FullyDecoded))
            query.addQueryItem(ours, value);
    }
}

void ApiRequest::argumentFrom(const QString &field)
{
    const QString fromQuery = query.queryItemValue(field, QUrl::FullyDecoded);
    arguments = {fromQuery.isEmpty() ? textOf(body.value(field)) : fromQuery};
}

RequestFields ApiRequest::fields() const
{
    const QUrlQuery fromQuery = query;
    const QJsonObject fromBody = body;
    const bool inBody = !body.isEmpty();
    return RequestFields(
        [fromQuery, fromBody, inBody](const QString &field) {
            if (!inBody)
                return fromQuery.allQueryItemValues(field, QUrl::FullyDecoded);
            const QJsonValue value = fromBody.value(field == u"addon" ? QStringLiteral("addons") : field);
            QStringList values;
            if (value.isArray() && field == u"addon") {
                for (const QJsonValue &item : value.toArray())
                    values << textOf(item);
            } else if (!value.isUndefined() && !value.isNull()) {
                values << textOf(value);
            }
            return values;
        },
        [inBody](const QString &field) {
            return inBody && field == u"addon" ? QStringLiteral("addons") : field;
        });
}

QString ApiRequest::textOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        // toInteger(), not a cast: casting a double beyond qint64 (1e28) is
        // undefined; toInteger() gives 0 for it, as for any fraction.
        const double number = value.toDouble();
        const qint64 whole = value.toInteger();
        return double(whole) == number ? QString::number(whole) : QString::number(number);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}
