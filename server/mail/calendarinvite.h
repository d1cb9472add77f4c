#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

// An RFC 5545 calendar object for one booking: one VEVENT whose UID is the
// booking's, so a move updates the same entry in the customer's calendar
// and a cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes it; SEQUENCE
// orders the updates. Times in UTC. Pure value, any thread.
class CalendarInvite
{
public:
    QString uid; // stable per booking
    int sequence = 0;
    bool cancelled = false;
    QDateTime start;
    QDateTime end;
    QDateTime stamp; // when this version was made
    QString summary;
    QString location;
    QString description;
    QString organizerName;
    QString organizerAddress; // mailto: without the scheme
    QString attendeeAddress;

    // The whole object, lines folded at 75 octets, CRLF line ends.
    QByteArray toIcs() const;
    QByteArray method() const { return cancelled ? "CANCEL" : "REQUEST"; }

    // TEXT value escaping (RFC 5545 3.3.11): backslash, ';' and ',' escaped,
    // line breaks as "\n".
    static QString escapeText(const QString &text);
    // One content line folded (RFC 5545 3.1): at most 75 octets a line, a
    // continuation line starts with a space, never inside a UTF-8 character.
    static QByteArray fold(const QString &line);
    // 20261206T193721Z
    static QString utc(const QDateTime &when);
};
