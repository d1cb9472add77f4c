#pragma once

#include <QJsonObject>
#include <QString>

// A bay as bookings and slots name it.
struct BayRef
{
    qint64 id = 0;
    QString name;

    QJsonObject toJson() const { return {{QStringLiteral("id"), id}, {QStringLiteral("name"), name}}; }
    bool operator==(const BayRef &other) const = default;
};
