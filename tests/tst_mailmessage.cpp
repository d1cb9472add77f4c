// The pieces a confirmation e-mail is written with: RFC 5545 text escaping
// and line folding, RFC 2047 encoded-word headers, quoted-printable, SMTP
// dot-stuffing, and the message ConfirmationMail assembles from them.
#include "server/mail/calendarinvite.h"
#include "server/mail/confirmationmail.h"
#include "server/mail/mimeencoding.h"

#include "server/api/apilanguage.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>
#include <QTimeZone>

namespace {

// RFC 2047 "B" encoded-words back to text, as a mail reader decodes them.
QString decodeHeader(const QByteArray &header)
{
    QByteArray value = header.mid(header.indexOf(':') + 2);
    value.replace("\r\n", "");
    static const QRegularExpression word(QStringLiteral("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?="));
    if (!value.contains("=?"))
        return QString::fromLatin1(value);
    QByteArray utf8;
    auto it = word.globalMatch(QString::fromLatin1(value));
    while (it.hasNext())
        utf8 += QByteArray::fromBase64(it.next().captured(1).toLatin1());
    return QString::fromUtf8(utf8);
}

QByteArray decodeQuotedPrintable(const QByteArray &encoded)
{
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        if (encoded.at(i) != '=') {
            out += encoded.at(i);
        } else if (encoded.mid(i + 1, 2) == "\r\n") {
            i += 2; // soft line break
        } else {
            out += char(encoded.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        }
    }
    return out;
}

OutgoingMail sampleMail(const QString &kind, const QString &language)
{
    OutgoingMail mail;
    mail.id = 7;
    mail.kind = kind;
    mail.recipient = QStringLiteral("kunde@example.org");
    mail.language = language;
    mail.sequence = kind == u"confirmed" ? 0 : 1;
    mail.timeZone = QTimeZone("Europe/Berlin");
    mail.siteName = QStringLiteral("Waschstraße Süd");
    mail.siteAddress = QStringLiteral("Hauptstraße 1\n10115 Berlin");
    mail.fromAddress = QStringLiteral("buchung@example.com");
    Booking &b = mail.booking;
    b.id = 42;
    b.code = QStringLiteral("K7Q2ZX");
    b.status = QStringLiteral("confirmed");
    b.bay = {3, QStringLiteral("Lane 1")};
    b.start = QDateTime(QDate(2026, 3, 29), QTime(9, 30), QTimeZone("Europe/Berlin"));
    b.end = b.start.addSecs(20 * 60);
    b.serviceName = QStringLiteral("Premium, with wax; \"shine\"");
    b.vehicleClass = QStringLiteral("suv");
    b.priceCents = 2450;
    b.currency = QStringLiteral("EUR");
    b.plate = QStringLiteral("BAB1234");
    b.customerName = QStringLiteral("Jürgen");
    return mail;
}

} // namespace

class TestMailMessage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void icsEscapesCommaSemicolonBackslashAndNewline();
    void icsFoldsAt75Octets_data();
    void icsFoldsAt75Octets();
    void dotStuffingDoublesLeadingDotsAndMakesCrlf();
    void asciiHeaderStaysReadable();
    void nonAsciiSubjectIsEncodedWords();
    void quotedPrintableKeepsLinesShortAndRoundTrips();
    void inviteIsStablePerBookingAndCancels();
    void messageHasEveryPartInTheCustomersLanguage();
};

void TestMailMessage::icsEscapesCommaSemicolonBackslashAndNewline()
{
    QCOMPARE(CalendarInvite::escapeText(QStringLiteral("Wash, wax; dry\\shine\nBay 2\r\nnext")),
             QStringLiteral("Wash\\, wax\\; dry\\\\shine\\nBay 2\\nnext"));
}

void TestMailMessage::icsFoldsAt75Octets_data()
{
    QTest::addColumn<QString>("line");
    QTest::newRow("short") << QStringLiteral("SUMMARY:Wash");
    QTest::newRow("exactly 75") << QStringLiteral("DESCRIPTION:") + QString(63, u'x');
    QTest::newRow("76") << QStringLiteral("DESCRIPTION:") + QString(64, u'x');
    QTest::newRow("long ascii") << QStringLiteral("DESCRIPTION:") + QString(400, u'a');
    // Two-, three- and four-octet characters around every cut.
    QTest::newRow("umlauts") << QStringLiteral("SUMMARY:") + QString(120, u'ü');
    QTest::newRow("euro") << QStringLiteral("SUMMARY:a") + QString(90, QChar(0x20AC));
    QTest::newRow("emoji") << QStringLiteral("SUMMARY:") + QString::fromUtf8("🚗").repeated(60);
}

void TestMailMessage::icsFoldsAt75Octets()
{
    QFETCH(QString, line);
    const QByteArray folded = CalendarInvite::fold(line);
    QVERIFY(folded.endsWith("\r\n"));
    const QList<QByteArray> lines = folded.chopped(2).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray physical = lines.at(i);
        if (physical.endsWith('\r'))
            physical.chop(1);
        QVERIFY2(physical.size() <= 75, physical.constData());
        QVERIFY(!QString::fromUtf8(physical).contains(QChar::ReplacementCharacter)); // no split character
        if (i > 0)
            QVERIFY(physical.startsWith(' '));
    }
    if (line.toUtf8().size() <= 75)
        QCOMPARE(lines.size(), 1);
    else
        QVERIFY(lines.size() > 1);
    // Unfolding (RFC 5545 3.1) gives the line back.
    QByteArray unfolded = folded;
    unfolded.replace("\r\n ", "");
    QCOMPARE(QString::fromUtf8(unfolded.chopped(2)), line);
}

void TestMailMessage::dotStuffingDoublesLeadingDotsAndMakesCrlf()
{
    QCOMPARE(MimeEncoding::dotStuffed(".\nHello\n.hidden\r\n..two\nend.\n"),
             QByteArray("..\r\nHello\r\n..hidden\r\n...two\r\nend.\r\n"));
    QCOMPARE(MimeEncoding::dotStuffed("a\r\nb"), QByteArray("a\r\nb\r\n"));
}

void TestMailMessage::asciiHeaderStaysReadable()
{
    QCOMPARE(MimeEncoding::header("Subject", QStringLiteral("Booking confirmed: K7Q2ZX at Main St")),
             QByteArray("Subject: Booking confirmed: K7Q2ZX at Main St\r\n"));
    QCOMPARE(MimeEncoding::mailboxHeader("From", QStringLiteral("Main St Wash"), "a@example.com"),
             QByteArray("From: \"Main St Wash\" <a@example.com>\r\n"));
}

void TestMailMessage::nonAsciiSubjectIsEncodedWords()
{
    const QString subject
        = QStringLiteral("Neue Zeit für Ihre Buchung K7Q2ZX bei Waschstraße Süd – größer, schöner, länger 🚗");
    const QByteArray header = MimeEncoding::header("Subject", subject);
    QVERIFY(header.startsWith("Subject: =?UTF-8?B?"));
    for (const QByteArray &line : header.chopped(2).split('\n')) {
        QVERIFY2(line.size() <= 77, line.constData()); // 76 and the CR
        for (const char c : line)
            QVERIFY(static_cast<unsigned char>(c) < 0x80);
    }
    static const QRegularExpression word(QStringLiteral("=\\?UTF-8\\?B\\?[^?]*\\?="));
    auto words = word.globalMatch(QString::fromLatin1(header));
    int count = 0;
    while (words.hasNext()) {
        QVERIFY(words.next().capturedLength() <= 75);
        ++count;
    }
    QVERIFY(count > 1);
    QCOMPARE(decodeHeader(header.chopped(2)), subject);

    const QByteArray from
        = MimeEncoding::mailboxHeader("From", QStringLiteral("Waschstraße"), "a@example.com");
    QVERIFY(from.startsWith("From: =?UTF-8?B?"));
    QVERIFY(from.endsWith(" <a@example.com>\r\n"));
}

void TestMailMessage::quotedPrintableKeepsLinesShortAndRoundTrips()
{
    const QString text = QStringLiteral("Grüße = Gruß\nA line that is long enough to need a soft line break "
                                        "somewhere in the middle, with ümlauts and = signs too, and more.\n"
                                        "trailing space \n.leading dot\n");
    const QByteArray encoded = MimeEncoding::quotedPrintable(text);
    for (const QByteArray &line : encoded.split('\n')) {
        QVERIFY2(line.size() <= 77, line.constData());
        for (const char c : line)
            QVERIFY(static_cast<unsigned char>(c) < 0x80);
        QVERIFY(!line.endsWith(" \r"));
    }
    QVERIFY(encoded.contains("=3D"));
    QVERIFY(encoded.contains("Gr=C3=BC=C3=9Fe"));
    QByteArray decoded = decodeQuotedPrintable(encoded);
    decoded.replace("\r\n", "\n");
    QCOMPARE(QString::fromUtf8(decoded), text + u'\n');
}

void TestMailMessage::inviteIsStablePerBookingAndCancels()
{
    const QDateTime now = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    const ConfirmationMail confirmed(sampleMail(QStringLiteral("confirmed"), QStringLiteral("en")));
    OutgoingMail movedMail = sampleMail(QStringLiteral("moved"), QStringLiteral("en"));
    movedMail.booking.start = movedMail.booking.start.addSecs(3600);
    movedMail.booking.end = movedMail.booking.end.addSecs(3600);
    const ConfirmationMail moved(movedMail);
    OutgoingMail cancelledMail = sampleMail(QStringLiteral("cancelled"), QStringLiteral("en"));
    cancelledMail.sequence = 2;
    const ConfirmationMail cancelled(cancelledMail);

    QCOMPARE(moved.invite(now).uid, confirmed.invite(now).uid);
    QCOMPARE(cancelled.invite(now).uid, confirmed.invite(now).uid);
    const QByteArray first = confirmed.invite(now).toIcs();
    const QByteArray second = moved.invite(now).toIcs();
    const QByteArray last = cancelled.invite(now).toIcs();
    QVERIFY(first.contains("\r\nMETHOD:REQUEST\r\n"));
    QVERIFY(first.contains("\r\nSEQUENCE:0\r\n"));
    QVERIFY(first.contains("\r\nSTATUS:CONFIRMED\r\n"));
    // 09:30 in Berlin on the day summer time begins: 07:30 UTC.
    QVERIFY(first.contains("\r\nDTSTART:20260329T073000Z\r\n"));
    QVERIFY(first.contains("\r\nDTEND:20260329T075000Z\r\n"));
    QVERIFY(second.contains("\r\nDTSTART:20260329T083000Z\r\n"));
    QVERIFY(second.contains("\r\nSEQUENCE:1\r\n"));
    QVERIFY(last.contains("\r\nMETHOD:CANCEL\r\n"));
    QVERIFY(last.contains("\r\nSTATUS:CANCELLED\r\n"));
    QVERIFY(last.contains("\r\nSEQUENCE:2\r\n"));
    // The service's name with its comma, semicolon and quotes, escaped.
    QByteArray unfolded = first;
    unfolded.replace("\r\n ", "");
    QVERIFY(unfolded.contains("SUMMARY:Waschstraße Süd: Premium\\, with wax\\; \"shine\"\r\n"));
    QVERIFY(unfolded.contains("LOCATION:Waschstraße Süd\\, Hauptstraße 1\\, 10115 Berlin\r\n"));
}

void TestMailMessage::messageHasEveryPartInTheCustomersLanguage()
{
    // As carwash-server writes it: in the message's language, whatever the
    // process's.
    RequestTranslator perThread;
    QCoreApplication::installTranslator(&perThread);
    const auto uninstall = qScopeGuard([&] { QCoreApplication::removeTranslator(&perThread); });
    std::optional<LanguageScope> german(std::in_place, QStringLiteral("de"));
    OutgoingMail data = sampleMail(QStringLiteral("cancelled"), QStringLiteral("de"));
    data.paidCents = 2450;
    const ConfirmationMail mail(data);
    QCOMPARE(mail.subject(), QStringLiteral("Storniert: Ihre Buchung K7Q2ZX bei Waschstraße Süd"));
    const QString text = mail.plainText();
    QVERIFY2(text.contains(QStringLiteral("Hallo Jürgen,")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Fahrzeug: SUV, BAB1234")), qPrintable(text));
    // The customer's language's date format, in the site's zone.
    QVERIFY2(text.contains(QStringLiteral("Beginn: Sonntag, 29. März 2026 09:30")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Preis: 24,50\u00a0€")),
             qPrintable(text)); // a no-break space, as German writes it
    QVERIFY2(text.contains(QStringLiteral("erstattet")), qPrintable(text)); // the refund line

    const QDateTime now = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    const QByteArray message = mail.message(now, QStringLiteral("abc@example.com"));
    QVERIFY(message.contains("\r\nDate: Sun, 01 Mar 2026 12:00:00 +0000\r\n"));
    QVERIFY(message.contains("\r\nMessage-ID: <abc@example.com>\r\n"));
    QVERIFY(message.contains("\r\nTo: <kunde@example.org>\r\n"));
    QVERIFY(message.contains("Content-Type: text/calendar; charset=utf-8; method=CANCEL;\r\n"));
    QVERIFY(!message.contains("image/png")); // nothing to show at the desk any more
    for (const QByteArray &line : message.split('\n')) {
        QVERIFY2(line.size() <= 78, line.constData());
        for (const char c : line)
            QVERIFY(static_cast<unsigned char>(c) < 0x80);
    }
    QCOMPARE(message.count("\n"), message.count("\r\n")); // CRLF only

    german.reset();
    const LanguageScope english(QStringLiteral("en"));
    const ConfirmationMail confirmed(sampleMail(QStringLiteral("confirmed"), QStringLiteral("en")));
    const QByteArray withQr = confirmed.message(now, QStringLiteral("x@example.com"));
    QVERIFY(withQr.contains("Content-Type: image/png"));
    QVERIFY(withQr.contains("Content-ID: <qr@example.com>"));
    QVERIFY(confirmed.html().contains(QStringLiteral("src=\"cid:qr@example.com\"")));
    QVERIFY(confirmed.qrPng().startsWith("\x89PNG\r\n\x1a\n"));
    QCOMPARE(confirmed.subject(), QStringLiteral("Booking confirmed: K7Q2ZX at Waschstraße Süd"));
}

QTEST_GUILESS_MAIN(TestMailMessage)
#include "tst_mailmessage.moc"
