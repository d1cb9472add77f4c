#pragma once

#include "app/server/calendarinvite.h"
#include "db/mail/outgoingmail.h"

#include <QByteArray>
#include <QDateTime>
#include <QLocale>
#include <QString>

class QTranslator;

// The e-mail for one message of mail_outbox, in the customer's language: a
// multipart/mixed message holding the text (plain and HTML alternatives,
// quoted-printable), the confirmation code's QR code as an inline PNG, and
// the booking as an .ics attachment (CalendarInvite). Pure, any thread.
// Texts are translated with the given translator (null: English), never
// with the process's, so one server writes in every customer's language.
class ConfirmationMail
{
public:
    ConfirmationMail(const OutgoingMail &mail, const QTranslator *translator);

    QString subject() const;
    QString plainText() const;
    QString html() const;
    CalendarInvite invite(const QDateTime &now) const;
    QByteArray qrPng() const;
    // The whole message (headers, blank line, body) with CRLF line ends.
    QByteArray message(const QDateTime &now, const QString &messageId) const;

    // The domain of mail.from ("example.com"), for Message-ID and UID.
    QString domain() const;
    // The customer's language's locale for dates and amounts.
    static QLocale localeFor(const QString &language);
    // The translation of a ConfirmationMail or BookingWords text in the
    // translator's language, the source when it has none.
    static QString translate(const QTranslator *translator, const char *context, const char *source);

private:
    QString t(const char *source) const;
    QString when(const QDateTime &instant) const;
    // Label and value pairs of the details block.
    QList<QPair<QString, QString>> details() const;
    QStringList closingLines() const;

    OutgoingMail m_mail;
    const QTranslator *m_translator;
    QLocale m_locale;
};
