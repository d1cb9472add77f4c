#include "server/mail/mailsender.h"

#include "db/calendar/settingsrepo.h"
#include "db/mail/mailoutbox.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "server/api/apilanguage.h"
#include "server/mail/confirmationmail.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QUuid>

Q_LOGGING_CATEGORY(lcMail, "carwash.server.mail", QtInfoMsg)

MailSender::MailSender(ConnectionPool &pool, const QString &smtpPassword, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_password(smtpPassword)
    , m_owner(QStringLiteral("%1:%2:%3")
                  .arg(QSysInfo::machineHostName())
                  .arg(QCoreApplication::applicationPid())
                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(8)))
    , m_listener({QStringLiteral("mail_outbox")})
{
    m_poll.setInterval(DefaultPollMs);
    connect(&m_poll, &QTimer::timeout, this, &MailSender::claim);
    connect(&m_listener, &NotificationListener::notification, this, &MailSender::claim);
    connect(&m_listener, &NotificationListener::resyncNeeded, this, &MailSender::claim);
    connect(&m_listener, &NotificationListener::stopped, this, [this] {
        m_listenerClosed = true;
        finishStopIfDone();
    });
    connect(&m_smtp, &SmtpClient::finished, this, [this](const SmtpResult &result) {
        m_sending = false;
        sent(m_current, result);
    });
}

MailSender::~MailSender()
{
    m_listener.stop();
}

void MailSender::start(const DatabaseConfig &config)
{
    m_listener.start(config);
    m_poll.start();
    claim();
}

void MailSender::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_poll.stop();
    m_listener.requestStop();
    // What was claimed and not sent goes back to the queue at once.
    QList<qint64> unsent;
    for (const OutgoingMail &mail : std::as_const(m_batch))
        unsent << mail.id;
    m_batch.clear();
    if (m_sending) {
        unsent << m_current.id;
        m_sending = false;
        m_smtp.abort(); // finished() comes while m_sending is false: ignored below
    }
    release(unsent);
    finishStopIfDone();
}

void MailSender::release(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    ++m_marking;
    const QString owner = m_owner;
    auto released = m_pool.withRetry(QStringLiteral("mail_outbox.release"), RetryPolicy::standard(),
                                     [ids, owner](QSqlDatabase &db) {
                                         MailOutbox(db).release(ids, owner);
                                         return true;
                                     });
    auto done = [this] {
        --m_marking;
        finishStopIfDone();
    };
    Async::onResult(
        released, this, [done](const DbResult<bool> &) { done(); }, done);
}

void MailSender::claim()
{
    if (m_stopping)
        return;
    if (m_claiming || m_sending || !m_batch.isEmpty() || m_marking > 0) {
        m_claimAgain = true;
        return;
    }
    m_claiming = true;
    m_claimAgain = false;
    const QString owner = m_owner;
    auto claimed = m_pool.withRetry(QStringLiteral("mail_outbox.claim"), RetryPolicy::standard(),
                                    [owner](QSqlDatabase &db) {
                                        Claimed c;
                                        c.settings = SettingsRepo(db).load();
                                        if (c.settings.smtpHost.isEmpty() || c.settings.mailFrom.isEmpty())
                                            c.pending = MailOutbox(db).pendingCount();
                                        else
                                            c.mails = MailOutbox(db).claim(owner, ClaimBatch);
                                        return c;
                                    });
    Async::onResult(
        claimed, this,
        [this](const DbResult<Claimed> &result) {
            m_claiming = false;
            if (!result.ok()) {
                qCWarning(lcMail).noquote() << "no mail claimed:" << result.error().toLogString();
                finishStopIfDone();
                return; // the next poll tries again
            }
            const SiteSettings &site = result->settings;
            if (site.smtpHost.isEmpty() || site.mailFrom.isEmpty()) {
                if (!m_toldUnconfigured)
                    qCWarning(lcMail).noquote()
                        << "mail is not configured (set mail.smtp_host and mail.from in the site settings):"
                        << result->pending << "message(s) wait in the queue";
                m_toldUnconfigured = true;
                finishStopIfDone();
                return;
            }
            if (m_toldUnconfigured)
                qCInfo(lcMail) << "mail is configured now; sending what waited";
            m_toldUnconfigured = false;
            if (m_stopping) {
                // Claimed just as we stopped: back to the queue.
                QList<qint64> ids;
                for (const OutgoingMail &mail : result->mails)
                    ids << mail.id;
                release(ids);
                finishStopIfDone();
                return;
            }
            m_settings.host = site.smtpHost;
            m_settings.port = quint16(site.smtpPort);
            m_settings.security = SmtpSettings::securityFrom(site.smtpSecurity);
            m_settings.user = site.smtpUser;
            m_settings.password = m_password;
            m_settings.heloName = QSysInfo::machineHostName().isEmpty() ? QStringLiteral("localhost")
                                                                        : QSysInfo::machineHostName();
            m_batch = result->mails;
            m_lastClaimFull = m_batch.size() == ClaimBatch;
            sendNext();
        },
        [this] {
            m_claiming = false;
            finishStopIfDone();
        });
}

void MailSender::sendNext()
{
    if (m_stopping || m_sending || m_marking > 0)
        return;
    if (m_batch.isEmpty()) {
        // A full batch may have left more behind; a notification may have
        // come while this batch was out.
        if (m_lastClaimFull || m_claimAgain) {
            m_lastClaimFull = false;
            claim();
        }
        return;
    }
    m_current = m_batch.takeFirst();
    const LanguageScope language(m_current.language);
    const ConfirmationMail mail(m_current);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString messageId = QUuid::createUuid().toString(QUuid::WithoutBraces) + u'@' + mail.domain();
    m_sending = true;
    m_smtp.send(m_settings, m_current.fromAddress.toUtf8(), m_current.recipient.toUtf8(),
                mail.message(now, messageId));
}

void MailSender::sent(const OutgoingMail &mail, const SmtpResult &result)
{
    if (m_stopping)
        return; // stop() gave it back already
    if (result.ok)
        qCInfo(lcMail).noquote() << "sent mail" << mail.id << QStringLiteral("(%1)").arg(mail.kind)
                                 << "for booking" << mail.booking.code;
    else
        // The server's reply text may quote the address: the log gets its
        // code only; mail_outbox.last_error keeps the whole answer.
        qCWarning(lcMail).noquote()
            << "mail" << mail.id << "for booking" << mail.booking.code << "not sent (attempt" << mail.attempts
            << "):"
            << (result.replyCode > 0 ? QStringLiteral("SMTP reply %1").arg(result.replyCode) : result.error)
            << (result.permanent ? "- refused for good, not retried" : "- will be retried");
    ++m_marking;
    const QString owner = m_owner;
    const qint64 id = mail.id;
    auto marked = m_pool.withRetry(
        QStringLiteral("mail_outbox.mark"), RetryPolicy::critical(), [id, owner, result](QSqlDatabase &db) {
            return result.ok ? MailOutbox(db).markSent(id, owner)
                             : MailOutbox(db).markFailed(id, owner, result.error, result.permanent);
        });
    Async::onResult(
        marked, this,
        [this, id](const DbResult<bool> &done) {
            --m_marking;
            if (!done.ok())
                qCWarning(lcMail).noquote() << "mail" << id << "not marked:" << done.error().toLogString();
            else if (!*done)
                qCWarning(lcMail) << "mail" << id << "was no longer ours to mark (its lease ran out)";
            finishStopIfDone();
            sendNext();
        },
        [this] {
            --m_marking;
            finishStopIfDone();
        });
}

void MailSender::finishStopIfDone()
{
    if (!m_stopping || m_stopped || !m_listenerClosed || m_marking > 0 || m_claiming)
        return;
    m_stopped = true;
    Q_EMIT stopped();
}
