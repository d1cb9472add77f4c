#include "db/payments/readerrepo.h"

#include "db/audit/auditlog.h"
#include "db/pool/sql.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTimeZone>

namespace {

const QString ReaderSelectSql = QStringLiteral(
    "SELECT id, label, assigned_kind, assigned_to, (extract(epoch FROM created_at) * 1000)::bigint "
    "FROM card_readers %1 ORDER BY id");

QList<CardReader> readReaders(QSqlQuery &q)
{
    QList<CardReader> readers;
    while (q.next()) {
        CardReader r;
        r.id = q.value(0).toString();
        r.label = q.value(1).toString();
        r.assignedKind = q.value(2).toString();
        r.assignedTo = q.value(3).toString();
        r.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(4).toLongLong(), QTimeZone::utc());
        readers.append(r);
    }
    return readers;
}

} // namespace

ReaderRepo::ReaderRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QString ReaderRepo::deviceWords(const QString &kind, const QString &name)
{
    return kind == u"kiosk" ? tr("kiosk \"%1\"").arg(name) : tr("desk \"%1\"").arg(name);
}

bool ReaderRepo::isReaderId(const QString &id)
{
    static const QRegularExpression shape(QStringLiteral("^tmr_[A-Za-z0-9_]+$"));
    return shape.match(id).hasMatch();
}

QList<CardReader> ReaderRepo::list()
{
    QSqlQuery q = Sql::exec(m_db, ReaderSelectSql.arg(QString()));
    return readReaders(q);
}

std::optional<CardReader> ReaderRepo::byId(const QString &id)
{
    QSqlQuery q = Sql::exec(m_db, ReaderSelectSql.arg(QStringLiteral("WHERE id = ?")), {id});
    const QList<CardReader> readers = readReaders(q);
    return readers.isEmpty() ? std::nullopt : std::optional<CardReader>(readers.first());
}

std::optional<CardReader> ReaderRepo::forDevice(const QString &kind, const QString &name)
{
    QSqlQuery q
        = Sql::exec(m_db, ReaderSelectSql.arg(QStringLiteral("WHERE assigned_kind = ? AND assigned_to = ?")),
                    {kind, name});
    const QList<CardReader> readers = readReaders(q);
    return readers.isEmpty() ? std::nullopt : std::optional<CardReader>(readers.first());
}

DbResult<CardReader> ReaderRepo::add(const QString &id, const QString &label, const QString &actor)
{
    if (!isReaderId(id))
        return DbError(DbError::Kind::Invalid,
                       tr("\"%1\" is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see the "
                          "readers in Stripe's dashboard).")
                           .arg(id));
    if (label.trimmed().isEmpty())
        return DbError(DbError::Kind::Invalid,
                       tr("Give the reader a label people recognise it by, such as "
                          "\"Front desk reader\"."));
    Transaction tx(m_db);
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("INSERT INTO card_readers (id, label) VALUES (?, ?) "
                                           "ON CONFLICT (id) DO NOTHING RETURNING id"),
                            {id, label.trimmed()});
    if (!q.next())
        return DbError(DbError::Kind::Invalid, tr("Reader %1 is registered already.").arg(id));
    AuditLog::write(m_db, actor, QStringLiteral("reader.added"), QStringLiteral("card_reader"), id,
                    {{QStringLiteral("label"), label.trimmed()}});
    const CardReader reader = *byId(id);
    tx.commit();
    return reader;
}

DbResult<Done> ReaderRepo::remove(const QString &id, const QString &actor)
{
    Transaction tx(m_db);
    QSqlQuery q
        = Sql::exec(m_db, QStringLiteral("DELETE FROM card_readers WHERE id = ? RETURNING label"), {id});
    if (!q.next())
        return DbError(DbError::Kind::NotFound, tr("There is no card reader %1.").arg(id));
    AuditLog::write(m_db, actor, QStringLiteral("reader.removed"), QStringLiteral("card_reader"), id,
                    {{QStringLiteral("label"), q.value(0).toString()}});
    tx.commit();
    return Done {};
}

DbResult<CardReader> ReaderRepo::assign(const QString &id, const QString &kind, const QString &name,
                                        const QString &actor)
{
    if (kind != u"desk" && kind != u"kiosk")
        return DbError(DbError::Kind::Invalid,
                       tr("A reader serves a desk or a kiosk, not \"%1\".").arg(kind));
    const QString device = name.trimmed();
    if (device.isEmpty())
        return DbError(DbError::Kind::Invalid, tr("Name the desk or kiosk the reader serves."));
    Transaction tx(m_db);
    // Assignments take turns, so two managers giving one desk two readers
    // at once get a sentence, not a unique-index error.
    Sql::exec(m_db, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('card_readers.assign'))"));
    QSqlQuery found
        = Sql::exec(m_db, QStringLiteral("SELECT 1 FROM card_readers WHERE id = ? FOR UPDATE"), {id});
    if (!found.next())
        return DbError(DbError::Kind::NotFound, tr("There is no card reader %1.").arg(id));
    const std::optional<CardReader> holder = forDevice(kind, device);
    if (holder && holder->id != id)
        return DbError(DbError::Kind::Invalid,
                       tr("The %1 has reader %2 already; a desk or kiosk has one reader. "
                          "Unassign %2 first.")
                           .arg(deviceWords(kind, device), holder->id));
    Sql::exec(m_db, QStringLiteral("UPDATE card_readers SET assigned_kind = ?, assigned_to = ? WHERE id = ?"),
              {kind, device, id});
    AuditLog::write(m_db, actor, QStringLiteral("reader.assigned"), QStringLiteral("card_reader"), id,
                    {{QStringLiteral("kind"), kind}, {QStringLiteral("name"), device}});
    const CardReader reader = *byId(id);
    tx.commit();
    return reader;
}

DbResult<CardReader> ReaderRepo::unassign(const QString &id, const QString &actor)
{
    Transaction tx(m_db);
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("UPDATE card_readers SET assigned_kind = NULL, assigned_to = NULL "
                                           "WHERE id = ? RETURNING id"),
                            {id});
    if (!q.next())
        return DbError(DbError::Kind::NotFound, tr("There is no card reader %1.").arg(id));
    AuditLog::write(m_db, actor, QStringLiteral("reader.unassigned"), QStringLiteral("card_reader"), id);
    const CardReader reader = *byId(id);
    tx.commit();
    return reader;
}
