// The catalogue's add-ons and the services that offer each (CatalogRepo).
#include "db/catalogue/catalogrepo.h"

#include "db/audit/auditlog.h"
#include "db/catalogue/catalogrepo_p.h"
#include "db/pool/sql.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace CatalogRepoDetail;

namespace {

const QString AddonsSql = QStringLiteral(R"(
SELECT a.id, a.name, a.price_cents, a.extra_minutes, a.active,
       (SELECT count(*) FROM booking_addons AS ba WHERE ba.addon_id = a.id),
       (SELECT json_agg(sa.service_id ORDER BY sa.service_id) FROM service_addons AS sa
         WHERE sa.addon_id = a.id)::text
  FROM addons AS a
 WHERE %1
 ORDER BY a.sort_order, a.name, a.id %2)");

} // namespace

QList<CatalogueAddon> CatalogRepoDetail::readAddons(QSqlDatabase &db, const QString &filter,
                                                    const QVariantList &binds, bool lock)
{
    QList<CatalogueAddon> rows;
    QSqlQuery query
        = Sql::exec(db, AddonsSql.arg(filter, lock ? QStringLiteral("FOR UPDATE OF a") : QString()), binds);
    while (query.next()) {
        CatalogueAddon a;
        a.id = query.value(0).toLongLong();
        a.name = query.value(1).toString();
        a.priceCents = query.value(2).toLongLong();
        a.extraMinutes = query.value(3).toInt();
        a.active = query.value(4).toBool();
        a.bookingCount = query.value(5).toInt();
        a.serviceIds = idsFrom(query.value(6));
        rows.append(a);
    }
    return rows;
}

static const CatalogRepoDetail::Table AddonsTable {
    QStringLiteral("addons"), QStringLiteral("addon"),
    QStringLiteral("SELECT count(*) FROM booking_addons WHERE addon_id = ?"),
    [](QSqlDatabase &db, qint64 id) -> std::optional<CatalogRepoDetail::LockedRow> {
        const auto rows = readAddons(db, QStringLiteral("a.id = ?"), {id}, true);
        if (rows.isEmpty())
            return std::nullopt;
        return CatalogRepoDetail::LockedRow {rows.first().toJson(), rows.first().name};
    }};

QList<FieldError> CatalogRepo::validate(const CatalogueAddon &addon)
{
    QList<FieldError> errors;
    checkName(addon.name, errors);
    if (addon.priceCents < 0 || addon.priceCents > MaxPriceCents)
        errors.append({QStringLiteral("price"), tr("The price must be from 0 to %1.").arg(maxPriceText())});
    if (addon.extraMinutes < 0 || addon.extraMinutes > MaxExtraMinutes)
        errors.append({QStringLiteral("extraMinutes"),
                       tr("The extra time must be 0 to %1 minutes, not %2.")
                           .arg(MaxExtraMinutes)
                           .arg(addon.extraMinutes)});
    return errors;
}

DbResult<SaveOutcome> CatalogRepo::saveAddon(const CatalogueAddon &input, const QString &actor)
{
    CatalogueAddon a = input;
    a.name = normaliseName(a.name);
    a.serviceIds = sortedUnique(a.serviceIds);
    if (QList<FieldError> errors = validate(a); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(AddonsTable, a.name, a.id))
            return duplicateName(*taken, tr("An add-on"));
        if (QList<FieldError> errors = unknownServices(a.serviceIds); !errors.isEmpty())
            return SaveOutcome::refused(std::move(errors));
        const QString money = currency();
        QJsonObject before;
        if (a.id != 0) {
            const QList<CatalogueAddon> old = readAddons(m_db, QStringLiteral("a.id = ?"), {a.id}, true);
            if (old.isEmpty())
                return DbError(
                    DbError::Kind::NotFound,
                    tr("There is no add-on with ID %1 (it may have just been deleted).").arg(a.id));
            before = old.first().toJson();
            Sql::exec(m_db,
                      QStringLiteral("UPDATE addons SET name = ?, price_cents = ?, currency = ?, "
                                     "extra_minutes = ?, active = ? WHERE id = ?"),
                      {a.name, a.priceCents, money, a.extraMinutes, a.active, a.id});
        } else {
            a.id = Sql::scalar(
                       m_db,
                       QStringLiteral("INSERT INTO addons (name, price_cents, currency, extra_minutes, "
                                      "active, sort_order) VALUES (?, ?, ?, ?, ?, "
                                      "(SELECT COALESCE(max(sort_order), 0) + 10 FROM addons)) "
                                      "RETURNING id"),
                       {a.name, a.priceCents, money, a.extraMinutes, a.active})
                       .toLongLong();
        }
        setLinks(QStringLiteral("service_addons"), QStringLiteral("addon_id"), a.id, a.serviceIds);
        AuditLog::write(m_db, actor,
                        before.isEmpty() ? QStringLiteral("addon.create") : QStringLiteral("addon.update"),
                        AddonsTable.entity, QString::number(a.id), change(before, a.toJson()));
        tx.commit();
        return SaveOutcome::saved(a.id);
    } catch (const DbException &e) {
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(a.name, tr("An add-on"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::removeAddon(qint64 id, const QString &actor)
{
    return remove(AddonsTable, id, actor);
}
