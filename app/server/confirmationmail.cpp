#include "app/server/confirmationmail.h"

#include "app/server/mimeencoding.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QTranslator>
#include <QUuid>

namespace {

constexpr char Context[] = "ConfirmationMail";

QByteArray boundary(const char *what)
{
    return "=_cw_" + QByteArray(what) + '_' + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
}

} // namespace

ConfirmationMail::ConfirmationMail(const OutgoingMail &mail, const QTranslator *translator)
    : m_mail(mail)
    , m_translator(translator)
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

QString ConfirmationMail::translate(const QTranslator *translator, const char *context, const char *source)
{
    const QString translated = translator ? translator->translate(context, source) : QString();
    return translated.isEmpty() ? QString::fromUtf8(source) : translated;
}

QString ConfirmationMail::t(const char *source) const
{
    return translate(m_translator, Context, source);
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
        return t(QT_TRANSLATE_NOOP("ConfirmationMail", "Cancelled: your booking %1 at %2"))
            .arg(m_mail.booking.code, site);
    if (m_mail.kind == u"moved")
        return t(QT_TRANSLATE_NOOP("ConfirmationMail", "New time for your booking %1 at %2"))
            .arg(m_mail.booking.code, site);
    return t(QT_TRANSLATE_NOOP("ConfirmationMail", "Booking confirmed: %1 at %2"))
        .arg(m_mail.booking.code, site);
}

QList<QPair<QString, QString>> ConfirmationMail::details() const
{
    const Booking &b = m_mail.booking;
    QString wash = b.serviceName;
    for (const BookedAddon &addon : b.addons)
        wash += QStringLiteral(" + ") + addon.name;
    QString vehicle = b.vehicleClass;
    if (vehicle == u"car")
        vehicle = translate(m_translator, "BookingWords", QT_TRANSLATE_NOOP("BookingWords", "Car"));
    else if (vehicle == u"suv")
        vehicle = translate(m_translator, "BookingWords", QT_TRANSLATE_NOOP("BookingWords", "SUV"));
    else if (vehicle == u"truck")
        vehicle = translate(m_translator, "BookingWords", QT_TRANSLATE_NOOP("BookingWords", "Truck"));
    return {
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Confirmation code")), b.code},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Wash")), wash},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Vehicle")), vehicle + QStringLiteral(", ") + b.plate},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Start")), when(b.start)},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "End")), when(b.end)},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Bay")), b.bay.name},
        {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Price")),
         Money::format(b.priceCents, b.currency, m_locale)},
    };
}

QStringList ConfirmationMail::closingLines() const
{
    QStringList lines;
    if (m_mail.kind == u"cancelled") {
        if (m_mail.paidCents > 0)
            lines << t(QT_TRANSLATE_NOOP(
                           "ConfirmationMail",
                           "You paid %1 for this booking; it is refunded to you the way you paid."))
                         .arg(Money::format(m_mail.paidCents, m_mail.booking.currency, m_locale));
        lines << t(QT_TRANSLATE_NOOP("ConfirmationMail",
                                     "The attached calendar file removes the booking from your calendar."))
              << t(QT_TRANSLATE_NOOP(
                     "ConfirmationMail",
                     "If you did not ask for this, please contact us. You are welcome to book "
                     "again at any time."));
        return lines;
    }
    lines << t(QT_TRANSLATE_NOOP("ConfirmationMail",
                                 "Please arrive a few minutes before the start and show this code or its QR "
                                 "code at the desk or the kiosk."))
          << t(QT_TRANSLATE_NOOP("ConfirmationMail",
                                 "The attached calendar file adds the booking to your calendar."));
    return lines;
}

QString ConfirmationMail::plainText() const
{
    QString intro;
    if (m_mail.kind == u"cancelled")
        intro = t(QT_TRANSLATE_NOOP("ConfirmationMail", "Your booking at %1 has been cancelled."));
    else if (m_mail.kind == u"moved")
        intro
            = t(QT_TRANSLATE_NOOP("ConfirmationMail", "Your booking at %1 has a new time. The new details:"));
    else
        intro = t(
            QT_TRANSLATE_NOOP("ConfirmationMail", "Thank you for booking at %1. Your booking is confirmed:"));
    QStringList lines {t(QT_TRANSLATE_NOOP("ConfirmationMail", "Hello %1,")).arg(m_mail.booking.customerName),
                       QString(), intro.arg(m_mail.siteName), QString()};
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
                   .arg(e(domain()),
                        e(t(QT_TRANSLATE_NOOP("ConfirmationMail", "QR code of the confirmation code %1"))
                              .arg(m_mail.booking.code)));
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
