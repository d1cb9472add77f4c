#include "server/mail/confirmationmail.h"

#include "db/text/bookingwords.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"
#include "server/mail/mimeencoding.h"

#include <QBuffer>
#include <QUuid>

namespace {

QByteArray boundary(const char *what)
{
    return "=_cw_" + QByteArray(what) + '_' + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
}

} // namespace

ConfirmationMail::ConfirmationMail(const OutgoingMail &mail)
    : m_mail(mail)
    , m_locale(localeFor(mail.language))
{ }

QLocale ConfirmationMail::localeFor(const QString &language)
{
    if (language == u"es")
        return QLocale(QLocale::Spanish, QLocale::Spain);
    if (language == u"de")
        return QLocale(QLocale::German, QLocale::Germany);
    return QLocale(QLocale::English, QLocale::UnitedStates);
}

QString ConfirmationMail::domain() const
{
    const qsizetype at = m_mail.fromAddress.lastIndexOf(u'@');
    return at >= 0 ? m_mail.fromAddress.mid(at + 1) : QStringLiteral("localhost");
}

QString ConfirmationMail::when(const QDateTime &instant) const
{
    const QDateTime local = instant.toTimeZone(m_mail.timeZone);
    return m_locale.toString(local.date(), QLocale::LongFormat) + u' '
        + m_locale.toString(local.time(), QLocale::ShortFormat);
}

QString ConfirmationMail::subject() const
{
    const QString site = m_mail.siteName;
    if (m_mail.kind == u"cancelled")
        return tr("Cancelled: your booking %1 at %2").arg(m_mail.booking.code, site);
    if (m_mail.kind == u"moved")
        return tr("New time for your booking %1 at %2").arg(m_mail.booking.code, site);
    return tr("Booking confirmed: %1 at %2").arg(m_mail.booking.code, site);
}

QList<QPair<QString, QString>> ConfirmationMail::details() const
{
    const Booking &b = m_mail.booking;
    QString wash = b.serviceName;
    for (const BookedAddon &addon : b.addons)
        wash += QStringLiteral(" + ") + addon.name;
    const QString vehicle = BookingWords::vehicleClass(b.vehicleClass);
    return {
        {tr("Confirmation code"), b.code},
        {tr("Wash"), wash},
        {tr("Vehicle"), vehicle + QStringLiteral(", ") + b.plate},
        {tr("Start"), when(b.start)},
        {tr("End"), when(b.end)},
        {tr("Bay"), b.bay.name},
        {tr("Price"), Money::format(b.priceCents, b.currency, m_locale)},
    };
}

QStringList ConfirmationMail::closingLines() const
{
    QStringList lines;
    if (m_mail.kind == u"cancelled") {
        if (m_mail.paidCents > 0)
            lines << tr("You paid %1 for this booking; it is refunded to you the way you paid.")
                         .arg(Money::format(m_mail.paidCents, m_mail.booking.currency, m_locale));
        lines << tr("The attached calendar file removes the booking from your calendar.")
              << tr("If you did not ask for this, please contact us. You are welcome to book "
                    "again at any time.");
        return lines;
    }
    lines << tr("Please arrive a few minutes before the start and show this code or its QR "
                "code at the desk or the kiosk.")
          << tr("The attached calendar file adds the booking to your calendar.");
    return lines;
}

QString ConfirmationMail::plainText() const
{
    QString intro;
    if (m_mail.kind == u"cancelled")
        intro = tr("Your booking at %1 has been cancelled.");
    else if (m_mail.kind == u"moved")
        intro = tr("Your booking at %1 has a new time. The new details:");
    else
        intro = tr("Thank you for booking at %1. Your booking is confirmed:");
    QStringList lines {tr("Hello %1,").arg(m_mail.booking.customerName), QString(),
                       intro.arg(m_mail.siteName), QString()};
    for (const auto &[label, value] : details())
        lines << label + QStringLiteral(": ") + value;
    lines << QString();
    for (const QString &line : closingLines())
        lines << line << QString();
    lines << m_mail.siteName;
    if (!m_mail.siteAddress.isEmpty())
        lines << m_mail.siteAddress;
    return lines.join(u'\n') + u'\n';
}

QString ConfirmationMail::html() const
{
    auto e = [](const QString &text) { return text.toHtmlEscaped(); };
    const QString lang = m_mail.language.isEmpty() ? QStringLiteral("en") : m_mail.language;
    QString out
        = QStringLiteral("<!DOCTYPE html>\n<html lang=\"%1\"><head><meta charset=\"utf-8\"><title>%2</title>"
                         "</head>\n<body style=\"font-family: sans-serif; color: #111;\">\n")
              .arg(lang, e(subject()));
    const QStringList text = plainText().split(u'\n');
    // The greeting and the introduction, as in the plain text.
    out += QStringLiteral("<p>%1</p>\n<p>%2</p>\n").arg(e(text.value(0)), e(text.value(2)));
    out += QStringLiteral("<table style=\"border-collapse: collapse;\">\n");
    for (const auto &[label, value] : details())
        out += QStringLiteral("<tr><th style=\"text-align: left; padding: 2px 12px 2px 0;\">%1</th>"
                              "<td>%2</td></tr>\n")
                   .arg(e(label), e(value));
    out += QStringLiteral("</table>\n");
    if (m_mail.kind != u"cancelled")
        out += QStringLiteral("<p><img src=\"cid:qr@%1\" width=\"200\" height=\"200\" alt=\"%2\"></p>\n")
                   .arg(e(domain()), e(tr("QR code of the confirmation code %1").arg(m_mail.booking.code)));
    for (const QString &line : closingLines())
        out += QStringLiteral("<p>%1</p>\n").arg(e(line));
    out += QStringLiteral("<p>%1").arg(e(m_mail.siteName));
    if (!m_mail.siteAddress.isEmpty())
        out += QStringLiteral("<br>") + e(m_mail.siteAddress).replace(u'\n', QStringLiteral("<br>"));
    out += QStringLiteral("</p>\n</body></html>\n");
    return out;
}

CalendarInvite ConfirmationMail::invite(const QDateTime &now) const
{
    const Booking &b = m_mail.booking;
    CalendarInvite invite;
    invite.uid = QStringLiteral("booking-%1-%2@%3").arg(b.id).arg(b.code, domain());
    invite.sequence = m_mail.sequence;
    invite.cancelled = m_mail.kind == u"cancelled";
    invite.start = b.start;
    invite.end = b.end;
    invite.stamp = now;
    invite.summary = QStringLiteral("%1: %2").arg(m_mail.siteName, b.serviceName);
    invite.location = m_mail.siteAddress.isEmpty() ? m_mail.siteName
                                                   : m_mail.siteName + QStringLiteral(", ")
            + QString(m_mail.siteAddress).replace(u'\n', QStringLiteral(", "));
    QStringList description;
    for (const auto &[label, value] : details())
        description << label + QStringLiteral(": ") + value;
    invite.description = description.join(u'\n');
    invite.organizerName = m_mail.siteName;
    invite.organizerAddress = m_mail.fromAddress;
    invite.attendeeAddress = m_mail.recipient;
    return invite;
}

QByteArray ConfirmationMail::qrPng() const
{
    const QImage image = QrCodeImage::render(m_mail.booking.code, 8);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

QByteArray ConfirmationMail::message(const QDateTime &now, const QString &messageId) const
{
    const QByteArray mixed = boundary("mixed");
    const QByteArray related = boundary("related");
    const QByteArray alternative = boundary("alternative");
    const CalendarInvite calendar = invite(now);
    const bool withQr = m_mail.kind != u"cancelled";

    QByteArray out;
    out += MimeEncoding::mailboxHeader("From", m_mail.siteName, m_mail.fromAddress.toUtf8());
    out += "To: <" + m_mail.recipient.toUtf8() + ">\r\n";
    out += MimeEncoding::header("Subject", subject());
    out += "Date: " + MimeEncoding::date(now) + "\r\n";
    out += "Message-ID: <" + messageId.toUtf8() + ">\r\n";
    out += "Content-Language: " + (m_mail.language.isEmpty() ? QByteArray("en") : m_mail.language.toLatin1())
        + "\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";

    out += "--" + mixed + "\r\n";
    out += "Content-Type: multipart/related; type=\"multipart/alternative\";\r\n boundary=\"" + related
        + "\"\r\n\r\n";
    out += "--" + related + "\r\n";
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alternative + "\"\r\n\r\n";
    out += "--" + alternative + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += MimeEncoding::quotedPrintable(plainText());
    out += "--" + alternative + "\r\n";
    out += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += MimeEncoding::quotedPrintable(html());
    out += "--" + alternative + "--\r\n";
    if (withQr) {
        out += "--" + related + "\r\n";
        out += "Content-Type: image/png; name=\"qr-" + m_mail.booking.code.toLatin1() + ".png\"\r\n";
        out += "Content-Transfer-Encoding: base64\r\n";
        out += "Content-ID: <qr@" + domain().toUtf8() + ">\r\n";
        out += "Content-Disposition: inline;\r\n filename=\"qr-" + m_mail.booking.code.toLatin1()
            + ".png\"\r\n\r\n";
        out += MimeEncoding::base64Lines(qrPng());
    }
    out += "--" + related + "--\r\n";
    out += "--" + mixed + "\r\n";
    out += "Content-Type: text/calendar; charset=utf-8; method=" + calendar.method() + ";\r\n name=\"booking-"
        + m_mail.booking.code.toLatin1() + ".ics\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "Content-Disposition: attachment;\r\n filename=\"booking-" + m_mail.booking.code.toLatin1()
        + ".ics\"\r\n\r\n";
    out += MimeEncoding::base64Lines(calendar.toIcs());
    out += "--" + mixed + "--\r\n";
    return out;
}
