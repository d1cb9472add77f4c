#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

// One rejected input field and what is accepted instead, for people (the
// message is translated) and for scripts (the field name is stable).
struct FieldError
{
    QString field; // "plate", "name", "start", …
    QString message;

    QJsonObject toJson() const
    {
        return {{QStringLiteral("field"), field}, {QStringLiteral("message"), message}};
    }
};
