#include "payments/stripeform.h"

#include <QJsonArray>
#include <QUrl>

#include <cmath>

namespace {

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        // JSON numbers are doubles; every amount and timestamp Stripe takes is
        // a whole number well inside 2^53, written in full like JavaScript does.
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::fabs(number) < 9007199254740992.0)
            return QString::number(qint64(number));
        return QString::number(number, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String:
        return value.toString();
    default: // Null: Stripe reads an empty value as "unset".
        return {};
    }
}

void flatten(const QString &key, const QJsonValue &value, QList<StripeForm::Field> &out)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(key + u'[' + it.key() + u']', it.value(), out);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            flatten(key + u'[' + QString::number(i) + u']', array.at(i), out);
    } else if (!value.isUndefined()) {
        out.append({key, scalarText(value)});
    }
}

} // namespace

QList<StripeForm::Field> StripeForm::fields(const QJsonObject &params)
{
    QList<Field> out;
    for (auto it = params.begin(); it != params.end(); ++it)
        flatten(it.key(), it.value(), out);
    return out;
}

QByteArray StripeForm::encode(const QJsonObject &params)
{
    QByteArray body;
    for (const Field &field : fields(params)) {
        if (!body.isEmpty())
            body += '&';
        body += encodeComponent(field.first);
        body += '=';
        body += encodeComponent(field.second);
    }
    return body;
}

QByteArray StripeForm::encodeComponent(const QString &text)
{
    // QUrl::toPercentEncoding keeps exactly RFC 3986's unreserved characters,
    // as qs does; Stripe's libraries then leave brackets readable.
    QByteArray encoded = QUrl::toPercentEncoding(text);
    encoded.replace("%5B", "[");
    encoded.replace("%5D", "]");
    return encoded;
}
