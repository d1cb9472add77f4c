#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <utility>

// Stripe's request encoding: application/x-www-form-urlencoded with nested
// keys, the way Stripe's Node library writes it (qs.stringify, then the
// brackets left readable): objects as key[sub], arrays indexed as key[0],
// key[1], booleans as true/false, integers in full, null as an empty value
// (Stripe's "unset"), empty arrays and objects left out. Everything but
// A-Z a-z 0-9 - . _ ~ is percent-encoded as UTF-8 with upper-case hex, a space
// as %20, then %5B and %5D turned back into [ and ].
class StripeForm
{
public:
    using Field = std::pair<QString, QString>; // nested key, value; both unencoded

    // The fields of params in order: line_items[0][quantity] → "2".
    static QList<Field> fields(const QJsonObject &params);
    // The request body.
    static QByteArray encode(const QJsonObject &params);
    // One key or value, percent-encoded as above.
    static QByteArray encodeComponent(const QString &text);
};
