#include "server/mail/mimeencoding.h"

#include <QLocale>

namespace {

constexpr int MaxEncodedWord = 75;
constexpr int MaxLine = 76;

bool isPlainAscii(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

// The UTF-8 of text cut into pieces whose base64 fits an encoded-word of at
// most firstLength characters (the first, after the header's name) and
// MaxEncodedWord (the others), never inside one character's octets.
QList<QByteArray> utf8Pieces(const QString &text, int firstLength)
{
    constexpr int overhead = 12; // =?UTF-8?B? and ?=
    auto octetsFor = [](int length) { return std::max(3, (length - overhead) / 4 * 3); };
    int maxOctets = octetsFor(firstLength);
    QList<QByteArray> pieces;
    QByteArray piece;
    for (qsizetype i = 0; i < text.size(); ++i) {
        QString one(text.at(i));
        if (text.at(i).isHighSurrogate() && i + 1 < text.size())
            one += text.at(++i);
        const QByteArray octets = one.toUtf8();
        if (!piece.isEmpty() && piece.size() + octets.size() > maxOctets) {
            pieces.append(piece);
            piece.clear();
            maxOctets = octetsFor(MaxEncodedWord);
        }
        piece += octets;
    }
    if (!piece.isEmpty())
        pieces.append(piece);
    return pieces;
}

} // namespace

QByteArray MimeEncoding::header(const QByteArray &name, const QString &value)
{
    QByteArray out = name + ": ";
    if (isPlainAscii(value) && out.size() + value.size() <= 998) {
        out += value.toLatin1();
        return out + "\r\n";
    }
    qsizetype lineLength = out.size();
    bool first = true;
    const int firstLength = std::min<int>(MaxEncodedWord, int(MaxLine - out.size()));
    for (const QByteArray &piece : utf8Pieces(value, firstLength)) {
        const QByteArray word = "=?UTF-8?B?" + piece.toBase64() + "?=";
        if (!first) {
            // Whitespace between two encoded-words is not displayed
            // (RFC 2047 6.2), so folding here adds nothing to the text.
            if (lineLength + 1 + word.size() > MaxLine) {
                out += "\r\n";
                lineLength = 0;
            }
            out += ' ';
            ++lineLength;
        }
        out += word;
        lineLength += word.size();
        first = false;
    }
    return out + "\r\n";
}

QByteArray MimeEncoding::mailboxHeader(const QByteArray &name, const QString &displayName,
                                       const QByteArray &address)
{
    QString plain = displayName;
    plain.remove(u'"');
    plain.remove(u'\\');
    if (plain.trimmed().isEmpty())
        return name + ": <" + address + ">\r\n";
    if (isPlainAscii(plain))
        return name + ": \"" + plain.toLatin1() + "\" <" + address + ">\r\n";
    QByteArray words = header(name, plain);
    words.chop(2); // CRLF
    return words + "\r\n <" + address + ">\r\n";
}

QByteArray MimeEncoding::quotedPrintable(const QString &text)
{
    static const char hex[] = "0123456789ABCDEF";
    QString normalised = text;
    normalised.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    const QList<QByteArray> lines = normalised.toUtf8().split('\n');
    QByteArray out;
    for (const QByteArray &line : lines) {
        QByteArray current;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const auto c = static_cast<unsigned char>(line.at(i));
            const bool last = i == line.size() - 1;
            QByteArray token;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
                token = QByteArray(1, char(c));
            else
                token = QByteArray("=") + hex[c >> 4] + hex[c & 15];
            // Room for a soft break's "=" at the end of the line.
            if (current.size() + token.size() > MaxLine - 1) {
                out += current + "=\r\n";
                current.clear();
            }
            current += token;
        }
        out += current + "\r\n";
    }
    return out;
}

QByteArray MimeEncoding::base64Lines(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += MaxLine)
        out += encoded.mid(i, MaxLine) + "\r\n";
    return out;
}

QByteArray MimeEncoding::dotStuffed(const QByteArray &message)
{
    QByteArray text = message;
    text.replace("\r\n", "\n");
    text.replace('\r', '\n');
    if (text.endsWith('\n'))
        text.chop(1);
    QByteArray out;
    out.reserve(text.size() + text.size() / 40 + 2);
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith('.'))
            out += '.';
        out += line + "\r\n";
    }
    return out;
}

QByteArray MimeEncoding::date(const QDateTime &when)
{
    const QDateTime utc = when.toUTC();
    return QLocale::c().toString(utc, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")).toLatin1() + " +0000";
}
