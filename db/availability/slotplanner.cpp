#include "db/availability/slotplanner.h"

#include "db/text/isotime.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>

namespace {

constexpr int SecondsPerDay = 24 * 3600;

// A window wide enough to hold every offset a wall-clock time can have
// (offsets lie within ±14 h) and the transitions between them.
constexpr qint64 WindowSeconds = 20 * 3600;

QDateTime wallClockAsUtc(const QDate &date, int secondOfDay)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).addSecs(secondOfDay);
}

} // namespace

QJsonObject PlannedSlot::toJson() const
{
    QJsonArray bayArray;
    for (const BayRef &bay : bays)
        bayArray.append(bay.toJson());
    return QJsonObject {{QStringLiteral("start"), IsoTime::format(start)},
                        {QStringLiteral("end"), IsoTime::format(end)},
                        {QStringLiteral("bays"), bayArray}};
}

namespace {

// A JSON string as RFC 8259 has it: quote, backslash and control characters
// escaped, everything else as UTF-8.
void appendJsonString(QByteArray &out, const QString &text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += Hex[u >> 4];
                out += Hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace

QByteArray PlannedSlot::toJsonText(const QList<PlannedSlot> &planned)
{
    QByteArray out;
    out.reserve(32 + planned.size() * 96);
    out += '[';
    for (const PlannedSlot &slot : planned) {
        if (out.size() > 1)
            out += ',';
        out += "{\"bays\":[";
        for (qsizetype i = 0; i < slot.bays.size(); ++i) {
            if (i > 0)
                out += ',';
            out += "{\"id\":";
            out += QByteArray::number(slot.bays[i].id);
            out += ",\"name\":";
            appendJsonString(out, slot.bays[i].name);
            out += '}';
        }
        out += "],\"end\":";
        appendJsonString(out, IsoTime::format(slot.end));
        out += ",\"start\":";
        appendJsonString(out, IsoTime::format(slot.start));
        out += '}';
    }
    out += ']';
    return out;
}

QJsonObject PlannedSlot::toFirstBayJson() const
{
    return QJsonObject {{QStringLiteral("start"), IsoTime::format(start)},
                        {QStringLiteral("end"), IsoTime::format(end)},
                        {QStringLiteral("bay"), bays.isEmpty() ? QJsonObject() : bays.first().toJson()}};
}

SlotPlanner::SlotPlanner(SlotPlanInput input)
    : m_input(std::move(input))
{
    for (const BusyInterval &b : std::as_const(m_input.busy))
        m_busyByBay[b.bayId].append({b.start.toMSecsSinceEpoch(), b.end.toMSecsSinceEpoch()});
}

// The offsets in force around [from, to], widened by the window: every
// offset a wall-clock time in that range can have.
QList<int> SlotPlanner::offsetsAround(const QDateTime &from, const QDateTime &to, const QTimeZone &zone)
{
    const QDateTime first = from.addSecs(-WindowSeconds);
    QList<int> offsets {zone.offsetFromUtc(first)};
    for (const QTimeZone::OffsetData &t : zone.transitions(first, to.addSecs(WindowSeconds))) {
        if (!offsets.contains(t.offsetFromUtc))
            offsets.append(t.offsetFromUtc);
    }
    return offsets;
}

std::optional<QDateTime> SlotPlanner::instantFrom(const QDateTime &wall, const QList<int> &offsets,
                                                  const QTimeZone &zone)
{
    // A candidate is real when the zone agrees that instant has that offset;
    // extra candidates never are, so any superset of the offsets near the
    // wall time gives the same answer.
    std::optional<QDateTime> first;
    for (const int offset : offsets) {
        const QDateTime instant = wall.addSecs(-offset);
        if (zone.offsetFromUtc(instant) == offset && (!first || instant < *first))
            first = instant;
    }
    if (!first)
        return std::nullopt;
    return first->toTimeZone(zone);
}

std::optional<QDateTime> SlotPlanner::localInstant(const QDate &date, int secondOfDay, const QTimeZone &zone)
{
    // Qt's own mapping of an ambiguous or missing local time has changed
    // between versions; decide it here. Every offset in force near the wall
    // time is a candidate.
    const QDateTime wall = wallClockAsUtc(date, secondOfDay);
    return instantFrom(wall, offsetsAround(wall, wall, zone), zone);
}

QDateTime SlotPlanner::localInstantAtOrAfter(const QDate &date, int secondOfDay, const QTimeZone &zone)
{
    if (const std::optional<QDateTime> exact = localInstant(date, secondOfDay, zone))
        return *exact;
    // In a gap: the jump whose skipped wall-clock range holds the time.
    const QDateTime wall = wallClockAsUtc(date, secondOfDay);
    for (const QTimeZone::OffsetData &t :
         zone.transitions(wall.addSecs(-WindowSeconds), wall.addSecs(WindowSeconds))) {
        const int before = zone.offsetFromUtc(t.atUtc.addSecs(-1));
        const QDateTime gapStart = t.atUtc.addSecs(before); // wall-clock, as UTC
        const QDateTime gapEnd = t.atUtc.addSecs(t.offsetFromUtc);
        if (t.offsetFromUtc > before && wall >= gapStart && wall < gapEnd)
            return t.atUtc.toTimeZone(zone);
    }
    // Not reached for real zones; fall back to the standard offset.
    return wall.addSecs(-zone.standardTimeOffset(wall)).toTimeZone(zone);
}

QList<OpeningPeriod> SlotPlanner::periodsOfDay() const
{
    QList<OpeningPeriod> periods;
    const int weekday = m_input.date.dayOfWeek();
    for (const OpeningPeriod &p : m_input.periods) {
        if (p.weekday == weekday)
            periods.append(p);
    }
    std::sort(periods.begin(), periods.end(),
              [](const OpeningPeriod &a, const OpeningPeriod &b) { return a.opensMinute < b.opensMinute; });
    return periods;
}

bool SlotPlanner::dateOpen() const
{
    const QDate today = m_input.now.toTimeZone(m_input.timeZone).date();
    if (!m_input.date.isValid() || m_input.date < today || m_input.date > today.addDays(m_input.horizonDays))
        return false;
    return std::none_of(m_input.closures.cbegin(), m_input.closures.cend(),
                        [this](const Closure &c) { return c.covers(m_input.date); });
}

QList<BayRef> SlotPlanner::freeBays(const QDateTime &start) const
{
    const qint64 from = start.toMSecsSinceEpoch();
    const qint64 blockedUntil = from + qint64(m_input.durationMinutes + m_input.bufferMinutes) * 60 * 1000;
    QList<BayRef> free;
    for (const BayRef &bay : m_input.bays) {
        const auto found = m_busyByBay.constFind(bay.id);
        const bool taken = found != m_busyByBay.cend()
            && std::any_of(found->cbegin(), found->cend(),
                           [&](const BusyMs &b) { return b.start < blockedUntil && from < b.end; });
        if (!taken)
            free.append(bay);
    }
    return free;
}

void SlotPlanner::walkGrid(const std::function<void(const QDateTime &, const QDateTime &)> &visit) const
{
    if (m_input.slotMinutes <= 0)
        return;
    // Looked up once for the day, not per slot (a transitions() search each).
    const QList<int> offsets = offsetsAround(wallClockAsUtc(m_input.date, 0),
                                             wallClockAsUtc(m_input.date, SecondsPerDay), m_input.timeZone);
    for (const OpeningPeriod &period : periodsOfDay()) {
        const QDateTime closes
            = localInstantAtOrAfter(m_input.date, period.closesMinute * 60, m_input.timeZone);
        for (int minute = period.opensMinute; minute < period.closesMinute; minute += m_input.slotMinutes) {
            const std::optional<QDateTime> start
                = instantFrom(wallClockAsUtc(m_input.date, minute * 60), offsets, m_input.timeZone);
            if (start) // else the spring-forward gap
                visit(*start, closes);
        }
    }
}

QList<PlannedSlot> SlotPlanner::generate(bool freeOnly) const
{
    QList<PlannedSlot> planned;
    if (!dateOpen() || m_input.slotMinutes <= 0 || m_input.durationMinutes <= 0)
        return planned;
    const QDateTime earliest = m_input.now.addSecs(qint64(m_input.minNoticeMinutes) * 60);
    walkGrid([&](const QDateTime &start, const QDateTime &closes) {
        const QDateTime end = start.addSecs(qint64(m_input.durationMinutes) * 60);
        if (end > closes || start < earliest)
            return;
        PlannedSlot slot {start, end.toTimeZone(m_input.timeZone), freeBays(start)};
        if (freeOnly && slot.bays.isEmpty())
            return;
        planned.append(slot);
    });
    std::sort(planned.begin(), planned.end(),
              [](const PlannedSlot &a, const PlannedSlot &b) { return a.start < b.start; });
    return planned;
}

QList<QDateTime> SlotPlanner::gridStarts() const
{
    QList<QDateTime> starts;
    walkGrid([&starts](const QDateTime &start, const QDateTime &) { starts.append(start); });
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end()); // overlapping periods
    return starts;
}

QList<PlannedSlot> SlotPlanner::freeSlots() const
{
    return generate(true);
}

QList<PlannedSlot> SlotPlanner::allSlots() const
{
    return generate(false);
}

SlotPlanner::Verdict SlotPlanner::check(const QDateTime &start) const
{
    const QDate today = m_input.now.toTimeZone(m_input.timeZone).date();
    if (m_input.date > today.addDays(m_input.horizonDays))
        return Verdict::BeyondHorizon;
    const QList<OpeningPeriod> periods = periodsOfDay();
    if (periods.isEmpty()
        || std::any_of(m_input.closures.cbegin(), m_input.closures.cend(),
                       [this](const Closure &c) { return c.covers(m_input.date); }))
        return Verdict::Closed;
    if (start < m_input.now.addSecs(qint64(m_input.minNoticeMinutes) * 60))
        return Verdict::TooSoon;
    // The start is judged on its own rather than by generating the day's
    // grid: a booking checks one time, and the grid costs a time-zone lookup
    // per slot. The answer is the one generate() implies: the same wall-clock
    // grid, the same instant for a wall time (its first occurrence), the same
    // end-by-closing rule.
    const QDateTime local = start.toTimeZone(m_input.timeZone);
    const QTime wall = local.time();
    const int minute = wall.hour() * 60 + wall.minute();
    const bool wholeMinute = wall.second() == 0 && wall.msec() == 0;
    bool insidePeriod = false;
    for (const OpeningPeriod &p : periods) {
        if (local.date() != m_input.date || minute < p.opensMinute)
            continue;
        const QDateTime closes = localInstantAtOrAfter(m_input.date, p.closesMinute * 60, m_input.timeZone);
        if (start.addSecs(qint64(m_input.durationMinutes) * 60) > closes)
            continue;
        insidePeriod = true;
        if (m_input.slotMinutes <= 0 || m_input.durationMinutes <= 0 || !wholeMinute
            || minute >= p.closesMinute || (minute - p.opensMinute) % m_input.slotMinutes != 0)
            continue;
        const std::optional<QDateTime> onGrid = localInstant(m_input.date, minute * 60, m_input.timeZone);
        if (onGrid && *onGrid == start)
            return Verdict::Bookable;
    }
    return insidePeriod ? Verdict::OffGrid : Verdict::OutsideHours;
}

QString SlotPlanner::explain(Verdict verdict, const QDateTime &start) const
{
    const QString when = IsoTime::format(start, m_input.timeZone);
    const QString day = m_input.date.toString(Qt::ISODate);
    QStringList hours;
    for (const OpeningPeriod &p : periodsOfDay())
        hours << p.opensText() + QLatin1Char('-') + p.closesText();
    switch (verdict) {
    case Verdict::Bookable:
        return {};
    case Verdict::Closed:
        return tr("The car wash is closed on %1.").arg(day);
    case Verdict::BeyondHorizon:
        return tr("%1 is too far ahead: bookings can be made up to %n day(s) ahead.", nullptr,
                  m_input.horizonDays)
            .arg(when);
    case Verdict::OutsideHours:
        return tr("%1 is outside the opening hours of %2 (%3), or the wash would not end by closing time.")
            .arg(when, day, hours.join(QStringLiteral(", ")));
    case Verdict::OffGrid:
        return tr("%1 is not a start time: starts are every %n minute(s) from the opening time.", nullptr,
                  m_input.slotMinutes)
            .arg(when);
    case Verdict::TooSoon:
        return tr("%1 is in the past or sooner than the minimum notice of %n minute(s).", nullptr,
                  m_input.minNoticeMinutes)
            .arg(when);
    }
    return {};
}
