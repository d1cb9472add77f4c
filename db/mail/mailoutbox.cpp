#include "db/mail/mailoutbox.h"

#include "db/bookings/bookingrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QSqlQuery>

namespace {

constexpr int MaxErrorLength = 1000;

const QString ClaimSql = QStringLiteral(R"(
WITH due AS (
    SELECT id FROM mail_outbox
     WHERE status = 'pending' AND next_attempt_at <= now()
       AND (lease_until IS NULL OR lease_until < now())
     ORDER BY next_attempt_at, id
     LIMIT ?
       FOR UPDATE SKIP LOCKED
)
UPDATE mail_outbox AS m
   SET lease_owner = ?, lease_until = now() + ? * interval '1 second', attempts = m.attempts + 1
  FROM due
 WHERE m.id = due.id
RETURNING m.id, m.booking_id, m.kind, m.recipient, m.language, m.sequence, m.attempts,
          (extract(epoch FROM m.starts_at) * 1000)::bigint, (extract(epoch FROM m.ends_at) * 1000)::bigint,
          m.bay_id, (SELECT y.name FROM bays AS y WHERE y.id = m.bay_id),
          (SELECT COALESCE(sum(p.amount_cents), 0) FROM payments AS p
            WHERE p.booking_id = m.booking_id AND p.status IN ('succeeded', 'refunded')))");

} // namespace

MailOutbox::MailOutbox(QSqlDatabase &db)
    : m_db(db)
{ }

int MailOutbox::backoffSeconds(int attempts)
{
    static constexpr int Steps[] = {60, 5 * 60, 15 * 60, 60 * 60};
    if (attempts < 1)
        return Steps[0];
    if (attempts <= int(std::size(Steps)))
        return Steps[attempts - 1];
    return 4 * 60 * 60;
}

QList<OutgoingMail> MailOutbox::claim(const QString &owner, int batch)
{
    Transaction tx(m_db);
    const SiteSettings site = SettingsRepo(m_db).load();
    QList<OutgoingMail> mails;
    QList<qint64> bookingIds;
    {
        QSqlQuery query = Sql::exec(m_db, ClaimSql, {batch, owner, LeaseSeconds});
        while (query.next()) {
            OutgoingMail mail;
            mail.id = query.value(0).toLongLong();
            bookingIds.append(query.value(1).toLongLong());
            mail.kind = query.value(2).toString();
            mail.recipient = query.value(3).toString();
            mail.language = query.value(4).isNull() ? site.mailLanguage : query.value(4).toString();
            mail.sequence = query.value(5).toInt();
            mail.attempts = query.value(6).toInt();
            mail.booking.start = IsoTime::fromEpochMs(query.value(7).toLongLong(), site.timeZone);
            mail.booking.end = IsoTime::fromEpochMs(query.value(8).toLongLong(), site.timeZone);
            mail.booking.bay = {query.value(9).toLongLong(), query.value(10).toString()};
            mail.paidCents = query.value(11).toLongLong();
            mail.siteName = site.siteName;
            mail.siteAddress = site.siteAddress;
            mail.timeZone = site.timeZone;
            mail.fromAddress = site.mailFrom;
            mails.append(mail);
        }
    }
    BookingRepo bookings(m_db);
    for (qsizetype i = 0; i < mails.size(); ++i) {
        OutgoingMail &mail = mails[i];
        const std::optional<Booking> now = bookings.byId(bookingIds.at(i));
        if (!now)
            continue; // ON DELETE CASCADE: cannot happen while the row exists
        const QDateTime start = mail.booking.start;
        const QDateTime end = mail.booking.end;
        const BayRef bay = mail.booking.bay;
        mail.booking = *now;
        mail.booking.start = start;
        mail.booking.end = end;
        mail.booking.bay = bay;
    }
    tx.commit();
    return mails;
}

bool MailOutbox::markSent(qint64 id, const QString &owner)
{
    QSqlQuery query = Sql::exec(m_db,
                                QStringLiteral("UPDATE mail_outbox SET status = 'sent', sent_at = now(), "
                                               "lease_owner = NULL, lease_until = NULL, last_error = NULL "
                                               "WHERE id = ? AND lease_owner = ? AND status = 'pending'"),
                                {id, owner});
    return query.numRowsAffected() == 1;
}

bool MailOutbox::markFailed(qint64 id, const QString &owner, const QString &error, bool permanent)
{
    Transaction tx(m_db);
    QSqlQuery leased
        = Sql::exec(m_db,
                    QStringLiteral("SELECT attempts FROM mail_outbox "
                                   "WHERE id = ? AND lease_owner = ? AND status = 'pending' FOR UPDATE"),
                    {id, owner});
    if (!leased.next())
        return false; // the lease ran out and another claimer has it
    const int attempts = leased.value(0).toInt();
    QSqlQuery query = Sql::exec(
        m_db,
        QStringLiteral("UPDATE mail_outbox SET status = CASE WHEN ? THEN 'failed' ELSE 'pending' END, "
                       "next_attempt_at = now() + ? * interval '1 second', last_error = ?, "
                       "lease_owner = NULL, lease_until = NULL "
                       "WHERE id = ? AND lease_owner = ? AND status = 'pending'"),
        {permanent, backoffSeconds(attempts), error.left(MaxErrorLength), id, owner});
    const bool marked = query.numRowsAffected() == 1;
    tx.commit();
    return marked;
}

void MailOutbox::release(const QList<qint64> &ids, const QString &owner)
{
    Sql::exec(m_db,
              QStringLiteral("UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL, "
                             "attempts = greatest(attempts - 1, 0) "
                             "WHERE id = ANY (?::bigint[]) AND lease_owner = ? AND status = 'pending'"),
              {Sql::idArray(ids), owner});
}

int MailOutbox::pendingCount()
{
    return Sql::scalar(m_db, QStringLiteral("SELECT count(*) FROM mail_outbox WHERE status = 'pending'"))
        .toInt();
}
