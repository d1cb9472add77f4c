#include "server/mail/calendarinvite.h"

namespace {

constexpr int MaxOctets = 75;

// The first octet of a UTF-8 character (not a continuation octet).
bool startsCharacter(char octet)
{
    return (static_cast<unsigned char>(octet) & 0xC0) != 0x80;
}

} // namespace

QString CalendarInvite::escapeText(const QString &text)
{
    QString out;
    out.reserve(text.size() + 8);
    QString normalised = text;
    normalised.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    for (const QChar c : normalised) {
        if (c == u'\\' || c == u';' || c == u',')
            out += u'\\';
        if (c == u'\n' || c == u'\r')
            out += QStringLiteral("\\n");
        else
            out += c;
    }
    return out;
}

QByteArray CalendarInvite::fold(const QString &line)
{
    const QByteArray utf8 = line.toUtf8();
    QByteArray out;
    qsizetype begin = 0;
    bool first = true;
    while (begin < utf8.size()) {
        // A continuation line's leading space counts among its 75 octets.
        const qsizetype room = first ? MaxOctets : MaxOctets - 1;
        qsizetype end = std::min(begin + room, utf8.size());
        while (end < utf8.size() && end > begin && !startsCharacter(utf8.at(end)))
            --end;
        if (!first)
            out += ' ';
        out += utf8.mid(begin, end - begin) + "\r\n";
        begin = end;
        first = false;
    }
    if (first)
        out += "\r\n";
    return out;
}

QString CalendarInvite::utc(const QDateTime &when)
{
    return when.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

QByteArray CalendarInvite::toIcs() const
{
    QByteArray out;
    auto line = [&out](const QString &text) { out += fold(text); };
    line(QStringLiteral("BEGIN:VCALENDAR"));
    line(QStringLiteral("VERSION:2.0"));
    line(QStringLiteral("PRODID:-//CarWash Desk//Bookings//EN"));
    line(QStringLiteral("CALSCALE:GREGORIAN"));
    line(QStringLiteral("METHOD:") + QString::fromLatin1(method()));
    line(QStringLiteral("BEGIN:VEVENT"));
    line(QStringLiteral("UID:") + uid);
    line(QStringLiteral("SEQUENCE:") + QString::number(sequence));
    line(QStringLiteral("DTSTAMP:") + utc(stamp));
    line(QStringLiteral("DTSTART:") + utc(start));
    line(QStringLiteral("DTEND:") + utc(end));
    line(QStringLiteral("SUMMARY:") + escapeText(summary));
    if (!location.isEmpty())
        line(QStringLiteral("LOCATION:") + escapeText(location));
    if (!description.isEmpty())
        line(QStringLiteral("DESCRIPTION:") + escapeText(description));
    line(QStringLiteral("STATUS:") + (cancelled ? QStringLiteral("CANCELLED") : QStringLiteral("CONFIRMED")));
    // Parameter values with ':' ';' ',' must be quoted; a quote cannot be.
    QString name = organizerName;
    name.remove(u'"');
    if (!organizerAddress.isEmpty())
        line(QStringLiteral("ORGANIZER;CN=\"%1\":mailto:%2").arg(name, organizerAddress));
    if (!attendeeAddress.isEmpty())
        line(QStringLiteral("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:") + attendeeAddress);
    line(QStringLiteral("TRANSP:OPAQUE"));
    line(QStringLiteral("END:VEVENT"));
    line(QStringLiteral("END:VCALENDAR"));
    return out;
}
