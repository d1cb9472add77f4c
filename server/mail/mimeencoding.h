#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

// The encodings an e-mail is written in (RFC 2045, 2047, 5321, 5322). Pure
// functions, any thread. Every line they produce ends in CRLF.
class MimeEncoding
{
public:
    // A header's value: ASCII text as it is, anything else as UTF-8 "B"
    // encoded-words of at most 75 characters each, split between characters
    // (never inside a UTF-8 sequence), folded onto continuation lines.
    // name is the header's name, to fold the first line in time.
    static QByteArray header(const QByteArray &name, const QString &value);
    // A mailbox header ("From: Name <address>"): the display name quoted
    // when ASCII, encoded-words otherwise; the address as it is.
    static QByteArray mailboxHeader(const QByteArray &name, const QString &displayName,
                                    const QByteArray &address);
    // Quoted-printable (RFC 2045 6.7) of UTF-8 text: lines of at most 76
    // characters with soft breaks, '=' and non-ASCII octets escaped,
    // whitespace before a line break escaped, line breaks as CRLF.
    static QByteArray quotedPrintable(const QString &text);
    // Base64 in lines of 76 characters.
    static QByteArray base64Lines(const QByteArray &data);
    // What SMTP's DATA sends: line breaks made CRLF, a '.' starting a line
    // doubled (RFC 5321 4.5.2), ending in CRLF (without the final ".").
    static QByteArray dotStuffed(const QByteArray &message);
    // "Sun, 06 Dec 2026 19:37:21 +0000" (RFC 5322 3.3), English names
    // whatever the locale.
    static QByteArray date(const QDateTime &when);
};
