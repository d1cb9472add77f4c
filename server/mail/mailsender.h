#pragma once

#include "db/calendar/sitesettings.h"
#include "db/config/databaseconfig.h"
#include "db/mail/outgoingmail.h"
#include "db/notify/notificationlistener.h"
#include "server/mail/smtpclient.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

class ConnectionPool;

// Sends the confirmation e-mails of mail_outbox (0008_mail.sql): LISTENs on
// 'mail_outbox' (the bookings trigger notifies at commit) and polls as the
// fallback, claims due messages with a lease (MailOutbox, so two servers
// never send one message), sends them one at a time through SmtpClient with
// the SMTP settings of site_settings (mail.*) and the password of the
// environment, and marks each sent, or failed with backoff (a 5xx refusal
// of the recipient or message: failed for good). With no mail.smtp_host or
// mail.from set, nothing is claimed (the mail waits) and that is logged
// once. Each message is written in its language through LanguageScope
// (carwash-server installs the RequestTranslator the API uses). Logs name
// messages by id and booking code only. Lives on the
// server's thread and never blocks it. stop(): no more claims, the message
// under way is dropped and everything claimed given back; stopped() follows.
class MailSender : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultPollMs = 5000;
    // Few enough that their sends (each bounded by the SMTP client's
    // deadline) end well within the lease.
    static constexpr int ClaimBatch = 4;
    // The environment variable the SMTP password is read from.
    static constexpr char PasswordVariable[] = "CARWASH_SMTP_PASSWORD";

    // pool must outlive the sender.
    MailSender(ConnectionPool &pool, const QString &smtpPassword, QObject *parent = nullptr);
    ~MailSender() override;

    void setPollInterval(int milliseconds) { m_poll.setInterval(milliseconds); }

    void start(const DatabaseConfig &config);
    void stop();
    bool isStopped() const { return m_stopped; }

Q_SIGNALS:
    void stopped();

private:
    struct Claimed
    {
        SiteSettings settings;
        QList<OutgoingMail> mails;
        int pending = 0;
    };

    void claim();
    void release(const QList<qint64> &ids);
    void sendNext();
    void sent(const OutgoingMail &mail, const SmtpResult &result);
    void finishStopIfDone();

    ConnectionPool &m_pool;
    QString m_password;
    QString m_owner; // this process's lease name
    NotificationListener m_listener;
    QTimer m_poll;
    SmtpClient m_smtp;
    SmtpSettings m_settings;
    QList<OutgoingMail> m_batch;
    OutgoingMail m_current;
    bool m_sending = false;
    int m_marking = 0;
    bool m_claiming = false;
    bool m_claimAgain = false;
    bool m_lastClaimFull = false;
    bool m_toldUnconfigured = false;
    bool m_stopping = false;
    bool m_listenerClosed = false;
    bool m_stopped = false;
};
