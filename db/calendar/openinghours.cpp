#include "db/calendar/openinghours.h"

#include <QRegularExpression>

#include <algorithm>

namespace {

const char *const ShortNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const char *const LongNames[]
    = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

} // namespace

QString OpeningPeriod::opensText() const
{
    return OpeningHours::clockText(opensMinute);
}

QString OpeningPeriod::closesText() const
{
    return OpeningHours::clockText(closesMinute);
}

QJsonObject OpeningPeriod::toJson() const
{
    return QJsonObject {{QStringLiteral("opens"), opensText()}, {QStringLiteral("closes"), closesText()}};
}

int OpeningHours::weekdayFromName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    for (int i = 0; i < 7; ++i) {
        if (lower == QLatin1String(ShortNames[i]) || lower == QLatin1String(LongNames[i]))
            return i + 1;
    }
    return 0;
}

QString OpeningHours::weekdayName(int weekday)
{
    return weekday >= 1 && weekday <= 7 ? QString::fromLatin1(ShortNames[weekday - 1]) : QString();
}

QString OpeningHours::clockText(int minuteOfDay)
{
    return QStringLiteral("%1:%2")
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

std::optional<int> OpeningHours::parseClock(const QString &text, bool allowMidnightEnd)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{2}):([0-9]{2})$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const int hours = match.captured(1).toInt();
    const int minutes = match.captured(2).toInt();
    if (hours == 24 && minutes == 0 && allowMidnightEnd)
        return 24 * 60;
    if (hours > 23 || minutes > 59)
        return std::nullopt;
    return hours * 60 + minutes;
}

std::optional<QList<OpeningPeriod>> OpeningHours::parse(int weekday, const QString &spec, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString accepted
        = tr("Accepted: HH:MM-HH:MM, several separated by commas for breaks "
             "(for example 08:00-12:00,12:30-19:00; 24:00 may close a day), or \"closed\".");
    const QString text = spec.trimmed();
    if (text.compare(QLatin1String("closed"), Qt::CaseInsensitive) == 0)
        return QList<OpeningPeriod>();
    if (text.isEmpty())
        return fail(tr("The opening hours are empty. %1").arg(accepted));
    QList<OpeningPeriod> periods;
    const QStringList ranges = text.split(QLatin1Char(','));
    for (const QString &range : ranges) {
        const QStringList ends = range.split(QLatin1Char('-'));
        if (ends.size() != 2)
            return fail(tr("\"%1\" is not a time range. %2").arg(range.trimmed(), accepted));
        const std::optional<int> opens = parseClock(ends[0], false);
        const std::optional<int> closes = parseClock(ends[1], true);
        if (!opens || !closes)
            return fail(tr("\"%1\" is not a time range. %2").arg(range.trimmed(), accepted));
        if (*closes <= *opens)
            return fail(tr("In \"%1\" the closing time is not after the opening time. %2")
                            .arg(range.trimmed(), accepted));
        periods.append({weekday, *opens, *closes});
    }
    std::sort(periods.begin(), periods.end(),
              [](const OpeningPeriod &a, const OpeningPeriod &b) { return a.opensMinute < b.opensMinute; });
    for (qsizetype i = 1; i < periods.size(); ++i) {
        if (periods[i].opensMinute < periods[i - 1].closesMinute)
            return fail(tr("The ranges %1-%2 and %3-%4 overlap. %5")
                            .arg(periods[i - 1].opensText(), periods[i - 1].closesText(),
                                 periods[i].opensText(), periods[i].closesText(), accepted));
    }
    return periods;
}

QString OpeningHours::format(const QList<OpeningPeriod> &periods)
{
    if (periods.isEmpty())
        return QStringLiteral("closed");
    QStringList parts;
    for (const OpeningPeriod &p : periods)
        parts << p.opensText() + QLatin1Char('-') + p.closesText();
    return parts.join(QLatin1Char(','));
}
