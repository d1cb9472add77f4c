#pragma once

#include "db/mail/outgoingmail.h"
#include "server/mail/calendarinvite.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QString>

// The e-mail for one message of mail_outbox, in the customer's language: a
// multipart/mixed message holding the text (plain and HTML alternatives,
// quoted-printable), the confirmation code's QR code as an inline PNG, and
// the booking as an .ics attachment (CalendarInvite). Pure, any thread.
// Its texts are tr()'s in the language current on the calling thread: make
// and read it inside a LanguageScope(mail.language) (server/api/
// apilanguage.h), so one server writes in every customer's language.
class ConfirmationMail
{
    Q_DECLARE_TR_FUNCTIONS(ConfirmationMail)
public:
    explicit ConfirmationMail(const OutgoingMail &mail);

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

private:
    QString when(const QDateTime &instant) const;
    // Label and value pairs of the details block.
    QList<QPair<QString, QString>> details() const;
    QStringList closingLines() const;

    OutgoingMail m_mail;
    QLocale m_locale;
};
