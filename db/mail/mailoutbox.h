#pragma once

#include "db/mail/outgoingmail.h"

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>

// The confirmation e-mail queue (mail_outbox, 0008_mail.sql): bookings'
// trigger fills it; carwash-server's MailSender claims, sends and marks.
// Runs inside a unit of work on a pooled connection (blocking; throws
// DbException from the Sql helpers). A lease makes a claimed row the
// claimer's alone until it runs out, so two servers never send one message.
class MailOutbox
{
public:
    // How long a claimer owns a message: far longer than a send may take
    // (every SMTP step has its timeout), short enough that a server that
    // died mid-send delays its messages only this long.
    static constexpr int LeaseSeconds = 300;

    explicit MailOutbox(QSqlDatabase &db);

    // Up to batch pending messages that are due and not leased to another,
    // oldest first, leased to owner (FOR UPDATE SKIP LOCKED, committed
    // before it returns), attempts counted.
    QList<OutgoingMail> claim(const QString &owner, int batch);
    // Sent: never sent again. false when owner's lease was lost meanwhile.
    bool markSent(qint64 id, const QString &owner);
    // A failure: with permanent (the server refused the recipient or the
    // message for good) the message ends as failed; otherwise it is due
    // again after backoffSeconds(attempts). The error is kept either way.
    bool markFailed(qint64 id, const QString &owner, const QString &error, bool permanent);
    // Gives claimed messages back unsent (a server shutting down), due at
    // once for the next claimer, the attempt not counted.
    void release(const QList<qint64> &ids, const QString &owner);
    // Pending messages (due or not): for the "not configured" log line.
    int pendingCount();

    // 1 min, 5, 15, 60, then every 4 h: a mail server down for a day costs
    // a handful of attempts, not a storm.
    static int backoffSeconds(int attempts);

private:
    QSqlDatabase &m_db;
};
