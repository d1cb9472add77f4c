#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// One open period of a weekday in the site's local time: [opens, closes),
// in minutes after local midnight. closes may be 1440 (24:00, open until
// midnight).
struct OpeningPeriod
{
    int weekday = 0; // ISO: 1 = Monday … 7 = Sunday
    int opensMinute = 0;
    int closesMinute = 0;

    QString opensText() const; // "08:00"
    QString closesText() const; // "19:00", "24:00"
    QJsonObject toJson() const; // {"opens", "closes"}
    bool operator==(const OpeningPeriod &other) const = default;
};

// The weekly opening hours' text forms, for the command line: weekday names
// and "HH:MM-HH:MM[,HH:MM-HH:MM]" specs. Pure, any thread.
class OpeningHours
{
    Q_DECLARE_TR_FUNCTIONS(OpeningHours)
public:
    // "mon".."sun" or the full English names, any case; 0 when neither.
    static int weekdayFromName(const QString &name);
    static QString weekdayName(int weekday); // "mon"

    // "08:00-12:00,12:30-19:00" (ranges in any order, sorted on return) or
    // "closed" (an empty list). nullopt with *error saying what is accepted
    // when the spec is malformed, a range is empty or backwards, or two
    // ranges overlap.
    static std::optional<QList<OpeningPeriod>> parse(int weekday, const QString &spec, QString *error);
    // The reverse of parse: "08:00-12:00,12:30-19:00" or "closed".
    static QString format(const QList<OpeningPeriod> &periods);
    // "HH:MM" → minutes after midnight; "24:00" only with allowMidnightEnd.
    static std::optional<int> parseClock(const QString &text, bool allowMidnightEnd);
    static QString clockText(int minuteOfDay);
};
