#include "db/text/isotime.h"

#include <QRegularExpression>

namespace IsoTime {

QString format(const QDateTime &instant, const QTimeZone &zone)
{
    return format(instant.toTimeZone(zone));
}

QString format(const QDateTime &dateTime)
{
    if (!dateTime.isValid())
        return {};
    // Written digit by digit: QDateTime::toString(format) goes through the
    // calendar and locale machinery, a large share of carwash-server's time
    // answering availability (every slot has two of these).
    const QDate date = dateTime.date();
    const QTime time = dateTime.time();
    const int year = date.year();
    if (year < 1) // before the Common Era: no customer books there
        return dateTime.toString(Qt::ISODate);
    const int offset = dateTime.offsetFromUtc();
    const int minutes = std::abs(offset) / 60;
    char text[32];
    int n = 0;
    char reversed[10];
    int digits = 0;
    for (int rest = year; rest > 0 || digits < 4; rest /= 10)
        reversed[digits++] = char('0' + rest % 10);
    while (digits > 0)
        text[n++] = reversed[--digits];
    const auto put = [&text, &n](char separator, int value) {
        text[n++] = separator;
        text[n++] = char('0' + value / 10);
        text[n++] = char('0' + value % 10);
    };
    put('-', date.month());
    put('-', date.day());
    put('T', time.hour());
    put(':', time.minute());
    put(':', time.second());
    put(offset < 0 ? '-' : '+', minutes / 60);
    put(':', minutes % 60);
    return QString::fromLatin1(text, n);
}

std::optional<QDate> parseDate(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid())
        return std::nullopt;
    return date;
}

QDateTime parseDateTime(const QString &text, bool *hasOffset)
{
    // Qt's ISO parser is lenient about some forms and strict about others;
    // check the shape first so every accepted spelling is one we document.
    static const QRegularExpression pattern(QStringLiteral(
        "^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,3})?)?)(Z|[+-]\\d{2}:\\d{2})?$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (hasOffset)
        *hasOffset = false;
    if (!match.hasMatch())
        return {};
    const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
    QString clock = match.captured(2);
    if (clock.size() == 5)
        clock += QStringLiteral(":00");
    const QTime time = QTime::fromString(clock, Qt::ISODateWithMs);
    if (!date.isValid() || !time.isValid())
        return {};
    const QString zone = match.captured(3);
    if (zone.isEmpty())
        return QDateTime(date, time); // a wall-clock time; the caller picks the zone
    if (hasOffset)
        *hasOffset = true;
    if (zone == u"Z")
        return QDateTime(date, time, QTimeZone::utc());
    const int sign = zone.startsWith(QLatin1Char('-')) ? -1 : 1;
    const int hours = zone.mid(1, 2).toInt();
    const int minutes = zone.mid(4, 2).toInt();
    if (hours > 14 || minutes > 59)
        return {};
    return QDateTime(date, time, QTimeZone(sign * (hours * 3600 + minutes * 60)));
}

QString toSql(const QDateTime &instant)
{
    return instant.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromEpochMs(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone);
}

} // namespace IsoTime
