#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <optional>

// Instants and dates as the command line, the JSON and the SQL binds write
// them. Pure functions, any thread.
namespace IsoTime {

// "2025-03-09T08:00:00-04:00": the instant's wall-clock time in zone with its
// UTC offset spelt out (never "Z"), so a reader sees the site's local time.
QString format(const QDateTime &instant, const QTimeZone &zone);
// The same, in the zone the QDateTime already carries.
QString format(const QDateTime &dateTime);

// Strictly YYYY-MM-DD; nullopt for anything else (2025-2-30, 2025/03/01, …).
std::optional<QDate> parseDate(const QString &text);

// An ISO-8601 date and time, "T" or one space between them, seconds
// optional. With an offset or Z: the instant (*hasOffset true). Without: a
// wall-clock time whose zone the caller supplies (*hasOffset false; its
// date() and time() are what was typed, held in UTC, which skips no hour).
// 24:00 is refused (Qt would read it as 00:00 of the same day).
// Invalid QDateTime when the text is not such a date and time.
QDateTime parseDateTime(const QString &text, bool *hasOffset);

// For a '?::timestamptz' bind: UTC with milliseconds, "2025-03-09T12:00:00.000Z".
QString toSql(const QDateTime &instant);
// The reverse of SELECT (extract(epoch FROM t) * 1000)::bigint.
QDateTime fromEpochMs(qint64 ms, const QTimeZone &zone);

} // namespace IsoTime
