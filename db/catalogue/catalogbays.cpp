// The bays and the services each performs (CatalogRepo).
#include "db/catalogue/catalogrepo.h"

#include "db/audit/auditlog.h"
#include "db/catalogue/catalogrepo_p.h"
#include "db/pool/sql.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace CatalogRepoDetail;

namespace {

const QString BaysSql = QStringLiteral(R"(
SELECT y.id, y.name, y.kind, y.active,
       (SELECT count(*) FROM bookings AS b WHERE b.bay_id = y.id),
       (SELECT json_agg(bs.service_id ORDER BY bs.service_id) FROM bay_services AS bs
         WHERE bs.bay_id = y.id)::text
  FROM bays AS y
 WHERE %1
 ORDER BY y.sort_order, y.name, y.id %2)");

} // namespace

QList<CatalogueBay> CatalogRepoDetail::readBays(QSqlDatabase &db, const QString &filter,
                                                const QVariantList &binds, bool lock)
{
    QList<CatalogueBay> rows;
    QSqlQuery query
        = Sql::exec(db, BaysSql.arg(filter, lock ? QStringLiteral("FOR UPDATE OF y") : QString()), binds);
    while (query.next()) {
        CatalogueBay b;
        b.id = query.value(0).toLongLong();
        b.name = query.value(1).toString();
        b.kind = query.value(2).toString();
        b.active = query.value(3).toBool();
        b.bookingCount = query.value(4).toInt();
        b.serviceIds = idsFrom(query.value(5));
        rows.append(b);
    }
    return rows;
}

static const CatalogRepoDetail::Table BaysTable {
    QStringLiteral("bays"), QStringLiteral("bay"),
    QStringLiteral("SELECT count(*) FROM bookings WHERE bay_id = ?"),
    [](QSqlDatabase &db, qint64 id) -> std::optional<CatalogRepoDetail::LockedRow> {
        const auto rows = readBays(db, QStringLiteral("y.id = ?"), {id}, true);
        if (rows.isEmpty())
            return std::nullopt;
        return CatalogRepoDetail::LockedRow {rows.first().toJson(), rows.first().name};
    }};

QList<FieldError> CatalogRepo::validate(const CatalogueBay &bay)
{
    QList<FieldError> errors;
    checkName(bay.name, errors);
    if (!bayKinds().contains(bay.kind))
        errors.append({QStringLiteral("kind"),
                       tr("The kind must be one of %1, not \"%2\".")
                           .arg(bayKinds().join(QStringLiteral(", ")), bay.kind)});
    return errors;
}

DbResult<SaveOutcome> CatalogRepo::saveBay(const CatalogueBay &input, const QString &actor)
{
    CatalogueBay b = input;
    b.name = normaliseName(b.name);
    b.serviceIds = sortedUnique(b.serviceIds);
    if (QList<FieldError> errors = validate(b); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(BaysTable, b.name, b.id))
            return duplicateName(*taken, tr("A bay"));
        if (QList<FieldError> errors = unknownServices(b.serviceIds); !errors.isEmpty())
            return SaveOutcome::refused(std::move(errors));
        QJsonObject before;
        QString note;
        if (b.id != 0) {
            const QList<CatalogueBay> old = readBays(m_db, QStringLiteral("y.id = ?"), {b.id}, true);
            if (old.isEmpty())
                return DbError(DbError::Kind::NotFound,
                               tr("There is no bay with ID %1 (it may have just been deleted).").arg(b.id));
            before = old.first().toJson();
            Sql::exec(m_db, QStringLiteral("UPDATE bays SET name = ?, kind = ?, active = ? WHERE id = ?"),
                      {b.name, b.kind, b.active, b.id});
            if (old.first().active && !b.active) {
                // Deactivating takes no new bookings; the ones already made
                // stay, and the desk must know to move or keep them.
                const int upcoming
                    = Sql::scalar(m_db,
                                  QStringLiteral(
                                      "SELECT count(*) FROM bookings WHERE bay_id = ? AND starts_at > now() "
                                      "AND status IN ('held', 'confirmed', 'checked_in', 'in_progress')"),
                                  {b.id})
                          .toInt();
                if (upcoming > 0)
                    note = tr("%1 takes no new bookings; %n upcoming booking(s) already on it stay there.",
                              nullptr, upcoming)
                               .arg(b.name);
            }
        } else {
            b.id = Sql::scalar(
                       m_db,
                       QStringLiteral("INSERT INTO bays (name, kind, active, sort_order) VALUES (?, ?, ?, "
                                      "(SELECT COALESCE(max(sort_order), 0) + 10 FROM bays)) RETURNING id"),
                       {b.name, b.kind, b.active})
                       .toLongLong();
        }
        setLinks(QStringLiteral("bay_services"), QStringLiteral("bay_id"), b.id, b.serviceIds);
        AuditLog::write(m_db, actor,
                        before.isEmpty() ? QStringLiteral("bay.create") : QStringLiteral("bay.update"),
                        BaysTable.entity, QString::number(b.id), change(before, b.toJson()));
        tx.commit();
        return SaveOutcome::saved(b.id, note);
    } catch (const DbException &e) {
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(b.name, tr("A bay"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::removeBay(qint64 id, const QString &actor)
{
    return remove(BaysTable, id, actor);
}
