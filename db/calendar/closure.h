#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

// Whole days the site is closed (a holiday), both ends inclusive.
struct Closure
{
    qint64 id = 0;
    QDate startsOn;
    QDate endsOn;
    QString reason;

    bool covers(const QDate &date) const { return date >= startsOn && date <= endsOn; }
    // {"id", "from", "to", "reason"}
    QJsonObject toJson() const;
};
